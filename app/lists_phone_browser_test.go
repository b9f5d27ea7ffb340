package app_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// phoneCards checks, in the open page, that the table sel is laid out as one card per row: the
// header row hidden, nothing scrolling sideways, every row a grid whose cells (and the links and
// pills in them) stay inside the card and the screen, none cut, each cell labelled with its
// column's name (data-label, shown or read out through ::before), only cells marked is-empty left
// out, and no more than the card's padding of blank space under the last cell. It returns what is
// wrong, or "".
const phoneCards = `((sel) => {
	const t = document.querySelector(sel);
	if (!t) return 'no ' + sel;
	const heads = [...t.tHead.rows[0].cells].map(th => th.textContent.trim());
	if (t.tHead.getBoundingClientRect().height > 0) return 'the header row shows';
	const wrap = t.closest('.table-wrap'), screen = document.documentElement.clientWidth;
	if (wrap.scrollWidth > wrap.clientWidth + 1) return 'the list scrolls sideways: ' + wrap.scrollWidth + ' px in ' + wrap.clientWidth;
	const rows = [...t.tBodies[0].rows].filter(r => r.id !== 'lead-rows-more');
	if (rows.length < 5) return 'only ' + rows.length + ' rows';
	for (const [i, r] of rows.entries()) {
		const rb = r.getBoundingClientRect();
		if (getComputedStyle(r).display !== 'grid') return 'row ' + i + ' is not a card';
		let bottom = rb.top;
		for (const [j, c] of [...r.cells].entries()) {
			const what = 'row ' + i + ' cell ' + j + ' (' + heads[j] + ')';
			if (c.dataset.label !== heads[j]) return what + ' is labelled ' + c.dataset.label;
			const before = getComputedStyle(c, '::before').content;
			if (!before.includes(heads[j])) return what + ' does not say its column: ' + before;
			if (getComputedStyle(c).display === 'none') {
				if (!c.classList.contains('is-empty')) return what + ' is hidden';
				continue;
			}
			const cb = c.getBoundingClientRect();
			if (cb.width < 1 || cb.left < rb.left - 1 || cb.right > rb.right + 1 || cb.left < 0 || cb.right > screen + 1) return what + ' is outside its card';
			if (c.scrollWidth > c.clientWidth + 1) return what + ' is cut: ' + c.scrollWidth + ' px in ' + c.clientWidth;
			for (const e of c.querySelectorAll('a, .badge, .count, time, bdi')) {
				const eb = e.getBoundingClientRect();
				if (eb.left < rb.left - 1 || eb.right > rb.right + 1) return what + ': ' + e.outerHTML.slice(0, 80) + ' sticks out of the card';
			}
			bottom = Math.max(bottom, cb.bottom);
		}
		const blank = rb.bottom - bottom;
		if (blank > 16) return 'row ' + i + ' has ' + Math.round(blank) + ' px of blank under its last cell';
	}
	return '';
})`

// TestBrowserListsOnPhone opens the dashboard's recent conversations and the leads list on a
// 390×844 phone in Turkish and Arabic: each row is one card with every field on the screen (see
// phoneCards), the page no wider than the phone; a card's link opens its conversation, and the
// leads list's "more" adds cards of the same kind. On a computer both stay tables with their
// header row.
func TestBrowserListsOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	lists := []struct{ page, table string }{{"/app/", "#recent-table"}, {"/app/leads/", "#leads"}}
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "ar"} {
		for _, l := range lists {
			b.open(l.page + "?lang=" + lang)
			checkFits(t, b)
			if p := b.str(phoneCards + `('` + l.table + `')`); p != "" {
				t.Errorf("%s in %s at 390 px: %s", l.page, lang, p)
			}
		}
	}

	// The leads list's next page comes in as cards too.
	rows := `document.querySelectorAll('#leads tbody tr[data-lead]').length`
	before := b.eval(rows)
	b.run("more leads", chromedp.Click(chromedp.CSS(`#leads [data-next]`)))
	b.waitFor("the next leads", fmt.Sprintf("%s > %v && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')", rows, before))
	if p := b.str(phoneCards + `('#leads')`); p != "" {
		t.Errorf("after more leads: %s", p)
	}
	if after := b.eval(rows); after <= before {
		t.Errorf("more leads: %v rows, %v before", after, before)
	}

	// A card's name is a link that takes the keyboard and opens the conversation.
	b.open("/app/?lang=tr")
	first := `#recent-table tbody tr:first-child td:first-child a`
	b.run("focus the first card's link", chromedp.Focus(chromedp.CSS(first)))
	if b.eval(`document.activeElement === document.querySelector('`+first+`') ? 1 : 0`) != 1 {
		t.Error("the first card's link does not take focus")
	}
	want := b.str(`document.querySelector('` + first + `').pathname`)
	b.run("open the first card", chromedp.Click(chromedp.CSS(first)))
	b.waitFor("the conversation "+want, `location.pathname === '`+want+`' && document.readyState === 'complete'`)

	// A computer keeps the tables.
	b.viewport(1366, 900, false)
	for _, l := range lists {
		b.open(l.page + "?lang=tr")
		if b.eval(`(() => { const t = document.querySelector('`+l.table+`');
			return getComputedStyle(t).display === 'table' && t.tHead.getBoundingClientRect().height > 0
				&& getComputedStyle(t.tBodies[0].rows[0]).display === 'table-row' ? 1 : 0 })()`) != 1 {
			t.Errorf("%s at 1366 px is not a table with its header row", l.page)
		}
	}
}
