package app_test

import (
	"testing"
	"time"

	"highvibe/app"
)

// percentOrder, in the open page, finds every percentage ("85%", "+40%", "-30%") written in the
// elements sel and reports the first one whose characters do not stand left to right on the
// screen, in the order they are written: an Arabic sentence around a bare "+40%" carries its
// plus and its percent sign to the number's other side ("%40+"). It returns what is wrong and
// how many percentages it looked at ("n:" when all are right).
var percentOrder = drawnInOrder(`/[+-]?\d[\d.,]*%/g`)

// drawnInOrder is a script taking a selector that, in the open page, finds every match of the
// JavaScript regular expression re in the text of the elements sel and reports the first one
// whose characters do not stand left to right on the screen. It returns what is wrong and how
// many matches it looked at ("n:" when all are right).
func drawnInOrder(re string) string {
	return `((sel) => {
	let n = 0;
	for (const el of document.querySelectorAll(sel)) {
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let node = walk.nextNode(); node; node = walk.nextNode()) {
			for (const m of node.data.matchAll(` + re + `)) {
				n++;
				const lefts = [];
				for (let i = m.index; i < m.index + m[0].length; i++) {
					const r = document.createRange();
					r.setStart(node, i);
					r.setEnd(node, i + 1);
					lefts.push(r.getBoundingClientRect().left);
				}
				if (lefts.some((x, i) => i > 0 && x <= lefts[i - 1])) {
					return 'wrong: ' + m[0] + ' in «' + node.data.trim().slice(0, 100) + '» drawn as ' + lefts.map(Math.round).join(',');
				}
			}
		}
	}
	return 'n:' + n;
})`
}

// TestBrowserArabicPercentages: in Arabic, a percentage inside a sentence reads as it is
// written, sign and percent sign included: the seasonal calendar's expected demand ("الطلب
// +40%", a rise or a fall), the dashboard's recommendations' confidence ("الثقة 85%") and the
// KPI page's figures; and the KPI page's month links have arrows that point the way the page
// reads, in tr, en and ar.
func TestBrowserArabicPercentages(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(1366, 900, false)
	for _, p := range []struct{ page, sel string }{
		{"/app/seasonal/?lang=ar", "main"},
		{"/app/?lang=ar", "main"}, {"/app/analytics/?lang=ar", "main > section:not(.charts)"},
	} {
		b.open(p.page)
		got := b.str(percentOrder + "('" + p.sel + "')")
		if got == "n:0" || got[:2] != "n:" {
			t.Errorf("%s: %s", p.page, got)
		}
	}

	// The attribution report's month links: each arrow points away from the month shown, to
	// the side its link stands on (in Arabic the previous month is on the right, its arrow →).
	// Last month's report has both (this month's has no link to a month not begun).
	allModules(b.e, app.DemoSlug) // the report is the conversion tracking module's
	last := time.Now().AddDate(0, -1, -time.Now().Day()+1).Format("2006-01")
	for _, lang := range []string{"tr", "en", "ar"} {
		b.open("/app/analytics/?attr_month=" + last + "&lang=" + lang)
		if got := b.str(monthArrows); got != "" {
			t.Errorf("attribution month links in %s: %s", lang, got)
		}
	}
}

// monthArrows checks the attribution report's two month links around the month shown: a link
// left of it has "←" at its left end, one right of it "→" at its right end. It returns what is
// wrong, or "".
const monthArrows = `(() => {
	const cur = document.querySelector('#attribution .page-actions strong');
	const links = [...document.querySelectorAll('#attribution .page-actions a')];
	if (!cur || links.length !== 2) return "no month links around the month shown";
	const c = cur.getBoundingClientRect(), out = [];
	for (const a of links) {
		const r = a.getBoundingClientRect(), side = r.right <= c.left ? 'left' : 'right';
		const walk = document.createTreeWalker(a, NodeFilter.SHOW_TEXT);
		let arrow = null;
		for (let n = walk.nextNode(); n && !arrow; n = walk.nextNode()) {
			const i = n.data.search(/[←→]/);
			if (i >= 0) { const g = document.createRange(); g.setStart(n, i); g.setEnd(n, i + 1); arrow = { ch: n.data[i], box: g.getBoundingClientRect() }; }
		}
		if (!arrow) { out.push('«' + a.textContent.trim() + '» has no arrow'); continue; }
		const want = side === 'left' ? '←' : '→';
		const atEnd = side === 'left' ? arrow.box.left <= r.left + 1 : arrow.box.right >= r.right - 1;
		if (arrow.ch !== want || !atEnd) out.push('«' + a.textContent.trim() + '» on the ' + side + ' has ' + arrow.ch + (atEnd ? '' : ' inside it'));
	}
	return out.join('; ');
})()`
