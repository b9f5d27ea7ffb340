package ai

import (
	"encoding/json"
	"strings"
	"testing"

	"highvibe/app/i18n"
	w "highvibe/app/words"
)

// A stock question says what the counted stock shows of the products the customer named — an
// empty shelf plainly, so nobody promises it — and nothing about products that are not counted.
func TestStockQuestionKnowsTheStock(t *testing.T) {
	t.Parallel()
	cat := []Product{
		{SKU: "KP-8", Name: "Kilit Parke 8 cm", Category: "kilit parke", Unit: "m2", Currency: "TRY", UnitPrice: 340, Counted: true, OnHand: 0, StockUnit: "m2"},
		{SKU: "KP-6", Name: "Kilit Parke 6 cm", Category: "kilit parke", Unit: "m2", Currency: "TRY", UnitPrice: 265, Counted: true, OnHand: 500, StockUnit: "m2"},
		{SKU: "BGN-6", Name: "Begonit 6 cm", Category: "begonit", Unit: "m2", Currency: "TRY", UnitPrice: 295},
	}
	stockRec := func(t *testing.T, text string, products []Product) Recommendation {
		t.Helper()
		r := Analyze3(Input{Text: text, Niche: "parke_tas", Products: products})
		for _, rec := range r.Recommendations {
			if rec.ActionType == "stock" {
				return rec
			}
		}
		t.Fatalf("%q: no stock recommendation in %+v", text, r.Recommendations)
		return Recommendation{}
	}
	words := func(t *testing.T, rec Recommendation, lang string) string {
		t.Helper()
		// As stored and read back, like the approval queue does.
		var wr w.Rec
		if err := json.Unmarshal([]byte(rec.Words.JSON()), &wr); err != nil {
			t.Fatal(err)
		}
		p := i18n.For(lang)
		var out []string
		for _, ph := range wr.Summary() {
			out = append(out, p.Say(ph))
		}
		return strings.Join(out, " ")
	}
	out := stockRec(t, "800 m² kilit parke 8 cm, stok var mı?", cat)
	if got := words(t, out, "tr"); !strings.Contains(got, "Stokumuzda Kilit Parke 8 cm yok") || strings.Contains(got, "6 cm") {
		t.Fatalf("tr words of an empty 8 cm shelf: %q", got)
	}
	if got := words(t, out, "en"); !strings.Contains(got, "none of Kilit Parke 8 cm: do not promise") {
		t.Fatalf("en words: %q", got)
	}
	if !strings.Contains(out.Summary, "Stokta yok: Kilit Parke 8 cm") {
		t.Fatalf("stored summary: %q", out.Summary)
	}
	have := stockRec(t, "kilit parke 6 cm stokta var mı?", cat)
	if got := words(t, have, "tr"); !strings.Contains(got, "Şu an stokta: Kilit Parke 6 cm 500 m²") {
		t.Fatalf("tr words of 500 m² on hand: %q", got)
	}
	// Nothing counted (the module off, or never counted): the question reads as before.
	var plain []Product
	for _, p := range cat {
		p.Counted = false
		plain = append(plain, p)
	}
	if got := words(t, stockRec(t, "800 m² kilit parke 8 cm, stok var mı?", plain), "en"); got != "The customer asks about availability; nothing was promised." {
		t.Fatalf("words without stock: %q", got)
	}
}
