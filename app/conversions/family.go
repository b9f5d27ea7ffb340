package conversions

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// A person can stand behind several leads: inbox.MergeLeads keeps a merged lead's row, pointing
// at the lead it went into, and leaves its capture here (lead_attribution is keyed by the lead
// the click arrived with). What a lead's events go out with is therefore its person's — the lead
// it stands under and every lead merged into that one (inbox.PersonLeads) — not its own row:
// the chat lead that brought the ad click is often the one merged away, and the sale is recorded
// on the lead that was kept.

// PersonAttribution is what conversion tracking holds for the person of lead leadID: the capture
// their events go out with, and whether their marketing consent stands; nil when none of their
// leads has a capture.
//
// The capture is the person's first ad click: of their captures with a click id (gclid, gbraid,
// wbraid, fbclid/fbc, ttclid), the one captured first; without any, the first capture (its _fbp
// and campaign). It is the click the KPI page's attribution report credits the person to
// (BuildReport), and the first-touch rule a single lead already follows (a later capture never
// replaces the first), so the report and the ad platform name the same campaign.
//
// Consent is privacy first: a withdrawal (or an erasure) on any of the person's leads is
// WithdrawnAt of the result — the earliest one — so nothing more of the person is sent, whichever
// lead the withdrawal was made on and whichever lead a later event is on.
func PersonAttribution(ctx context.Context, q Querier, leadID int64) (*Attribution, error) {
	ids, err := inbox.PersonLeads(ctx, q, leadID)
	if err != nil {
		return nil, err
	}
	marks, args := inIDs(ids)
	rows, err := q.QueryContext(ctx, `SELECT `+attributionCols+` FROM lead_attribution WHERE lead_id IN (`+marks+`)
		ORDER BY (gclid = '' AND gbraid = '' AND wbraid = '' AND fbclid = '' AND fbc = '' AND ttclid = ''), created_at, lead_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("conversions: attribution of the person: %w", err)
	}
	defer rows.Close()
	var out *Attribution
	for rows.Next() {
		a, err := scanAttribution(rows)
		if err != nil {
			return nil, fmt.Errorf("conversions: attribution of the person: %w", err)
		}
		if out == nil {
			out = a
			continue
		}
		if a.WithdrawnAt != 0 && (out.WithdrawnAt == 0 || a.WithdrawnAt < out.WithdrawnAt) {
			out.WithdrawnAt = a.WithdrawnAt
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("conversions: attribution of the person: %w", err)
	}
	return out, nil
}

// personHasEvent says whether one of the person's leads (inbox.PersonLeads of leadID) has an
// event of this name already.
func personHasEvent(ctx context.Context, q Querier, leadID int64, name string) (bool, error) {
	ids, err := inbox.PersonLeads(ctx, q, leadID)
	if err != nil {
		return false, err
	}
	marks, args := inIDs(ids)
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM conversion_events WHERE name = ? AND lead_id IN (`+marks+`)`,
		append([]any{name}, args...)...).Scan(&n); err != nil {
		return false, fmt.Errorf("conversions: events of the person: %w", err)
	}
	return n > 0, nil
}

// Withdraw records that the person of lead leadID withdrew marketing consent, on every capture
// of theirs (the lead's own and those of the leads merged with it: the lead page's button is on
// the kept lead, the capture usually on a merged one): nothing more is sent for them (queued
// deliveries fail with "no marketing consent" when their job runs). ErrNotFound when the person
// has no consent left to withdraw.
func Withdraw(ctx context.Context, db *tenantdb.DB, leadID int64) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		ids, err := inbox.PersonLeads(ctx, tx, leadID)
		if err != nil {
			return err
		}
		marks, args := inIDs(ids)
		now := tenantdb.Now()
		res, err := tx.ExecContext(ctx, `UPDATE lead_attribution SET withdrawn_at = ?, updated_at = ? WHERE withdrawn_at IS NULL
			AND lead_id IN (`+marks+`)`, append([]any{now, now}, args...)...)
		if err != nil {
			return fmt.Errorf("conversions: withdraw: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		return nil
	})
}

// inIDs is the "?,?,…" of an IN list of ids and its arguments.
func inIDs(ids []int64) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?,", len(ids)), ","), args
}
