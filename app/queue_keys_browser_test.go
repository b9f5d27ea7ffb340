package app_test

import (
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
	for _, size := range []struct {
		w, h   int64
		mobile bool
	}{{1366, 900, false}, {390, 844, true}} {
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
