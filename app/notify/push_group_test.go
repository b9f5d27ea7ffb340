package notify_test

import (
	"database/sql"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/i18n"
	"highvibe/app/notify"
)

// settleAll waits until the tenant has no notification or push job queued or running, later ones
// included (an update of a phone's message waits a moment for the rest of a burst).
func settleAll(t *testing.T, db *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM jobs WHERE status IN ('queued','running') AND kind IN ('notify_event','notify_push')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatal("jobs did not finish")
}

// TestPushDescribesTheGroupWhenSent: a lead's phone message went out with its first event ("New
// conversation with Mehmet Kaya"), and what merged into that notification moments later (two
// quotes accepted) never reached the phone: the push was queued once, and a merge of kinds the
// person already hears by push queued nothing. The phone is now told again, under the same tag
// (its message is replaced, not added), once the burst is over, with the group as it stands.
func TestPushDescribesTheGroupWhenSent(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	e.Handlers.Notify.Svc.Window = 0 // as in production
	e.Handlers.Notify.Svc.PushGather = time.Second
	fake := newFakePush(t)
	e.Handlers.Notify.Svc.HTTP = fake.client()
	br := newBrowser(t)
	if r := tm.olga.PostJSON("/app/notifications/push/subscribe", br.subscription(fake.URL+"/wpush/olga"), nil); r.StatusCode != http.StatusOK {
		t.Fatalf("subscribe: %d %s", r.StatusCode, r.Body)
	}
	db := e.DB("acme")
	res := tm.ingest(t, "acme", "v-mehmet", "Mehmet Kaya", "Merhaba, 50 m2 laminat parke için fiyat alabilir miyim?")
	settleAll(t, db.Read)
	drain(fake)

	// The customer accepts two quotes within the window: both join Olga's notification.
	if err := db.InTx(t.Context(), func(tx *sql.Tx) error {
		now := time.Now().UnixMilli()
		for i := range 2 {
			if err := notify.Raise(t.Context(), tx, notify.Event{Kind: notify.KindQuoteAccepted, ConversationID: res.ConversationID,
				At: now + int64(i), Name: "Mehmet Kaya"}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	p := fake.next(t)
	var msg notify.PushMessage
	if err := json.Unmarshal(br.decrypt(t, p.Body), &msg); err != nil {
		t.Fatal(err)
	}
	var nid int64
	var params string
	if err := db.Read.QueryRow(`SELECT id, params FROM notifications WHERE user_id = ? AND conversation_id = ?`,
		tm.olga.UserID, res.ConversationID).Scan(&nid, &params); err != nil {
		t.Fatalf("Olga's one notification about the lead: %v", err)
	}
	var got notify.Params
	_ = json.Unmarshal([]byte(params), &got)
	total := 0
	for _, c := range got.Count {
		total += c
	}
	if got.Count[notify.KindQuoteAccepted] != 2 || total < 3 {
		t.Fatalf("the notification holds %v, want two quotes accepted besides the new conversation", got.Count)
	}
	if want := strconv.Itoa(total) + " new from Mehmet Kaya"; msg.Title != want {
		t.Errorf("the phone's message is titled %q, want %q", msg.Title, want)
	}
	if !strings.Contains(msg.Body, "2 quotes accepted") || !strings.Contains(msg.Body, "1 new conversation") {
		t.Errorf("the phone's message says %q, want the group named (2 quotes accepted, 1 new conversation)", msg.Body)
	}
	if want := "acme:" + strconv.FormatInt(nid, 10); msg.Tag != want {
		t.Errorf("the update is tagged %q, want %q (the message it replaces)", msg.Tag, want)
	}
	// The burst is one update: the one queued for the first of the two quotes stood down.
	settleAll(t, db.Read)
	select {
	case extra := <-fake.got:
		var m notify.PushMessage
		_ = json.Unmarshal(br.decrypt(t, extra.Body), &m)
		t.Errorf("a second update for the same burst: %+v", m)
	default:
	}
}

// TestPushWordsNameTheGroup: the phone's words for a notification holding several events, in
// the reader's language, the most important kind first.
func TestPushWordsNameTheGroup(t *testing.T) {
	n := &notify.Notification{Kind: notify.KindQuoteAccepted, Params: notify.Params{Name: "Mehmet Kaya",
		Also:  []string{notify.KindAssignedMessage},
		Count: map[string]int{notify.KindQuoteAccepted: 1, notify.KindAssignedMessage: 2}}}
	for lang, want := range map[string][2]string{
		"en": {"3 new from Mehmet Kaya", "1 quote accepted, 2 new messages"},
		"tr": {"Mehmet Kaya: 3 yeni bildirim", "1 teklif kabul edildi, 2 yeni mesaj"},
		"ar": {"Mehmet Kaya: 3 إشعارات جديدة", "قُبل عرض سعر، رسالتان جديدتان"},
		"de": {"Mehmet Kaya: 3 neue Meldungen", "1 Angebot angenommen, 2 neue Nachrichten"},
	} {
		title, body := notify.PushWords(i18n.For(lang), n)
		if title != want[0] || body != want[1] {
			t.Errorf("%s: %q / %q, want %q / %q", lang, title, body, want[0], want[1])
		}
	}
	// One event: its sentence and the customer's words, as before.
	one := &notify.Notification{Kind: notify.KindNewConversation, Params: notify.Params{Name: "Ayşe", Text: "Merhaba"}}
	if title, body := notify.PushWords(i18n.For("en"), one); title != "New conversation with Ayşe" || body != "Merhaba" {
		t.Errorf("one event: %q / %q", title, body)
	}
}
