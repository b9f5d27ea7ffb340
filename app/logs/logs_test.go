package logs_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/audit"
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
	// The page reads dates on the business's clock: with no zone chosen, the server's (not UTC's:
	// on a machine whose zone is not UTC the two dates differ for hours every night).
	today := time.Now().Format(time.DateOnly)

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
		{"bad date", "/app/logs/?from=31.12.2025", 422, []string{"Enter a valid date"}, nil, 0},
		{"bad range", "/app/logs/?from=2025-02-01&to=2025-01-01", 422, []string{"must not be before"}, nil, 0},
		{"unknown provider", "/app/logs/?provider=nope", 200, []string{"No log entries match."}, nil, 0},
		{"bad provider", "/app/logs/?provider=Nope%21", 422, []string{"Choose a source"}, nil, 0},
		{"cursor", "/app/logs/?before=11", 200, []string{"row number 9"}, []string{"row number 10<", "Older entries"}, 10},
		{"bad cursor", "/app/logs/?before=x", 422, nil, nil, 0},
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
