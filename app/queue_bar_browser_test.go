package app_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserQueueBarLeavesRoom: on a phone (390×844) the approval queue's bulk-decision bar
// (select all, a reason, two buttons: a sixth of the screen) stuck to the top of the screen all
// the time. Deciding the last card with its own Approve, pressed just under the bar, shrank the
// card to its "Approved" line — under the bar, which at the end of the queue also sat on the last
// cards. The bar now stays in place until a box is ticked, and while it sticks the queue leaves
// room for it under its last card, so a ticked last card can be scrolled clear of it.
func TestBrowserQueueBarLeavesRoom(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	b.open("/app/approvals/?lang=tr")
	// covered names the elements of sel whose middle the bar covers ("" when none).
	covered := func(sel string) string {
		return b.str(`[...document.querySelectorAll('` + sel + `')].filter(e => { const r = e.getBoundingClientRect();
			const x = r.left + r.width / 2, y = r.top + r.height / 2; if (y < 0 || y > innerHeight) return false;
			return !!document.elementFromPoint(x, y)?.closest('#bulk'); }).map(e => e.closest('.rec').id + ' ' + e.className).join(', ')`)
	}
	id := b.str(`[...document.querySelectorAll('#queue .rec:not(.rec-decided) [data-approve]')].pop().closest('.rec').dataset.recId`)
	// The thumb reaches the last card's Approve just under the bar.
	b.eval(`(() => { const btn = document.querySelector('#rec-` + id + ` [data-approve]'); const bar = document.querySelector('#bulk');
		window.scrollTo(0, window.scrollY + btn.getBoundingClientRect().top - bar.getBoundingClientRect().height - 40); return 1; })()`)
	b.run("approve the last card", chromedp.Click(chromedp.CSS(`#rec-`+id+` [data-approve]`)))
	b.waitFor("the decided card", `document.querySelector('#rec-`+id+`')?.dataset.status === 'approved' && !document.querySelector('.htmx-settling, .htmx-swapping, .htmx-request')`)
	if c := covered(`#rec-` + id + ` .badge.status-approved`); c != "" {
		t.Errorf("after deciding the last card the bar covers its badge: %s", c)
	}
	b.shot("queue-bar-decided")

	// Ticked boxes: the bar sticks, and at the end of the queue the last cards are clear of it.
	b.open("/app/approvals/?lang=tr")
	b.eval(`[...document.querySelectorAll('#queue [data-pick]')].slice(-2).forEach(e => e.click()); 1`)
	if pos := b.str(`getComputedStyle(document.querySelector('#bulk')).position`); pos != "sticky" {
		t.Errorf("with boxes ticked the bar is %s, want sticky", pos)
	}
	b.eval(`(() => { const q = document.querySelector('#queue'); window.scrollTo(0, window.scrollY + q.getBoundingClientRect().bottom - innerHeight / 2); return 1; })()`)
	if c := covered(`#queue .rec:last-child [data-pick], #queue .rec:last-child .rec-head strong`); c != "" {
		t.Errorf("at the end of the queue the bar covers the last card: %s", c)
	}
	b.shot("queue-bar-ticked")
}
