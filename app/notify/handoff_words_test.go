package notify_test

import (
	"database/sql"
	"html"
	"net/http"
	"strings"
	"testing"

	"highvibe/app/approvals"
)

// TestHandoffNotificationSaysWhy: a plain price question made the bell say "John Smith bir
// kişiyle görüşmek istiyor (devir)", blaming the customer for asking for a person when it was
// the assistant handing the question over. The line now says a person is needed and why.
func TestHandoffNotificationSaysWhy(t *testing.T) {
	tm := newTeam(t)
	tm.ingest(t, "acme", "v-john", "John Smith", "Hello, I need a quote for 50 m2 of laminate flooring, what is the price per m2?")
	settle(t, tm.e, "acme")
	for lang, want := range map[string][]string{
		"tr": {"için bir kişi gerekiyor (devir): ", "fiyat istiyor"},
		"en": {"needs a person (handoff): ", "asks for a price"},
	} {
		// The operator: no approval item above the handoff for them.
		page := html.UnescapeString(tm.oscar.Get("/app/notifications/?lang=" + lang).Body)
		for _, w := range want {
			if !strings.Contains(page, w) || strings.Contains(page, "bir kişiyle görüşmek istiyor (devir)") {
				t.Errorf("%s: the bell list does not say %q:\n%s", lang, w, page[strings.Index(page, "<main"):])
			}
		}
	}
}

// TestOneLeadOneNotification: one widget lead at night made three bell items and three pushes
// in the same second (new conversation, handoff, approval waiting), and a lead two "approval
// waiting" items. A conversation's notifications raised moments apart are one item naming the
// most important kind and the others, with one push; a second approval on a conversation whose
// first is unread makes no second item.
func TestOneLeadOneNotification(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	e.Handlers.Notify.Svc.Window = 0 // as in production
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	br := newBrowser(t)
	if r := tm.olga.PostJSON("/app/notifications/push/subscribe", br.subscription(fake.URL+"/wpush/olga"), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
	}
	res := tm.ingest(t, "acme", "v-mehmet", "Mehmet Kaya", "Merhaba, 50 m2 laminat parke için kesin fiyat ve cumartesi montaj tarihi alabilir miyim?")
	settle(t, e, "acme")
	var kinds []string
	rows, err := e.DB("acme").Read.Query(`SELECT kind FROM notifications WHERE user_id = ? AND conversation_id = ?`, tm.olga.UserID, res.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		kinds = append(kinds, k)
	}
	rows.Close()
	if len(kinds) != 1 {
		t.Fatalf("the owner has %d notifications about one lead (%v), want one", len(kinds), kinds)
	}
	page := html.UnescapeString(tm.olga.Get("/app/notifications/?lang=tr").Body)
	if !strings.Contains(page, "ayrıca: ") || !strings.Contains(page, "yeni konuşma") {
		t.Errorf("the one item does not name what it took in:\n%s", page[strings.Index(page, "<main"):])
	}
	// One message rings the phone; what merged into it later replaces it under the same tag
	// (an update, TestPushDescribesTheGroupWhenSent).
	var pushes int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'notify_push' AND json_extract(payload, '$.events') IS NULL`).Scan(&pushes); err != nil {
		t.Fatal(err)
	}
	if pushes != 1 {
		t.Errorf("%d push messages for one lead, want 1", pushes)
	}
	// Later (the window passed), two recommendations wait on the conversation: one "approval
	// waiting" while it is unread.
	e.Handlers.Notify.Svc.Window = -1
	for _, key := range []string{"offer-1", "offer-2"} {
		if err := e.DB("acme").InTx(t.Context(), func(tx *sql.Tx) error {
			_, _, err := approvals.Create(t.Context(), tx, approvals.New{ConversationID: res.ConversationID, Title: "Offer " + key, Priority: "high",
				ActionType: "pricing", Confidence: .8, ModelName: "test", DedupeKey: key})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		settle(t, e, "acme")
	}
	var approvalItems int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND conversation_id = ? AND kind = 'approval'`,
		tm.olga.UserID, res.ConversationID).Scan(&approvalItems); err != nil {
		t.Fatal(err)
	}
	if approvalItems != 1 {
		t.Errorf("%d \"approval waiting\" items on one conversation, want 1", approvalItems)
	}
}
