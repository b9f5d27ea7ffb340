package channels_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/channels"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// TestEmailReplyNotSetUpSaysSo: an e-mail reply sent while the business has no mail server, or to
// a lead without an address, is marked not sent with that reason in the reader's language, as
// WhatsApp's and Telegram's are; it read "the channel refused the message", which sent owners to
// look for a refusal that never happened.
func TestEmailReplyNotSetUpSaysSo(t *testing.T) {
	t.Parallel()
	d := newDeliverEnv(t, true, nil)
	ctx := t.Context()
	db := d.e.DB("acme")
	owner := d.e.User("acme", "olga", "owner")
	for _, c := range []struct {
		smtp        bool
		email, want string
	}{
		{false, "ayse@example.com", "Gönderilmedi: e-posta gönderimi ayarlı değil"},
		{true, "", "Gönderilmedi: bu adayın e-posta adresi yok."},
	} {
		if c.smtp {
			d.e.Set("acme", map[string]string{"email_smtp_host": "smtp.example.com", "email_from": "info@example.com"})
		}
		res, err := d.e.Handlers.InboxService.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "email", Name: "Ayşe", Email: c.email,
			Phone: map[bool]string{true: "+905321112233"}[c.email == ""], Body: "Merhaba, fiyat alabilir miyim?"})
		if err != nil {
			t.Fatal(err)
		}
		id, err := d.e.Handlers.InboxService.AddMessage(ctx, "acme", db, res.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "system", Body: "Merhaba Ayşe"}, "")
		if err != nil {
			t.Fatal(err)
		}
		payload, _ := json.Marshal(map[string]int64{"message_id": id})
		_ = d.e.Handlers.Channels.Deliverer.Handle(ctx, &jobs.Job{Kind: channels.JobDeliver, Payload: payload, Tenant: "acme", DB: db, Attempt: 1, MaxTries: 3})
		m := d.message(t, id)
		if m.DeliveryStatus != "failed" || !m.Retryable() {
			t.Fatalf("%q: %s %q, want failed and retryable", c.email, m.DeliveryStatus, m.DeliveryError)
		}
		doc := owner.Get("/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/?lang=tr").Doc(t)
		got := strings.TrimSpace(doc.Find(".msg-failed-text").Text())
		if !strings.Contains(got, c.want) {
			t.Errorf("%q: the failed reply says %q, want %q", c.email, got, c.want)
		}
	}
}
