package app_test

import (
	"testing"

	"highvibe/app/i18n"
)

// wrappedCounters lists, in the open inbox, the counters whose words wrap under their number (a
// line of the words starting where the number stands) or take more than two lines.
const wrappedCounters = `(() => {
	const out = [];
	for (const c of document.querySelectorAll('.counters .counter')) {
		const n = c.querySelector('b').getBoundingClientRect(), words = c.querySelector('span');
		const lines = [...words.getClientRects()];
		const under = lines.some(r => r.left < n.right - 1 && r.right > n.left + 1);
		const tall = words.getBoundingClientRect().height > 2.6 * parseFloat(getComputedStyle(words).lineHeight || 16);
		if (under || tall) out.push(c.innerText.replace(/\s+/g, ' ').trim() + (under ? ' (words under the number)' : ' (' + lines.length + ' lines)'));
	}
	return out.join('; ');
})()`

// TestBrowserInboxCountersReadOnPhone: on a 390×844 phone the inbox's counters (open, need a
// person, unread, received in 7 days) were three narrow tiles with the words running on under the
// number ("117 brauchen / einen / Menschen" in German); in every panel language each number now
// has its words beside it, on at most two lines, two counters to a row.
func TestBrowserInboxCountersReadOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	for _, lang := range i18n.Langs {
		b.open("/app/inbox/?lang=" + lang)
		if n := b.eval(`document.querySelectorAll('.counters .counter').length`); n != 4 {
			t.Fatalf("%s: %.0f counters, want 4", lang, n)
		}
		if bad := b.str(wrappedCounters); bad != "" {
			b.shot("inbox-counters-" + lang)
			t.Errorf("%s: counters that do not read cleanly at 390 px: %s", lang, bad)
		}
		if rows := b.eval(`new Set([...document.querySelectorAll('.counters .counter')].map(c => Math.round(c.getBoundingClientRect().top))).size`); rows != 2 {
			t.Errorf("%s: the four counters take %.0f rows, want 2", lang, rows)
		}
	}
}
