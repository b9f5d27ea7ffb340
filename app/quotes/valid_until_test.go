package quotes_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/i18n"
)

// A quote's "valid until" must be a day a customer can read as one: a year such as 0000 or 9999
// (a slip on the date field's year) is refused next to the field, in the person's language, and
// nothing is stored. Year 0 used to be saved and printed as "Geçerlilik 01.01.0000" in the PDF.
func TestQuoteValidUntilYearIsSane(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	before := f.str(t, `SELECT valid_until FROM quotes WHERE id = ?`, id)
	for _, day := range []string{"0000-01-01", "0001-12-31", "1999-12-31", "2101-01-01", "9999-12-31"} {
		form := lines(pid)
		form.Set("valid_until", day)
		r := f.op.Post("/app/quotes/"+sid+"/", form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("valid until %s: %d, want 422", day, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find("#valid_until").Parent().Find(".field-error").Text(); !strings.Contains(got, "2000") {
			t.Errorf("valid until %s: field error %q", day, got)
		}
	}
	if got := f.str(t, `SELECT valid_until FROM quotes WHERE id = ?`, id); got != before {
		t.Errorf("valid_until changed from %s to %s", before, got)
	}
	if n := f.count(t, `SELECT count(*) FROM quote_lines WHERE quote_id = ?`, id); n != 0 {
		t.Errorf("%d lines stored by refused saves", n)
	}
	form := lines(pid)
	form.Set("valid_until", "2100-12-31")
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("valid until 2100-12-31: %d", r.StatusCode)
	}
}

// A quote whose validity day has already gone does not go to the approval queue (once approved
// and sent, it would reach the customer expired): "save and ask for approval" is refused at the
// date field in the person's language, the typed date stays in the field, and nothing is stored
// or queued. Today still counts.
func TestQuoteValidUntilPastIsNotSubmitted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	before := f.str(t, `SELECT valid_until || '|' || status FROM quotes WHERE id = ?`, id)
	for _, day := range []string{"2020-01-01", time.Now().AddDate(0, 0, -2).Format("2006-01-02")} {
		form := lines(pid)
		form.Set("valid_until", day)
		form.Set("submit", "1")
		r := f.op.Post("/app/quotes/"+sid+"/?lang=tr", form)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("valid until %s, submitted: %d, want 422", day, r.StatusCode)
		}
		doc := r.Doc(t)
		if got := doc.Find("#valid_until").Parent().Find(".field-error").Text(); got != i18n.For("tr").T("quotes.err.date_past") {
			t.Errorf("valid until %s: field error %q", day, got)
		}
		if got := doc.Find("#valid_until").AttrOr("value", ""); got != day {
			t.Errorf("valid until %s: the field shows %q after the refusal", day, got)
		}
	}
	if got := f.str(t, `SELECT valid_until || '|' || status FROM quotes WHERE id = ?`, id); got != before {
		t.Errorf("quote changed from %s to %s by refused submissions", before, got)
	}
	if n := f.count(t, `SELECT count(*) FROM quote_lines WHERE quote_id = ?`, id) + f.count(t, `SELECT count(*) FROM decision_recommendations`); n != 0 {
		t.Errorf("%d lines or recommendations stored by refused submissions", n)
	}
	// Saved without asking for approval, a past day is kept (a draft may wait for a new date).
	form := lines(pid)
	form.Set("valid_until", "2020-01-01")
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("draft saved with a past day: %d", r.StatusCode)
	}
	form.Set("valid_until", time.Now().AddDate(0, 0, 1).Format("2006-01-02"))
	form.Set("submit", "1")
	if r := f.op.Post("/app/quotes/"+sid+"/", form); r.StatusCode != http.StatusSeeOther {
		t.Errorf("submitted with tomorrow: %d", r.StatusCode)
	}
	if got := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id); got != "pending" {
		t.Errorf("status %s after submitting with tomorrow, want pending", got)
	}
}
