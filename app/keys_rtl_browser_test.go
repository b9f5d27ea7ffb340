package app_test

import (
	"strings"
	"testing"
)

// keyOrder, in the open page, finds every key combination ("Shift+←", "Shift+Enter") written in
// the elements sel and reports the first one whose characters do not stand left to right on the
// screen: inside an Arabic sentence an arrow key's arrow and its plus sign, neutral characters,
// take the sentence's direction and move to the other side ("→+Shift"). It returns what is wrong
// and how many combinations it looked at ("n:" when all are right).
var keyOrder = drawnInOrder(`/(Shift|Ctrl|Alt)\+(Enter|[←→↑↓])/g`)

// TestBrowserKeyCombinationsReadInArabic: the pipeline board's hint names the keys that move a
// card, "Shift+← / Shift+→", and they read as written in Arabic too: the arrows and plus signs
// took the Arabic sentence's direction, and the hint showed "Shift / ←Shift+→+", keys no one
// could press. The composer's "Shift+Enter" is checked beside it, in tr, en and ar.
func TestBrowserKeyCombinationsReadInArabic(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			for page, sel := range map[string]string{"/app/pipeline/": "#board-help", "/app/inbox/1/": "main"} {
				b.open(page + "?lang=" + lang)
				// The hint for keyboards is hidden on a touch screen: read where it is laid out.
				got := b.str(`(() => { document.querySelectorAll('.hint-keys').forEach(e => e.style.display = 'inline'); return ` + keyOrder + `('` + sel + `'); })()`)
				if !strings.HasPrefix(got, "n:") || got == "n:0" {
					t.Errorf("%dx%d %s %s: %s", size.w, size.h, lang, page, got)
				}
			}
		}
	}
}
