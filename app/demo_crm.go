package app

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
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
// leads seeded by the inbox room become customers linked to their lead; none is fine too. The
// random source is seeded, so the demo is the same every time.
func seedDemoCRM(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	rng := rand.New(rand.NewPCG(15, 8))
	now := time.Now()
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		custs, err := seedDemoCustomers(ctx, tx, rng)
		if err != nil {
			return err
		}
		offers, err := inbox.OfferedLeads(ctx, tx)
		if err != nil {
			return err
		}
		won := &demoWon{orders: map[int64]*crm.Order{}}
		for _, o := range offers {
			if o.Stage == "won" && o.CustomerID > 0 {
				won.leads = append(won.leads, o)
			}
		}
		if err := seedDemoOrders(ctx, tx, rng, custs, now, won); err != nil {
			return err
		}
		return seedDemoQuoteHistory(ctx, s, tx, offers, won.orders)
	})
	if err != nil {
		return fmt.Errorf("demo: crm: %w", err)
	}
	return nil
}

// seedDemoSnapshot takes a first KPI snapshot so the KPI page and dashboard have numbers on the
// first visit. It runs after every other seeder of a demo tenant: taken earlier (it used to follow
// the CRM records), the site visits seeded after it read 0 booked and 0 done until the next
// snapshot. The tenant is read again for its settings as they are now (its modules).
func seedDemoSnapshot(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	if tt, err := s.Platform.TenantBySlug(ctx, t.Slug); err == nil {
		t = tt
	}
	p := analytics.ParamsFrom(t.Setting)
	p.MSP = t.HasModule(platform.ModuleMSP)
	p.Seasonal = t.HasModule(platform.ModuleSeasonal)
	p.Trigger = "demo"
	p.Channels = channels.Registry().Names()
	if _, err := analytics.Refresh(ctx, db, p); err != nil {
		return fmt.Errorf("demo: snapshot: %w", err)
	}
	return nil
}

// demoCustomer is a seeded customer and the won lead it came from (0 = a walk-in).
type demoCustomer struct{ id, lead int64 }

var (
	demoFirstNames = []string{"Ahmet", "Mehmet", "Ayşe", "Fatma", "Mustafa", "Emine", "Hüseyin", "Zeynep", "İbrahim", "Elif", "Çağrı", "Gülşen", "Şükrü", "Özlem", "Ümit", "Hatice"}
	demoLastNames  = []string{"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Çavuş", "Koç"}
	demoCities     = []string{"İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Kocaeli"}
	demoWorks      = []string{"villa bahçesi granit döşeme", "otopark kilit parke 8 cm", "bahçe yolu andezit", "havuz kenarı bazalt", "site içi küp taş yol", "teras begonit"}
	demoWorksEN    = []string{"villa garden granite paving", "car park 8 cm interlocking pavers", "garden path andesite", "pool surround basalt", "estate road cobbles", "terrace begonit pavers"}
)

// demoWorkOf is the job a lead's order and quote describe, in the lead's language ("en" or
// Turkish): the place and the stone its first message names ("villa bahçesi gri granit küp taş",
// "grey granite cobbles, villa garden"), else one of demoWorks picked by the lead.
func demoWorkOf(msg, lang string, lead int64) string {
	longest := func(xs []string) string {
		best := ""
		for _, x := range xs {
			if strings.Contains(msg, x) && len(x) > len(best) {
				best = x
			}
		}
		return best
	}
	if lang == "en" {
		prod, place := longest(demoProductsEN), longest(demoPlacesEN)
		switch {
		case prod != "" && place != "":
			return prod + ", " + place
		case prod != "":
			return prod
		}
		return demoWorksEN[int(lead)%len(demoWorksEN)]
	}
	prod, place := longest(demoProducts), longest(demoPlaces)
	switch {
	case prod != "" && place != "":
		return place + " " + prod
	case prod != "":
		return prod + " döşeme"
	case place != "":
		return place + " taş döşeme"
	}
	return demoWorks[int(lead)%len(demoWorks)]
}

const demoDay = int64(86400000)

// seedDemoCustomers makes up to 40 won leads customers (linked to their lead), then walk-in
// customers up to 60 in all.
func seedDemoCustomers(ctx context.Context, tx *sql.Tx, rng *rand.Rand) ([]demoCustomer, error) {
	ids, names, err := inbox.WonLeadsWithoutCustomer(ctx, tx, 40)
	if err != nil {
		return nil, err
	}
	var custs []demoCustomer
	for k, leadID := range ids {
		c := &crm.Customer{Name: names[k], City: demoCities[rng.IntN(len(demoCities))]}
		if err := crm.SaveCustomer(ctx, tx, c); err != nil {
			return nil, err
		}
		if err := inbox.SetLeadCustomer(ctx, tx, leadID, c.ID); err != nil {
			return nil, err
		}
		custs = append(custs, demoCustomer{c.ID, leadID})
	}
	for i := len(custs); i < 60; i++ {
		c := demoWalkIn(rng, i)
		if err := crm.SaveCustomer(ctx, tx, c); err != nil {
			return nil, err
		}
		custs = append(custs, demoCustomer{id: c.ID})
	}
	return custs, nil
}

// demoWalkIn is the i-th made-up walk-in customer: every fourth a company, every seventh without
// a phone (incomplete records keep the data-quality score honest).
func demoWalkIn(rng *rand.Rand, i int) *crm.Customer {
	c := &crm.Customer{Name: demoFirstNames[rng.IntN(len(demoFirstNames))] + " " + demoLastNames[rng.IntN(len(demoLastNames))],
		Phone: fmt.Sprintf("05%d%d %03d %02d %02d", 3+rng.IntN(2), rng.IntN(10), rng.IntN(1000), rng.IntN(100), rng.IntN(100)),
		City:  demoCities[rng.IntN(len(demoCities))]}
	if i%4 == 0 {
		c.Company = demoLastNames[rng.IntN(len(demoLastNames))] + " İnşaat"
	}
	if i%7 == 0 {
		c.Phone = ""
	}
	return c
}

// seedDemoOrders writes six months of orders, the monthly count growing toward the season, and
// an invoice for each won or fulfilled one. The business is older than its six months in the
// panel: the month before them has its orders too, and of their invoices those not paid before
// the six months. Without them the first month's paid revenue held only the payments of its own first
// weeks, a third of a month, and the revenue forecast's backtest, starting from that jump, read 0 %.
func seedDemoOrders(ctx context.Context, tx *sql.Tx, rng *rand.Rand, custs []demoCustomer, now time.Time, won *demoWon) error {
	window := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -5, 0).UnixMilli()
	for m := 6; m >= 0; m-- {
		monthStart := time.Date(now.Year(), now.Month(), 1, 9, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
		for range demoMonthCount(monthStart, m) {
			o := demoOrder(rng, custs, monthStart, now)
			won.claim(o, monthStart)
			v := demoInvoice(rng, o, now)
			if err := crm.SaveOrder(ctx, tx, o); err != nil {
				return err
			}
			if o.Status == "open" || o.Status == "cancelled" || m == 6 && v.Status == "paid" && v.PaidAt < window {
				continue // an invoice paid before the six months is not in the panel's books
			}
			v.OrderID, v.Number = o.ID, fmt.Sprintf("OCT-%d-%04d", time.UnixMilli(o.OrderedAt).Year(), o.ID)
			if err := crm.SaveInvoice(ctx, tx, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoWon are the won leads whose customer accepted a written offer (inbox.OfferedLeads), oldest
// acceptance first, and the orders they became.
type demoWon struct {
	leads  []inbox.OfferedLead
	next   int
	orders map[int64]*crm.Order // lead → its order
}

// claim makes the month's order o the order of the next won lead accepted in that month, if any
// is left and o is not cancelled: dated at the acceptance, for the area the customer wrote of, at a
// price per m² whose written quote (20 % KDV) comes to o's total exactly. The other orders are
// walk-ins'. Nothing is drawn from the random source, so the orders' draws stay as they were.
func (w *demoWon) claim(o *crm.Order, monthStart time.Time) {
	first := time.Date(monthStart.Year(), monthStart.Month(), 1, 0, 0, 0, 0, time.UTC)
	for w.next < len(w.leads) && w.leads[w.next].LastAt < first.UnixMilli() {
		w.next++ // accepted before the months with orders
	}
	if o.Status == "cancelled" || w.next >= len(w.leads) || w.leads[w.next].LastAt >= first.AddDate(0, 1, 0).UnixMilli() {
		return
	}
	l := w.leads[w.next]
	w.next++
	area := demoAreaOf(l.FirstMessage, l.LeadID)
	price := demoPricePerM2(l.LeadID)
	work := demoWorkOf(l.FirstMessage, l.Language, l.LeadID)
	o.CustomerID, o.LeadID, o.OrderedAt = l.CustomerID, l.LeadID, l.LastAt
	o.Total, o.Description = float64(area*price), fmt.Sprintf("%d m² %s", area, work)
	w.orders[l.LeadID] = o
}

// demoAreaOf is the area a customer's first message names ("… 450 m² …"), else one from the lead.
func demoAreaOf(msg string, lead int64) int {
	fields := strings.Fields(msg)
	for i := 1; i < len(fields); i++ {
		if strings.HasPrefix(fields[i], "m²") {
			if n, err := strconv.Atoi(fields[i-1]); err == nil && n > 0 {
				return n
			}
		}
	}
	return 40 + int(lead*37%400)
}

// demoPricePerM2 is the price per m² (TRY, KDV included) of a lead's job: 650–1,549, a multiple
// of 3 so its quote's net price per m² is whole kuruş and the KDV on it exact.
func demoPricePerM2(lead int64) int {
	p := 650 + int(lead*7919%900)
	return p - p%3
}

// demoMonthCount is how many orders the month m months back gets: weighted by a season that
// peaks around June, and a little growth toward now.
func demoMonthCount(monthStart time.Time, m int) int {
	season := 1 + 0.6*math.Sin(float64(int(monthStart.Month())-3)/12*2*math.Pi)
	return int(14*season) + 6 - m
}

// demoOrder is a made-up order in the month from monthStart (never in the future): a paving job
// of 40–440 m², its status by age (recent ones may still be open, old ones fulfilled, one in
// twelve cancelled).
func demoOrder(rng *rand.Rand, custs []demoCustomer, monthStart, now time.Time) *crm.Order {
	at := monthStart.UnixMilli() + rng.Int64N(27*demoDay)
	if at > now.UnixMilli() {
		at = now.UnixMilli() - rng.Int64N(3*demoDay)
	}
	c := custs[rng.IntN(len(custs))]
	area := 40 + rng.IntN(400)
	o := &crm.Order{CustomerID: c.id, LeadID: c.lead, Currency: "TRY", Total: float64(area) * (650 + float64(rng.IntN(900))),
		Description: fmt.Sprintf("%d m² %s", area, demoWorks[rng.IntN(len(demoWorks))]), OrderedAt: at}
	age := now.UnixMilli() - at
	switch {
	case rng.IntN(12) == 0:
		o.Status = "cancelled"
	case age < 20*demoDay && rng.IntN(2) == 0:
		o.Status = "open"
	case age > 45*demoDay:
		o.Status = "fulfilled"
	default:
		o.Status = "won"
	}
	return o
}

// demoInvoice is the invoice of a stored order: issued two days after it, paid 5–30 days after
// it in five cases of six once that day has come.
func demoInvoice(rng *rand.Rand, o *crm.Order, now time.Time) *crm.Invoice {
	at := o.OrderedAt
	v := &crm.Invoice{CustomerID: o.CustomerID, OrderID: o.ID, Number: fmt.Sprintf("OCT-%d-%04d", time.UnixMilli(at).Year(), o.ID),
		Amount: o.Total, Currency: "TRY", IssuedAt: at + 2*demoDay, Status: "sent"}
	if paid := at + int64(5+rng.IntN(25))*demoDay; paid < now.UnixMilli() && rng.IntN(6) > 0 {
		v.Status, v.PaidAt = "paid", paid
	}
	return v
}
