package app_test

import "testing"

// TestBrowserMailPortFollowsSecurity: on the channels page, choosing STARTTLS for the SMTP server
// while its port still holds 465 (the usual port of TLS from the start) puts 587 there, and the
// IMAP side goes from 993 to 143 the same way; a port the owner typed (2525) is never replaced.
func TestBrowserMailPortFollowsSecurity(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.open("/app/settings/channels?lang=en")
	choose := func(id, v string) {
		b.str(`(() => { const s = document.getElementById('` + id + `'); s.value = '` + v + `'; s.dispatchEvent(new Event('change', {bubbles: true})); return s.value; })()`)
	}
	port := func(id string) string { return b.str(`document.getElementById('` + id + `').value`) }
	b.str(`(() => { document.getElementById('email_smtp_port').value = '465'; document.getElementById('email_imap_port').value = '993'; return ''; })()`)

	for _, step := range []struct{ security, choice, port, want, what string }{
		{"email_smtp_security", "starttls", "email_smtp_port", "587", "SMTP port after choosing STARTTLS"},
		{"email_imap_security", "starttls", "email_imap_port", "143", "IMAP port after choosing STARTTLS"},
		{"email_imap_security", "tls", "email_imap_port", "993", "IMAP port back on TLS from the start"},
		{"email_smtp_security", "none", "email_smtp_port", "587", "SMTP port after choosing None (kept)"},
	} {
		choose(step.security, step.choice)
		if got := port(step.port); got != step.want {
			t.Errorf("%s: %q, want %s", step.what, got, step.want)
		}
	}
	b.str(`(() => { document.getElementById('email_smtp_port').value = '2525'; return ''; })()`)
	choose("email_smtp_security", "tls")
	if got := port("email_smtp_port"); got != "2525" {
		t.Errorf("a typed SMTP port was replaced: %q, want 2525", got)
	}
}
