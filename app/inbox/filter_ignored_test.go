package inbox_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/inbox"
)

// A filter of the inbox that it cannot read (?state=whatever, ?channel=pigeon, ?assigned=abc, a
// cut page link) is not answered with an error and no conversations: the inbox lists as without
// it and says above the rows which filter was left out and what the address said. A filter
// changed in place (htmx, aimed at the results) gets the same: the rows and the notice, never an
// error swapped into the list.
func TestInboxBadFilterIsSaid(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+90 532 123 45 67", Name: "Hüseyin Çavuş", Body: "Mutfak dolabı fiyatı?"})
	ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "tok", Name: "Işık Demir", Body: "İstanbul'da parke"})
	rows := func(body string) int { return strings.Count(body, `data-row-href="/app/inbox/`) }
	for _, tc := range []struct{ query, key, quoted string }{
		{"state=whatever", "state", "whatever"},
		{"channel=pigeon", "channel", "pigeon"},
		{"assigned=abc", "assigned", "abc"},
		{"mentions=you", "mentions", "you"},
		{"handoff=yes", "handoff", "yes"},
		{"sort=best", "sort", "best"},
		{"tag=" + strings.Repeat("t", 41), "tag", "tttt"},
		{"cursor=zzz", "cursor", ""},
	} {
		r := c.Get("/app/inbox/?lang=en&" + tc.query)
		if r.StatusCode != http.StatusOK || rows(r.Body) != 2 {
			t.Errorf("%s: %d, %d conversations, want both", tc.query, r.StatusCode, rows(r.Body))
			continue
		}
		d := r.Doc(t)
		note := d.Find(`#inbox-results .ignored-filters [data-ignored-filter="` + tc.key + `"]`).Text()
		if note == "" || !strings.Contains(note, tc.quoted) {
			t.Errorf("%s: no line about the ignored filter: %q", tc.query, note)
		}
		if d.Find(".field-error").Length() != 0 {
			t.Errorf("%s: a field error besides the notice", tc.query)
		}
		// The live refresh and the export follow what the list applies.
		if self, _ := d.Find("#inbox-results").Attr("hx-get"); strings.Contains(self, tc.key+"=") {
			t.Errorf("%s: the live refresh carries the ignored filter: %s", tc.query, self)
		}
	}
	// The page link: the list starts from its first page and says so.
	if note := c.Get("/app/inbox/?lang=en&cursor=zzz").Doc(t).Find(`[data-ignored-filter="cursor"]`).Text(); !strings.Contains(note, "first page") {
		t.Errorf("cursor notice: %q", note)
	}
	// Turkish.
	if note := c.Get("/app/inbox/?lang=tr&state=whatever").Doc(t).Find(`[data-ignored-filter="state"]`).Text(); !strings.Contains(note, "yok sayıldı") || !strings.Contains(note, "Durum") {
		t.Errorf("Turkish notice: %q", note)
	}
	// htmx, aimed at the results: the fragment with its rows and the notice, at 200.
	req, _ := http.NewRequest("GET", c.E.URL+"/app/inbox/?lang=en&state=whatever", nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "inbox-results")
	r := c.Do(req)
	if r.StatusCode != http.StatusOK || strings.Contains(r.Body, "<html") || rows(r.Body) != 2 || !strings.Contains(r.Body, `data-ignored-filter="state"`) {
		t.Errorf("htmx results with a bad filter: %d, %d rows", r.StatusCode, rows(r.Body))
	}
	// A good filter: no notice.
	if n := c.Get("/app/inbox/?state=open").Doc(t).Find(".ignored-filters").Length(); n != 0 {
		t.Errorf("a good filter gets a notice")
	}
}
