package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// quoteForm is what a browser sends for the quote editor as drawn on doc.
func quoteForm(t *testing.T, doc *goquery.Document) url.Values {
	t.Helper()
	f := doc.Find("#quote-form")
	if f.Length() != 1 {
		t.Fatalf("%d quote editors", f.Length())
	}
	return apptest.FormValues(f)
}

// A draft quote's lines are saved as the whole list the editor shows. The owner raises the
// granite to 130 m²; an operator whose page was drawn before fixes the note: his save put the
// granite back to 120 without a word. Now lines left as drawn keep what is stored. Another
// operator, also from an older page, sets the granite to 140: both changed the lines, so his save
// stores nothing and the editor comes back saying so, his lines kept; pressed again, they are
// stored.
func TestQuoteLinesChangedMeanwhile(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	granite := func() string {
		return f.str(t, `SELECT quantity FROM quote_lines WHERE quote_id = ? AND position = 1`, id)
	}
	hers := quoteForm(t, f.owner.Get(path).Doc(t))
	older := quoteForm(t, f.op.Get(path).Doc(t))
	his := quoteForm(t, f.op.Get(path).Doc(t))
	hers["quantity"][0] = "130"
	if r := f.owner.Post(path, hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("her granite: %d", r.StatusCode)
	}
	want := granite()
	older.Set("note", "Teslim cuma")
	if r := f.op.Post(path, older); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the note from an older page: %d", r.StatusCode)
	}
	if got := granite(); got != want {
		t.Fatalf("granite after a note from an older page: %s, want her %s", got, want)
	}
	if n := f.str(t, `SELECT note FROM quotes WHERE id = ?`, id); n != "Teslim cuma" {
		t.Fatalf("note: %q", n)
	}

	his["quantity"][0] = "140"
	r := f.op.Post(path, his)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("his granite over hers: %d, want 409", r.StatusCode)
	}
	doc := r.Doc(t)
	if top := doc.Find("[data-changed-meanwhile]").Text(); !strings.Contains(top, "Kaydedilmedi") {
		t.Fatalf("notice above the editor: %q", top)
	}
	if got := granite(); got != want {
		t.Fatalf("granite after the refused save: %s, want her %s", got, want)
	}
	again := quoteForm(t, doc)
	if again["quantity"][0] != "140" {
		t.Fatalf("the editor shown again: %v", again["quantity"])
	}
	if r := f.op.Post(path, again); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second press: %d", r.StatusCode)
	}
	if got := granite(); got == want {
		t.Fatalf("granite after the second press: %s, still hers", got)
	}
}

// The lines' fingerprint was taken from the numbers as typed: an operator who retyped the labour's
// price as "180,00" (the "180" his editor showed) while fixing the note was refused as having
// changed the lines, though the owner alone had (the granite to 130). It is taken from the
// numbers as the save reads them: his lines are left as drawn, the owner's granite stays and his
// note is stored.
func TestQuoteLinesRetypedAmountIsNoChange(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	if r := f.op.Post(path, lines(pid)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("first save: %d", r.StatusCode)
	}
	hers := quoteForm(t, f.owner.Get(path).Doc(t))
	his := quoteForm(t, f.op.Get(path).Doc(t))
	hers["quantity"][0] = "130"
	if r := f.owner.Post(path, hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("her granite: %d", r.StatusCode)
	}
	want := f.str(t, `SELECT quantity FROM quote_lines WHERE quote_id = ? AND position = 1`, id)
	if his["unit_price"][1] != "180" {
		t.Fatalf("the labour's price as drawn: %q", his["unit_price"][1])
	}
	his["unit_price"][1] = "180,00"
	his.Set("note", "Teslim cuma")
	if r := f.op.Post(path, his); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("his note with a price retyped: %d, want 303", r.StatusCode)
	}
	if got := f.str(t, `SELECT quantity FROM quote_lines WHERE quote_id = ? AND position = 1`, id); got != want {
		t.Fatalf("granite after his save: %s, want her %s", got, want)
	}
	if n := f.str(t, `SELECT note FROM quotes WHERE id = ?`, id); n != "Teslim cuma" {
		t.Fatalf("note: %q", n)
	}
}
