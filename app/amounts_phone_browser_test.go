package app_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app"
)

// TestBrowserAmountsStayWholeOnPhone: on a phone, in Turkish and Arabic, an amount on a lead's
// page (its quotes, orders, invoices) and in a conversation's side cards (the customer's orders,
// the quotes) keeps its figure and its currency on one line; the lead card once showed
// "874.800,00" at a line's end and "₺" alone under it.
func TestBrowserAmountsStayWholeOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 2*time.Minute)
	allModules(b.e, app.DemoSlug)
	b.viewport(390, 844, true)
	for _, page := range []string{"/app/leads/100/?lang=tr", "/app/leads/100/?lang=ar", "/app/inbox/100/?lang=tr", "/app/inbox/100/?lang=ar"} {
		b.open(page)
		// Every "figure ₺" in the page's text: how many there are, and those drawn on two lines.
		got := b.str(`(() => { let n = 0; const split = [];
			const w = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
			for (let node = w.nextNode(); node; node = w.nextNode()) {
				for (const m of node.data.matchAll(/\d[\d.,]*\s₺/g)) {
					const r = document.createRange();
					r.setStart(node, m.index); r.setEnd(node, m.index + m[0].length);
					const tops = [...r.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top));
					if (tops.length === 0) continue;
					n++;
					if (Math.max(...tops) - Math.min(...tops) > 2) split.push(m[0]);
				}
			}
			return n + '|' + split.join('; '); })()`)
		n, split, _ := strings.Cut(got, "|")
		if n == "0" {
			t.Fatalf("%s: no amount with its currency on the page", page)
		}
		if split != "" {
			t.Errorf("%s at 390x844: of %s amounts, these are split over two lines: %s", page, n, split)
		}
	}
}
