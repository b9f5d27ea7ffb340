package app_test

import (
	"fmt"
	"testing"

	"highvibe/app"
)

// TestBrowserNewestMessageAbovePhoneComposer: on a phone a conversation opens with its newest
// message in view above the composer that sticks to the bottom of the screen. The thread used to
// reach under the composer, so the newest message (the one just sent, too) was hidden until the
// page was scrolled.
func TestBrowserNewestMessageAbovePhoneComposer(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	// The longest thread: it fills the screen.
	var conv int64
	if err := b.e.DB(app.DemoSlug).Read.QueryRow(`SELECT conversation_id FROM messages GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	self := fmt.Sprintf("/app/inbox/%d/", conv)
	for _, size := range [][2]int64{{390, 844}, {375, 667}} {
		b.viewport(size[0], size[1], true)
		for _, lang := range []string{"tr", "ar"} {
			b.open(self + "?lang=" + lang)
			b.waitFor("the thread scrolled to its end", `(() => { const t = document.querySelector('#timeline'); return t.scrollHeight - t.scrollTop - t.clientHeight < 2 })()`)
			last := b.eval(`[...document.querySelectorAll('#timeline .msg')].pop().getBoundingClientRect().bottom`)
			composer := b.eval(`document.getElementById('composer').getBoundingClientRect().top`)
			if last > composer || last <= 0 {
				t.Errorf("%dx%d %s %s: the newest message ends at %.0fpx, the composer starts at %.0fpx: hidden under it",
					size[0], size[1], lang, self, last, composer)
			}
		}
	}
}
