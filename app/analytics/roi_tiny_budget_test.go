package analytics_test

import (
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// TestROIOverATinyBudgetSaysSo: the demo's KPI page and dashboard read "ROI %625.279,4": six months
// of paid revenue (25.5 million ₺) over a 20-dollar-a-month AI budget (4,080 ₺), the SPEC's formula
// faithfully applied, and a figure that made an owner doubt every other card. Above 10,000 % (a
// budget under a hundredth of the revenue) both cards say "over 10,000 %", and the KPI card names
// the budget and the revenue it compares; the snapshot keeps the exact figure.
func TestROIOverATinyBudgetSaysSo(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "talha", "owner")
	if _, err := e.DB("acme").Write.Exec(`INSERT INTO analytics_snapshots(model_name, kpi, chart_pack, generated_at) VALUES('test', ?, '{}', ?)`,
		`{"currency":"TRY","paid_revenue":25515480,"budget_period":4080,"roi":625279.4}`, tenantdb.Now()); err != nil {
		t.Fatal(err)
	}
	for lang, want := range map[string][3]string{
		"tr": {"%10.000'in üzerinde", "4.080 ₺", "25.515.480 ₺"},
		"en": {"over 10,000%", "₺4,080", "₺25,515,480"},
	} {
		doc := owner.Get("/app/analytics/?lang=" + lang).Doc(t)
		card := doc.Find(`[data-kpi="roi"]`)
		if got := strings.TrimSpace(card.Find(".card-value").Text()); got != want[0] {
			t.Errorf("%s: the ROI card shows %q, want %q", lang, got, want[0])
		}
		if note := card.Find(".card-empty").Text(); !strings.Contains(note, want[1]) || !strings.Contains(note, want[2]) {
			t.Errorf("%s: the ROI card's note %q does not name the budget %s and the revenue %s", lang, note, want[1], want[2])
		}
		if strings.Contains(doc.Text(), "625") {
			t.Errorf("%s: the KPI page still prints the 625,279 %%", lang)
		}
		dash := owner.Get("/app/?lang=" + lang).Doc(t)
		if got := strings.TrimSpace(dash.Find(`[data-card="roi"] .card-value`).Text()); got != want[0] {
			t.Errorf("%s: the dashboard's ROI card shows %q, want %q", lang, got, want[0])
		}
	}
}
