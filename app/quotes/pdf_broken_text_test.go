package quotes_test

import (
	"net/http"
	"strconv"
	"testing"
)

// A quote whose stored text holds bytes that are not UTF-8 — saved before forms refused them, or
// through a product name that came in that way — still gives its PDF, as does a business name stored that way: the broken bytes are drawn as
// U+FFFD. fpdf's UTF-16 conversion used to index past the end of the broken sequence, and the
// panic answered GET /app/quotes/{id}/pdf with a 500.
func TestQuotePDFWithBrokenStoredText(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	if r := f.op.Post("/app/quotes/"+sid+"/", lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	db := f.e.DB("acme").Write
	for _, q := range []string{
		`UPDATE quote_lines SET name = 'Döşeme' || x'c328' || 'işçiliği', reason = x'ff' WHERE quote_id = ? AND kind = 'labour'`,
		`UPDATE quotes SET customer_name = 'Deniz' || x'fffe', note = 'not' || x'e282' WHERE id = ?`,
	} {
		if _, err := db.Exec(q, id); err != nil {
			t.Fatal(err)
		}
	}
	// The business's name goes into the PDF's metadata (its author) as well as onto the page.
	if _, err := f.e.Server.Platform.DB.Write.Exec(`UPDATE tenants SET name = 'Acme' || x'c3' WHERE slug = 'acme'`); err != nil {
		t.Fatal(err)
	}
	r := f.op.Get("/app/quotes/" + sid + "/pdf")
	if r.StatusCode != http.StatusOK || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}
