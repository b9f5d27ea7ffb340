package leads_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A filter of the leads list or the board that the page cannot read (a stage that is not one,
// ?assignee=abc, a day or amount that is not one, a reversed range, a garbled page link) is not
// answered with an error page and no leads: the page lists as without it and says above the list,
// in the reader's language, which filter was left out and what the address said. The form, the
// next page, the export and the board link carry only what the list applies; an htmx request
// gets the same rows, never an error swapped into the page.
func TestLeadsListBadFilterIsSaid(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	op := e.User("parke", "ayse", "operator")
	a, _ := seed(t, e, "parke", "webchat", "w1", "Ayşe Yılmaz", "+90 532 111 22 33", "Merhaba", nil)
	b, _ := seed(t, e, "parke", "whatsapp", "905329998877", "Burak Demir", "+90 532 999 88 77", "Fiyat?", nil)
	setValue(t, e, "parke", a, 5000)
	setValue(t, e, "parke", b, 120000)
	both := []string{id(b), id(a)}
	cases := []struct {
		query, key, quoted string
		want               []string
	}{
		{"?stage=maybe", "stage", "maybe", both},
		{"?source=pigeon&q=demir", "source", "pigeon", []string{id(b)}}, // the search still applies
		{"?assignee=abc", "assignee", "abc", both},
		{"?open=perhaps", "open", "perhaps", both},
		{"?min=abc", "min", "abc", both},
		{"?min=10000&max=50", "max", "50", []string{id(b)}}, // the lower bound still applies
		{"?from=31.12.2026", "from", "31.12.2026", both},
		{"?from=2026-02-01&to=2026-01-01", "to", "2026-01-01", both},
		{"?moved=2026-13-40", "moved", "2026-13-40", both},
		{"?sort=best", "sort", "best", both},
		{"?q=" + strings.Repeat("x", 201), "q", "xxxx", both},
	}
	for _, tc := range cases {
		r := op.Get("/app/leads/" + tc.query)
		if got := rowIDs(t, r); !slices.Equal(got, tc.want) {
			t.Errorf("%s: leads %v, want %v", tc.query, got, tc.want)
		}
		d := r.Doc(t)
		note := d.Find(`.ignored-filters [data-ignored-filter="` + tc.key + `"]`).Text()
		if !strings.Contains(note, tc.quoted) || !strings.Contains(note, "yok sayıldı") {
			t.Errorf("%s: no Turkish line saying the %s filter was ignored: %q", tc.query, tc.key, note)
		}
		if n := d.Find(".ignored-filters [data-ignored-filter]").Length(); n != 1 {
			t.Errorf("%s: %d notices, want 1", tc.query, n)
		}
		if d.Find(".field-error").Length() != 0 {
			t.Errorf("%s: a field error besides the notice", tc.query)
		}
		// The export and the board link carry only the filters the list applies.
		for _, sel := range []string{"[data-board-link]", `a[href*="/app/leads/export"]`} {
			if href, _ := d.Find(sel).First().Attr("href"); strings.Contains(href, tc.key+"="+url.QueryEscape(tc.quoted)) {
				t.Errorf("%s: %s carries the ignored filter: %s", tc.query, sel, href)
			}
		}
	}
	// The reversed range says which way round it is; the form shows what the list applies.
	d := op.Get("/app/leads/?from=2026-02-01&to=2026-01-01").Doc(t)
	if note := d.Find(`[data-ignored-filter="to"]`).Text(); !strings.Contains(note, "2026-02-01") || !strings.Contains(note, "önce") {
		t.Errorf("reversed range: %q", note)
	}
	if v, _ := d.Find(`input[name="to"]`).Attr("value"); v != "" {
		t.Errorf("the form still shows the ignored end date %q", v)
	}
	if v, _ := d.Find(`input[name="from"]`).Attr("value"); v != "2026-02-01" {
		t.Errorf("the form lost the applied start date: %q", v)
	}
	// In English too, and a well-formed filter says nothing.
	if note := op.Get("/app/leads/?stage=maybe&lang=en").Doc(t).Find(`[data-ignored-filter="stage"]`).Text(); !strings.Contains(note, "ignored") {
		t.Errorf("English notice: %q", note)
	}
	if n := op.Get("/app/leads/?stage=new").Doc(t).Find(".ignored-filters").Length(); n != 0 {
		t.Errorf("a good filter gets a notice")
	}
	// An htmx request (a filter changed in place) gets the list and its notice, not an error.
	r := op.Do(htmxGet(t, op, "/app/leads/?stage=maybe", "main"))
	if r.StatusCode != 200 || !strings.Contains(r.Body, `data-ignored-filter="stage"`) || strings.Count(r.Body, `data-lead="`) != 2 {
		t.Errorf("htmx list with a bad filter: %d, %d rows", r.StatusCode, strings.Count(r.Body, `data-lead="`))
	}

	// A page link the list cannot follow: the first page, and a line saying it starts again.
	// The "more" row of a page opened before it (htmx) cannot repeat the first page's rows under
	// the rows shown: it says so and links to the first page.
	r = op.Get("/app/leads/?cursor=zzz&source=whatsapp&lang=tr")
	if got := rowIDs(t, r); !slices.Equal(got, []string{id(b)}) || !strings.Contains(r.Doc(t).Find(`[data-ignored-filter="cursor"]`).Text(), "ilk sayfa") {
		t.Errorf("garbled page link: leads %v, notice %q", got, r.Doc(t).Find(`[data-ignored-filter="cursor"]`).Text())
	}
	r = op.Do(htmxGet(t, op, "/app/leads/?cursor=zzz&source=whatsapp", "lead-rows-more"))
	restart := r.Doc(t).Find("[data-restart]").AttrOr("href", "")
	if r.StatusCode != 200 || strings.Contains(r.Body, "<html") || strings.Contains(r.Body, `data-lead="`) || restart != "/app/leads/?source=whatsapp" {
		t.Errorf("htmx more with a garbled page link: %d, restart %q: %s", r.StatusCode, restart, r.Body)
	}

	// The board: the cards as without the filter, the notice above the board.
	for _, q := range []string{"?source=pigeon", "?assignee=abc"} {
		r := op.Get("/app/pipeline/" + q)
		if r.StatusCode != 200 {
			t.Fatalf("board %s: %d", q, r.StatusCode)
		}
		d := r.Doc(t)
		if n := d.Find("[data-card]").Length(); n != 2 {
			t.Errorf("board %s: %d cards, want 2", q, n)
		}
		key := strings.TrimPrefix(strings.Split(q, "=")[0], "?")
		if d.Find(`.ignored-filters [data-ignored-filter="`+key+`"]`).Length() != 1 {
			t.Errorf("board %s: no notice", q)
		}
		// A move from this board keeps the board's filters: the ignored one is not among them.
		if href, _ := d.Find("[data-list-link]").Attr("href"); strings.Contains(href, key+"=") {
			t.Errorf("board %s: the list link carries the ignored filter: %s", q, href)
		}
	}
}
