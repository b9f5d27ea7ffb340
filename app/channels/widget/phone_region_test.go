package widget_test

import (
	"fmt"
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// TestWidgetPhoneRegion: a visitor of a German business's site who leaves the Berlin number
// 030 1234567 was refused ("bad_phone": ten digits with a 0 are no Turkish number). The business
// set to Germany stores it as +49301234567 and its inbox finds the conversation by the number typed
// the German way; a Turkish business still refuses it and still reads 0532 … as Turkish.
func TestWidgetPhoneRegion(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("berlin")
	e.Set("berlin", map[string]string{"phone_region": "DE"})
	e.Tenant("acme")
	c := e.Client()
	post := func(slug, phone string) *apptest.Resp {
		return c.PostJSON("/widget/api/"+slug+"/messages", []byte(`{"text":"Hallo","name":"Jonas","phone":"`+phone+`","consent":true}`),
			map[string]string{"Origin": "https://example.org"})
	}
	if r := post("acme", "030 1234567"); r.StatusCode != 422 || decode(t, r)["code"] != "bad_phone" {
		t.Errorf("Turkish business: %d %s, want bad_phone as before", r.StatusCode, r.Body)
	}
	if r := post("acme", "0532 123 45 67"); r.StatusCode != 201 {
		t.Fatalf("Turkish business: %d %s", r.StatusCode, r.Body)
	}
	var e164 string
	_ = e.DB("acme").Read.QueryRow(`SELECT phone_e164 FROM leads`).Scan(&e164)
	if e164 != "+905321234567" {
		t.Errorf("Turkish business stored %q", e164)
	}
	if r := post("berlin", "030 1234567"); r.StatusCode != 201 {
		t.Fatalf("German business: %d %s", r.StatusCode, r.Body)
	}
	var conv int64
	if err := e.DB("berlin").Read.QueryRow(`SELECT l.phone_e164, c.id FROM leads l JOIN conversations c ON c.lead_id = l.id`).Scan(&e164, &conv); err != nil || e164 != "+49301234567" {
		t.Errorf("German business stored %q (%v), want +49301234567", e164, err)
	}
	owner := e.User("berlin", "greta", "owner")
	found := func(q string) bool {
		return owner.Get("/app/inbox/?q="+url.QueryEscape(q)).Doc(t).Find(fmt.Sprintf(`.inbox-row[data-conversation-id="%d"]`, conv)).Length() == 1
	}
	for _, q := range []string{"030 1234567", "0301234567", "030 123", "+49 30 1234567", "1234567"} {
		if !found(q) {
			t.Errorf("the inbox search by %q does not find the conversation", q)
		}
	}
	if found("040 1234567") {
		t.Error("the inbox search by another number finds the conversation")
	}
}
