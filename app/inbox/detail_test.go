package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/inbox"
)

func TestConversationUpdate(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	other := e.User("acme", "omer", "operator")
	_ = other
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ali", Body: "Merhaba"})
	path := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	db := e.DB("acme")
	read := func() *inbox.Conversation {
		cv, err := inbox.ConversationByID(context.Background(), db.Read, res.ConversationID)
		if err != nil {
			t.Fatal(err)
		}
		return cv
	}
	logs := func() int {
		var n int
		db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'conversation_inbox' AND action_type = 'conversation_update'`).Scan(&n)
		return n
	}
	// Opening marks read.
	if r := c.Get(path); r.StatusCode != 200 {
		t.Fatalf("detail %d", r.StatusCode)
	}
	if read().UnreadCount != 0 {
		t.Fatal("opening did not mark read")
	}
	tests := []struct {
		name   string
		form   url.Values
		status int
		check  func(*inbox.Conversation) bool
	}{
		{"full save", url.Values{"state": {"qualified"}, "next_action": {"Call back"}, "next_action_due_at": {"2030-01-02T10:00"},
			"handoff_required": {"0", "1"}, "ai_mode": {"paused"}, "tags": {"vip, Kitchen"}, "body": {"We will call"}, "direction": {"outbound"}},
			303, func(cv *inbox.Conversation) bool {
				return cv.State == "qualified" && cv.NextAction == "Call back" && cv.HandoffRequired && cv.AIMode == "paused" && cv.NextActionDueAt > 0
			}},
		{"partial: only state, rest unchanged", url.Values{"state": {"offer"}}, 303, func(cv *inbox.Conversation) bool {
			return cv.State == "offer" && cv.NextAction == "Call back" && cv.HandoffRequired && cv.AIMode == "paused"
		}},
		{"invalid state and long next action: nothing changes", url.Values{"state": {"bogus"}, "next_action": {strings.Repeat("x", 256)}, "ai_mode": {"manual"}},
			422, func(cv *inbox.Conversation) bool { return cv.State == "offer" && cv.AIMode == "paused" }},
		{"assignee not a member", url.Values{"assigned_user_id": {"999"}, "state": {"won"}}, 422,
			func(cv *inbox.Conversation) bool { return cv.State == "offer" && cv.AssignedUserID == 0 }},
		{"bad date", url.Values{"next_action_due_at": {"tomorrow"}, "state": {"won"}}, 422,
			func(cv *inbox.Conversation) bool { return cv.State == "offer" }},
		{"send_at in the past", url.Values{"body": {"later"}, "send_at": {"2001-01-01T00:00"}}, 422,
			func(cv *inbox.Conversation) bool { return true }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := logs()
			r := c.Post(path, tc.form)
			if r.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %.300s", r.StatusCode, tc.status, r.Body)
			}
			if !tc.check(read()) {
				t.Errorf("unexpected conversation %+v", read())
			}
			want := before
			if tc.status == 303 {
				want++
			}
			if logs() != want {
				t.Errorf("logs %d, want %d", logs(), want)
			}
			// Said at its field, or the composer's in the composer's status line.
			if tc.status == 422 && !strings.Contains(r.Body, "field-error") && !strings.Contains(r.Body, `<span class="is-error">`) {
				t.Error("no field error shown")
			}
		})
	}
	tags, _ := inbox.TagsOf(context.Background(), db.Read, res.ConversationID)
	if strings.Join(tags, ",") != "Kitchen,vip" {
		t.Errorf("tags %v", tags)
	}
	var payload string
	db.Read.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'conversation_update' ORDER BY id LIMIT 1`).Scan(&payload)
	if !strings.Contains(payload, `"before"`) || !strings.Contains(payload, `"state":"new"`) {
		t.Errorf("payload lacks before/after: %s", payload)
	}
	// Mark unread.
	if r := c.Post(path+"unread", nil); r.StatusCode != 303 {
		t.Fatalf("unread %d", r.StatusCode)
	}
	if read().UnreadCount != 1 {
		t.Error("not unread")
	}
	// Scheduled send and cancel (within WhatsApp's 24-hour window: a later time is refused).
	if r := c.Post(path, url.Values{"body": {"see you"}, "direction": {"outbound"}, "send_at": {time.Now().Add(3 * time.Hour).In(hours.DefaultLocation()).Format("2006-01-02T15:04")}}); r.StatusCode != 303 {
		t.Fatalf("schedule %d %.300s", r.StatusCode, r.Body)
	}
	var mid int64
	db.Read.QueryRow(`SELECT id FROM messages WHERE scheduled_at IS NOT NULL`).Scan(&mid)
	cancel := path + "scheduled/" + strconv.FormatInt(mid, 10) + "/cancel"
	if r := c.Post(cancel, nil); r.StatusCode != 303 {
		t.Fatalf("cancel %d", r.StatusCode)
	}
	if r := c.Post(cancel, nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("second cancel %d", r.StatusCode)
	}
	var jobStatus string
	db.Read.QueryRow(`SELECT status FROM jobs WHERE kind = 'send_scheduled'`).Scan(&jobStatus)
	if jobStatus != "cancelled" {
		t.Errorf("job %q", jobStatus)
	}
}

func TestInboxRolesAndIsolation(t *testing.T) {
	e := newEnv(t)
	e.Tenant("beta")
	viewer := e.User("acme", "vera", "viewer")
	b := e.User("beta", "bora", "owner")
	a := ingest(t, e, "acme", inbox.Inbound{Channel: "manual", Name: "Acme Secret", Body: "acme only"})
	bb := ingest(t, e, "beta", inbox.Inbound{Channel: "manual", Name: "Beta Person", Body: "beta text"})
	if a.ConversationID != bb.ConversationID {
		t.Fatalf("expected same ids in both files, got %d %d", a.ConversationID, bb.ConversationID)
	}
	path := "/app/inbox/" + strconv.FormatInt(a.ConversationID, 10) + "/"
	for _, tc := range []struct {
		name   string
		do     func() int
		status int
	}{
		{"viewer reads", func() int { return viewer.Get(path).StatusCode }, 200},
		{"viewer update", func() int { return viewer.Post(path, url.Values{"state": {"won"}}).StatusCode }, 403},
		{"viewer new", func() int {
			return viewer.Post("/app/inbox/new/", url.Values{"name": {"x"}, "channel": {"call"}, "body": {"y"}}).StatusCode
		}, 403},
		{"viewer unread", func() int { return viewer.Post(path+"unread", nil).StatusCode }, 403},
		{"viewer templates", func() int { return viewer.Get("/app/settings/templates").StatusCode }, 403},
		{"unknown id", func() int { return b.Get("/app/inbox/999/").StatusCode }, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.do(); got != tc.status {
				t.Errorf("status %d, want %d", got, tc.status)
			}
		})
	}
	r := b.Get(path)
	if strings.Contains(r.Body, "Acme Secret") || strings.Contains(r.Body, "acme only") || !strings.Contains(r.Body, "Beta Person") {
		t.Error("beta's user saw acme's conversation or not its own")
	}
	if l := b.Get("/app/inbox/?q=secret"); strings.Contains(l.Body, "Acme Secret") {
		t.Error("beta search found acme data")
	}
}

func TestInboxEscapingAndNew(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "owner")
	evil := `<script>alert(1)</script>`
	img := `<img src=x onerror=alert(2)>`
	res := ingest(t, e, "acme", inbox.Inbound{Channel: "webchat", ExternalID: "t1", Name: evil, Body: img})
	for _, p := range []string{"/app/inbox/", "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"} {
		body := c.Get(p).Body
		if strings.Contains(body, evil) || strings.Contains(body, img) {
			t.Errorf("%s: raw markup rendered", p)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s: escaped name missing", p)
		}
	}
	// New conversation from a call, matched to the existing lead by phone.
	r := c.Post("/app/inbox/new/", url.Values{"name": {"Ayla"}, "phone": {"0532 111 22 33"}, "channel": {"call"}, "body": {"Called about parquet"}})
	if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/app/inbox/") {
		t.Fatalf("new: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	r2 := c.Post("/app/inbox/new/", url.Values{"phone": {"+90 532 111 22 33"}, "channel": {"manual"}, "body": {"Walked in"}})
	if r2.StatusCode != 303 {
		t.Fatalf("new 2: %d", r2.StatusCode)
	}
	var leads int
	e.DB("acme").Read.QueryRow(`SELECT count(*) FROM leads WHERE phone_e164 = '+905321112233'`).Scan(&leads)
	if leads != 1 {
		t.Errorf("leads %d", leads)
	}
	detail := c.Get(r2.Header.Get("Location")).Doc(t)
	if detail.Find("#siblings a").Length() != 1 {
		t.Error("sibling conversation not linked")
	}
	for _, bad := range []url.Values{
		{"name": {"x"}, "channel": {"whatsapp"}, "body": {"y"}},
		{"channel": {"call"}, "body": {"y"}},
		{"name": {"x"}, "channel": {"call"}, "body": {""}},
		{"name": {"x"}, "phone": {"12"}, "channel": {"call"}, "body": {"y"}},
	} {
		if r := c.Post("/app/inbox/new/", bad); r.StatusCode != 422 {
			t.Errorf("%v: status %d", bad, r.StatusCode)
		}
	}
	// Templates CRUD and the composer's insert list.
	if r := c.Post("/app/settings/templates", url.Values{"name": {"Greeting"}, "body": {"Merhaba {{name}}"}}); r.StatusCode != 303 {
		t.Fatalf("template %d", r.StatusCode)
	}
	if r := c.Post("/app/settings/templates", url.Values{"name": {"Greeting"}, "body": {"dup"}}); r.StatusCode != 422 {
		t.Errorf("duplicate template %d", r.StatusCode)
	}
	doc := c.Get(r.Header.Get("Location")).Doc(t)
	if v, _ := doc.Find("select[data-insert-template] option[data-text]").Attr("data-text"); v != "Merhaba {{name}}" {
		t.Errorf("template option %q", v)
	}
}

// TestRetryFailedReply queues a reply that WhatsApp did not take once more (a new delivery job,
// one log entry) and refuses a message that is not a failed reply.
func TestRetryFailedReply(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	svc := e.Handlers.InboxService
	res, err := svc.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905551110009", Name: "Ece", Body: "Merhaba"})
	if err != nil {
		t.Fatal(err)
	}
	mid, err := svc.AddMessage(t.Context(), "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", Body: "Fiyat 1.200 TL"}, "")
	if err != nil {
		t.Fatal(err)
	}
	base := fmt.Sprintf("/app/inbox/%d/messages/", res.ConversationID)
	if r := c.Post(fmt.Sprintf("%s%d/retry", base, mid), nil); r.StatusCode != http.StatusConflict {
		t.Fatalf("retry of a queued reply: %d, want 409", r.StatusCode)
	}
	if _, err := db.Write.Exec(`UPDATE messages SET delivery_status = 'failed', delivery_error = 'not sent: 400 bad request' WHERE id = ?`, mid); err != nil {
		t.Fatal(err)
	}
	page := c.Get(fmt.Sprintf("/app/inbox/%d/", res.ConversationID)).Body
	if !strings.Contains(page, "the channel refused the message") || !strings.Contains(page, "400 bad request") {
		t.Errorf("failed reply: want the short reason and the folded detail on the page")
	}
	jobs := func() (n int) {
		_ = db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'deliver_message'`).Scan(&n)
		return
	}
	before := jobs()
	if r := c.Post(fmt.Sprintf("%s%d/retry", base, mid), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d %.200s", r.StatusCode, r.Body)
	}
	var st, errText string
	_ = db.Read.QueryRow(`SELECT delivery_status, delivery_error FROM messages WHERE id = ?`, mid).Scan(&st, &errText)
	if st != "queued" || errText != "" || jobs() != before+1 {
		t.Errorf("after retry: status %q error %q jobs %d→%d, want queued, no error, one more job", st, errText, before, jobs())
	}
	var logs int
	_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'message_retry'`).Scan(&logs)
	if logs != 1 {
		t.Errorf("retry logs %d, want 1", logs)
	}
}
