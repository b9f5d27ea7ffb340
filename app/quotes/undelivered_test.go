package quotes_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// A quote sent on a conversation whose channel cannot send anything (Telegram not set up, a phone
// call) was stored as sent and moved the conversation to "offer" and the lead to "proposal",
// while the conversation said "Not sent: Telegram sending is not set up." The send is now refused
// at once with what to do, and nothing changes.
func TestQuoteOnAChannelThatCannotSendIsRefused(t *testing.T) {
	f := setup(t)
	for _, tc := range []struct {
		ch, external string
		want         string
	}{
		{"telegram", "777001", "Telegram sending is not set up, so the quote was not sent and nothing changed. Set it up under Settings → Channels, then send again."},
		{"call", "call-1", "This conversation (Phone call) is only a record: the panel sends nothing on it"},
	} {
		conv := conversationOn(t, f, tc.ch, tc.external, "")
		id := approvedQuote(t, f, conv)
		sid := strconv.FormatInt(id, 10)
		state := f.str(t, `SELECT state FROM conversations WHERE id = ?`, conv)
		stage := f.str(t, `SELECT l.stage FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE c.id = ?`, conv)
		before := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv)
		r := f.op.Post("/app/quotes/"+sid+"/send?lang=en", nil)
		if r.StatusCode != http.StatusConflict {
			t.Fatalf("%s: send answered %d, want 409", tc.ch, r.StatusCode)
		}
		doc := r.Doc(t)
		if got := doc.Find("[data-refused]").Text(); !strings.Contains(got, tc.want) {
			t.Errorf("%s: refusal %q, want %q", tc.ch, got, tc.want)
		}
		if doc.Find("[data-link]").Length() != 1 {
			t.Errorf("%s: the refusal does not show the customer link to copy", tc.ch)
		}
		if st := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id); st != "approved" {
			t.Errorf("%s: quote %s after a refused send", tc.ch, st)
		}
		if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, conv); n != before {
			t.Errorf("%s: %d outbound messages after a refused send, want %d", tc.ch, n, before)
		}
		if s := f.str(t, `SELECT state FROM conversations WHERE id = ?`, conv); s != state {
			t.Errorf("%s: conversation moved from %s to %s", tc.ch, state, s)
		}
		if s := f.str(t, `SELECT l.stage FROM leads l JOIN conversations c ON c.lead_id = l.id WHERE c.id = ?`, conv); s != stage {
			t.Errorf("%s: lead moved from %s to %s", tc.ch, stage, s)
		}
		if tc.ch != "call" {
			if doc.Find("[data-handed]").Length() != 0 {
				t.Errorf("%s: offers to record as handed over on a channel that sends", tc.ch)
			}
			continue
		}
		// On a call the page offers to record the quote as handed over by the person.
		form := url.Values{}
		doc.Find("form:has([data-handed]) input[name]").Each(func(_ int, in *goquery.Selection) {
			form.Set(in.AttrOr("name", ""), in.AttrOr("value", ""))
		})
		if form.Get("handed") != "1" {
			t.Fatalf("no Record as handed over form on the refusal: %v", form)
		}
		if r := f.op.Post("/app/quotes/"+sid+"/send?lang=en", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("handed over: %d %.300s", r.StatusCode, r.Body)
		}
		page := f.op.Get("/app/quotes/" + sid + "/?lang=en").Doc(t)
		if got := page.Find("#quote-status").Text(); got != "Handed over" {
			t.Errorf("badge after handing over %q, want Handed over", got)
		}
		if !strings.Contains(page.Text(), "Recorded as handed over: the panel sent nothing.") {
			t.Error("the banner does not say the quote was only recorded")
		}
		if st := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id); st != "sent" {
			t.Errorf("quote %s after handing over, want sent (the customer can accept it)", st)
		}
		if s := f.str(t, `SELECT state FROM conversations WHERE id = ?`, conv); s != "offer" {
			t.Errorf("conversation %s after handing over, want offer", s)
		}
	}
}

// A quote queued on Telegram whose message then failed (the bot token removed meanwhile) showed a
// green "Sent" on its page and in the list while the conversation said "Not sent". The page and
// the list now read the delivery of the message that carried it: "Queued" until it goes, "Not
// delivered" with the reason and what to do when it failed.
func TestQuoteWhoseMessageFailedSaysNotDelivered(t *testing.T) {
	f := setup(t)
	f.e.Set("acme", map[string]string{"telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01", "telegram_api_base": "http://127.0.0.1:9"})
	conv := conversationOn(t, f, "telegram", "777001", "")
	id := approvedQuote(t, f, conv)
	sid := strconv.FormatInt(id, 10)
	r := f.op.Post("/app/quotes/"+sid+"/send?lang=en", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %.300s", r.StatusCode, r.Body)
	}
	page := f.op.Get("/app/quotes/" + sid + "/?lang=en").Doc(t)
	if got := page.Find("#quote-status").Text(); got != "Queued" {
		t.Errorf("badge while queued %q, want Queued", got)
	}
	if !strings.Contains(page.Text(), "Queued for sending to the customer") {
		t.Error("the banner after the send does not say it was queued")
	}
	if got := f.str(t, `SELECT state FROM conversations WHERE id = ?`, conv); got != "offer" {
		t.Errorf("a queued quote leaves the conversation at %s, want offer", got)
	}

	// The token goes before the delivery runs: the message fails as not set up.
	f.e.Set("acme", map[string]string{"telegram_bot_token": ""})
	db := f.e.DB("acme")
	msgID := int64(f.count(t, `SELECT sent_message_id FROM quotes WHERE id = ?`, id))
	var jid int64
	var payload string
	if err := db.Read.QueryRow(`SELECT id, payload FROM jobs WHERE kind = ? AND status = 'queued' AND json_extract(payload, '$.message_id') = ?`,
		inbox.JobDeliver, msgID).Scan(&jid, &payload); err != nil {
		t.Fatalf("no delivery queued: %v", err)
	}
	j := &jobs.Job{ID: jid, Kind: inbox.JobDeliver, Payload: []byte(payload), Attempt: 1, MaxTries: 5, Tenant: "acme", DB: db}
	_ = f.e.Handlers.Channels.Deliverer.Handle(t.Context(), j)
	if st := f.str(t, `SELECT delivery_status FROM messages WHERE id = ?`, msgID); st != "failed" {
		t.Fatalf("message %s, want failed", st)
	}

	page = f.op.Get("/app/quotes/" + sid + "/?lang=en").Doc(t)
	if got := page.Find("#quote-status").Text(); got != "Not delivered" {
		t.Errorf("badge after the failure %q, want Not delivered", got)
	}
	if got := page.Find("[data-undelivered]").Text(); !strings.Contains(got, "did not reach the customer. Not sent: Telegram sending is not set up.") || !strings.Contains(got, "Try again") {
		t.Errorf("no word of the failure on the quote's page: %q", got)
	}
	if strings.Contains(page.Find(".quote-state").Text(), "Sent to the customer") {
		t.Error("the quote's page still says it was sent to the customer")
	}
	list := f.op.Get("/app/quotes/?lang=en").Doc(t)
	row := list.Find("[data-quote='" + sid + "']")
	if got := strings.TrimSpace(row.Find("[data-label='Status']").Text()); got != "Not delivered" {
		t.Errorf("list status %q, want Not delivered", got)
	}
}
