package app_test

import (
	"strconv"
	"strings"
	"testing"

	"highvibe/app"
)

// TestConversationOpensItsLeadsPage: the lead card of a conversation named the person but led
// nowhere — the lead's own page (stage, value, merging, follow-ups) was reached only through the
// leads list. The name opens it, and the page it opens is that person's.
func TestConversationOpensItsLeadsPage(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	db := e.DB(app.DemoSlug)
	var conv, lead int64
	var name string
	if err := db.Read.QueryRow(`SELECT c.id, l.id, l.name FROM conversations c JOIN leads l ON l.id = c.lead_id
		WHERE l.name <> '' ORDER BY c.last_message_at DESC LIMIT 1`).Scan(&conv, &lead, &name); err != nil {
		t.Fatal(err)
	}
	owner := e.Client()
	owner.Login(app.DemoUser, pw)
	link := owner.Get("/app/inbox/" + strconv.FormatInt(conv, 10) + "/?lang=tr").Doc(t).Find(`#lead-card a[data-lead-page]`)
	href, _ := link.Attr("href")
	if want := "/app/leads/" + strconv.FormatInt(lead, 10) + "/"; href != want || strings.TrimSpace(link.Text()) != name {
		t.Fatalf("the lead card's name links %q reading %q, want %s reading %q", href, link.Text(), want, name)
	}
	if r := owner.Get(href + "?lang=tr"); r.StatusCode != 200 || !strings.Contains(r.Doc(t).Find("h1").Text(), name) {
		t.Errorf("the lead page it opens: %d, title %q", r.StatusCode, r.Doc(t).Find("h1").Text())
	}
}
