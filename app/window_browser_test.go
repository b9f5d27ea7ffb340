package app_test

import "testing"

// TestBrowserWindowClosedPhone: on a phone the composer sticks to the bottom of the screen; the
// notice that WhatsApp cannot reach the customer (in the demo, whose WhatsApp is not set up, the
// one notice saying so, its 24-hour window closed too) heads the thread, so its heading is in view
// above the composer when the page opens, and the composer is set to an internal note.
func TestBrowserWindowClosedPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "ar"} {
		b.open("/app/inbox/1/?lang=" + lang)
		if n := b.eval(`document.querySelectorAll('#conversation .window-closed').length`); n != 1 {
			t.Errorf("%s: %.0f notices above the composer, want one", lang, n)
		}
		title := b.eval(`document.querySelector('#conversation .window-closed-title').getBoundingClientRect().bottom`)
		composer := b.eval(`document.getElementById('composer').getBoundingClientRect().top`)
		if title <= 0 || title > composer {
			t.Errorf("%s: the banner's heading ends at %.0fpx, the composer starts at %.0fpx: covered or out of view", lang, title, composer)
		}
		if kind := b.str(`document.getElementById('direction').value`); kind != "system" {
			t.Errorf("%s: the composer opens as %q, want an internal note", lang, kind)
		}
	}
}
