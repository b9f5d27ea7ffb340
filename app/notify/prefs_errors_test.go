package notify_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/notify"
)

// TestPrefsShowEveryFieldError: a wrong address and a wrong quiet time sent together were
// answered one at a time (the times first, the address only on the next try); every field's
// error is shown at once, each beside its field, and nothing is stored. An address with letters
// outside ASCII before the @ is refused with why; one with Turkish letters in its domain is kept
// in the form mail servers read.
func TestPrefsShowEveryFieldError(t *testing.T) {
	tm := newTeam(t)
	for _, tc := range []struct {
		email, start, end string
		want              []string // field ids marked invalid
		says              string
	}{
		{"ayşe@example.com", "25:00", "07:00", []string{"email", "quiet_start"}, "Write the part before @ without letters such as ç, ş or ü"},
		{"not-an-address", "22:00", "99:99", []string{"email", "quiet_end"}, ""},
		{"", "xx", "yy", []string{"email", "quiet_start", "quiet_end"}, ""}, // e-mails asked for without an address
	} {
		r := tm.oscar.Post("/app/notifications/settings?lang=en", url.Values{"email": {tc.email}, "email_handoff": {"1"},
			"quiet_start": {tc.start}, "quiet_end": {tc.end}, "push_handoff": {"1"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q %s–%s: %d, want 422", tc.email, tc.start, tc.end, r.StatusCode)
		}
		d := r.Doc(t)
		for _, id := range tc.want {
			if d.Find("#"+id+"[aria-invalid=true]").Length() != 1 {
				t.Errorf("%q %s–%s: #%s is not marked invalid", tc.email, tc.start, tc.end, id)
			}
		}
		if d.Find("#email-err").Length() != 1 {
			t.Errorf("%q %s–%s: no message beside the address", tc.email, tc.start, tc.end)
		}
		if !strings.Contains(html.UnescapeString(r.Body), tc.says) {
			t.Errorf("%q: the message does not say %q", tc.email, tc.says)
		}
	}
	p, err := notify.LoadPrefs(t.Context(), tm.e.Server.Platform.DB, tm.oscar.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Address != "" || p.QuietStart != 0 || p.QuietEnd != 0 {
		t.Errorf("a refused form was stored: %+v", p)
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", url.Values{"email": {"ayse@şirket.com.tr"}, "email_handoff": {"1"}})
	if p, _ = notify.LoadPrefs(t.Context(), tm.e.Server.Platform.DB, tm.oscar.UserID); p.Address != "ayse@xn--irket-idb.com.tr" {
		t.Errorf("an address with a Turkish domain is kept as %q, want the form mail servers read", p.Address)
	}
}
