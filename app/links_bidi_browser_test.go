package app_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// numberAndPhone reads, in the open page, where the record number ("#12") and the phone number
// ("+90 532 …") of the first element sel stand: "" when each reads as it is written and the
// number comes first the way the page reads (left of the phone on a left-to-right page, right of
// it on an Arabic one), else what is wrong.
const numberAndPhone = `((sel, rtl) => {
	const el = document.querySelector(sel);
	if (!el) return 'no ' + sel;
	const boxes = {};
	const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
	for (let node = walk.nextNode(); node; node = walk.nextNode()) {
		for (const [name, re] of [['id', /#\d+/g], ['phone', /\+\d[\d ]*\d/g]]) {
			for (const m of node.data.matchAll(re)) {
				const lefts = [];
				for (let i = m.index; i < m.index + m[0].length; i++) {
					const r = document.createRange();
					r.setStart(node, i);
					r.setEnd(node, i + 1);
					lefts.push(r.getBoundingClientRect().left);
				}
				if (lefts.some((x, i) => i > 0 && x <= lefts[i - 1])) return m[0] + ' drawn out of order in «' + el.textContent.trim() + '»';
				boxes[name] = lefts[0];
			}
		}
	}
	if (boxes.id === undefined) return 'no #number in «' + el.textContent.trim() + '»';
	if (boxes.phone !== undefined && (rtl ? boxes.id < boxes.phone : boxes.id > boxes.phone)) return 'the phone stands before the #number in «' + el.textContent.trim() + '»';
	return '';
})`

// phoneOrder is drawnInOrder for a phone number as the panel shows it ("+90 532 999 88 77").
var phoneOrder = drawnInOrder(`/\+\d[\d ]*\d/g`)

// recordNumberOrder is drawnInOrder for a record's number ("#12").
var recordNumberOrder = drawnInOrder(`/#\d+/g`)

// TestBrowserRecordLinksKeepNumbers: on a customer's page in Arabic the link to a conversation of
// a lead known only by a number ("#12 · +90 532 111 22 33 · WhatsApp") kept neither the "+" at
// the number nor the "#12" before it; each piece is now its own left-to-right piece. On a lead's
// page, the link to the lead that already has the number just typed named a lead without a name
// "#12" where every list names it by its number (web.Who): it does too now, the number one
// left-to-right piece. In tr, en and ar, on a laptop and a phone.
func TestBrowserRecordLinksKeepNumbers(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	allModules(b.e, app.DemoSlug)
	db := b.e.DB(app.DemoSlug)
	var customer, conv, lead int64
	if err := db.Read.QueryRow(`SELECT (SELECT id FROM customers ORDER BY id LIMIT 1), c.id, c.lead_id FROM conversations c
		WHERE c.lead_id IS NOT NULL ORDER BY c.id LIMIT 1`).Scan(&customer, &conv, &lead); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE leads SET name = '', phone = '+905321112233', phone_e164 = '+905321112233', customer_id = ? WHERE id = ?`, customer, lead); err != nil {
		t.Fatal(err)
	}
	// A lead that came by web chat (its number can be edited) and another, nameless, with a number.
	var editable, taken int64
	if err := db.Read.QueryRow(`SELECT l.id FROM leads l WHERE l.merged_into IS NULL AND l.id <> ?
		AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.lead_id = l.id AND c.channel = 'whatsapp') ORDER BY l.id LIMIT 1`, lead).Scan(&editable); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRow(`SELECT id FROM leads WHERE merged_into IS NULL AND id NOT IN (?, ?) ORDER BY id LIMIT 1`, lead, editable).Scan(&taken); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`UPDATE leads SET name = '', email = '', phone = '+905329998877', phone_e164 = '+905329998877' WHERE id = ?`, taken); err != nil {
		t.Fatal(err)
	}
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			b.open(fmt.Sprintf("/customers/%d/?lang=%s", customer, lang))
			sel := fmt.Sprintf(`a[href="/app/inbox/%d/"]`, conv)
			b.run("show the related records", chromedp.Evaluate[chromedp.Void](`document.querySelector('`+sel+`').scrollIntoView({block: 'center'})`))
			b.shot(fmt.Sprintf("customer-links-%s-%d", lang, size.w))
			if got := b.str(numberAndPhone + fmt.Sprintf("('%s', %v)", sel, lang == "ar")); got != "" {
				t.Errorf("customer page, %s, %d px: %s", lang, size.w, got)
			}
			b.open(fmt.Sprintf("/app/leads/%d/?lang=%s", editable, lang))
			if got := b.str(recordNumberOrder + "('main')"); got[:2] != "n:" {
				t.Errorf("lead page, %s, %d px: %s", lang, size.w, got)
			}
			b.run("type the taken number", chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('#lead-phone');
				f.value = '0532 999 88 77'; f.form.submit(); })()`))
			b.waitFor("the refused page", `document.readyState === 'complete' && !!document.querySelector('#lead-phone-error')`)
			b.waitFor("the refusal", `!!document.querySelector('#lead-phone-error a[data-phone-taken]')`)
			b.run("show the refusal", chromedp.Evaluate[chromedp.Void](`document.querySelector('#lead-phone-error').scrollIntoView({block: 'center'})`))
			b.shot(fmt.Sprintf("lead-taken-%s-%d", lang, size.w))
			if got := b.str(phoneOrder + "('#lead-phone-error a[data-phone-taken]')"); got != "n:1" {
				t.Errorf("lead page, %s, %d px: the link to the lead with the number, «%s»: %s", lang, size.w,
					b.str(`document.querySelector('#lead-phone-error a').textContent`), got)
			}
		}
	}
}
