package app_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserMSPDateRangesLeftToRight: the IT provider's date ranges read left to right in
// Arabic as in Turkish and English, on a 390 px phone and a desktop: a contract's period on its
// page ("01/10/2025 – 30/09/2027"), the week of the time sheet and the contract a ticket's time
// is covered by. In Arabic the dash took the page's direction and each stood reversed, the end
// first (the contracts list already kept its period left to right).
func TestBrowserMSPDateRangesLeftToRight(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.open("/app/?lang=tr")
	b.run("switch to "+app.DemoMSPSlug, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form[action="/app/switch/"]');
		f.querySelector('[name=tenant]').value = '`+app.DemoMSPSlug+`'; f.submit(); })()`))
	b.waitFor("the IT provider's panel", `document.readyState === 'complete' && document.body.innerText.includes('`+app.DemoMSPName+`')`)
	var contract, ticket int64
	db := b.e.DB(app.DemoMSPSlug)
	if err := db.Read.QueryRow(`SELECT id FROM msp_contracts ORDER BY id LIMIT 1`).Scan(&contract); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRow(`SELECT ticket_id FROM msp_time_entries WHERE contract_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&ticket); err != nil {
		t.Fatal(err)
	}
	ranges := runsOnOneLine(`main`, `[0-9]{2}[./][0-9]{2}[./][0-9]{4} – [0-9]{2}[./][0-9]{2}[./][0-9]{4}|[A-Z][a-z]{2} [0-9]{1,2}, [0-9]{4} – [A-Z][a-z]{2} [0-9]{1,2}, [0-9]{4}`)
	week := `(() => {
		const el = document.querySelector('.week-nav .nowrap');
		if (!el) return 'no week';
		const rects = [];
		const walk = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
		for (let node = walk.nextNode(); node; node = walk.nextNode()) {
			for (let i = 0; i < node.data.length; i++) {
				if (node.data[i] === ' ') continue;
				const r = document.createRange();
				r.setStart(node, i);
				r.setEnd(node, i + 1);
				rects.push(r.getBoundingClientRect());
			}
		}
		if (rects.some((r) => Math.abs(r.top - rects[0].top) > 2)) return 'wrapped: ' + el.innerText;
		if (rects.some((r, i) => i > 0 && r.left < rects[i - 1].left)) return 'not left to right: ' + el.innerText;
		return 'ok';
	})()`
	for _, vp := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1366, 900, false}} {
		b.viewport(vp.w, vp.h, vp.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			for _, page := range []string{fmt.Sprintf("/app/msp/contracts/%d/", contract), fmt.Sprintf("/app/msp/tickets/%d/time", ticket)} {
				b.open(page + "?lang=" + lang)
				if got := b.str(ranges); got != "n:1" {
					t.Errorf("%d px, %s, %s: %s", vp.w, lang, page, got)
				}
			}
			// The time sheet's week: its first day is bold, so the range is more than one text.
			b.open("/app/msp/time?lang=" + lang)
			if got := b.str(week); got != "ok" {
				t.Errorf("%d px, %s, the time sheet's week: %s", vp.w, lang, got)
			}
		}
	}
}
