package app_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// From the 1st to the 5th of a month the dashboard's unbilled-hours card also says last month, a
// long line. On a computer (1366×900) the MSP card row stays about as tall as its other cards
// need: the card takes two columns instead of one narrow one, where the line ran to five lines
// and made the row twice as tall as its neighbours, three of them mostly empty. On a phone the
// cards stack, each as wide as the screen allows, and the page fits.
func TestBrowserUnbilledCardWithLastMonthKeepsTheRowEven(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	now := time.Now()
	third := time.Date(now.Year(), now.Month(), 3, 12, 0, 0, 0, time.Local)
	b.e.Handlers.Dashboard.Now = func() time.Time { return third }
	b.open("/app/?lang=tr")
	b.run("switch to "+app.DemoMSPSlug, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form[action="/app/switch/"]');
		f.querySelector('[name=tenant]').value = '`+app.DemoMSPSlug+`'; f.submit(); })()`))
	b.waitFor("the IT provider's panel", `document.readyState === 'complete' && document.body.innerText.includes('`+app.DemoMSPName+`')`)
	// natural is how tall a card's content is (its last line's bottom, the card's padding under it).
	const natural = `(s => { const c = document.querySelector('[data-card="' + s + '"]'), r = c.getBoundingClientRect(),
		last = c.lastElementChild.getBoundingClientRect(); return last.bottom - r.top + parseFloat(getComputedStyle(c).paddingBottom); })`
	for _, lang := range []string{"tr", "en", "ar"} {
		b.viewport(1366, 900, false)
		b.open("/app/?lang=" + lang)
		if b.eval(`document.querySelectorAll('[data-card="msp-unbilled"] [data-last-month]').length`) != 1 {
			t.Fatalf("%s: the unbilled card does not show last month on the 3rd", lang)
		}
		row := b.eval(`document.querySelector('[data-card="msp-unbilled"]').getBoundingClientRect().height`)
		others := b.eval(`Math.max(...['msp-open', 'msp-sla', 'msp-ending'].map(` + natural + `))`)
		if row > 1.5*others {
			t.Errorf("%s 1366x900: the MSP card row is %.0f px tall, its other cards need %.0f px", lang, row, others)
		}
		if same := b.eval(`(() => { const t = [...document.querySelectorAll('#msp > .card')].map(c => Math.round(c.getBoundingClientRect().top)); return t.every(x => x === t[0]) ? 1 : 0; })()`); same != 1 {
			t.Errorf("%s 1366x900: the four MSP cards are not on one row", lang)
		}
		checkFits(t, b)
		b.shot("dashboard-last-month-desktop-" + lang)
		b.viewport(390, 844, true)
		b.open("/app/?lang=" + lang)
		if w := b.eval(`(() => { const a = document.querySelector('[data-card="msp-unbilled"]').getBoundingClientRect().width, o = document.querySelector('[data-card="msp-open"]').getBoundingClientRect().width; return Math.abs(a - o); })()`); w > 1 {
			t.Errorf("%s 390x844: the unbilled card is not as wide as the others (%.0f px apart)", lang, w)
		}
		checkFits(t, b)
		b.shot("dashboard-last-month-phone-" + lang)
	}
}
