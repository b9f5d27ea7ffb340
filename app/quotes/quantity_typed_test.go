package quotes_test

import (
	"net/http"
	"strconv"
	"testing"
)

// A quote line's quantity is read in the language of the person typing it, by the amounts'
// rules: "1.250" m² is one thousand two hundred fifty to a person writing Turkish and one and a
// quarter to one writing English; the editor writes it back so that it reads back the same.
func TestQuoteQuantityReadAsTyped(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	for _, s := range []struct {
		lang, typed string
		want        int
		shown       string
	}{{"tr", "1.250", 1_250_000, "1250"}, {"en", "1.250", 1_250, "1.25"}, {"tr", "12,5", 12_500, "12,5"}, {"en", "1,250.5", 1_250_500, "1250.5"}} {
		id := newQuote(t, f.op, f.conv, nil)
		path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
		form := lines(pid)
		form["quantity"] = []string{s.typed, "120", "", ""}
		if r := f.op.Post(path+"?lang="+s.lang, form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s %q: save %d", s.lang, s.typed, r.StatusCode)
		}
		if got := f.count(t, `SELECT quantity FROM quote_lines WHERE quote_id = ? AND position = 1`, id); got != s.want {
			t.Errorf("%s: %q stored as %d thousandths, want %d", s.lang, s.typed, got, s.want)
		}
		if got := f.op.Get(path+"?lang="+s.lang).Doc(t).Find("#quantity-1").AttrOr("value", "?"); got != s.shown {
			t.Errorf("%s: %q shown back as %q, want %q", s.lang, s.typed, got, s.shown)
		}
	}
}
