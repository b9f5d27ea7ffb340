package widget_test

import (
	"testing"

	"highvibe/app/apptest"
)

// A visitor on an Arabic keyboard leaves a phone in Arabic-Indic digits (with separators that make
// it longer than 40 bytes, though not than 40 characters): the lead's phone is its E.164 form,
// the message as typed. A phone that is no phone is still refused.
func TestWidgetArabicDigitsPhone(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	c := e.Client()
	post := func(body string) *apptest.Resp {
		return c.PostJSON("/widget/api/acme/messages", []byte(body), map[string]string{"Origin": "https://example.org"})
	}
	if r := post(`{"text":"مرحبا","name":"ليلى","phone":"٠٥٣٢ ١٢٣","consent":true}`); r.StatusCode != 422 || decode(t, r)["code"] != "bad_phone" {
		t.Errorf("short phone: %d %s", r.StatusCode, r.Body)
	}
	r := post(`{"text":"أريد ٢٠٠ م² من الجرانيت","name":"ليلى","phone":"+٩٠  (٥٣٢)  -  ١٢٣  -  ٤٥  -  ٦٧","consent":true}`)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	var e164, phone, body string
	db := e.DB("acme")
	if err := db.Read.QueryRow(`SELECT l.phone_e164, l.phone, m.body FROM leads l JOIN conversations c ON c.lead_id = l.id JOIN messages m ON m.conversation_id = c.id`).Scan(&e164, &phone, &body); err != nil {
		t.Fatal(err)
	}
	if e164 != "+905321234567" || body != "أريد ٢٠٠ م² من الجرانيت" {
		t.Errorf("stored %q %q %q", e164, phone, body)
	}
}
