package inbox_test

import (
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/inbox"
)

// On a phone call or a walk-in nothing goes to the customer: what the operator types is recorded
// as what was said. The reply button and an assistant draft's approve button say so ("Log it",
// "Approve and record") instead of promising a send; a chat channel keeps "Send" and "Approve
// and send".
func TestRecordedChannelsPromiseNoSend(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	ctx := t.Context()
	draft := func(conv int64) {
		t.Helper()
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			_, _, err := approvals.Create(ctx, tx, approvals.New{ConversationID: conv, Title: "Fiyat", Priority: "high",
				ActionType: "pricing", Confidence: 0.8, ModelName: "builtin-2", DraftReply: "Metrekare fiyatı 1.200 TL'dir.", DedupeKey: "t:fiyat:" + strconv.FormatInt(conv, 10)})
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, ch := range []string{"call", "manual"} {
		r := c.Post("/app/inbox/new/", url.Values{"name": {"Ayla " + ch}, "channel": {ch}, "body": {"Fiyat sordu"}})
		if r.StatusCode != 303 {
			t.Fatalf("%s: new %d", ch, r.StatusCode)
		}
		page := r.Header.Get("Location")
		var conv int64
		db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = ? ORDER BY id DESC LIMIT 1`, ch).Scan(&conv)
		draft(conv)
		for lang, want := range map[string][2]string{"en": {"Log it", "Approve and record"}, "tr": {"Kaydet", "Onayla ve kaydet"}} {
			doc := c.Get(page + "?lang=" + lang).Doc(t)
			btn := doc.Find("#composer .composer-send")
			if got := strings.TrimSpace(btn.Text()); got != want[0] || btn.AttrOr("data-label-reply", "") != want[0] {
				t.Errorf("%s %s: reply button %q (reply label %q), want %q", ch, lang, got, btn.AttrOr("data-label-reply", ""), want[0])
			}
			if got := strings.TrimSpace(doc.Find("[data-approve-draft]").Text()); got != want[1] {
				t.Errorf("%s %s: draft button %q, want %q", ch, lang, got, want[1])
			}
		}
	}
	// A chat channel still sends.
	res, err := e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: "w-1", Name: "Can", Body: "Fiyat?", Kind: "text"})
	if err != nil {
		t.Fatal(err)
	}
	draft(res.ConversationID)
	doc := c.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/?lang=en").Doc(t)
	if got := strings.TrimSpace(doc.Find("#composer .composer-send").Text()); got != "Send" {
		t.Errorf("web chat: reply button %q", got)
	}
	if got := strings.TrimSpace(doc.Find("[data-approve-draft]").Text()); got != "Approve and send" {
		t.Errorf("web chat: draft button %q", got)
	}
}
