package app_test

import (
	"fmt"
	"testing"

	"highvibe/app"
)

// badEmailBreaks lists, in the open page, the lead's e-mail addresses (in the element sel) that
// run out of their box or part a line anywhere but after their "@" or a dot: each character's
// line is read from its own box, and a character that starts a new line must follow one of those.
const badEmailBreaks = `(sel => {
	const out = [];
	for (const el of document.querySelectorAll(sel)) {
		if (!el.offsetParent) continue;
		const box = el.parentElement.getBoundingClientRect(), r = el.getBoundingClientRect();
		if (r.right > box.right + 1 || r.left < box.left - 1) out.push(el.textContent + ': out of its box by ' + Math.round(Math.max(r.right - box.right, box.left - r.left)) + ' px');
		const chars = [];
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			for (let i = 0; i < n.data.length; i++) {
				const rg = document.createRange(); rg.setStart(n, i); rg.setEnd(n, i + 1);
				const rc = rg.getClientRects();
				if (rc.length) chars.push({c: n.data[i], top: rc[0].top});
			}
		}
		for (let i = 1; i < chars.length; i++) {
			if (chars[i].top > chars[i - 1].top + 2 && chars[i - 1].c !== '@' && chars[i - 1].c !== '.') {
				out.push(el.textContent + ': a line breaks after "' + chars.slice(Math.max(0, i - 6), i).map(x => x.c).join('') + '"');
			}
		}
	}
	return out.join('; ');
})`

// TestBrowserLongEmailWrapsWhereItReads: on a 390×844 phone a long e-mail address broke at an
// arbitrary letter on the lead's page ("satinalma.ve.muhasebe.departmani@yildiz-insaat-ta" /
// "ahhut…"), and in the conversation's lead card it ran out of the card. In Turkish, English and
// Arabic it now wraps only after its "@" or a dot, inside its box, on both pages and on a
// computer too.
func TestBrowserLongEmailWrapsWhereItReads(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	const conv = 15
	db := b.e.DB(app.DemoSlug)
	var lead int64
	if err := db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, conv).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	const email = "satinalma.ve.muhasebe.departmani@yildiz-insaat-taahhut-ticaret.com.tr"
	if _, err := db.Write.Exec(`UPDATE leads SET email = ? WHERE id = ?`, email, lead); err != nil {
		t.Fatal(err)
	}
	pages := map[string]string{fmt.Sprintf("/app/leads/%d/", lead): `.lead-facts dd a[href^="mailto:"]`, fmt.Sprintf("/app/inbox/%d/", conv): `#lead-email`}
	for _, sc := range laptopAndPhone {
		b.viewport(sc.w, sc.h, sc.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			for page, sel := range pages {
				b.open(page + "?lang=" + lang)
				if n := b.eval(`document.querySelectorAll('` + sel + `').length`); n != 1 {
					t.Fatalf("%s %s: %v e-mail addresses %s", lang, page, n, sel)
				}
				if bad := b.str(badEmailBreaks + "('" + sel + "')"); bad != "" {
					t.Errorf("%s %s at %d px: %s", lang, page, sc.w, bad)
				}
				if sc.mobile {
					checkFits(t, b)
				}
			}
		}
	}
}
