package app

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/channels"
	"highvibe/app/crm"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// seedDemoCRM gives the demo tenant six months of customers, orders and invoices in TRY with a
// paving contractor's season (work picks up in spring), so every KPI chart has a story. Won
// leads seeded by the inbox room become customers linked to their lead; none is fine too.
func seedDemoCRM(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	rng := rand.New(rand.NewPCG(15, 8))
	first := []string{"Ahmet", "Mehmet", "Ayşe", "Fatma", "Mustafa", "Emine", "Hüseyin", "Zeynep", "İbrahim", "Elif", "Çağrı", "Gülşen", "Şükrü", "Özlem", "Ümit", "Hatice"}
	last := []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Çavuş", "Koç"}
	cities := []string{"İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Kocaeli"}
	works := []string{"villa bahçesi granit döşeme", "otopark kilit parke 8 cm", "bahçe yolu andezit", "havuz kenarı bazalt", "site içi küp taş yol", "teras begonit"}
	now := time.Now()
	day := int64(86400000)
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		// Customers from won leads first, then walk-in customers.
		ids, names, err := inbox.WonLeadsWithoutCustomer(ctx, tx, 40)
		if err != nil {
			return err
		}
		type cust struct{ id, lead int64 }
		var custs []cust
		for k, leadID := range ids {
			c := &crm.Customer{Name: names[k], City: cities[rng.IntN(len(cities))]}
			if err := crm.SaveCustomer(ctx, tx, c); err != nil {
				return err
			}
			if err := inbox.SetLeadCustomer(ctx, tx, leadID, c.ID); err != nil {
				return err
			}
			custs = append(custs, cust{c.ID, leadID})
		}
		for i := len(custs); i < 60; i++ {
			c := &crm.Customer{Name: first[rng.IntN(len(first))] + " " + last[rng.IntN(len(last))],
				Phone: fmt.Sprintf("05%d%d %03d %02d %02d", 3+rng.IntN(2), rng.IntN(10), rng.IntN(1000), rng.IntN(100), rng.IntN(100)),
				City:  cities[rng.IntN(len(cities))]}
			if i%4 == 0 {
				c.Company = last[rng.IntN(len(last))] + " İnşaat"
			}
			if i%7 == 0 {
				c.Phone = "" // incomplete records keep the data-quality score honest
			}
			if err := crm.SaveCustomer(ctx, tx, c); err != nil {
				return err
			}
			custs = append(custs, cust{id: c.ID})
		}
		// Orders over six months; the monthly count grows toward the season (weight by month).
		for m := 5; m >= 0; m-- {
			monthStart := time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
			season := 1 + 0.6*math.Sin(float64(int(monthStart.Month())-3)/12*2*math.Pi) // peaks around June
			count := int(14*season) + 6 - m
			for k := 0; k < count; k++ {
				at := monthStart.UnixMilli() + rng.Int64N(27*day)
				if at > now.UnixMilli() {
					at = now.UnixMilli() - rng.Int64N(3*day)
				}
				c := custs[rng.IntN(len(custs))]
				area := 40 + rng.IntN(400)
				o := &crm.Order{CustomerID: c.id, LeadID: c.lead, Currency: "TRY", Total: float64(area) * (650 + float64(rng.IntN(900))),
					Description: fmt.Sprintf("%d m² %s", area, works[rng.IntN(len(works))]), OrderedAt: at}
				age := now.UnixMilli() - at
				switch {
				case rng.IntN(12) == 0:
					o.Status = "cancelled"
				case age < 20*day && rng.IntN(2) == 0:
					o.Status = "open"
				case age > 45*day:
					o.Status = "fulfilled"
				default:
					o.Status = "won"
				}
				if err := crm.SaveOrder(ctx, tx, o); err != nil {
					return err
				}
				if o.Status == "open" || o.Status == "cancelled" {
					continue
				}
				v := &crm.Invoice{CustomerID: c.id, OrderID: o.ID, Number: fmt.Sprintf("OCT-%d-%04d", time.UnixMilli(at).Year(), o.ID),
					Amount: o.Total, Currency: "TRY", IssuedAt: at + 2*day, Status: "sent"}
				if paid := at + int64(5+rng.IntN(25))*day; paid < now.UnixMilli() && rng.IntN(6) > 0 {
					v.Status, v.PaidAt = "paid", paid
				}
				if err := crm.SaveInvoice(ctx, tx, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("demo: crm: %w", err)
	}
	// A first snapshot so the KPI page and dashboard have numbers on the first visit.
	p := analytics.ParamsFrom(t.Setting)
	p.Trigger = "demo"
	if tt, err := s.Platform.TenantBySlug(ctx, t.Slug); err == nil {
		p = analytics.ParamsFrom(tt.Setting)
		p.Trigger = "demo"
	}
	p.Channels = channels.Registry().Names()
	_, err = analytics.Refresh(ctx, db, p)
	return err
}
