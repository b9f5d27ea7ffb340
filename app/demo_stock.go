package app

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"highvibe/app/crm"
	"highvibe/app/inventory"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// demoStock is the demo contractor's stock (m², module inventory): on hand after the history
// below, the reorder level and quantity. Two products sit below their level and one is out, so
// the list's low-stock filter and the approval queue have something to show; KUP-TAS-DOGAL is not
// counted at all.
var demoStock = []struct {
	SKU                   string
	Received, Counted     float64 // a delivery 40 days ago, a count 9 days ago (0: none)
	Level, Qty            float64
	CountReason, CountWhy string
}{
	{SKU: "BGN-6", Received: 520, Counted: 480, Level: 150, Qty: 400, CountReason: "damaged", CountWhy: "Forklift kırdı, 2 palet"},
	{SKU: "GRN-KUP-GRI", Received: 140, Counted: 80, Level: 80, Qty: 200, CountReason: "count"},
	{SKU: "GRN-PLAKA-3", Received: 160, Counted: 140, Level: 40, CountReason: "count"},
	{SKU: "AND-PLAKA-3", Received: 90, Counted: 18, Level: 30, Qty: 120, CountReason: "count"},
	{SKU: "BZL-KUP", Received: 95, Level: 50},
	{SKU: "KP-6", Received: 1250, Level: 300, Qty: 800},
	{SKU: "KP-8", Received: 600, Counted: 250, Level: 250, Qty: 600, CountReason: "count"},
	{SKU: "KP-10", Received: 380, Level: 200},
}

// seedDemoStockLevels turns the inventory module on for the demo and gives its catalog a stock
// history: a delivery, a count and the owner's reorder levels. seedDemoAI calls it right after the
// catalog, so the assistant's stock questions see the stock.
func seedDemoStockLevels(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	cur, err := s.Platform.TenantBySlug(ctx, t.Slug)
	if err != nil {
		return err
	}
	mods := strings.Join(append(cur.EnabledModules(), platform.ModuleInventory), ",")
	if err := s.Platform.SetSettings(ctx, t.Slug, map[string]string{"modules": mods}); err != nil {
		return fmt.Errorf("demo stock: modules: %w", err)
	}
	ps, err := crm.Products(ctx, db, false)
	if err != nil {
		return err
	}
	bySKU := map[string]*crm.Product{}
	for _, p := range ps {
		bySKU[p.SKU] = p
	}
	now := time.Now()
	owner, depot := crm.Actor{Name: DemoUserName}, crm.Actor{Name: "Depo"}
	milli := func(f float64) int64 { return int64(f * 1000) }
	for i, st := range demoStock {
		p := bySKU[st.SKU]
		if p == nil {
			continue
		}
		at := now.Add(-40*24*time.Hour + time.Duration(i)*17*time.Minute)
		if err := inventory.BookAt(ctx, db, inventory.Booked{ProductID: p.ID, Kind: "received", Qty: milli(st.Received), Note: "İlk sevkiyat", By: depot, At: at}); err != nil {
			return fmt.Errorf("demo stock: %s: %w", st.SKU, err)
		}
		if st.Counted > 0 {
			if err := inventory.BookAt(ctx, db, inventory.Booked{ProductID: p.ID, Kind: "adjusted", Qty: milli(st.Counted), Reason: st.CountReason,
				Note: st.CountWhy, By: depot, At: now.Add(-9*24*time.Hour + time.Duration(i)*11*time.Minute)}); err != nil {
				return fmt.Errorf("demo stock: %s: %w", st.SKU, err)
			}
		}
		in := inventory.Settings{ReorderLevel: fmt.Sprint(st.Level)}
		if st.Qty > 0 {
			in.ReorderQty = fmt.Sprint(st.Qty)
		}
		if err := inventory.SaveSettings(ctx, db, p.ID, in, owner); err != nil {
			return fmt.Errorf("demo stock: %s: %w", st.SKU, err)
		}
	}
	return nil
}

// seedDemoStock is one order won today that takes stone out of stock (through the CRM, as a person
// saving the order would): 40 m² of 8 cm pavers and 18 m² of andesite slabs, so two products sit
// at or below their level and one runs out; the low-stock recommendations are raised at once.
func seedDemoStock(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	ps, err := crm.Products(ctx, db, false)
	if err != nil {
		return err
	}
	bySKU := map[string]*crm.Product{}
	for _, p := range ps {
		bySKU[p.SKU] = p
	}
	owner := crm.Actor{Name: DemoUserName}
	milli := func(f float64) int64 { return int64(f * 1000) }
	custs, err := crm.CustomerOptions(ctx, db)
	if err != nil || len(custs) == 0 {
		return err
	}
	var custID int64
	if _, err := fmt.Sscan(custs[0].Value, &custID); err != nil {
		return fmt.Errorf("demo stock: customer: %w", err)
	}
	o := &crm.Order{CustomerID: custID, Status: "won", Total: 40*340 + 18*980, Currency: "TRY", Description: "Bahçe yolu, kilit parke ve andezit",
		LinesSet: true, By: owner}
	for _, l := range []struct {
		sku string
		qty float64
	}{{"KP-8", 40}, {"AND-PLAKA-3", 18}} {
		if p := bySKU[l.sku]; p != nil {
			o.Lines = append(o.Lines, crm.OrderLine{ProductID: p.ID, Quantity: milli(l.qty)})
		}
	}
	if err := db.InTx(ctx, func(tx *sql.Tx) error { return crm.SaveOrder(ctx, tx, o) }); err != nil {
		return fmt.Errorf("demo stock: order: %w", err)
	}
	_, err = inventory.CheckLow(ctx, db, time.Now())
	return err
}
