package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserRejectReasonByKeyboard: an operator on the keyboard rejects a recommendation with
// its reason: Enter on Reject brings the reason field, they type the reason and press Enter, and
// the recommendation is rejected with it. Enter in that field submitted the card's form through
// its first button, Approve, so "stokta yok" typed as the reason for refusing approved the
// recommendation instead.
func TestBrowserRejectReasonByKeyboard(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug).Read
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		b.open("/app/approvals/?lang=tr")
		id := b.str(`document.querySelector('#queue .rec:not(.rec-decided) [data-ask-reason]').closest('.rec').dataset.recId`)
		b.run("focus Reject", chromedp.Focus(chromedp.CSS(`#rec-`+id+` [data-reject]`)))
		b.run("press Enter", chromedp.KeyEvent("\r"))
		b.waitFor("the reason field focused", `document.activeElement?.name === 'reason' && !!document.activeElement.closest('#rec-`+id+`')`)
		b.run("type the reason and Enter", chromedp.KeyEvent("stokta yok\r"))
		b.waitFor("the decided card", `['approved', 'rejected'].includes(document.querySelector('#rec-`+id+`')?.dataset.status)`)
		var status, reason string
		if err := db.QueryRow(`SELECT status, decision_reason FROM decision_recommendations WHERE id = ?`, id).Scan(&status, &reason); err != nil {
			t.Fatal(err)
		}
		if status != "rejected" || reason != "stokta yok" {
			t.Errorf("%dx%d: Enter in the reason field stored %s with reason %q, want rejected", size.w, size.h, status, reason)
		}
	}
}

// TestBrowserEnterInReasonDecidesNothing: Enter in a reason field of the queue decides nothing. In
// a card with a draft reply and in the bulk bar the reason field comes before the buttons and its
// form's first button was Approve, so an operator who typed "fiyat yanlış" and pressed Enter out of
// habit approved the wrong price (and a draft a hook sends went to the customer); in the bulk bar
// the ticked recommendations were all approved. Now no form is submitted at all (the same holds
// without scripts: it is the browser's own Enter), nothing is stored or sent, and the typed
// reason is still there for the button the operator then presses.
func TestBrowserEnterInReasonDecidesNothing(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug).Read
	status := func(id string) string {
		t.Helper()
		var s string
		if err := db.QueryRow(`SELECT status FROM decision_recommendations WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	messages := func() (n int) {
		t.Helper()
		if err := db.QueryRow(`SELECT count(*) FROM messages`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		b.open("/app/approvals/?lang=tr")
		// A submit that sends (a "dialog" method outside a dialog sends nothing), or an htmx request.
		b.str(`window.submits = 0; document.addEventListener('submit', (e) => e.submitter?.formMethod === 'dialog' || window.submits++, true);
			document.addEventListener('htmx:beforeRequest', () => window.submits++); ''`)
		before := messages()

		// A card with a draft reply.
		draft := b.str(`document.querySelector('#queue .rec textarea[name=draft]').closest('.rec').dataset.recId`)
		b.run("type a reason and Enter in the draft card", chromedp.Focus(chromedp.CSS(`#reason-`+draft)), chromedp.KeyEvent("fiyat yanlış\r"))
		if n := b.eval(`window.submits`); n != 0 {
			t.Errorf("%dx%d: Enter in a draft card's reason submitted its form %v times", size.w, size.h, n)
		}

		// The bulk bar with two recommendations ticked, and Enter on a ticked box.
		picks := b.str(`[...document.querySelectorAll('#queue .rec [data-pick]')].filter(p => p.value !== '` + draft + `').slice(0, 2).map(p => (p.click(), p.value)).join(' ')`)
		b.run("type a reason and Enter in the bulk bar", chromedp.Focus(chromedp.CSS(`#bulk-reason`)), chromedp.KeyEvent("stokta yok\r"))
		b.run("Enter on a ticked box", chromedp.Focus(chromedp.CSS(`#queue .rec [data-pick]:checked`)), chromedp.KeyEvent("\r"))
		if n := b.eval(`window.submits`); n != 0 {
			t.Errorf("%dx%d: Enter in the bulk bar's reason or on a ticked box submitted a form %v times", size.w, size.h, n)
		}
		for _, id := range append(strings.Fields(picks), draft) {
			if s := status(id); s != "pending" {
				t.Errorf("%dx%d: recommendation %s is %s after Enter in a reason field, want pending", size.w, size.h, id, s)
			}
		}
		if after := messages(); after != before {
			t.Errorf("%dx%d: Enter in a reason field added %d messages", size.w, size.h, after-before)
		}

		// The button still decides, with the reason typed.
		b.run("press Reject on the draft card", chromedp.Focus(chromedp.CSS(`#rec-`+draft+` [data-reject]`)), chromedp.KeyEvent("\r"))
		b.waitFor("the decided card", `!!document.querySelector('#rec-`+draft+`')?.dataset.status`)
		var s, reason string
		if err := db.QueryRow(`SELECT status, decision_reason FROM decision_recommendations WHERE id = ?`, draft).Scan(&s, &reason); err != nil {
			t.Fatal(err)
		}
		if s != "rejected" || reason != "fiyat yanlış" {
			t.Errorf("%dx%d: Reject after the reason stored %s with %q, want rejected with the reason", size.w, size.h, s, reason)
		}
		for _, id := range strings.Fields(picks) {
			if s := status(id); s != "pending" {
				t.Errorf("%dx%d: ticked recommendation %s is %s after Enter in the bulk bar, want pending", size.w, size.h, id, s)
			}
		}
	}
}
