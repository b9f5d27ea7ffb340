package app_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/tenantdb"
)

// convWithAreaOrder finds a demo conversation whose lead card lists an order in lira with an area
// in its description ("1200 m² begonit döşeme"), and the conversation's lead. The demo draws its
// people from the hour it is seeded at, so a fixed id (it was conversation 100) has no order at
// some hours.
func convWithAreaOrder(t *testing.T, db *tenantdb.DB) (conv, lead int64) {
	t.Helper()
	err := db.Read.QueryRow(`SELECT c.id, c.lead_id FROM conversations c JOIN leads l ON l.id = c.lead_id
		WHERE EXISTS (SELECT 1 FROM (SELECT description, currency FROM orders o WHERE o.customer_id = coalesce(c.customer_id, l.customer_id)
			ORDER BY o.ordered_at DESC, o.id DESC LIMIT 5) WHERE description LIKE '% m²%' AND currency = 'TRY')
		ORDER BY c.id LIMIT 1`).Scan(&conv, &lead)
	if err != nil {
		t.Fatalf("no demo conversation whose customer has an order with an area: %v", err)
	}
	return conv, lead
}

// TestBrowserAmountsStayWholeOnPhone: on a phone, in Turkish and Arabic, an amount on a lead's
// page (its quotes, orders, invoices) and in a conversation's side cards (the customer's orders,
// the quotes) keeps its figure and its currency on one line; the lead card once showed
// "874.800,00" at a line's end and "₺" alone under it.
func TestBrowserAmountsStayWholeOnPhone(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 2*time.Minute)
	allModules(b.e, app.DemoSlug)
	b.viewport(390, 844, true)
	conv, lead := convWithAreaOrder(t, b.e.DB(app.DemoSlug))
	for _, page := range []string{fmt.Sprintf("/app/leads/%d/?lang=tr", lead), fmt.Sprintf("/app/leads/%d/?lang=ar", lead),
		fmt.Sprintf("/app/inbox/%d/?lang=tr", conv), fmt.Sprintf("/app/inbox/%d/?lang=ar", conv)} {
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
	conv, _ := convWithAreaOrder(t, b.e.DB(app.DemoSlug))
	b.open(fmt.Sprintf("/app/inbox/%d/?lang=ar", conv))
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
