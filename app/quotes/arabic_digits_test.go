package quotes_test

import (
	"net/http"
	"strconv"
	"testing"
)

// An operator on an Arabic keyboard fills a quote in Arabic-Indic and Eastern Arabic digits with
// the Arabic decimal separator: quantities, a unit price, a percent and the "valid until" day are
// stored as the same numbers and day as in ASCII; the labour line's name is kept as typed.
func TestQuoteArabicDigits(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	form := lines(pid)
	form.Set("valid_until", "٢٠٢٦-١٢-٣١")
	form["quantity"] = []string{"١٢٠", "۱۲۰٫۵", "", ""}
	form["unit_price"] = []string{"", "١٨٠٫٢٥", "", ""}
	form["percent"] = []string{"", "", "٨٫٥", ""}
	form["name"] = []string{"", "تركيب ٢", "Fire payı", ""}
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body[:min(800, len(r.Body))])
	}
	if got := f.str(t, `SELECT date(valid_until / 1000, 'unixepoch') FROM quotes WHERE id = ?`, id); got != "2026-12-31" {
		t.Errorf("valid until stored as %s", got)
	}
	if got := f.str(t, `SELECT quantity || ' ' || unit_price || ' ' || name FROM quote_lines WHERE quote_id = ? AND kind = 'labour'`, id); got != "120500 18025 تركيب ٢" {
		t.Errorf("labour line stored as %q", got)
	}
	if got := f.str(t, `SELECT quantity FROM quote_lines WHERE quote_id = ? AND kind = 'product'`, id); got != "120000" {
		t.Errorf("product quantity stored as %s", got)
	}
	if got := f.str(t, `SELECT percent FROM quote_lines WHERE quote_id = ? AND kind = 'allowance'`, id); got != "850" {
		t.Errorf("percent stored as %s", got)
	}
	form.Set("valid_until", "٢٠٢٦-١٣-٣١")
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("a 13th month: %d, want 422", r.StatusCode)
	}
}
