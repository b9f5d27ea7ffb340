package msp_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/inbox"
	"highvibe/app/msp"
)

// TestReplyOnEmailTicketWithoutSending: a ticket that came by e-mail, while the business has not
// set up sending e-mail (no SMTP server, no sender). Its page offered "Reply to the customer" as
// if the reply would go; it was queued and failed, and the client never got it. Now the page says
// where the reply box was that e-mail sending is not set up and that the ticket takes internal
// notes only, with a link to the channel settings for an owner (others are told to ask one); a
// reply posted anyway is refused, nothing stored or queued, its text moved to the note box with
// the reason. Once an SMTP server and a sender are set, the reply box is back and the reply goes
// to the requester's address.
func TestReplyOnEmailTicketWithoutSending(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ locale, title, refused string }{
		{"tr", "E-posta gönderimi ayarlı değil", "Gönderilmedi: E-posta gönderimi ayarlı değil"},
		{"en", "E-mail sending is not set up", "Not sent: E-mail sending is not set up"},
	} {
		te := newTimeEnv(t, false, c.locale)
		ctx := context.Background()
		var conv int64
		if err := te.db.InTx(ctx, func(tx *sql.Tx) error {
			lead, _, err := inbox.UpsertLead(ctx, tx, &inbox.LeadRecord{ExternalID: "mail-oguz", Name: "Oğuz Karaca", Email: "oguz@karaca.example",
				Stage: "new", Source: "email", CreatedAt: time.Now().UnixMilli()})
			if err != nil {
				return err
			}
			conv, err = inbox.InsertHistory(ctx, tx, &inbox.HistoricConversation{LeadID: lead, Channel: "email", ExternalID: "oguz@karaca.example",
				State: "new", Language: c.locale, AIMode: "manual", CreatedAt: time.Now().UnixMilli(),
				Messages: []inbox.HistoricMessage{{Direction: "inbound", AuthorKind: "customer", Body: "Yazıcı çalışmıyor", At: time.Now().UnixMilli()}}})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		tk, err := msp.Create(ctx, te.db, msp.NewTicket{Subject: "Yazıcı çalışmıyor", ClientID: te.client, ConversationID: conv}, tech)
		if err != nil {
			t.Fatal(err)
		}
		path := "/app/msp/tickets/" + strconv.FormatInt(tk.ID, 10) + "/"

		doc := te.owner.Get(path).Doc(t)
		if doc.Find("#reply-body").Length() != 0 || doc.Find("[data-send-reply]").Length() != 0 {
			t.Fatalf("%s: the page offers a reply that cannot go", c.locale)
		}
		note := doc.Find("#cannot-send")
		if !strings.Contains(note.Text(), c.title) {
			t.Fatalf("%s: no word that e-mail sending is not set up: %q", c.locale, note.Text())
		}
		if href := note.Find("a[data-send-setup]").AttrOr("href", ""); href != "/app/settings/channels#email_smtp_host" {
			t.Errorf("%s: the owner's link goes to %q", c.locale, href)
		}
		if doc.Find("#note-body").Length() != 1 {
			t.Fatalf("%s: no internal-note box", c.locale)
		}
		od := te.oper.Get(path).Doc(t)
		if od.Find("#cannot-send").Length() != 1 || od.Find("#cannot-send a").Length() != 0 {
			t.Errorf("%s: the operator's notice: %q", c.locale, od.Find("#cannot-send").Text())
		}

		msgs := te.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ?`, conv)
		const text = "Sürücüyü yeniden kurdum, deneyebilir misiniz?"
		r := te.oper.Post(path+"reply", url.Values{"reply": {text}})
		wantStatus(t, r, http.StatusUnprocessableEntity, c.locale+": reply without e-mail sending")
		rd := r.Doc(t)
		if got := rd.Find("#note-body").Text(); got != text {
			t.Errorf("%s: the note box holds %q", c.locale, got)
		}
		if msg := rd.Find("#note-error").Text(); !strings.Contains(msg, c.refused) {
			t.Errorf("%s: reason %q", c.locale, msg)
		}
		if n := te.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ?`, conv); n != msgs {
			t.Fatalf("%s: %d messages after a refused reply, had %d", c.locale, n, msgs)
		}
		if n := te.count(t, `SELECT count(*) FROM msp_ticket_events WHERE ticket_id = ? AND kind = 'reply'`, tk.ID); n != 0 {
			t.Fatalf("%s: the refused reply is on the timeline", c.locale)
		}

		// Sending set up: the box is back and the reply is queued to the requester.
		te.e.Set("bilisim", map[string]string{"email_smtp_host": "smtp.example.com", "email_from": "destek@pusula.example"})
		doc = te.oper.Get(path).Doc(t)
		if doc.Find("#cannot-send").Length() != 0 || doc.Find("#reply-body").Length() != 1 {
			t.Fatalf("%s: with sending set up the reply box is missing", c.locale)
		}
		wantStatus(t, te.oper.Post(path+"reply", url.Values{"reply": {text}}), http.StatusSeeOther, c.locale+": reply with e-mail sending")
		if n := te.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body = ?`, conv, text); n != 1 {
			t.Fatalf("%s: %d outbound replies stored", c.locale, n)
		}
	}
}
