package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/i18n"
)

// TestEditApprovedMeanwhileKeepsTyping: an operator edits a waiting quote in a second tab while
// it is approved in the first; their save answers 409, nothing stored, with the page saying, in
// their language, that the quote was approved meanwhile, and every line, amount and the note
// they typed still in the boxes, ready to become a new revision. That revision carries exactly
// what they typed and goes to approval again; a mistake in it is refused at its field with the
// typing kept and nothing stored.
func TestEditApprovedMeanwhileKeepsTyping(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	submitted := lines(pid)
	submitted.Set("submit", "1")
	if r := f.op.Post(path, submitted); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	// The second tab: a new labour price, a border line and a note.
	typed := lines(pid)
	typed["kind"] = []string{"product", "labour", "allowance", "other"}
	typed["name"] = []string{"", "Döşeme işçiliği", "Fire payı", "Kenar bordürü"}
	typed["unit"] = []string{"", "m2", "", "mt"}
	typed["quantity"] = []string{"120", "120", "", "46,5"}
	typed["unit_price"] = []string{"", "195,75", "", "310"}
	typed.Set("note", "İkinci sekmeden: bordür eklendi")
	stored := func() string {
		return f.str(t, `SELECT status || '|' || grand_total || '|' || note || '|' || (SELECT count(*) FROM quote_lines WHERE quote_id = ?) || '|' ||
			(SELECT count(*) FROM quotes) || '|' || (SELECT count(*) FROM action_logs WHERE action_type IN ('quote_saved', 'quote_revised')) FROM quotes WHERE id = ?`, id, id)
	}
	// The first tab: approved.
	if r := f.owner.Post("/app/approvals/"+strconv.Itoa(f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id))+"/approve", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	values := func(doc *goquery.Document, name string) []string {
		var out []string
		doc.Find(`#kept-form [name="` + name + `"]`).Each(func(_ int, s *goquery.Selection) {
			if goquery.NodeName(s) == "textarea" {
				out = append(out, s.Text())
				return
			}
			v, _ := s.Attr("value")
			if goquery.NodeName(s) == "select" {
				v, _ = s.Find("option[selected]").Attr("value")
			}
			out = append(out, v)
		})
		return out
	}
	f.owner.Get(path) // the first tab shows it approved
	before := stored()
	for _, lang := range []string{"tr", "en", "ar"} {
		r := f.op.Post(path+"?lang="+lang, typed)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%s: save of a quote approved meanwhile: %d, want 409", lang, r.StatusCode)
		}
		doc := r.Doc(t)
		if got, want := strings.TrimSpace(doc.Find("[data-refused]").Text()), i18n.For(lang).T("quotes.kept.approved"); got != want {
			t.Errorf("%s: the refusal says %q, want %q", lang, got, want)
		}
		for _, k := range []string{"kind", "name", "unit", "quantity", "unit_price"} {
			if got := strings.Join(values(doc, k), ";"); got != strings.Join(typed[k], ";") {
				t.Errorf("%s: the kept %s are %q, want %q", lang, k, got, strings.Join(typed[k], ";"))
			}
		}
		if got := strings.Join(values(doc, "note"), ""); got != typed.Get("note") {
			t.Errorf("%s: the kept note is %q", lang, got)
		}
		if a, _ := doc.Find("#kept-form").Attr("action"); a != path+"revise" || doc.Find("#kept-form [data-kept-revise]").Length() != 1 {
			t.Errorf("%s: the kept form goes to %q with %d revise buttons", lang, a, doc.Find("#kept-form [data-kept-revise]").Length())
		}
	}
	if after := stored(); after != before {
		t.Fatalf("the refused save stored something: %s -> %s", before, after)
	}

	// A mistake in the kept form: refused at its field, nothing stored, the typing kept.
	bad := url.Values{}
	for k, v := range typed {
		bad[k] = append([]string(nil), v...)
	}
	bad.Set("kept", "1")
	bad["quantity"] = []string{"120", "120", "", "abc"}
	r := f.op.Post(path+"revise?lang=en", bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("revise with a bad quantity: %d, want 422", r.StatusCode)
	}
	if doc := r.Doc(t); doc.Find("#kept-form #quantity-4-error").Length() != 1 || strings.Join(values(doc, "quantity"), ";") != "120;120;;abc" {
		t.Errorf("the refused revision lost the field message or the typing: %q", strings.Join(values(doc, "quantity"), ";"))
	}
	if after := stored(); after != before {
		t.Fatalf("the refused revision stored something: %s -> %s", before, after)
	}

	typed.Set("kept", "1")
	r = f.op.Post(path+"revise", typed)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("revise with the kept lines: %d %s", r.StatusCode, r.Body)
	}
	next := f.count(t, `SELECT id FROM quotes WHERE number = (SELECT number FROM quotes WHERE id = ?) AND revision = 2`, id)
	if loc := r.Header.Get("Location"); loc != "/app/quotes/"+strconv.Itoa(next)+"/" {
		t.Errorf("revise went to %q", loc)
	}
	// 46.5 mt × 310 = 14,415.00; labour 120 × 195.75 = 23,490.00.
	if got := f.str(t, `SELECT group_concat(name || ':' || quantity || ':' || unit_price || ':' || net, ';') FROM (SELECT * FROM quote_lines WHERE quote_id = ? ORDER BY position)`, next); !strings.Contains(got, "Döşeme işçiliği:120000:19575:2349000") || !strings.Contains(got, "Kenar bordürü:46500:31000:1441500") {
		t.Errorf("the new revision's lines: %s", got)
	}
	if got := f.str(t, `SELECT status || '|' || note FROM quotes WHERE id = ?`, next); got != "draft|"+typed.Get("note") {
		t.Errorf("the new revision: %s", got)
	}
	if got := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id); got != "superseded" {
		t.Errorf("the approved revision is %s, want superseded", got)
	}
}
