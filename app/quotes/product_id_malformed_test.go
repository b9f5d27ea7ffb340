package quotes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// A product line whose product is not a number the page's list offered ("abc": a form changed
// outside the page) is refused at that line and nothing is stored; it was read as no product and
// the line was saved as a free one, without its product, so accepting the quote took no stock.
func TestQuoteLineWithUnreadableProductIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	stored := func() string {
		return f.str(t, `SELECT q.updated_at || '|' || (SELECT group_concat(kind || ':' || coalesce(product_id, 0) || ':' || name, ';')
			FROM (SELECT * FROM quote_lines WHERE quote_id = q.id ORDER BY position)) FROM quotes q WHERE q.id = ?`, id)
	}
	before := stored()
	form := lines(pid)
	form["product_id"] = []string{"abc", "", "", ""}
	form["name"] = []string{"Granit", "Döşeme işçiliği", "Fire payı", ""}
	form["unit_price"] = []string{"100", "180", "", ""}
	r := f.op.Post(path+"?lang=tr", form)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("save answered %d, want 422", r.StatusCode)
	}
	if !strings.Contains(r.Body, "Bu ürün aktif katalogda yok.") {
		t.Error("the refusal does not name the product")
	}
	if after := stored(); after != before {
		t.Errorf("stored %q, was %q", after, before)
	}
}
