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

// TestBrowserLeadCardOrderReadsInArabic: in Arabic, the conversation's lead card lists the
// customer's orders with their Turkish descriptions; a description is drawn as written, its
// "1200" before its "m²", where the Arabic line once pulled the figure away to sit beside the
// order's number ("m² begonit döşeme · 874,800.00 1200 #92").
func TestBrowserLeadCardOrderReadsInArabic(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 2*time.Minute)
	allModules(b.e, app.DemoSlug)
	b.viewport(390, 844, true)
	b.open("/app/inbox/100/?lang=ar")
	got := b.str(`(() => { const out = []; let n = 0;
		for (const li of document.querySelectorAll('#lead-card .orders li')) {
			const w = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
			for (let node = w.nextNode(); node; node = w.nextNode()) {
				const m = node.data.match(/(\d+) m²/);
				if (!m) continue;
				n++;
				const at = (from, len) => { const r = document.createRange(); r.setStart(node, from); r.setEnd(node, from + len); return r.getBoundingClientRect(); };
				const fig = at(m.index, m[1].length), unit = at(m.index + m[1].length + 1, 2);
				if (Math.abs(fig.top - unit.top) < 2 && fig.left > unit.left) out.push(li.textContent.trim());
			}
		}
		return n + '|' + out.join('; '); })()`)
	n, wrong, _ := strings.Cut(got, "|")
	if n == "0" {
		t.Fatal("no order with an area in the lead card")
	}
	if wrong != "" {
		t.Errorf("orders whose description is drawn out of order: %s", wrong)
	}
}
