package inbox_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// A reply written on a WhatsApp conversation is queued for the provider, and may not go out
// (WhatsApp sending not set up, the 24-hour window closed): the line after the save said "Sent."
// anyway, and a moment later the message itself said "Not sent". It now says the reply is queued
// for sending; a reply on the widget, which the visitor reads at once, is still "Sent.", and a
// call's conversation still records it. The approval of an assistant's draft says the same.
func TestReplyDoneWordsSayWhatHappened(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	// Both channels' sending set up: without it a reply is refused (conversation_cannot_send_test).
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055",
		"telegram_bot_token": "123456789:AAHdef_ghi-jklmnopqrstuvwxyz012"})
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	svc := e.Handlers.InboxService
	for _, tc := range []struct {
		channel, ext string
		want         string
		not          []string
	}{
		{"whatsapp", "905551110009", "Queued for sending.", []string{">Sent.<"}},
		{"telegram", "77001", "Queued for sending.", []string{">Sent.<"}},
		{"webchat", "visitor-1", "Sent.", []string{"Queued for sending."}},
		{"call", "", "Reply recorded.", []string{"Queued for sending.", ">Sent.<"}},
	} {
		res, err := svc.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: tc.channel, ExternalID: tc.ext, Phone: "+905551110009", Name: "Ece", Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		page := fmt.Sprintf("/app/inbox/%d/", res.ConversationID)
		if r := c.Post(page+"?lang=en", url.Values{"body": {"Fiyat 1.200 TL"}, "direction": {"outbound"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: reply: %d %.300s", tc.channel, r.StatusCode, r.Body)
		}
		body := c.Get(page + "?lang=en").Body
		if !strings.Contains(body, tc.want) {
			t.Errorf("%s: the page after the reply does not say %q", tc.channel, tc.want)
		}
		for _, n := range tc.not {
			if strings.Contains(body, n) {
				t.Errorf("%s: the page after the reply says %q", tc.channel, n)
			}
		}
	}
}
