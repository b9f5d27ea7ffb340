package inbox_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/inbox"
)

// TestAgentIsThePersonsName: a reply template's {{agent}} put the login name into the text the
// customer reads ("talha.k"), and colleagues saw logins as assignees. A person now gives the name
// they go by on their profile: {{agent}} becomes it, the assignee list and the inbox list show it;
// with none given the login stays, as before.
func TestAgentIsThePersonsName(t *testing.T) {
	e := newEnv(t)
	owner := e.User("acme", "talha.k", "owner")
	ayse := e.User("acme", "ayse", "operator")
	if r := owner.Post("/app/settings/templates", url.Values{"name": {"Keşif"}, "body": {"Merhaba {{name}}, ben {{agent}}."}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("template: %d", r.StatusCode)
	}
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234571", Phone: "+905321234571", Name: "Kemal", Body: "Merhaba, 80 m² kilit parke"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	agent := func(c *apptest.Client) string {
		t.Helper()
		vars, ok := c.Get(path).Doc(t).Find(`[data-insert-template]`).Attr("data-vars")
		if !ok {
			t.Fatal("no template picker in the composer")
		}
		var filled map[string]string
		if err := json.Unmarshal([]byte(vars), &filled); err != nil {
			t.Fatal(err)
		}
		return filled["agent"]
	}
	if got := agent(owner); got != "talha.k" {
		t.Fatalf("{{agent}} with no name given = %q, want the login", got)
	}
	if r := owner.Post("/app/profile/name", url.Values{"display_name": {"  Talha Kaya  "}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}
	if r := ayse.Post("/app/profile/name", url.Values{"display_name": {"Ayşe Demir"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}
	if got := agent(owner); got != "Talha Kaya" {
		t.Errorf("{{agent}} = %q, want the name the person goes by", got)
	}
	if got := agent(ayse); got != "Ayşe Demir" {
		t.Errorf("{{agent}} for Ayşe = %q", got)
	}

	// The assignee list offers people by name; the conversation is assigned to Ayşe by it.
	to := ""
	owner.Get(path + "?lang=tr").Doc(t).Find(`#assigned_user_id option`).Each(func(_ int, o *goquery.Selection) {
		if strings.TrimSpace(o.Text()) == "Ayşe Demir" {
			to, _ = o.Attr("value")
		}
	})
	if to == "" {
		t.Fatal("Ayşe Demir is not in the assignee list")
	}
	if r := owner.Post(path, url.Values{"assigned_user_id": {to}}); r.StatusCode >= 400 {
		t.Fatalf("assigning: %d", r.StatusCode)
	}
	row := owner.Get("/app/inbox/?lang=tr").Doc(t).Find(`#conversation-list, main`).First().Text()
	if !strings.Contains(row, "Ayşe Demir") {
		t.Errorf("the inbox list does not name the assignee Ayşe Demir:\n%s", row)
	}
	if logs := owner.Get(path + "?lang=tr").Doc(t).Find(`#thread-logs`).Text(); !strings.Contains(logs, "Atanan kişi: Ayşe Demir") {
		t.Errorf("the conversation's log does not name the assignee:\n%s", logs)
	}
}

// TestConversationLogNamesThePerson: the conversation's log named who did something by the login
// stored with the row; it now names the person as they go by now, looked up by the row's user id
// (the row itself is untouched).
func TestConversationLogNamesThePerson(t *testing.T) {
	e := newEnv(t)
	owner := e.User("acme", "talha.k", "owner")
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234572", Phone: "+905321234572", Name: "Kemal", Body: "Merhaba"})
	if err := audit.Log(t.Context(), e.DB("acme"), audit.Entry{Provider: "conversation_inbox", ActionType: "mark_unread", Summary: "marked unread",
		ModelName: "human-review", ActorUserID: owner.UserID, ActorName: "talha.k", ConversationID: res.ConversationID}); err != nil {
		t.Fatal(err)
	}
	if r := owner.Post("/app/profile/name", url.Values{"display_name": {"Talha Yıldız"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}
	logs := owner.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/?lang=tr").Doc(t).Find(`#thread-logs`).Text()
	if !strings.Contains(logs, "Talha Yıldız") || strings.Contains(logs, "talha.k") {
		t.Errorf("the conversation's log does not name the person as they go by now:\n%s", logs)
	}
}

// TestMentionShowsThePersonsName: a note mentioning a colleague by login ("@talha.k") showed the
// login in its chip while the rest of the page names him as he goes by. The chip now reads
// "@Talha Yıldız" (the login in its title, as a note is still written and matched with logins);
// a colleague without a name keeps the login.
func TestMentionShowsThePersonsName(t *testing.T) {
	e := newEnv(t)
	owner := e.User("acme", "talha.k", "owner")
	ayse := e.User("acme", "ayse", "operator")
	e.User("acme", "omer", "operator")
	if r := owner.Post("/app/profile/name", url.Values{"display_name": {"Talha Yıldız"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234573", Phone: "+905321234573", Name: "Kemal", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	if r := ayse.Post(path, url.Values{"direction": {"system"}, "body": {"@talha.k fiyatı onaylar mısın? @omer da bilsin."}}); r.StatusCode >= 400 {
		t.Fatalf("the note: %d", r.StatusCode)
	}
	var chips, titles []string
	doc := ayse.Get(path + "?lang=tr").Doc(t)
	doc.Find(".msg-note .mention").Each(func(_ int, s *goquery.Selection) {
		chips = append(chips, s.Text())
		titles = append(titles, s.AttrOr("title", ""))
	})
	if strings.Join(chips, "|") != "@Talha Yıldız|@omer" || strings.Join(titles, "|") != "@talha.k|@omer" {
		t.Errorf("mention chips %q (titles %q), want @Talha Yıldız and @omer, titled with the logins", chips, titles)
	}
	if body := doc.Find(".msg-note .msg-body").Text(); !strings.Contains(body, "fiyatı onaylar mısın?") {
		t.Errorf("the note's other text changed: %q", body)
	}
}
