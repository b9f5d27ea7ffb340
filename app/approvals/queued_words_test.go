package approvals_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/inbox"
)

// Sending an approved draft on WhatsApp queues it for the provider, which may refuse it (sending
// not set up, the 24-hour window closed): the banner said "The reply was sent to the customer."
// before anything was sent. It now says the reply is queued for sending (edited or not); on the
// widget, which the visitor reads at once, it is still sent; on a phone call or a walk-in, where
// nothing is sent, it is recorded, as the composer says.
func TestApprovedReplyOnWhatsAppIsQueuedNotSent(t *testing.T) {
	f := setup(t)
	res, err := f.e.Handlers.InboxService.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905551110009",
		Phone: "+905551110009", Name: "Ece", Body: "Fiyat nedir?"})
	if err != nil {
		t.Fatal(err)
	}
	web := f.conv
	// A phone call and a walk-in are records kept by hand: nothing is sent on them, and the
	// composer says "Reply recorded."; the queue's send said "The reply was sent to the customer."
	byHand := map[string]int64{}
	for i, ch := range []string{"call", "manual"} {
		r, err := f.e.Handlers.InboxService.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: ch,
			ExternalID: fmt.Sprintf("hand-%d", i), Phone: fmt.Sprintf("+90555111002%d", i), Name: "Özlem", Body: "Fiyat nedir?"})
		if err != nil {
			t.Fatal(err)
		}
		byHand[ch] = r.ConversationID
	}
	owner := f.e.User("acme", "talha", "owner")
	for _, tc := range []struct {
		conv        int64
		typ, body   string
		want, avoid string
	}{
		{res.ConversationID, "pricing", "", "The reply is queued for sending to the customer.", "was sent"},
		{res.ConversationID, "stock", "Stokta var, yarın teslim.", "Edited and queued for sending.", "Edited and sent."},
		{web, "warranty", "", "The reply was sent to the customer.", "queued for sending"},
		{byHand["call"], "pricing", "", "Reply recorded.", "sent to the customer"},
		{byHand["manual"], "stock", "Stokta var, yarın teslim.", "Edited and recorded.", "Edited and sent."},
	} {
		f.conv = tc.conv
		id := f.rec(t, tc.typ, "Metrekaresi 1.450 TRY.")
		form := url.Values{}
		if tc.body != "" {
			form.Set("body", tc.body) // the conversation page: approved and sent in one go
		} else {
			owner.Post(fmt.Sprintf("/app/approvals/%d/approve", id), nil)
		}
		if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send?lang=en", id), form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("send: %d %.300s", r.StatusCode, r.Body)
		}
		page := owner.Get("/app/approvals/?lang=en").Body
		if !strings.Contains(page, tc.want) || strings.Contains(page, tc.avoid) {
			t.Errorf("conversation %d: the banner after the send does not say %q, or says %q", tc.conv, tc.want, tc.avoid)
		}
	}
}
