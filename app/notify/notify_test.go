package notify_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/inbox"
	"highvibe/app/notify"
	"highvibe/app/platform"
)

// team is a tenant with an owner, an operator, a viewer and a second owner, and a second tenant
// whose owner must never hear of the first one's events.
type team struct {
	e                       *apptest.Env
	olga, oscar, vera, otto *apptest.Client
	bob                     *apptest.Client // owner of "beta"
	ids                     map[string]int64
}

func newTeam(t *testing.T) *team {
	t.Helper()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("beta")
	tm := &team{e: e, olga: e.User("acme", "olga", "owner"), oscar: e.User("acme", "oscar", "operator"),
		vera: e.User("acme", "vera", "viewer"), otto: e.User("acme", "otto", "owner"), bob: e.User("beta", "bob", "owner")}
	// Each kind is followed on its own here: the tests of coalescing switch it back on.
	e.Handlers.Notify.Svc.Window = -1
	tm.ids = map[string]int64{"olga": tm.olga.UserID, "oscar": tm.oscar.UserID, "vera": tm.vera.UserID, "otto": tm.otto.UserID, "bob": tm.bob.UserID}
	return tm
}

// settle waits until every job of the tenant that is due or was tried has finished, a retry after
// a failed first try included (apptest.Settle): the assistant's triage may raise notifications
// of its own, so its jobs are waited for too.
func settle(t *testing.T, e *apptest.Env, slug string) {
	t.Helper()
	apptest.Settle(t, e.DB(slug))
}

// told lists who holds a notification of kind in the tenant, by name: about conversation conv
// (0: any) and newer than row after (the assistant triages the test's messages too, and may raise
// handoffs and recommendations of its own).
func (tm *team) told(t *testing.T, slug, kind string, conv, after int64) []string {
	t.Helper()
	rows, err := tm.e.DB(slug).Read.Query(`SELECT user_id FROM notifications WHERE kind = ? AND (? = 0 OR conversation_id = ?) AND id > ?
		ORDER BY user_id`, kind, conv, conv, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		name := "?"
		for n, v := range tm.ids {
			if v == id {
				name = n
			}
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// mark is the newest notification row of the tenant, for told's "after".
func (tm *team) mark(t *testing.T, slug string) int64 {
	t.Helper()
	var id int64
	if err := tm.e.DB(slug).Read.QueryRow(`SELECT coalesce(max(id), 0) FROM notifications`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (tm *team) ingest(t *testing.T, slug, visitor, name, body string) inbox.IngestResult {
	t.Helper()
	res, err := tm.e.Handlers.InboxService.Ingest(context.Background(), slug, tm.e.DB(slug), inbox.Inbound{Channel: "webchat",
		ExternalID: visitor, Name: name, Body: body})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (tm *team) post(t *testing.T, c *apptest.Client, path string, v url.Values) {
	t.Helper()
	if r := c.Post(path, v); r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %d %s", path, r.StatusCode, r.Body)
	}
}

// TestEachKindReachesTheRightPeople drives every kind through the product's own paths (a
// customer's message, the conversation form, the assistant's triage, a recommendation) and checks
// who of the tenant was told, and that the other tenant heard nothing.
func TestEachKindReachesTheRightPeople(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	ctx := context.Background()
	// beta has its own life: its owner hears of it, acme's people never.
	tm.ingest(t, "beta", "b-1", "Beta Müşteri", "Merhaba beta")

	res := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba, parke fiyatı?")
	settle(t, e, "acme")
	settle(t, e, "beta")
	if got := tm.told(t, "acme", notify.KindNewConversation, 0, 0); !slices.Equal(got, []string{"olga", "oscar", "otto"}) {
		t.Errorf("new conversation told %v, want owners and the operator (not the viewer, not beta's owner)", got)
	}
	if got := tm.told(t, "beta", notify.KindNewConversation, 0, 0); !slices.Equal(got, []string{"bob"}) {
		t.Errorf("beta's new conversation told %v, want only bob", got)
	}

	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	// Olga assigns it to Oscar; the customer writes again twice: Oscar alone hears, once per burst.
	tm.post(t, tm.olga, conv, url.Values{"assigned_user_id": {strconv.FormatInt(tm.oscar.UserID, 10)}})
	e.Server.Jobs.Stop(5 * time.Second) // hold the runner so the burst folds
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Bir de süpürgelik")
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "ve montaj?")
	var queued int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'notify_event' AND status = 'queued'
		AND json_extract(payload, '$.kind') = 'assigned_message'`).Scan(&queued); err != nil {
		t.Fatal(err)
	}
	if queued != 1 {
		t.Errorf("two messages in a row queued %d notification events, want 1", queued)
	}
	if err := e.Server.Jobs.Start(ctx); err != nil {
		t.Fatal(err)
	}
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindAssignedMessage, 0, 0); !slices.Equal(got, []string{"oscar"}) {
		t.Errorf("message on an assigned conversation told %v, want only the assignee", got)
	}

	// Olga raises a handoff (cleared first: the assistant may have raised one already): the
	// assignee hears, Olga (who raised it) does not.
	tm.post(t, tm.olga, conv, url.Values{"handoff_required": {"0"}})
	settle(t, e, "acme")
	before := tm.mark(t, "acme")
	tm.post(t, tm.olga, conv, url.Values{"handoff_required": {"1"}})
	// Oscar sets a next action already overdue: he is assigned, he hears (the check runs at once).
	tm.post(t, tm.oscar, conv, url.Values{"next_action": {"Keşif randevusu"}, "next_action_due_at": {"2024-01-02T10:00"}})
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindHandoff, res.ConversationID, before); !slices.Equal(got, []string{"oscar"}) {
		t.Errorf("handoff on an assigned conversation told %v, want the assignee", got)
	}
	if got := tm.told(t, "acme", notify.KindOverdue, 0, 0); !slices.Equal(got, []string{"oscar"}) {
		t.Errorf("overdue next action told %v, want the assignee", got)
	}

	// A second, unassigned conversation: the assistant raises its handoff; owners and operators hear.
	res2 := tm.ingest(t, "acme", "v-2", "Mehmet Kaya", "Acil, su bastı")
	settle(t, e, "acme")
	if err := e.DB("acme").InTx(ctx, func(tx *sql.Tx) error {
		off, on := false, true
		if err := inbox.ApplyTriage(ctx, tx, res2.ConversationID, inbox.Triage{Handoff: &off}); err != nil {
			return err
		}
		before = tm.mark(t, "acme")
		return inbox.ApplyTriage(ctx, tx, res2.ConversationID, inbox.Triage{Handoff: &on, HandoffReason: "urgent"})
	}); err != nil {
		t.Fatal(err)
	}
	// A recommendation waits: owners only.
	if err := e.DB("acme").InTx(ctx, func(tx *sql.Tx) error {
		_, _, err := approvals.Create(ctx, tx, approvals.New{ConversationID: res2.ConversationID, Title: "Offer", Priority: "high",
			ActionType: "pricing", Confidence: .8, ModelName: "test", DedupeKey: "test-offer"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindHandoff, res2.ConversationID, before); !slices.Equal(got, []string{"olga", "oscar", "otto"}) {
		t.Errorf("the assistant's handoff on an unassigned conversation told %v, want owners and operators", got)
	}
	var approvalsTold []int64
	// One "approval waiting" per conversation while it is unread: the assistant's own
	// recommendation on this conversation may have told the owners already, and Offer joins it.
	rows, err := e.DB("acme").Read.Query(`SELECT user_id FROM notifications WHERE kind = 'approval' AND conversation_id = ? ORDER BY user_id`, res2.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		_ = rows.Scan(&id)
		approvalsTold = append(approvalsTold, id)
	}
	rows.Close()
	if want := []int64{tm.olga.UserID, tm.otto.UserID}; !slices.Equal(approvalsTold, want) {
		t.Errorf("approval waiting told %v, want the owners %v", approvalsTold, want)
	}
	// Nothing of acme's reached beta's file, and beta's only notification is its own.
	var betaRows int
	if err := e.DB("beta").Read.QueryRow(`SELECT count(*) FROM notifications`).Scan(&betaRows); err != nil {
		t.Fatal(err)
	}
	if betaRows != 1 {
		t.Errorf("beta holds %d notifications, want its one new conversation", betaRows)
	}
	// A disabled member is told nothing any more.
	acme, _ := e.Server.Platform.TenantBySlug(ctx, "acme")
	if err := e.Server.Platform.SetMembershipDisabled(ctx, tm.otto.UserID, acme.ID, true); err != nil {
		t.Fatal(err)
	}
	tm.ingest(t, "acme", "v-3", "Zeynep", "Merhaba")
	settle(t, e, "acme")
	var ottoNew int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND kind = 'new_conversation'`, tm.otto.UserID).Scan(&ottoNew); err != nil {
		t.Fatal(err)
	}
	if ottoNew != 2 {
		t.Errorf("a disabled owner got %d new-conversation notifications, want only the two from before", ottoNew)
	}
}

// TestBellListAndMarkRead: the bell counts the person's unread notifications, the list shows
// them in their language and links to the conversation, opening one marks it read, another
// person's notification cannot be opened, and "mark all read" clears the count.
func TestBellListAndMarkRead(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	res := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba, parke fiyatı?")
	tm.ingest(t, "acme", "v-2", "Mehmet Kaya", "Fayans?")
	settle(t, e, "acme")

	unread, err := notify.UnreadCount(context.Background(), e.DB("acme"), tm.oscar.UserID)
	if err != nil || unread < 2 {
		t.Fatalf("oscar has %d unread (%v), want at least the two new conversations", unread, err)
	}
	doc := tm.oscar.Get("/app/?lang=en").Doc(t)
	if got := strings.TrimSpace(doc.Find(".bell .bell-count").Contents().First().Text()); got != strconv.Itoa(unread) {
		t.Errorf("bell shows %q, want %d", got, unread)
	}
	r := tm.oscar.Get("/app/notifications/")
	if r.StatusCode != 200 {
		t.Fatalf("list: %d", r.StatusCode)
	}
	d := r.Doc(t)
	if items := d.Find(".notify-item.is-unread"); items.Length() != unread {
		t.Fatalf("list shows %d unread items, want %d", items.Length(), unread)
	}
	if !strings.Contains(d.Find("#notify-list").Text(), "New conversation with Ayşe Demir") {
		t.Errorf("list lacks the sentence naming the customer:\n%s", d.Find("#notify-list").Text())
	}
	tr := tm.oscar.Get("/app/notifications/?lang=tr").Doc(t)
	if !strings.Contains(tr.Find("#notify-list").Text(), "Ayşe Demir ile yeni konuşma") {
		t.Errorf("Turkish list lacks the Turkish sentence:\n%s", tr.Find("#notify-list").Text())
	}
	tm.oscar.Get("/app/notifications/?lang=en")

	ns, err := notify.List(context.Background(), e.DB("acme"), tm.oscar.UserID, false, 10)
	if err != nil || len(ns) != unread {
		t.Fatalf("oscar's notifications: %v %v", ns, err)
	}
	var first *notify.Notification
	for _, n := range ns {
		if n.ConversationID == res.ConversationID {
			first = n
		}
	}
	// Olga cannot open (nor mark read) Oscar's notification.
	if r := tm.olga.Get(fmt.Sprintf("/app/notifications/%d", first.ID)); r.StatusCode != http.StatusNotFound {
		t.Errorf("another person's notification answers %d, want 404", r.StatusCode)
	}
	open := tm.oscar.Get(fmt.Sprintf("/app/notifications/%d", first.ID))
	if open.StatusCode != http.StatusSeeOther || open.Header.Get("Location") != fmt.Sprintf("/app/inbox/%d/", res.ConversationID) {
		t.Fatalf("opening a notification: %d → %q", open.StatusCode, open.Header.Get("Location"))
	}
	if n, _ := notify.UnreadCount(context.Background(), e.DB("acme"), tm.oscar.UserID); n != unread-1 {
		t.Errorf("after opening one, %d unread, want %d", n, unread-1)
	}
	olgaUnread, _ := notify.UnreadCount(context.Background(), e.DB("acme"), tm.olga.UserID)
	if olgaUnread < 2 {
		t.Errorf("Olga has %d unread, want her own notifications untouched by Oscar's reading", olgaUnread)
	}
	if got := tm.oscar.Get("/app/notifications/?unread=1").Doc(t).Find(".notify-item").Length(); got != unread-1 {
		t.Errorf("unread filter shows %d, want %d", got, unread-1)
	}
	tm.post(t, tm.oscar, "/app/notifications/read-all", nil)
	if n, _ := notify.UnreadCount(context.Background(), e.DB("acme"), tm.oscar.UserID); n != 0 {
		t.Errorf("after mark all read, %d unread", n)
	}
	if tm.oscar.Get("/app/").Doc(t).Find(".bell .bell-count").Length() != 0 {
		t.Error("the bell still shows a count after mark all read")
	}
	// A viewer may read their list too (it is theirs), and nobody signed out may.
	if r := tm.vera.Get("/app/notifications/"); r.StatusCode != 200 {
		t.Errorf("viewer's list: %d", r.StatusCode)
	}
	if r := e.Client().Get("/app/notifications/"); r.StatusCode != http.StatusSeeOther {
		t.Errorf("signed out: %d, want a redirect to sign in", r.StatusCode)
	}
}

// TestRecipientsRules pins the targeting table for cases the end-to-end test cannot reach
// cheaply: a handoff, an overdue or a customer's message on a conversation assigned to someone who
// left, mentions of people outside the tenant, and the actor never hearing of their own action.
func TestRecipientsRules(t *testing.T) {
	members := []platform.Membership{{UserID: 1, Role: "owner"}, {UserID: 2, Role: "operator"}, {UserID: 3, Role: "viewer"},
		{UserID: 4, Role: "operator", Disabled: true}}
	scenarios := []struct {
		name string
		e    notify.Event
		conv notify.Conv
		want []int64
	}{
		{"handoff, assignee left: owners and operators", notify.Event{Kind: notify.KindHandoff}, notify.Conv{AssignedUserID: 4}, []int64{1, 2}},
		{"overdue, nobody assigned: owners", notify.Event{Kind: notify.KindOverdue}, notify.Conv{}, []int64{1}},
		{"mention of a stranger and of a viewer", notify.Event{Kind: notify.KindMention, UserIDs: []int64{3, 99}}, notify.Conv{}, []int64{3}},
		{"mention of oneself", notify.Event{Kind: notify.KindMention, UserIDs: []int64{2}, ActorID: 2}, notify.Conv{}, nil},
		{"new conversation logged by an operator", notify.Event{Kind: notify.KindNewConversation, ActorID: 2}, notify.Conv{}, []int64{1}},
		{"message, assignee disabled: owners and operators", notify.Event{Kind: notify.KindAssignedMessage}, notify.Conv{AssignedUserID: 4}, []int64{1, 2}},
		{"message, assignee removed: owners and operators", notify.Event{Kind: notify.KindAssignedMessage}, notify.Conv{AssignedUserID: 77}, []int64{1, 2}},
		{"visit soon, everyone going disabled: owners", notify.Event{Kind: notify.KindVisitSoon, UserIDs: []int64{4}}, notify.Conv{}, []int64{1}},
		{"visit answer, the one going is the actor's colleague", notify.Event{Kind: notify.KindVisitAnswer, UserIDs: []int64{2}}, notify.Conv{}, []int64{2}},
		{"visit soon, the one going caused it: nobody", notify.Event{Kind: notify.KindVisitSoon, UserIDs: []int64{2}, ActorID: 2}, notify.Conv{}, nil},
		{"message, assignee active: only them", notify.Event{Kind: notify.KindAssignedMessage}, notify.Conv{AssignedUserID: 3}, []int64{3}},
	}
	for _, s := range scenarios {
		if got := notify.Recipients(s.e, members, s.conv); !slices.Equal(got, s.want) {
			t.Errorf("%s: %v, want %v", s.name, got, s.want)
		}
	}
}
