package quotes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/i18n"
)

// TestQuoteRefusesTooLargeForWhatItIs: a line of 99,999,999 m² (or a number longer than any the
// editor reads) was refused with "Enter a quantity above zero", and a unit price of a billion
// with "Enter a price of zero or more": true of neither. The save is refused with the real reason,
// the largest value taken named in the operator's way of writing numbers, and nothing is stored;
// a zero quantity is still told it must be above zero.
func TestQuoteRefusesTooLargeForWhatItIs(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	stored := func() string {
		return f.str(t, `SELECT q.updated_at || '|' || (SELECT group_concat(quantity || ':' || unit_price, ';') FROM quote_lines WHERE quote_id = q.id)
			FROM quotes q WHERE q.id = ?`, id)
	}
	before := stored()
	for _, c := range []struct{ lang, qty, price, qtyKey, priceKey string }{
		{"tr", "99.999.999", "180", "quotes.err.quantity_max", ""},
		{"en", "99,999,999", "180", "quotes.err.quantity_max", ""},
		{"de", "100000,5", "180", "quotes.err.quantity_max", ""},
		{"es", "12345678901234567890", "180", "quotes.err.quantity_max", ""},
		{"fr", "120", "1 000 000 000", "", "quotes.err.price_max"},
		{"ar", "120", "99999999999999999", "", "quotes.err.price_max"},
		{"en", "0", "180", "quotes.err.quantity", ""},
	} {
		p := i18n.For(c.lang)
		form := lines(pid)
		form["quantity"] = []string{"120", c.qty, "", ""}
		form["unit_price"] = []string{"", c.price, "", ""}
		r := f.op.Post(path+"?lang="+c.lang, form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s %q/%q: answered %d, want 422", c.lang, c.qty, c.price, r.StatusCode)
		}
		doc := r.Doc(t)
		for input, key := range map[string]string{"#quantity-2": c.qtyKey, "#unit_price-2": c.priceKey} {
			msg := strings.TrimSpace(doc.Find(input).Closest(".field").Find(".field-error").Text())
			if key == "" {
				if msg != "" {
					t.Errorf("%s: %s has a message it should not: %q", c.lang, input, msg)
				}
				continue
			}
			if want := p.T(key); msg != want {
				t.Errorf("%s %q/%q: message at %s = %q, want %q", c.lang, c.qty, c.price, input, msg, want)
			}
			if max := map[string]int64{"quotes.err.quantity_max": 100_000, "quotes.err.price_max": 100_000_000}[key]; max != 0 && !strings.Contains(msg, p.Int(max)) {
				t.Errorf("%s: %q does not name the largest value taken, %s", c.lang, msg, p.Int(max))
			}
		}
		if got := stored(); got != before {
			t.Errorf("%s: a refused save changed the quote:\n%s\nwas\n%s", c.lang, got, before)
		}
	}
	// The largest values themselves are taken.
	form := lines(pid)
	form["quantity"] = []string{"120", "100000", "", ""}
	form["unit_price"] = []string{"", "100000000", "", ""}
	if r := f.op.Post(path+"?lang=en", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a quantity of 100,000 at 100,000,000 was refused: %d", r.StatusCode)
	}
}
