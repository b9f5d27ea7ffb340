package inventory

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/crm"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// JobLowStock is the low-stock job: for every counted product at or below its reorder level
// whose current crossing has no recommendation yet, it raises one decision recommendation in the
// approval queue ("Reorder …", with the suggested quantity) and marks the crossing as told, so
// later runs leave it alone. A stock movement that crosses the level queues a run in its own
// transaction (kick); the stock rising above the level again withdraws the recommendation
// (crossTx). Housekeeping lane: it never holds up customers' messages.
const JobLowStock = "inventory_low_stock"

// RegisterJobs hands the runner the low-stock job. moduleOn, when set, tells whether a tenant has
// the inventory module on: while it is off nothing is raised (the crossing stays untold, and the
// products page queues a run once the module is back: EnsureLowCheck).
func RegisterJobs(r *jobs.Runner, moduleOn func(ctx context.Context, slug string) (bool, error)) {
	r.HandleIn(jobs.LaneHousekeeping, JobLowStock, func(ctx context.Context, j *jobs.Job) error {
		if moduleOn != nil {
			on, err := moduleOn(ctx, j.Tenant)
			if err != nil || !on {
				return err
			}
		}
		_, err := CheckLow(ctx, j.DB, time.Now())
		return err
	})
}

// EnsureLowCheck queues a low-stock run when a counted product sits at or below its level with
// its crossing untold and no run is queued (the module was off when it crossed). The products
// page calls it; it reads one row in the usual case.
func EnsureLowCheck(ctx context.Context, db *tenantdb.DB) error {
	var untold bool
	if err := db.Read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM stock_items WHERE low_alerted = 0 AND reorder_level IS NOT NULL
		AND on_hand <= reorder_level)`).Scan(&untold); err != nil || !untold {
		return err
	}
	waiting, err := jobs.Waiting(ctx, db.Read, jobs.LaneHousekeeping, JobLowStock)
	if err != nil || waiting {
		return err
	}
	_, err = jobs.EnqueueDB(ctx, db, JobLowStock, struct{}{}, jobs.Options{MaxAttempts: 3, DedupeKey: "ensure"})
	return err
}

// CheckLow is one run of the low-stock job; it returns how many recommendations it raised.
func CheckLow(ctx context.Context, db *tenantdb.DB, now time.Time) (int, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT product_id FROM stock_items WHERE low_alerted = 0 AND reorder_level IS NOT NULL
		AND on_hand <= reorder_level ORDER BY product_id`)
	if err != nil {
		return 0, fmt.Errorf("inventory: low stock: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, fmt.Errorf("inventory: low stock: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("inventory: low stock: %w", err)
	}
	raised := 0
	for _, id := range ids {
		p, err := crm.ProductByID(ctx, db, id)
		if err != nil {
			return raised, err
		}
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			it, err := ItemOf(ctx, tx, id)
			if err != nil || it == nil || !it.Low() || it.LowAlerted {
				return err // changed since it was read
			}
			ok, err := raiseTx(ctx, tx, p, it, now)
			if ok {
				raised++
			}
			return err
		})
		if err != nil {
			return raised, err
		}
	}
	return raised, nil
}

// raiseTx raises the low-stock recommendation of one crossing and marks it told.
func raiseTx(ctx context.Context, tx *sql.Tx, p *crm.Product, it *Item, now time.Time) (bool, error) {
	unit := it.Unit
	if unit == "" {
		unit = p.Unit
	}
	// The card says the unit as it is printed ("m²"), not as typed into the catalog ("m2").
	unit = i18n.Unit(unit)
	onHand, level, sugg := float64(it.OnHand)/1000, float64(it.ReorderLevel)/1000, float64(it.Suggested())/1000
	prio, key := "medium", "inventory.rec.low"
	if it.OnHand <= 0 {
		prio, key = "high", "inventory.rec.out"
	}
	summaryArgs := []any{onHand, unit, level}
	summary := fmt.Sprintf("%g %s on hand, at or below the reorder level of %g.", onHand, unit, level)
	if sugg > 0 {
		key += "_qty"
		summaryArgs = append(summaryArgs, sugg)
		summary += fmt.Sprintf(" Suggested order: %g %s.", sugg, unit)
	}
	recID, created, err := approvals.Create(ctx, tx, approvals.New{
		Title: "Reorder " + p.Name, Summary: summary,
		RecommendedAction: fmt.Sprintf("/products/%d/stock", p.ID),
		Priority:          prio, ActionType: "stock", Confidence: 1, ModelName: "builtin-inventory",
		DedupeKey: recKey(p.ID), CreatedAt: now.UnixMilli(),
		Words: words.Rec{Key: key, TitleArgs: []any{p.Name}, SummaryArgs: summaryArgs, Nums: true}.JSON()})
	if err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE stock_items SET low_alerted = 1 WHERE product_id = ?`, p.ID); err != nil {
		return false, fmt.Errorf("inventory: low state: %w", err)
	}
	if !created {
		return false, nil // one is still open from before (the level was lowered and raised again)
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "inventory", ActionType: "stock_low_recommended", Summary: p.SKU + " " + p.Name,
		ModelName: "builtin-inventory", Payload: map[string]any{"product_id": p.ID, "recommendation_id": recID,
			"on_hand": it.OnHand, "reorder_level": it.ReorderLevel, "suggested": it.Suggested()}})
	return true, err
}
