package app_test

import (
	"strconv"
	"testing"

	"highvibe/app"
)

// TestConversationLogOpensItsOwnRows: a conversation page shows its latest log rows and linked to
// the whole action log for the rest, unfiltered — the reader lost the conversation among every
// other row of the business. The link opens the log of that conversation only (said above the
// list, with a way back to every row); the filter travels to older pages; a value that is no
// conversation is left out and named, as the log's other filters are.
func TestConversationLogOpensItsOwnRows(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	db := e.DB(app.DemoSlug)
	var conv int64
	var n int
	if err := db.Read.QueryRow(`SELECT conversation_id, count(*) FROM action_logs WHERE conversation_id IS NOT NULL
		GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1`).Scan(&conv, &n); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(conv, 10)
	owner := e.Client()
	owner.Login(app.DemoUser, pw)
	href, _ := owner.Get("/app/inbox/" + id + "/?lang=tr").Doc(t).Find(`#thread-logs a[data-conversation-log]`).Attr("href")
	if href != "/app/logs/?conversation="+id {
		t.Fatalf("the conversation's log links %q", href)
	}
	doc := owner.Get(href + "&lang=tr").Doc(t)
	rows := doc.Find("#log-rows tr.log-row")
	if want := min(n, 50); rows.Length() != want {
		t.Errorf("%d rows, want the conversation's %d", rows.Length(), want)
	}
	if other := doc.Find(`#log-rows tr.log-row a[href^="/app/inbox/"]:not([href="/app/inbox/` + id + `/"])`).Length(); other != 0 {
		t.Errorf("%d rows of other conversations", other)
	}
	if doc.Find(`[data-conversation-filter] a[href="/app/inbox/`+id+`/"]`).Length() != 1 || doc.Find(`input[type=hidden][name=conversation][value="`+id+`"]`).Length() != 1 {
		t.Error("the page does not say it shows one conversation's rows, or its search form drops it")
	}
	if n > 50 {
		older, _ := doc.Find(`#log-rows-more a`).Attr("href")
		if more := owner.Get(older).Doc(t); more.Find(`#log-rows tr.log-row a[href^="/app/inbox/"]:not([href="/app/inbox/`+id+`/"])`).Length() != 0 {
			t.Errorf("older rows (%s) leave the conversation", older)
		}
	}
	bad := owner.Get("/app/logs/?conversation=abc&lang=tr").Doc(t)
	if bad.Find("[data-conversation-filter]").Length() != 0 || bad.Find("#log-rows tr.log-row").Length() == 0 || bad.Find("[data-ignored-filter]").Length() == 0 {
		t.Error("a conversation that is no number is not left out and named")
	}
}
