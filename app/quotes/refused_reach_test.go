package quotes_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/channels"
	"highvibe/app/channels/email"
	"highvibe/app/inbox"
)

// A quote sent on WhatsApp after the customer's 24-hour window had closed, or on an e-mail
// conversation whose customer has no address, was stored as sent, moved the conversation to
// "offer" and was queued, only to show "Not delivered" a moment later: no template carries a
// quote, and an e-mail needs somewhere to go. Both are now refused at once, as the conversation's
// composer refuses a typed reply there, with why and what to do; nothing is stored.
func TestQuoteThatCannotReachTheCustomerIsRefused(t *testing.T) {
	f := setup(t)
	f.e.Set("acme", map[string]string{"whatsapp_access_token": "EAAG-test-token", "whatsapp_phone_number_id": "1234567890",
		email.SetSMTPHost: "127.0.0.1", email.SetFrom: "Acme Parke <info@acme.test>"})
	wrote := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	svc := &inbox.Service{Channels: channels.Registry()}
	open := func(ch, external, mail string, at time.Time) int64 {
		res, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: ch, ExternalID: external, Name: "Deniz Yılmaz",
			Email: mail, Body: "Bahçe için teklif alabilir miyim?", At: at})
		if err != nil {
			t.Fatal(err)
		}
		return res.ConversationID
	}
	for _, tc := range []struct {
		name     string
		conv     int64
		want     string
		composer string
	}{
		{"window", open("whatsapp", "905321112233", "", wrote),
			"The customer's 24-hour window on WhatsApp closed on Mar 3, 2026",
			"WhatsApp's 24-hour window with this customer is closed"},
		{"no address", open("email", "<root-1@customer.test>", "", time.Now()),
			"This customer has no e-mail address, so the quote was not sent on E-mail and nothing changed.",
			"this customer has no e-mail address"},
	} {
		conv := tc.conv
		id := approvedQuote(t, f, conv)
		sid := strconv.FormatInt(id, 10)
		state := f.str(t, `SELECT state FROM conversations WHERE id = ?`, conv)
		stage := f.str(t, `SELECT l.stage FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE c.id = ?`, conv)
		r := f.op.Post("/app/quotes/"+sid+"/send?lang=en", nil)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%s: send answered %d, want 409", tc.name, r.StatusCode)
		}
		doc := r.Doc(t)
		if got := doc.Find("[data-refused]").Text(); !strings.Contains(got, tc.want) {
			t.Errorf("%s: refusal %q, want %q", tc.name, got, tc.want)
		}
		if st := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id); st != "approved" {
			t.Errorf("%s: quote %s after a refused send", tc.name, st)
		}
		if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv); n != 0 {
			t.Errorf("%s: %d outbound messages after a refused send", tc.name, n)
		}
		if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ?`, inbox.JobDeliver); n != 0 {
			t.Errorf("%s: %d deliveries queued", tc.name, n)
		}
		if s := f.str(t, `SELECT state FROM conversations WHERE id = ?`, conv); s != state {
			t.Errorf("%s: conversation moved from %s to %s", tc.name, state, s)
		}
		if s := f.str(t, `SELECT l.stage FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE c.id = ?`, conv); s != stage {
			t.Errorf("%s: lead moved from %s to %s", tc.name, stage, s)
		}
		// The composer refuses a typed reply on the same conversation for the same reason.
		cr := f.op.Post("/app/inbox/"+strconv.FormatInt(conv, 10)+"/?lang=en", map[string][]string{"direction": {"outbound"}, "body": {"Teklifiniz ektedir."}})
		if cr.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(cr.Doc(t).Text(), tc.composer) {
			t.Errorf("%s: the composer answered %d, want 422 saying %q", tc.name, cr.StatusCode, tc.composer)
		}
		if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv); n != 0 {
			t.Errorf("%s: the composer stored %d replies", tc.name, n)
		}
	}
}
