package inbox_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/email"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
)

// TestRetryThatCannotReachIsRefused: "Try again" on a failed reply checked only whether the
// channel's sending was set up. A free-text WhatsApp reply after the customer's 24-hour window had
// closed, or an e-mail reply to a customer without an address, was queued again and failed again a
// moment later. Try again now refuses it with the reason and what to do (an approved template, the
// customer's address), beside the button or in the banner; nothing is queued. A reply that asked
// for an approved template still goes outside the window while its template is set.
func TestRetryThatCannotReachIsRefused(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055",
		email.SetSMTPHost: "127.0.0.1", email.SetFrom: "Acme Parke <info@acme.test>"})
	c := e.User("acme", "olga", "operator")
	db := e.DB("acme")
	svc := e.Handlers.InboxService
	failed := func(ch, external string, at time.Time, out inbox.Outgoing) (int64, int64) {
		t.Helper()
		res, err := svc.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: ch, ExternalID: external, Name: "Ece", Body: "Merhaba", At: at})
		if err != nil {
			t.Fatal(err)
		}
		out.Direction, out.AuthorKind = "outbound", "user"
		mid, err := svc.AddMessage(t.Context(), "acme", db, res.ConversationID, out, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Write.Exec(`UPDATE messages SET delivery_status = 'failed', delivery_error = 'not sent: 400 bad request' WHERE id = ?`, mid); err != nil {
			t.Fatal(err)
		}
		return res.ConversationID, mid
	}
	jobs := func() (n int) {
		_ = db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = ?`, inbox.JobDeliver).Scan(&n)
		return
	}
	status := func(mid int64) (s string) {
		_ = db.Read.QueryRow(`SELECT delivery_status FROM messages WHERE id = ?`, mid).Scan(&s)
		return
	}
	late := time.Now().Add(-30 * time.Hour)
	for _, tc := range []struct {
		name, ch, external string
		at                 time.Time
		want               string
	}{
		{"window closed", "whatsapp", "905551110010", late, "inbox.error.window_closed"},
		{"no address", "email", "<root-9@customer.test>", time.Now(), "inbox.error.no_address"},
	} {
		conv, mid := failed(tc.ch, tc.external, tc.at, inbox.Outgoing{Body: "Fiyat 1.200 TL"})
		before := jobs()
		url := fmt.Sprintf("/app/inbox/%d/messages/%d/retry", conv, mid)
		// The button (htmx): the reason beside it, in the reader's language.
		c.Header = http.Header{"Hx-Request": {"true"}, "Hx-Target": {"timeline"}}
		r := c.Post(url+"?lang=tr", nil)
		c.Header = http.Header{}
		if got := r.Doc(t).Text(); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, i18n.For("tr").T(tc.want)) {
			t.Errorf("%s: Try again answered %d %q, want 422 with %q", tc.name, r.StatusCode, got, i18n.For("tr").T(tc.want))
		}
		if got := r.Header.Get("HX-Retarget"); got != fmt.Sprintf("#retry-status-%d", mid) {
			t.Errorf("%s: the refusal goes to %q, want beside the button", tc.name, got)
		}
		// Without scripts: back to the conversation, the reason in its banner.
		if r := c.Post(url, nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: plain Try again answered %d", tc.name, r.StatusCode)
		}
		if got := c.Get(fmt.Sprintf("/app/inbox/%d/?lang=en", conv)).Doc(t).Find(".flash").Text(); !strings.Contains(got, i18n.For("en").T(tc.want)) {
			t.Errorf("%s: the banner says %q, want %q", tc.name, got, i18n.For("en").T(tc.want))
		}
		if st := status(mid); st != "failed" || jobs() != before {
			t.Errorf("%s: after a refused Try again the reply is %s and %d deliveries were queued, want failed and none", tc.name, st, jobs()-before)
		}
	}

	// A reply that asked for the follow-up template: outside the window it goes as the template,
	// so Try again queues it once the template is set, and refuses it while none is.
	conv, mid := failed("whatsapp", "905551110011", late, inbox.Outgoing{Body: "Takip", Template: &inbox.TemplateUse{Purpose: "follow_up", Params: []string{"Ece"}}})
	url := fmt.Sprintf("/app/inbox/%d/messages/%d/retry", conv, mid)
	if r := c.Post(url, nil); r.StatusCode != http.StatusSeeOther || status(mid) != "failed" {
		t.Errorf("template reply without its template: Try again answered %d and the reply is %s, want refused (still failed)", r.StatusCode, status(mid))
	}
	e.Set("acme", map[string]string{"whatsapp_template_follow_up": "takip_1", "whatsapp_template_follow_up_lang": "tr"})
	before := jobs()
	if r := c.Post(url, nil); r.StatusCode != http.StatusSeeOther || status(mid) != "queued" || jobs() != before+1 {
		t.Errorf("template reply with its template: Try again answered %d, reply %s, %d deliveries queued; want it queued once", r.StatusCode, status(mid), jobs()-before)
	}
}
