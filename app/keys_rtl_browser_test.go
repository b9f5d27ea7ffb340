package app_test

import (
	"strings"
	"testing"
)

// keyOrder, in the open page, finds every key combination ("Shift+←", "Shift+Enter") written in
// the elements sel and reports the first one whose characters do not stand left to right on the
// screen: inside an Arabic sentence an arrow key's arrow and its plus sign, neutral characters,
// take the sentence's direction and move to the other side ("→+Shift"). It returns what is wrong
// and how many combinations it looked at ("n:" when all are right).
const keyOrder = `((sel) => {
	let n = 0;
	for (const el of document.querySelectorAll(sel)) {
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let node = walk.nextNode(); node; node = walk.nextNode()) {
			for (const m of node.data.matchAll(/(Shift|Ctrl|Alt)\+(Enter|[←→↑↓])/g)) {
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

// TestBrowserKeyCombinationsReadInArabic: the pipeline board's hint names the keys that move a
// card, "Shift+← / Shift+→", and they read as written in Arabic too: the arrows and plus signs
// took the Arabic sentence's direction, and the hint showed "Shift / ←Shift+→+", keys no one
// could press. The composer's "Shift+Enter" is checked beside it, in tr, en and ar.
func TestBrowserKeyCombinationsReadInArabic(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, size := range []struct {
		w, h   int64
		mobile bool
	}{{1366, 900, false}, {390, 844, true}} {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			for page, sel := range map[string]string{"/app/pipeline/": "#board-help", "/app/inbox/1/": "main"} {
				b.open(page + "?lang=" + lang)
				// The hint for keyboards is hidden on a touch screen: read where it is laid out.
				got := b.str(`(() => { document.querySelectorAll('.hint-keys').forEach(e => e.style.display = 'inline'); return ` + keyOrder + `('` + sel + `'); })()`)
				if !strings.HasPrefix(got, "n:") || got == "n:0" {
					t.Errorf("%dx%d %s %s: %s", size.w, size.h, lang, page, got)
				}
			}
		}
	}
}
