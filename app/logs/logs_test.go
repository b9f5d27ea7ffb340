package logs_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/hours"
)

func TestLogsPage(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Tenant("other")
	db := e.DB("acme")
	ctx := context.Background()
	for i := range 60 {
		p := "conversation_inbox"
		if i%3 == 0 {
			p = "approval_queue"
		}
		if err := audit.Log(ctx, db, audit.Entry{Provider: p, ActionType: "update", Summary: fmt.Sprintf("row number %d", i),
			ModelName: "human-review", ActorName: "olga", ConversationID: int64(i%5 + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	_ = audit.Log(ctx, e.DB("other"), audit.Entry{Provider: "settings", ActionType: "x", Summary: "secret of other tenant"})
	_ = audit.Log(ctx, db, audit.Entry{Provider: "settings", ActionType: "x", Summary: "<script>alert(1)</script>"})
	viewer := e.User("acme", "vera", "viewer")
	// The page reads dates on the business's clock: with no zone chosen, the product's default
	// (hours.DefaultLocation), not the machine's — from 21:00 UTC on, Istanbul is a day ahead.
	today := time.Now().In(hours.DefaultLocation()).Format(time.DateOnly)

	scenarios := []struct {
		name, path string
		status     int
		want, not  []string
		rows       int
	}{
		{"all", "/app/logs/", 200, []string{"row number 59", "/app/inbox/", ">Person<", "Older entries"}, []string{"secret of other tenant", "<script>alert"}, 50},
		{"provider", "/app/logs/?provider=approval_queue", 200, []string{"row number 57"}, []string{"row number 58"}, 20},
		{"text", "/app/logs/?q=number+4", 200, []string{"row number 42"}, []string{"row number 5<"}, 11},
		{"today", "/app/logs/?from=" + today + "&to=" + today, 200, []string{"row number 1"}, nil, 50},
		{"yesterday", "/app/logs/?to=2001-01-01", 200, []string{"No log entries match."}, nil, 0},
		{"unknown provider", "/app/logs/?provider=nope", 200, []string{"No log entries match."}, nil, 0},
		{"cursor", "/app/logs/?before=11", 200, []string{"row number 9"}, []string{"row number 10<", "Older entries"}, 10},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			r := viewer.Get(sc.path)
			if r.StatusCode != sc.status {
				t.Fatalf("status %d, want %d", r.StatusCode, sc.status)
			}
			for _, w := range sc.want {
				if !strings.Contains(r.Body, w) {
					t.Errorf("missing %q", w)
				}
			}
			for _, w := range sc.not {
				if strings.Contains(r.Body, w) {
					t.Errorf("unexpected %q", w)
				}
			}
			if n := r.Doc(t).Find("tr.log-row").Length(); n != sc.rows {
				t.Errorf("rows %d, want %d", n, sc.rows)
			}
		})
	}

	// A filter the page cannot read or use is left out, and the page says so above the list
	// with the shared notice, instead of answering an error: every row it would show without it.
	for _, sc := range []struct{ name, path, key, says string }{
		{"bad cursor", "/app/logs/?before=x", "before", "The page this address pointed to can no longer be found"},
		{"bad cursor, negative", "/app/logs/?before=-5", "before", "starts again from its first page"},
		{"bad date", "/app/logs/?from=31.12.2025", "from", "The “From” filter in the address says “31.12.2025”"},
		{"bad range", "/app/logs/?from=2025-02-01&to=2025-01-01", "to", "which is before “From”"},
		{"bad provider", "/app/logs/?provider=Nope%21", "provider", "The “Source” filter"},
		{"long text", "/app/logs/?q=" + strings.Repeat("a", 201), "q", "The “Text” filter"},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := viewer.Get(sc.path)
			if r.StatusCode != 200 {
				t.Fatalf("status %d, want 200", r.StatusCode)
			}
			d := r.Doc(t)
			if got := d.Find(`.ignored-filters [data-ignored-filter="` + sc.key + `"]`).Text(); !strings.Contains(got, sc.says) {
				t.Errorf("the notice says %q, want it to contain %q", got, sc.says)
			}
			if n := d.Find("tr.log-row").Length(); n != 50 {
				t.Errorf("rows %d, want the first 50 of the unfiltered list", n)
			}
			if d.Find(".field-error, .flash-error").Length() != 0 {
				t.Error("an error is still shown")
			}
			older, _ := d.Find("#log-rows-more a").Attr("href")
			if strings.Contains(older, sc.key+"=") && sc.key != "before" {
				t.Errorf("the older link %q carries the ignored filter", older)
			}
		})
	}
	// In Arabic, the dates a notice quotes are each one left-to-right piece kept on one line: a
	// phone broke "2025-01-01" at its hyphen and showed «-2025 01-01».
	{
		d := viewer.Get("/app/logs/?from=2025-02-01&to=2025-01-01&lang=ar").Doc(t)
		var dates []string
		d.Find(`[data-ignored-filter="to"] bdi[dir="ltr"].nowrap`).Each(func(_ int, s *goquery.Selection) { dates = append(dates, s.Text()) })
		if strings.Join(dates, " ") != "2025-01-01 2025-02-01" || strings.ContainsAny(d.Find(".ignored-filters").Text(), "\u2068\u2069") {
			t.Errorf("the Arabic notice quotes the dates as %q, want each whole in its own left-to-right <bdi>", dates)
		}
		typed := viewer.Get("/app/logs/?provider=" + url.QueryEscape("مزود") + "&lang=ar").Doc(t).Find(`[data-ignored-filter="provider"] bdi`)
		if _, ltr := typed.Attr("dir"); typed.Text() != "مزود" || ltr {
			t.Errorf("a typed Arabic value is quoted as %q (dir forced: %v), want its own direction", typed.Text(), ltr)
		}
	}
	// The "older" button of a link that cannot be followed says so in its row and offers the
	// first page, rather than repeating the first rows under the ones shown.
	{
		req, _ := http.NewRequest("GET", e.URL+"/app/logs/?provider=approval_queue&before=zz", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "log-rows-more")
		r := viewer.Do(req)
		d := r.Doc(t)
		if href, _ := d.Find("[data-restart]").Attr("href"); r.StatusCode != 200 || d.Find("tr.log-row").Length() != 0 || href != "/app/logs/?provider=approval_queue" {
			t.Errorf("older of a broken link: %d, %d rows, restart %q", r.StatusCode, d.Find("tr.log-row").Length(), href)
		}
	}

	// The "older" button loads only the next rows through htmx.
	first := viewer.Get("/app/logs/")
	older, ok := first.Doc(t).Find("#log-rows-more a").Attr("hx-get")
	if !ok {
		t.Fatal("no older button")
	}
	req, _ := http.NewRequest("GET", e.URL+older, nil)
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Target", "log-rows-more")
	r := viewer.Do(req)
	if r.StatusCode != 200 || strings.Contains(r.Body, "<form") || !strings.Contains(r.Body, "row number 0") {
		t.Fatalf("older fragment: %d %s", r.StatusCode, r.Body)
	}
	if anon := e.Client().Get("/app/logs/"); anon.StatusCode == 200 && strings.Contains(anon.Body, "row number") {
		t.Fatal("anonymous user read the log")
	}
}
