package inbox_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestLogACallRefusedKeepsWhatWasTyped: the inbox's "log a call or walk-in" form, refused (a phone
// number with a typo, no channel chosen, nothing said), draws the inbox again with everything typed
// in its fields, each message beside its field in the person's language, the first of them
// focused, and nothing stored. The form no longer preselects a channel: a call logged without
// touching the list was stored as an e-mail.
func TestLogACallRefusedKeepsWhatWasTyped(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	count := func() int {
		var n int
		if err := e.DB("acme").Read.QueryRow(`SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM conversations) + (SELECT count(*) FROM messages)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()

	form := c.Get("/app/inbox/?lang=tr").Doc(t).Find(`form[action="/app/inbox/new/"]`)
	if sel := form.Find(`select[name=channel] option[selected]`); sel.Length() != 0 {
		t.Errorf("the channel list preselects %q", sel.Text())
	}
	if v, _ := form.Find(`select[name=channel] option`).First().Attr("value"); v != "" {
		t.Errorf("the channel list starts with %q, not a choice to make", v)
	}

	said := "Bahçe için 120 m² granit küp taş istiyor, cumartesi aranacak"
	for _, s := range []struct{ lang, phone, channel, refused string }{
		{"tr", "geçerli bir telefon numarası", "Nasıl ulaştığını seçin", "Kaydedilmedi"},
		{"en", "valid phone number", "Choose how they reached you", "Nothing was saved"},
	} {
		r := c.Post("/app/inbox/new/?lang="+s.lang, url.Values{"name": {"Ayşe Kaya"}, "phone": {"0532 12"}, "email": {""}, "channel": {""}, "body": {said}})
		if r.StatusCode != 422 {
			t.Fatalf("%s: refused form answered %d", s.lang, r.StatusCode)
		}
		d := r.Doc(t)
		f := d.Find(`form[action="/app/inbox/new/"]`)
		if f.Length() != 1 {
			t.Fatalf("%s: the refusal does not show the form again", s.lang)
		}
		if v, _ := f.Find("#new-name").Attr("value"); v != "Ayşe Kaya" {
			t.Errorf("%s: name %q", s.lang, v)
		}
		if v, _ := f.Find("#new-phone").Attr("value"); v != "0532 12" {
			t.Errorf("%s: phone %q", s.lang, v)
		}
		if v := f.Find("#new-body").Text(); v != said {
			t.Errorf("%s: what they said came back as %q", s.lang, v)
		}
		if got := f.Find("#new-phone-error").Text(); !strings.Contains(strings.ToLower(got), strings.ToLower(s.phone)) {
			t.Errorf("%s: phone error %q", s.lang, got)
		}
		if got := f.Find("#new-channel-error").Text(); !strings.Contains(got, s.channel) {
			t.Errorf("%s: channel error %q", s.lang, got)
		}
		if _, ok := f.Find("#new-phone").Attr("autofocus"); !ok {
			t.Errorf("%s: the first field to correct is not focused", s.lang)
		}
		if got := d.Find(".flash-error").Text(); !strings.Contains(got, s.refused) {
			t.Errorf("%s: the banner says %q", s.lang, got)
		}
		if d.Find("#inbox-results").Length() == 0 {
			t.Errorf("%s: the inbox list is not drawn around the form", s.lang)
		}
	}
	if n := count(); n != before {
		t.Errorf("a refused form stored %d rows", n-before)
	}

	// Corrected, the same form logs the call as a call.
	r := c.Post("/app/inbox/new/", url.Values{"name": {"Ayşe Kaya"}, "phone": {"0532 123 45 67"}, "channel": {"call"}, "body": {said}})
	if r.StatusCode != 303 {
		t.Fatalf("corrected form: %d", r.StatusCode)
	}
	var channel, source string
	if err := e.DB("acme").Read.QueryRow(`SELECT c.channel, l.source FROM conversations c JOIN leads l ON l.id = c.lead_id WHERE l.phone_e164 = '+905321234567'`).Scan(&channel, &source); err != nil {
		t.Fatal(err)
	}
	if channel != "call" || source != "call" {
		t.Errorf("logged as %s / %s", channel, source)
	}
}

// TestLogACallRefusesAnAddressThatIsNone: an e-mail address the customer records would refuse
// ("x@", "@", "ali@", "a@b@c") is refused at its field when a call is logged, with the typed
// address kept, instead of becoming the new lead's e-mail; a real one is stored.
func TestLogACallRefusesAnAddressThatIsNone(t *testing.T) {
	e := newEnv(t)
	c := e.User("acme", "olga", "operator")
	for _, addr := range []string{"x@", "@", "ali@", "a@b@c", "Ali <ali@example.com>"} {
		r := c.Post("/app/inbox/new/?lang=tr", url.Values{"name": {"Ayşe Kaya"}, "email": {addr}, "channel": {"email"}, "body": {"Fiyat"}})
		if r.StatusCode != 422 {
			t.Errorf("%q: answered %d, want 422", addr, r.StatusCode)
			continue
		}
		f := r.Doc(t).Find(`form[action="/app/inbox/new/"]`)
		if got := f.Find("#new-email-error").Text(); !strings.Contains(got, "e-posta") {
			t.Errorf("%q: e-mail error %q", addr, got)
		}
		if v, _ := f.Find("#new-email").Attr("value"); v != addr {
			t.Errorf("%q: the field shows %q", addr, v)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM leads`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d leads stored by refused forms (%v)", n, err)
	}
	if r := c.Post("/app/inbox/new/", url.Values{"name": {"Ayşe Kaya"}, "email": {"ayse@example.com"}, "channel": {"email"}, "body": {"Fiyat"}}); r.StatusCode != 303 {
		t.Fatalf("a real address: %d", r.StatusCode)
	}
}
