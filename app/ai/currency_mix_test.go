package ai_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"highvibe/app/crm"
)

// TestEstimateKeepsToOneCurrency: the business (in TRY) sells a local grey granite at 1.450 TRY
// per m² and an imported granite slab at 45 EUR. A customer asks the price of 200 m² of granite
// on the widget. The draft waiting for approval gives the range of the products in the
// business's currency only — it read "9.500 – 313.200 EUR", the cheapest product's price in
// euros and the dearest in lira under one currency — and the queue says which product was left
// out for being priced in another currency, in the reader's language.
func TestEstimateKeepsToOneCurrency(t *testing.T) {
	e := setup(t)
	db := e.DB("acme")
	if _, err := crm.SaveProduct(context.Background(), db, 0, crm.Product{SKU: "GRN-IMP", Name: "İthal Granit Plaka", Category: "granit",
		Unit: "m2", UnitPrice: 45, Currency: "EUR", Active: true}, crm.Actor{Name: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE products SET active = 0 WHERE sku = 'GRN-PLK'`); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"text": "200 m² gri granit istiyorum, fiyatı ne olur?", "name": "Deniz", "consent": true})
	if r := e.Client().PostJSON("/widget/api/acme/messages", body, nil); r.StatusCode/100 != 2 {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	settle(t, e, "ai_triage")
	draft := one[string](t, e, `SELECT draft_reply FROM decision_recommendations WHERE action_type = 'pricing' AND status = 'pending'`)
	// 200 m² × (1.05..1.08) × 1.450 TRY
	if !strings.Contains(draft, "304.500 – 313.200 ₺") || strings.Contains(draft, "EUR") {
		t.Fatalf("the draft's range mixes currencies: %q", draft)
	}
	sum := one[string](t, e, `SELECT summary FROM decision_recommendations WHERE action_type = 'pricing' AND status = 'pending'`)
	if !strings.Contains(sum, "İthal Granit Plaka") {
		t.Errorf("the stored summary does not name the product left out: %q", sum)
	}
	owner := e.User("acme", "talha", "owner")
	for lang, want := range map[string]string{"tr": "Başka para biriminde fiyatlı olduğu için hesaba katılmadı: İthal Granit Plaka (EUR)",
		"en": "Left out, priced in another currency: İthal Granit Plaka (EUR)"} {
		p := owner.Get("/app/approvals/?lang=" + lang)
		if !strings.Contains(p.Body, want) {
			t.Errorf("%s queue does not say what was left out (%q): %s", lang, want, p.Doc(t).Find("#queue .rec").Text())
		}
	}
}

// TestEstimateReadsInWholeUnits: an estimate is rounded to hundreds, and the queue wrote it with
// decimals it never has ("304.500,00 ₺ – 399.600,00 ₺"); it reads as the amounts of the leads
// list do, in the reader's language.
func TestEstimateReadsInWholeUnits(t *testing.T) {
	e := setup(t)
	body, _ := json.Marshal(map[string]any{"text": "200 m² villa bahçesi, gri granit istiyorum, fiyatı ne olur?", "name": "Deniz", "consent": true})
	if r := e.Client().PostJSON("/widget/api/acme/messages", body, nil); r.StatusCode/100 != 2 {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	settle(t, e, "ai_triage")
	owner := e.User("acme", "talha", "owner")
	for lang, want := range map[string]string{"tr": "304.500 ₺ – 399.600 ₺", "en": "₺304,500 – ₺399,600"} {
		p := owner.Get("/app/approvals/?lang=" + lang)
		if !strings.Contains(p.Body, want) {
			t.Errorf("%s queue does not read the estimate %q: %s", lang, want, p.Doc(t).Find("#queue .rec .small").First().Text())
		}
	}
}
