package quotes_test

import (
	"net/http"
	"strconv"
	"testing"
)

// TestEditorWritesNumbersAsTheirLanguage: a saved quote's prices, percentages, discounts and VAT
// rates come back into its editor the way the page's language writes numbers ("195,75" and
// "12,5" in Turkish, "195.75" and "12.5" in English), not with a point on a Turkish page.
func TestEditorWritesNumbersAsTheirLanguage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	form := lines(pid)
	form["unit_price"] = []string{"", "195,75", "", ""}
	form["percent"] = []string{"", "", "12,5", ""}
	form["discount"] = []string{"", "2,5", "", ""}
	form["vat"] = []string{"20", "18", "20", "20"}
	if r := f.op.Post(path, form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	for _, c := range []struct{ lang, price, percent, discount, vat string }{
		{"tr", "195,75", "12,5", "2,5", "18"},
		{"en", "195.75", "12.5", "2.5", "18"},
		{"ar", "195.75", "12.5", "2.5", "18"},
	} {
		doc := f.op.Get(path + "?lang=" + c.lang).Doc(t)
		for sel, want := range map[string]string{"#unit_price-2": c.price, "#percent-3": c.percent, "#discount-2": c.discount, "#vat-2": c.vat} {
			if got, _ := doc.Find(sel).Attr("value"); got != want {
				t.Errorf("%s: %s is %q, want %q", c.lang, sel, got, want)
			}
		}
	}
}
