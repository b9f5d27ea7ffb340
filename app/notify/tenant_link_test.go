package notify_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"highvibe/app/notify"
	"highvibe/app/platform"
)

// TestLinkOpensItsOwnBusiness: a person who works in two businesses has the panel open in one
// when an e-mail (or a push: the same link) tells of the other's. The link names its business:
// opening it switches there, marks that notification read and goes to that business's
// conversation — not to the notification or conversation with the same number in the business the
// panel was open in. A business the person does not work in is not found.
func TestLinkOpensItsOwnBusiness(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	beta, err := e.Server.Platform.TenantBySlug(t.Context(), "beta")
	if err != nil {
		t.Fatal(err)
	}
	// Oscar operates for acme and beta; his panel is open in beta.
	if err := e.Server.Platform.SetMembership(t.Context(), tm.oscar.UserID, beta.ID, platform.RoleOperator); err != nil {
		t.Fatal(err)
	}
	tm.post(t, tm.oscar, "/app/switch/", url.Values{"tenant": {"beta"}})

	bodies := make(chan string, 16)
	e.Handlers.Notify.Svc.Mail = func(_ context.Context, t *platform.Tenant, _, _, body string) (bool, error) {
		if t.Slug == "acme" {
			bodies <- body
		}
		return true, nil
	}
	form := url.Values{"email": {"oscar@example.test"}, "email_" + notify.KindNewConversation: {"1"}}
	for _, k := range notify.Kinds {
		form.Set("push_"+k, "1")
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", form)

	// Both businesses get a first customer: each has notification 1 and conversation 1 for Oscar.
	inBeta := tm.ingest(t, "beta", "b-1", "Bora", "Selam")
	settle(t, e, "beta")
	inAcme := tm.ingest(t, "acme", "a-1", "Ayşe Demir", "Merhaba")
	settle(t, e, "acme")
	var body string
	select {
	case body = <-bodies:
	default:
		t.Fatal("no e-mail of acme's new conversation")
	}
	link := regexp.MustCompile(`/app/notifications/\d+\S*`).FindString(body)
	if link == "" {
		t.Fatalf("the e-mail carries no link to the notification:\n%s", body)
	}
	r := tm.oscar.Get(link)
	for range 3 {
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") == "" {
			break
		}
		loc := r.Header.Get("Location")
		if want := "/app/inbox/" + strconv.FormatInt(inAcme.ConversationID, 10) + "/"; loc == want {
			r = nil
			break
		}
		r = tm.oscar.Get(loc)
	}
	if r != nil {
		t.Fatalf("the e-mail's link %s ends at %d %q, want acme's conversation", link, r.StatusCode, r.Header.Get("Location"))
	}
	unread := func(slug string) int {
		var n int
		if err := e.DB(slug).Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND kind = ? AND read_at IS NULL`,
			tm.oscar.UserID, notify.KindNewConversation).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if unread("acme") != 0 || unread("beta") != 1 {
		t.Errorf("after opening acme's link: %d unread in acme (want 0), %d in beta (want 1, conversation %d untouched)",
			unread("acme"), unread("beta"), inBeta.ConversationID)
	}
	// The panel now shows acme: the page it landed on is acme's conversation.
	if r := tm.oscar.Get("/app/inbox/" + strconv.FormatInt(inAcme.ConversationID, 10) + "/"); r.StatusCode != http.StatusOK || !regexp.MustCompile(`Ayşe Demir`).MatchString(r.Body) {
		t.Errorf("acme's conversation after the link: %d", r.StatusCode)
	}
	// A business Oscar does not work in is not found, and the panel stays where it was.
	if r := tm.oscar.Get("/app/notifications/1?t=nowhere"); r.StatusCode != http.StatusNotFound {
		t.Errorf("a link naming a business Oscar is not in: %d, want 404", r.StatusCode)
	}
}
