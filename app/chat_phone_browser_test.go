package app_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserNewestMessageAbovePhoneComposer: on a phone a conversation opens with its newest
// message in view above the composer that sticks to the bottom of the screen, whatever stands
// above the thread or makes the composer taller. The thread used to reach under the composer, so
// the newest message (the one just sent, too) was hidden until the page was scrolled; its height
// was then a guess at the composer's, which the notice that WhatsApp's 24-hour window closed (it
// heads the thread on a phone) and a taller composer undid.
func TestBrowserNewestMessageAbovePhoneComposer(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug)
	// The longest thread: it fills the screen.
	var long int64
	if err := db.Read.QueryRow(`SELECT conversation_id FROM messages GROUP BY conversation_id ORDER BY count(*) DESC LIMIT 1`).Scan(&long); err != nil {
		t.Fatal(err)
	}
	// A WhatsApp conversation whose window closed (the customer last wrote 30 hours ago), made as
	// long as the longest one, so its thread too fills the screen under the notice.
	var closed int64
	if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'whatsapp' AND id <> ? AND last_inbound_at < ? ORDER BY id LIMIT 1`,
		long, time.Now().Add(-25*time.Hour).UnixMilli()).Scan(&closed); err != nil {
		t.Fatal(err)
	}
	for i := range 16 {
		at := time.Now().Add(time.Duration(i-30) * time.Minute).UnixMilli()
		if _, err := db.Write.Exec(`INSERT INTO messages (conversation_id, direction, author_kind, body, channel, created_at) VALUES (?, 'system', 'user', ?, 'whatsapp', ?)`,
			closed, fmt.Sprintf("Not %d: keşif için salı mı çarşamba mı uygun, müşteriye şablonla sorulacak.", i), at); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string) {
		t.Helper()
		b.waitFor("the thread scrolled to its end", `(() => { const t = document.querySelector('#timeline'); return t.scrollHeight - t.scrollTop - t.clientHeight < 2 })()`)
		// Two frames: what the page does on a change of size has been done.
		b.run(what+": settle", chromedp.Evaluate[chromedp.Void](`new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(ok)))`, chromedp.EvalAwaitPromise))
		last := b.eval(`[...document.querySelectorAll('#timeline .msg')].pop().getBoundingClientRect().bottom`)
		composer := b.eval(`document.getElementById('composer').getBoundingClientRect().top`)
		if last > composer || last <= 0 {
			t.Errorf("%s: the newest message ends at %.0fpx, the composer starts at %.0fpx: hidden under it", what, last, composer)
		}
	}
	for _, size := range [][2]int64{{390, 844}, {375, 667}} {
		b.viewport(size[0], size[1], true)
		for _, lang := range []string{"tr", "ar", "en"} {
			for _, conv := range []int64{long, closed} {
				self := fmt.Sprintf("/app/inbox/%d/?lang=%s", conv, lang)
				b.open(self)
				what := fmt.Sprintf("%dx%d %s", size[0], size[1], self)
				// The one notice that WhatsApp cannot reach the customer (in the demo, whose WhatsApp
				// is not set up, the notice saying so; its window closed too) heads the thread.
				if conv == closed && b.eval(`document.querySelectorAll('#conversation .window-closed').length`) != 1 {
					t.Fatalf("%s: not one notice that the reply cannot reach the customer", what)
				}
				check(what)
				// The composer grows (its send-later part opened): the newest message stays above it.
				b.eval(`(document.querySelector('#composer .composer-later').open = true, 0)`)
				check(what + ", send-later opened")
			}
		}
	}
	// A conversation opened by a link in the panel is a page htmx swaps in (and scrolls to its top).
	b.viewport(390, 844, true)
	b.open("/app/inbox/?lang=ar")
	self := fmt.Sprintf("/app/inbox/%d/", closed)
	b.eval(`(() => { const a = document.createElement('a'); a.href = '` + self + `'; a.textContent = 'go'; document.querySelector('main').append(a); htmx.process(a); a.click(); return 0 })()`)
	b.waitFor("the conversation swapped in", `location.pathname === '`+self+`' && !!document.getElementById('composer')`)
	check("390x844 ar, opened from the list")
}
