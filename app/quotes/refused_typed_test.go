package quotes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/i18n"
)

// A refused save gives the operator back every line exactly as sent: a quantity or a price that
// cannot be read stays in its field as typed (not emptied, not the old value), the message sits at
// that field of that line in the operator's language, a blank row between lines does not shift
// the messages onto the wrong line, and nothing is stored.
func TestQuoteRefusedKeepsTypedLines(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	stored := func() string {
		return f.str(t, `SELECT q.customer_name || '|' || q.valid_until || '|' || q.updated_at || '|' || COALESCE((SELECT group_concat(kind || ':' || name || ':' || quantity || ':' || unit_price || ':' || discount, ';')
			FROM (SELECT * FROM quote_lines WHERE quote_id = q.id ORDER BY position)), '') FROM quotes q WHERE q.id = ?`, id)
	}
	before := stored()
	for _, lang := range []string{"tr", "en"} {
		p := i18n.For(lang)
		form := lines(pid)
		// Line 1 the catalog product with an unreadable quantity, line 2 left blank, line 3 labour
		// with a price that is not a number and a discount that cannot be read.
		form["customer_name"] = []string{"Deniz Yılmaz (bahçe)"}
		form["kind"] = []string{"product", "product", "labour", "allowance"}
		form["product_id"] = []string{pid, "", "", ""}
		form["name"] = []string{"", "", "Döşeme işçiliği", "Fire payı"}
		form["unit"] = []string{"", "", "m2", ""}
		form["quantity"] = []string{"12,5,0", "", "120", ""}
		form["unit_price"] = []string{"", "", "abc", ""}
		form["percent"] = []string{"", "", "", "8"}
		form["reason"] = []string{"", "", "", "Kesim firesi"}
		form["discount"] = []string{"", "", "5..", ""}
		form["vat"] = []string{"20", "20", "20", "20"}
		r := f.op.Post(path+"?lang="+lang, form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: refused save answered %d, want 422", lang, r.StatusCode)
		}
		doc := r.Doc(t)
		for _, c := range []struct{ input, typed, key string }{
			{"#quantity-1", "12,5,0", "quotes.err.quantity"},
			{"#unit_price-3", "abc", "quotes.err.price"},
			{"#discount-3", "5..", "quotes.err.percent"},
		} {
			in := doc.Find(c.input)
			if got := in.AttrOr("value", "<none>"); got != c.typed {
				t.Errorf("%s: %s shows %q after the refusal, want what was typed %q", lang, c.input, got, c.typed)
			}
			if in.AttrOr("aria-invalid", "") != "true" {
				t.Errorf("%s: %s is not marked invalid", lang, c.input)
			}
			msg := strings.TrimSpace(in.Closest(".field").Find(".field-error").Text())
			if want := p.T(c.key); msg != want {
				t.Errorf("%s: message at %s = %q, want %q", lang, c.input, msg, want)
			}
		}
		kept := map[string]string{"#name-3": "Döşeme işçiliği", "#quantity-3": "120", "#unit-3": "m2", "#percent-4": "8",
			"#reason-4": "Kesim firesi", "#customer_name": "Deniz Yılmaz (bahçe)", "#name-2": "", "#quantity-2": ""}
		for sel, want := range kept {
			if got := doc.Find(sel).AttrOr("value", "<none>"); got != want {
				t.Errorf("%s: %s shows %q, want %q as sent", lang, sel, got, want)
			}
		}
		if got := doc.Find("#kind-3 option[selected]").AttrOr("value", ""); got != "labour" {
			t.Errorf("%s: line 3's kind shows %q, want labour", lang, got)
		}
		if got := doc.Find("#product-1 option[selected]").AttrOr("value", ""); got != pid {
			t.Errorf("%s: line 1's product shows %q, want %s", lang, got, pid)
		}
		// Only the bad fields carry a message: the blank row and the good fields none.
		doc.Find(".quote-line").Each(func(_ int, s *goquery.Selection) {
			n := s.AttrOr("data-line", "")
			if errs := s.Find(".field-error").Length(); (n == "1" && errs != 1) || (n == "3" && errs != 2) || (n != "1" && n != "3" && errs != 0) {
				t.Errorf("%s: line %s shows %d messages", lang, n, errs)
			}
		})
		if got := stored(); got != before {
			t.Errorf("%s: a refused save changed the quote:\n%s\nwas\n%s", lang, got, before)
		}
	}
}
