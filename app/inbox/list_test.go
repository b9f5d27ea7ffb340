package inbox_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

func ingest(t *testing.T, e *apptest.Env, slug string, in inbox.Inbound) inbox.IngestResult {
	t.Helper()
	r, err := e.Handlers.InboxService.Ingest(context.Background(), slug, e.DB(slug), in)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func newEnv(t *testing.T) *apptest.Env {
	t.Helper()
	// No job runner: the assistant's triage jobs would change scores and handoff under the test.
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	// WhatsApp sending set up: without it a reply is refused (inbox.Handler.cannotSend).
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	return e
}

func TestInboxListFiltersAndSearch(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+90 532 123 45 67", Name: "Hüseyin Çavuş", Body: "Mutfak dolabı fiyatı?"})
	ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "tok", Name: "Işık Demir", Email: "isik@example.com", Body: "İstanbul'da parke"})
	ingest(t, e, "acme", inbox.Inbound{Channel: "call", Name: "Zeynep Kaya", Phone: "0212 555 11 22", Body: "Banyo tadilatı"})
	tests := []struct {
		query string
		want  []string
	}{
		{"", []string{"Hüseyin Çavuş", "Işık Demir", "Zeynep Kaya"}},
		{"q=cavus", []string{"Hüseyin Çavuş"}},
		{"q=CAVUS", []string{"Hüseyin Çavuş"}},
		{"q=ISIK", []string{"Işık Demir"}},
		{"q=istanbul", []string{"Işık Demir"}},
		{"q=" + url.QueryEscape("(532) 123-45-67"), []string{"Hüseyin Çavuş"}},
		{"q=" + url.QueryEscape("0532 123 45 67"), []string{"Hüseyin Çavuş"}},
		{"q=" + url.QueryEscape("+90 532 123"), []string{"Hüseyin Çavuş"}},
		{"q=isik%40example.com", []string{"Işık Demir"}},
		{"q=mutfa", []string{"Hüseyin Çavuş"}},
		{"q=nothinglikethis", nil},
		// Signs alone ("%", "_" — wildcards of an SQL LIKE) hold no word: they match nothing.
		{"q=%25", nil},
		{"q=_", nil},
		{"q=%25_%25", nil},
		{"q=" + url.QueryEscape(`"*"`), nil},
		{"q=%25+cavus", []string{"Hüseyin Çavuş"}},
		{"channel=call", []string{"Zeynep Kaya"}},
		{"channel=webchat&q=cavus", nil},
		{"state=new", []string{"Hüseyin Çavuş", "Işık Demir", "Zeynep Kaya"}},
		{"state=won", nil},
		{"unread=1", []string{"Hüseyin Çavuş", "Işık Demir", "Zeynep Kaya"}},
		{"handoff=1", nil},
		{"assigned=none", []string{"Hüseyin Çavuş", "Işık Demir", "Zeynep Kaya"}},
		{"assigned=me", nil},
		{"sort=urgency", []string{"Hüseyin Çavuş", "Işık Demir", "Zeynep Kaya"}},
		{"sort=waiting", []string{"Hüseyin Çavuş", "Işık Demir", "Zeynep Kaya"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			r := c.Get("/app/inbox/?" + tc.query)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", r.StatusCode, r.Body)
			}
			doc := r.Doc(t)
			var got []string
			doc.Find("[data-inbox-list] [data-row-href] .inbox-row-title a").Each(func(_ int, s *goquery.Selection) {
				got = append(got, strings.TrimSpace(s.Text()))
			})
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
