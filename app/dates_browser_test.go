package app_test

import (
	"testing"
)

// dateRuns, in the open page, finds every date format hint ("YYYY-MM-DD", "AAAA-MM-JJ", …) and
// ISO date ("2026-12-31") written in the field hints and errors of main, and reports the first
// one drawn on more than one line or not left to right, character by character; "n:" and how
// many it looked at when all are right.
const dateRuns = `(() => {
	let n = 0;
	for (const el of document.querySelectorAll('main .field-hint, main .field-error')) {
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let node = walk.nextNode(); node; node = walk.nextNode()) {
			for (const m of node.data.matchAll(/[A-Z]{4}-[A-Z]{2}-[A-Z]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}/g)) {
				n++;
				const rects = [];
				for (let i = m.index; i < m.index + m[0].length; i++) {
					const r = document.createRange();
					r.setStart(node, i);
					r.setEnd(node, i + 1);
					rects.push(r.getBoundingClientRect());
				}
				if (rects.some((r) => Math.abs(r.top - rects[0].top) > 2)) {
					return 'wrapped: ' + m[0] + ' in «' + el.textContent.trim().slice(0, 80) + '»';
				}
				if (rects.some((r, i) => i > 0 && r.left < rects[i - 1].left)) {
					return 'not left to right: ' + m[0] + ' in «' + el.textContent.trim().slice(0, 80) + '»';
				}
			}
		}
	}
	return 'n:' + n;
})()`

// TestBrowserDateHintsOnOneLine: the "YYYY-MM-DD" hint under the closed and half days, and the
// dates of a refusal naming a wrong day, stay on one line and read left to right on a 390 px
// phone and on a desktop, in Arabic, Turkish and English (in Arabic the hint broke at a hyphen).
func TestBrowserDateHintsOnOneLine(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, vp := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1366, 900, false}} {
		b.viewport(vp.w, vp.h, vp.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			b.open("/app/settings/hours?lang=" + lang)
			if got := b.str(dateRuns); got != "n:1" {
				t.Errorf("%d px, %s, the hours page: %s", vp.w, lang, got)
			}
			// A refused half day: the message names it and shows the format and an example.
			b.str(`(() => { document.getElementById('half_days').value = '2026-12-24\t24.12.2026'; document.querySelector('form[action="/app/settings/hours"]').submit(); return ''; })()`)
			b.waitFor("the refusal", `document.readyState === 'complete' && !!document.querySelector('#hours-holidays .field-error')`)
			if got := b.str(dateRuns); got != "n:3" {
				t.Errorf("%d px, %s, the refused day: %s", vp.w, lang, got)
			}
		}
	}
}
