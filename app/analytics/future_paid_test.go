package analytics_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
)

// TestPaidRevenueEndsWithTheCurrentMonth: an invoice marked paid on a day after the current
// month (a post-dated cheque, a year typed wrong) is not paid revenue of the period, which ends
// with this month: the card counted it while the revenue chart, whose last month is this one, did
// not, so the card and the chart's bars disagreed and the ROI rose on money not yet received.
// A payment dated later this month is the current month's, on the card and on the chart alike.
func TestPaidRevenueEndsWithTheCurrentMonth(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"currency": "TRY", "monthly_budget_usd": "10", "modules": "sales"})
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
	}
	// "Today" as the server reads it: the business's time zone (the server's own until the
	// business picks one), so the test holds also when Istanbul is a day ahead of the server.
	loc, err := hoursdb.Zone(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	today := now.Format(time.DateOnly)
	lastOfMonth := time.Date(now.Year(), now.Month()+1, 0, 12, 0, 0, 0, loc).Format(time.DateOnly)
	nextYear := now.AddDate(1, 0, 0).Format(time.DateOnly)
	for _, inv := range []struct{ number, amount, paid string }{
		{"F-1", "1000", today},
		{"F-2", "500", lastOfMonth},
		{"F-3", "90000", nextYear}, // typed a year ahead
	} {
		// The form refuses a paid date after today; an import (or an invoice stored before) can
		// still carry one, so the later dates are put on the stored rows.
		if r := owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "number": {inv.number}, "amount": {inv.amount}, "currency": {"TRY"},
			"status": {"paid"}, "issued_at": {today}, "paid_at": {today}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("invoice %s: %d %s", inv.number, r.StatusCode, r.Body)
		}
		paid, _ := time.ParseInLocation(time.DateOnly, inv.paid, loc)
		if _, err := e.DB("acme").Write.Exec(`UPDATE invoices SET paid_at = ? WHERE number = ?`, paid.Add(12*time.Hour).UnixMilli(), inv.number); err != nil {
			t.Fatal(err)
		}
	}
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh = %d", r.StatusCode)
	}
	r := owner.Get("/app/analytics/chart_pack.json")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("chart pack: %d", r.StatusCode)
	}
	var pack struct {
		KPI struct {
			PaidRevenue float64  `json:"paid_revenue"`
			ROI         *float64 `json:"roi"`
		} `json:"kpi"`
		ChartPack struct {
			Revenue struct {
				Data []struct {
					Y []float64 `json:"y"`
				} `json:"data"`
			} `json:"revenue_series"`
		} `json:"chart_pack"`
	}
	if err := json.Unmarshal([]byte(r.Body), &pack); err != nil {
		t.Fatal(err)
	}
	if len(pack.ChartPack.Revenue.Data) == 0 || len(pack.ChartPack.Revenue.Data[0].Y) != 12 {
		t.Fatalf("revenue chart: %+v", pack.ChartPack.Revenue)
	}
	bars := pack.ChartPack.Revenue.Data[0].Y
	var charted float64
	for _, v := range bars[6:] { // the period's six months
		charted += v
	}
	if pack.KPI.PaidRevenue != 1500 || charted != 1500 {
		t.Errorf("paid revenue %v, the chart's bars of the period %v: want 1500 on both (the payment dated next year is no revenue yet)",
			pack.KPI.PaidRevenue, charted)
	}
	// Budget 10 USD × 6 months × 34 = 2,040 TRY: (1,500 − 2,040) ÷ 2,040 = −26.5 %.
	if pack.KPI.ROI == nil || *pack.KPI.ROI != -26.5 {
		t.Errorf("ROI %v, want -26.5", pack.KPI.ROI)
	}
}
