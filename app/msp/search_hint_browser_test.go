package msp_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The search box above the tickets list (and the board) shows its whole hint — "T-000123 or words
// of the subject" — on a computer and on a phone, in English, Turkish, German and Arabic (mirrored):
// the hint's text, measured in the box's own font, fits inside the box's content width.
func TestTicketSearchHintFits(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx, run, waitFor := signedInBrowser(t, te)
	// The hint's width in the input's font against the room inside the box (its width less padding).
	const measure = `(() => {
		const q = document.querySelector('#q'), cs = getComputedStyle(q);
		const c = document.createElement('canvas').getContext('2d');
		c.font = cs.font;
		return {text: c.measureText(q.placeholder).width,
			room: q.clientWidth - parseFloat(cs.paddingInlineStart) - parseFloat(cs.paddingInlineEnd),
			hint: q.placeholder, dir: document.documentElement.dir};
	})()`
	type fit struct {
		Text, Room float64
		Hint, Dir  string
	}
	for _, size := range []struct{ w, h int64 }{{1366, 900}, {390, 844}} {
		if size.w < 500 {
			run("viewport", chromedp.EmulateViewport(size.w, size.h, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
		} else {
			run("viewport", chromedp.EmulateViewport(size.w, size.h))
		}
		for _, lang := range []string{"en", "tr", "de", "fr", "es", "ar"} {
			for _, path := range []string{"/app/msp/tickets/", "/app/msp/board"} {
				run("open "+path, chromedp.Navigate(te.e.URL+path+"?lang="+lang))
				waitFor(path+" loaded", `document.readyState === 'complete' && !!document.querySelector('#q')`)
				got, err := chromedp.Run(ctx, chromedp.Evaluate[fit](measure))
				if err != nil {
					t.Fatalf("%s %s: %v", path, lang, err)
				}
				if got.Hint == "" {
					t.Fatalf("%s %s: the search box has no hint", path, lang)
				}
				if want := map[bool]string{true: "rtl", false: "ltr"}[lang == "ar"]; got.Dir != want {
					t.Errorf("%s %s: page dir %q, want %q", path, lang, got.Dir, want)
				}
				if got.Text > got.Room {
					t.Errorf("%s %s at %d px: the hint %q needs %.0f px, the box has %.0f", path, lang, size.w, got.Hint, got.Text, got.Room)
				}
			}
		}
	}
}
