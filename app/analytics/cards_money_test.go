package analytics_test

import (
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// TestKPICardsWholeMoney: a KPI card is a headline figure, so its amounts are whole units in the
// reader's language ("17.694.609 ₺", "₺240,654"), not "17.694.609,00 ₺"; the ROI is the SPEC's
// percentage ("%4.335,9"), not a multiple ("43 kat") that read as revenue per unit of AI spend
// (above 10,000 % see TestROIOverATinyBudgetSaysSo).
func TestKPICardsWholeMoney(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "talha", "owner")
	if _, err := e.DB("acme").Write.Exec(`INSERT INTO analytics_snapshots(model_name, kpi, chart_pack, generated_at) VALUES('test', ?, '{}', ?)`,
		`{"currency":"TRY","paid_revenue":17694609.004,"avg_order":240653.82,"quoted_value":0.4,"roi":4335.9}`, tenantdb.Now()); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string]map[string]string{
		"tr": {"paid_revenue": "17.694.609 ₺", "avg_order": "240.654 ₺", "quoted_value": "0 ₺", "roi": "%4.335,9"},
		"en": {"paid_revenue": "₺17,694,609", "avg_order": "₺240,654", "quoted_value": "₺0", "roi": "4,335.9%"},
	} {
		doc := owner.Get("/app/analytics/?lang=" + lang).Doc(t)
		for key, w := range want {
			if got := strings.TrimSpace(doc.Find(`[data-kpi="` + key + `"] .card-value`).Text()); got != w {
				t.Errorf("%s: the %s card shows %q, want %q", lang, key, got, w)
			}
		}
	}
}
