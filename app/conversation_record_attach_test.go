package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/media/mediatest"
)

// A photo or PDF added on a phone call or a walk-in is kept with the record, and nothing goes to
// the customer: the page said "File sent" after it. Now it says the file was added to the record,
// in the operator's language, and the message waits for no delivery.
func TestRecordedConversationFileIsKeptNotSent(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	op := e.User("acme", "ayse", "operator")
	r := op.Post("/app/inbox/new/", url.Values{"name": {"Ayla Demir"}, "channel": {"call"}, "body": {"Salon için parke fiyatı sordu"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("new call: %d", r.StatusCode)
	}
	page := r.Header.Get("Location")
	for lang, want := range map[string]string{"tr": "Dosya kayda eklendi", "en": "File added to the record"} {
		r := postFile(op, page+"attach?lang="+lang, "olcu.pdf", mediatest.PDF(), map[string]string{"body": "Ölçü planı"})
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("%s: attach on a call: %d\n%.800s", lang, r.StatusCode, r.Body)
		}
		flash := op.Get(r.Header.Get("Location") + "?lang=" + lang).Doc(t).Find(".flash").Text()
		if !strings.Contains(flash, want) || strings.Contains(flash, map[string]string{"tr": "gönderildi", "en": "sent"}[lang]) {
			t.Errorf("%s: after a file on a call the page says %q, want %q", lang, strings.TrimSpace(flash), want)
		}
	}
	if n := countRows(t, e, "acme", "SELECT COUNT(*) FROM messages m JOIN attachments a ON a.message_id = m.id WHERE m.direction = 'outbound' AND m.delivery_status IS NULL AND a.status = 'stored'"); n != 2 {
		t.Errorf("files kept with the call as a record: %d, want 2", n)
	}
}
