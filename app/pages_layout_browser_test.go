package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/visits"
)

// TestBrowserPagesLineUp: faults seen on screen, in German first, on a laptop and a phone. The
// leads list's header ran "Handbuch Exportieren: CSV" with no separator between its items; the
// customers list's Filter button was stretched as wide as the search; the reply templates page's
// "New template" heading stuck to the box above it; the dashboard's recommendations card stopped
// short of the page's width, narrower than the cards above it.
func TestBrowserPagesLineUp(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	allModules(b.e, app.DemoSlug)
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"de", "tr", "en", "ar"} {
			where := fmt.Sprintf("%s, %d px", lang, size.w)
			b.open("/app/leads/?lang=" + lang)
			if got := b.str(`(() => { const p = document.querySelector('.page-head .page-actions');
				const m = p.querySelector('.export-menu'); if (!m) return 'no export links';
				let before = '';
				for (let n = m.previousSibling; n; n = n.previousSibling) { before = n.textContent + before; if (n.nodeType === 1) break; }
				return /·\s*$/.test(before.replace(/\u00a0/g, ' ')) ? '' : 'no separator before the export links: «' + p.innerText + '»'; })()`); got != "" {
				t.Errorf("leads list, %s: %s", where, got)
			}

			b.open("/customers/?lang=" + lang)
			if w := b.eval(`document.querySelector('form.filters button').getBoundingClientRect().width`); w > 200 {
				t.Errorf("customers list, %s: the Filter button is %.0f px wide", where, w)
			}

			b.open("/app/settings/templates?lang=" + lang)
			if gap := b.eval(`(() => { const s = document.querySelector('#new-template').closest('section') || document.querySelector('#new-template');
				const prev = s.previousElementSibling; return s.getBoundingClientRect().top - prev.getBoundingClientRect().bottom; })()`); gap < 12 {
				t.Errorf("templates page, %s: the new template's heading is %.0f px under the box above it", where, gap)
			}

			b.open("/app/?lang=" + lang)
			if got := b.str(`(() => { const c = document.querySelector('main .cards').getBoundingClientRect();
				return [...document.querySelectorAll('#recommendations, #recent')].map(s => { const r = s.getBoundingClientRect();
					return Math.abs(r.left - c.left) > 1 || Math.abs(r.right - c.right) > 1 ? '#' + s.id + ' spans ' + Math.round(r.left) + '–' + Math.round(r.right) + ', the cards ' + Math.round(c.left) + '–' + Math.round(c.right) : ''; }).filter(Boolean).join('; '); })()`); got != "" {
				t.Errorf("dashboard, %s: %s", where, got)
			}
		}
	}
}

// TestBrowserPhoneMenuCurrentInbox: in the phone's menu on an inbox page, the highlight of the
// current item covered "Inbox" and stopped short of its unread number beside it; it covers the
// row, number included.
func TestBrowserPhoneMenuCurrentInbox(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar", "de"} {
			b.open("/app/inbox/?lang=" + lang)
			if size.mobile {
				b.run("open the menu", chromedp.Click(chromedp.CSS(`[data-nav-toggle]`)))
			}
			got := b.str(`(() => {
				const cur = document.querySelector('.nav-pair > .nav-link[aria-current="page"]'), n = document.querySelector('.nav-pair > .nav-count');
				if (!cur || !n) return 'no current Inbox with its unread number';
				const lit = (el) => { for (; el && el !== document.body; el = el.parentElement) { const bg = getComputedStyle(el).backgroundColor;
					if (bg !== 'rgba(0, 0, 0, 0)' && bg !== 'transparent' && !el.classList.contains('topbar')) return el; } return null; };
				const hl = lit(cur); if (!hl) return 'Inbox is not highlighted';
				const h = hl.getBoundingClientRect(), r = n.getBoundingClientRect();
				return r.left >= h.left - 1 && r.right <= h.right + 1 ? '' : 'the highlight spans ' + Math.round(h.left) + '–' + Math.round(h.right) + ', the unread number ' + Math.round(r.left) + '–' + Math.round(r.right);
			})()`)
			b.shot(fmt.Sprintf("menu-inbox-%s-%d", lang, size.w))
			if got != "" {
				t.Errorf("%s, %d px: %s", lang, size.w, got)
			}
		}
	}
}

// TestBrowserVisitCardNumberCalls: on the visits week grid, pressing the customer's number on a
// visit one may move started dragging the visit instead of calling; it no longer starts a drag,
// and the rest of the card still does.
func TestBrowserVisitCardNumberCalls(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	ctx := context.Background()
	db := b.e.DB(app.DemoSlug)
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	var owner, conv, lead int64
	if err := b.e.Server.Mgr.Platform.Read.QueryRow(`SELECT id FROM users WHERE username = ?`, app.DemoUser).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRow(`SELECT id, lead_id FROM conversations WHERE channel = 'webchat' AND lead_id IS NOT NULL ORDER BY id DESC LIMIT 1`).Scan(&conv, &lead); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE leads SET phone = '+905321112233', phone_e164 = '+905321112233' WHERE id = ?`, lead); err != nil {
		t.Fatal(err)
	}
	// A Wednesday some ten weeks on, 10:00–11:00, clear of the demo's visits.
	wed := visits.WeekStart(time.Now().In(loc).AddDate(0, 0, 70), loc).AddDate(0, 0, 2)
	start := time.Date(wed.Year(), wed.Month(), wed.Day(), 10, 0, 0, 0, loc)
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: conv, Start: start, DurationMin: 60, Address: "Bağdat Cad. 300, Kadıköy",
		Assignees: []int64{owner}}, visits.Actor{UserID: owner, Name: app.DemoUser})
	if err != nil {
		t.Fatal(err)
	}
	b.viewport(1366, 900, false)
	for _, lang := range []string{"tr", "en", "ar"} {
		b.open(fmt.Sprintf("/app/visits/?lang=%s&view=week&date=%s", lang, start.Format("2006-01-02")))
		// dragstart as the browser sends it: on the link pressed (links are draggable), or on the card.
		got := b.str(fmt.Sprintf(`(() => {
			const card = document.querySelector('.cal-grid [data-visit="%d"]'); if (!card) return 'no movable visit on the grid';
			const tel = card.querySelector('a[href^="tel:"]'); if (!tel) return 'the visit shows no number to call';
			const drag = (el) => { const e = new DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() }); el.dispatchEvent(e); return e; };
			const e = drag(tel);
			if (!e.defaultPrevented || card.classList.contains('is-dragging')) return 'pressing the number starts moving the visit';
			document.dispatchEvent(new DragEvent('dragend', { bubbles: true }));
			const c = drag(card);
			const moving = card.classList.contains('is-dragging');
			document.dispatchEvent(new DragEvent('dragend', { bubbles: true }));
			return !c.defaultPrevented && moving ? '' : 'the card itself no longer starts a move';
		})()`, v.ID))
		if got != "" {
			t.Errorf("%s: %s", lang, got)
		}
		if got := b.str(phoneOrder + "('.cal-grid .cal-tel')"); got == "n:0" || got[:2] != "n:" {
			t.Errorf("%s: the number on the visit's card: %s", lang, got)
		}
	}
}
