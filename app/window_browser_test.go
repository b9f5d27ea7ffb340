package app_test

import "testing"

// TestBrowserWindowClosedPhone: on a phone the composer sticks to the bottom of the screen; the
// notice that WhatsApp's 24-hour window is closed heads the thread, so its heading is in view
// above the composer when the page opens, and the composer is set to an internal note.
func TestBrowserWindowClosedPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "ar"} {
		b.open("/app/inbox/1/?lang=" + lang)
		title := b.eval(`document.getElementById('window-closed-title').getBoundingClientRect().bottom`)
		composer := b.eval(`document.getElementById('composer').getBoundingClientRect().top`)
		if title <= 0 || title > composer {
			t.Errorf("%s: the banner's heading ends at %.0fpx, the composer starts at %.0fpx: covered or out of view", lang, title, composer)
		}
		if kind := b.str(`document.getElementById('direction').value`); kind != "system" {
			t.Errorf("%s: the composer opens as %q, want an internal note", lang, kind)
		}
	}
}
