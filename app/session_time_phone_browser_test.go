package app_test

import (
	"testing"
)

// TestBrowserSessionTimeStaysWhole: on a 390×844 phone the profile's list of signed-in browsers
// broke a session's sign-in time between its date and its hour ("Giriş: 07.12.2026" / "07:01",
// "Signed in: Dec 7, 2026" / "7:01 AM"). In Turkish, English and Arabic the date and the hour
// keep one line, on a computer too, and the page still fits the phone.
func TestBrowserSessionTimeStaysWhole(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, sc := range laptopAndPhone {
		b.viewport(sc.w, sc.h, sc.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			b.open("/app/profile/?lang=" + lang)
			n := b.eval(`document.querySelectorAll('[data-session-signed-in]').length`)
			if n == 0 {
				t.Fatalf("%s: no session's sign-in time on the profile", lang)
			}
			lines := b.str(`[...document.querySelectorAll('[data-session-signed-in]')].map(e => {
				const r = document.createRange(); r.selectNodeContents(e);
				return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size + ' ' + e.textContent;
			}).filter(s => !s.startsWith('1 ')).join('; ')`)
			if lines != "" {
				t.Errorf("%s at %d px: a sign-in time takes more than one line: %s", lang, sc.w, lines)
			}
			if sc.mobile {
				checkFits(t, b)
			}
		}
	}
}
