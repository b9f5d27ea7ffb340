package analytics_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

func exec(t *testing.T, db *tenantdb.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Write.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatal(err)
	}
}

// TestUnlistedCurrencyNotGuessed: an order or invoice in a currency the fixed rate table does
// not list is left out of the sums, never counted 1:1 with the dollar (50,000 RUB were 50,000
// USD ≈ 1.7 million lira of revenue), and the KPI page says which and why in the reader's
// language; a business whose own currency has no rate gets no ROI from a budget converted 1:1.
func TestUnlistedCurrencyNotGuessed(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"currency": "TRY", "monthly_budget_usd": "10"})
	db := e.DB("acme")
	seedSmall(t, db)
	now := time.Now().UnixMilli()
	day := int64(86400000)
	exec(t, db, `INSERT INTO orders(customer_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(1, 'won', 50000, 'RUB', ?, ?, ?)`, now-day, now, now)
	exec(t, db, `INSERT INTO orders(customer_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(2, 'open', 20000, 'RUB', ?, ?, ?)`, now-day, now, now)
	exec(t, db, `INSERT INTO invoices(customer_id, amount, currency, status, issued_at, paid_at, created_at, updated_at) VALUES(1, 50000, 'RUB', 'paid', ?, ?, ?, ?)`, now-2*day, now-day, now, now)
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh = %d", r.StatusCode)
	}
	snap, err := analytics.Latest(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	// The figures of seedSmall alone (TestRefreshFromRecords): the RUB amounts add nothing.
	k := snap.KPI
	if k.PaidRevenue != 9400 || k.PipelineRevenue != 4000 || k.AvgOrder != 7000 || k.ROI == nil || *k.ROI != 360.8 {
		t.Errorf("RUB amounts counted: paid %v pipeline %v avg order %v roi %v", k.PaidRevenue, k.PipelineRevenue, k.AvgOrder, k.ROI)
	}
	page := func(c *apptest.Client, lang string) string {
		t.Helper()
		r := c.Get("/app/analytics/?lang=" + lang)
		if r.StatusCode != http.StatusOK {
			t.Fatalf("page %s = %d", lang, r.StatusCode)
		}
		return strings.Join(strings.Fields(r.Doc(t).Find("[data-unconverted]").Text()), " ")
	}
	for lang, want := range map[string][]string{
		"en": {"2 orders in RUB are not counted: HighVibe has no fixed rate for RUB.", "1 paid invoice in RUB is not counted: HighVibe has no fixed rate for RUB."},
		"tr": {"RUB cinsinden 2 sipariş sayılmadı: HighVibe'da RUB için sabit kur yok.", "RUB cinsinden 1 ödenmiş fatura sayılmadı: HighVibe'da RUB için sabit kur yok."},
	} {
		got := page(owner, lang)
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the page does not say %q; it says %q", lang, w, got)
			}
		}
	}

	// A yen business: its orders in yen count as they are, its dollar invoice cannot be
	// converted, and its dollar budget cannot be either: no ROI, and the page says why.
	e.Tenant("yen")
	e.Set("yen", map[string]string{"currency": "JPY", "monthly_budget_usd": "10"})
	ydb := e.DB("yen")
	exec(t, ydb, `INSERT INTO customers(id, name, created_at, updated_at) VALUES(1, 'Sato', ?, ?)`, now, now)
	exec(t, ydb, `INSERT INTO orders(customer_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(1, 'open', 30000, 'JPY', ?, ?, ?)`, now-day, now, now)
	exec(t, ydb, `INSERT INTO invoices(customer_id, amount, currency, status, issued_at, paid_at, created_at, updated_at) VALUES(1, 90000, 'JPY', 'paid', ?, ?, ?, ?)`, now-2*day, now-day, now, now)
	exec(t, ydb, `INSERT INTO invoices(customer_id, amount, currency, status, issued_at, paid_at, created_at, updated_at) VALUES(1, 100, 'USD', 'paid', ?, ?, ?, ?)`, now-2*day, now-day, now, now)
	sato := e.User("yen", "sato", "owner")
	if r := sato.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh yen = %d", r.StatusCode)
	}
	ys, err := analytics.Latest(context.Background(), ydb)
	if err != nil {
		t.Fatal(err)
	}
	if yk := ys.KPI; yk.PaidRevenue != 90000 || yk.PipelineRevenue != 30000 || yk.BudgetPeriod != 0 || yk.ROI != nil || !yk.BudgetNoRate {
		t.Errorf("yen business: paid %v pipeline %v budget %v roi %v no rate %v", yk.PaidRevenue, yk.PipelineRevenue, yk.BudgetPeriod, yk.ROI, yk.BudgetNoRate)
	}
	got := page(sato, "en")
	for _, w := range []string{"1 paid invoice in USD is not counted: HighVibe has no fixed rate for JPY.",
		"The AI budget (kept in US dollars) cannot be converted into JPY: HighVibe has no fixed rate for JPY, so there is no ROI."} {
		if !strings.Contains(got, w) {
			t.Errorf("yen: the page does not say %q; it says %q", w, got)
		}
	}
	if roi := strings.TrimSpace(sato.Get("/app/analytics/?lang=en").Doc(t).Find(`[data-kpi="roi"] .card-value`).Text()); roi != "—" {
		t.Errorf("yen ROI card = %q, want —", roi)
	}
	// The dashboard's ROI card says why too, not "no AI budget set".
	if body := sato.Get("/app/?lang=en").Body; !strings.Contains(body, "no fixed rate for JPY: the AI budget cannot be converted") || strings.Contains(body, "no AI budget set") {
		t.Error("yen dashboard: the ROI card does not say the budget cannot be converted")
	}
	// The ROI gauge shows the paid revenue alone: no budget line, no difference to a budget.
	var pack struct {
		ChartPack map[string]struct {
			Data []map[string]any `json:"data"`
		} `json:"chart_pack"`
	}
	if err := json.Unmarshal([]byte(sato.Get("/app/analytics/chart_pack.json?lang=en").Body), &pack); err != nil {
		t.Fatal(err)
	}
	if g := pack.ChartPack["roi_payload"].Data; len(g) != 1 || g[0]["delta"] != nil || g[0]["mode"] != "gauge+number" ||
		!strings.Contains(fmt.Sprint(g[0]["title"]), "the AI budget cannot be converted") {
		t.Errorf("yen ROI gauge: %v", g)
	}
}
