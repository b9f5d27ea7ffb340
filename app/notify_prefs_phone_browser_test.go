package app_test

import (
	"strings"
	"testing"
	"time"
)

// TestBrowserNotifyPrefsHeadingsWholeOnPhone: on a phone, in every panel language, the
// notification preferences table's column headings never break a word over two lines (the
// Turkish "E-posta" once showed as "E-" over "posta").
func TestBrowserNotifyPrefsHeadingsWholeOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 2*time.Minute)
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
		b.open("/app/notifications/settings?lang=" + lang)
		// Every word of every column heading, and those of them drawn on more than one line.
		got := b.str(`(() => { const out = []; let n = 0;
			for (const th of document.querySelectorAll('.notify-kinds thead th')) {
				const node = th.firstChild;
				if (!node || node.nodeType !== Node.TEXT_NODE) continue;
				for (const m of node.data.matchAll(/\S+/g)) {
					n++;
					const r = document.createRange(); r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
					const tops = [...r.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top));
					if (Math.max(...tops) - Math.min(...tops) > 2) out.push(m[0]);
				}
			}
			return n + '|' + out.join(', '); })()`)
		n, broken, _ := strings.Cut(got, "|")
		if n == "0" {
			t.Fatalf("%s: no heading in the preferences table", lang)
		}
		if broken != "" {
			t.Errorf("%s at 390x844: headings broken over two lines: %s", lang, broken)
		}
		// The push card's button stays inside its card: "Turn on notifications on this device"
		// ran past the card's edge on a phone in English.
		if out := b.str(`(() => { const card = document.querySelector('#push').getBoundingClientRect();
			return [...document.querySelectorAll('#push .btn')].filter(x => x.offsetWidth > 0).map(x => x.getBoundingClientRect())
				.filter(r => r.left < card.left - 1 || r.right > card.right + 1).length + ''; })()`); out != "0" {
			t.Errorf("%s at 390x844: %s push button(s) run past the card", lang, out)
		}
	}
}
