package approvals_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/channels"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestDraftOutsideTheWhatsAppWindow: a customer wrote on WhatsApp thirty hours ago and the
// assistant's reply still waits. Pressing "Approve and send" approved it, marked it sent and
// queued a free-text message that WhatsApp refuses outside its 24-hour window: the customer got
// nothing and the draft was gone from the queue. Now nothing is approved or stored, the operator
// is told why in their language, and the conversation page's draft card says so instead of
// offering the button; a conversation whose window is open still sends.
func TestDraftOutsideTheWhatsAppWindow(t *testing.T) {
	f := setup(t)
	svc := &inbox.Service{Channels: channels.Registry()}
	old, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110000",
		ProviderMessageID: "wamid.old", Name: "Selin", Phone: "+905321110000", Body: "80 m² granit ne kadar?", At: time.Now().Add(-30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	f.conv = old.ConversationID
	draft := "80 m² granit için yaklaşık 120.000 TRY."
	id := f.rec(t, "pricing", draft)
	conv := fmt.Sprintf("/app/inbox/%d/", f.conv)
	op := f.e.User("acme", "ayla", "operator")
	for _, lang := range []string{"tr", "en", "ar"} {
		page := op.Get(conv + "?lang=" + lang).Doc(t)
		card := page.Find(fmt.Sprintf("#draft-form-%d", id))
		if card.Length() != 1 {
			t.Fatalf("%s: the draft card is not on the conversation page", lang)
		}
		// No approved template is set up yet: the card does not point at one.
		if got, want := strings.TrimSpace(card.Find(".draft-window").Text()), i18n.For(lang).T("inbox.draft.window_closed_none"); got != want {
			t.Errorf("%s: the card says %q, want %q", lang, got, want)
		}
		if card.Find(`button:not([formaction])`).Length() != 0 {
			t.Errorf("%s: the card still offers Approve and send", lang)
		}
		// Shown as it stands: an edit there could go nowhere.
		if _, ro := card.Find("textarea[name=body]").Attr("readonly"); !ro {
			t.Errorf("%s: the draft that cannot be sent is editable", lang)
		}
	}
	r := op.Post(fmt.Sprintf("/app/approvals/%d/send", id), url.Values{"body": {draft}, "next": {conv}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send outside the window: %d, want 303 back to the conversation", r.StatusCode)
	}
	if status, _, _ := f.status(t, id); status != "pending" {
		t.Errorf("the draft is %s, want still pending", status)
	}
	var out int
	_ = f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, f.conv).Scan(&out)
	if out != 0 {
		t.Errorf("%d outbound messages stored, want none", out)
	}
	if got := op.Get(conv + "?lang=tr").Doc(t).Find(".flash").Text(); !strings.Contains(got, i18n.For("tr").T("approvals.window_closed_none")) {
		t.Errorf("the conversation says %q, want %q", got, i18n.For("tr").T("approvals.window_closed_none"))
	}
	// The owner gets the way to set one up, as the window banner gives it.
	owner := f.e.User("acme", "talha", "owner")
	if a := owner.Get(conv + "?lang=en").Doc(t).Find(fmt.Sprintf("#draft-form-%d .draft-window a[data-template-setup]", id)); a.Length() != 1 || a.AttrOr("href", "") != "/app/settings/channels#whatsapp_template_visit_confirmation" {
		t.Errorf("the owner's draft card does not link to where templates are set up")
	}

	// With an approved template set up, the card and the banner point at it.
	f.e.Set("acme", map[string]string{"whatsapp_template_follow_up": "takip_1", "whatsapp_template_follow_up_lang": "tr"})
	for _, lang := range []string{"tr", "en", "ar"} {
		card := op.Get(conv + "?lang=" + lang).Doc(t).Find(fmt.Sprintf("#draft-form-%d", id))
		if got, want := strings.TrimSpace(card.Find(".draft-window").Text()), i18n.For(lang).T("inbox.draft.window_closed"); got != want {
			t.Errorf("%s: with a template the card says %q, want %q", lang, got, want)
		}
	}
	op.Post(fmt.Sprintf("/app/approvals/%d/send", id), url.Values{"body": {draft}, "next": {conv}})
	if got := op.Get(conv + "?lang=en").Doc(t).Find(".flash").Text(); !strings.Contains(got, i18n.For("en").T("approvals.window_closed")) {
		t.Errorf("with a template the conversation says %q, want %q", got, i18n.For("en").T("approvals.window_closed"))
	}

	// The customer writes again: the window is open, and the same press sends.
	if _, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "whatsapp", ExternalID: "905321110000",
		ProviderMessageID: "wamid.new", Name: "Selin", Phone: "+905321110000", Body: "Merhaba?"}); err != nil {
		t.Fatal(err)
	}
	// The page now shows "Merhaba?" and its draft box carries it as seen (sent without it, the
	// press would be refused: the customer wrote after the draft).
	seen, _ := op.Get(conv).Doc(t).Find(fmt.Sprintf(`input[name=seen][form="draft-form-%d"]`, id)).Attr("value")
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/send", id), url.Values{"body": {draft}, "next": {conv}, "seen": {seen}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send inside the window: %d", r.StatusCode)
	}
	if status, _, _ := f.status(t, id); status != "approved" {
		t.Errorf("the draft is %s after sending in the window, want approved", status)
	}
	_ = f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body = ?`, f.conv, draft).Scan(&out)
	if out != 1 {
		t.Errorf("%d messages sent inside the window, want 1", out)
	}
}
