package app_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserMSPDashboard opens the demo IT provider's dashboard in Turkish, English and Arabic on
// a computer (1366×900) and a phone (390×844): the MSP cards come first, the page never gets wider
// than the screen, and in Arabic the cards read from the right.
func TestBrowserMSPDashboard(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.open("/app/?lang=tr")
	b.run("switch to "+app.DemoMSPSlug, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form[action="/app/switch/"]');
		f.querySelector('[name=tenant]').value = '`+app.DemoMSPSlug+`'; f.submit(); })()`))
	b.waitFor("the IT provider's panel", `document.readyState === 'complete' && document.body.innerText.includes('`+app.DemoMSPName+`')`)
	for _, size := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"desktop", 1366, 900, false}, {"phone", 390, 844, true}} {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			b.open("/app/?lang=" + lang)
			if n := b.eval(`document.querySelectorAll('#msp [data-card^="msp-"]').length`); n != 4 {
				t.Errorf("%s %s: %v MSP cards", size.name, lang, n)
			}
			// The MSP cards stand above the conversation cards.
			if above := b.eval(`document.querySelector('[data-card="msp-open"]').getBoundingClientRect().top < document.querySelector('[data-card="open"]').getBoundingClientRect().top ? 1 : 0`); above != 1 {
				t.Errorf("%s %s: the MSP cards are not first", size.name, lang)
			}
			if lang == "ar" && size.name == "desktop" {
				if right := b.eval(`(() => { const a = document.querySelector('[data-card="msp-open"]').getBoundingClientRect(), z = document.querySelector('[data-card="msp-ending"]').getBoundingClientRect(); return a.left > z.left ? 1 : 0; })()`); right != 1 {
					t.Error("Arabic: the first MSP card is not on the right")
				}
			}
			checkFits(t, b)
			b.shot("dashboard-msp-" + size.name + "-" + lang)
			// The ticket list its SLA card opens, with the clocks' "… used" in the page's form.
			b.open("/app/msp/tickets/?sla=risk&lang=" + lang)
			checkFits(t, b)
			b.shot("tickets-sla-risk-" + size.name + "-" + lang)
		}
	}
}

// TestBrowserZoneNames opens the pages that name the business's time zone — business hours, the
// notification settings and the IT provider's SLA policies — in Turkish, English and Arabic on a
// computer and a phone: the zone reads in the page's language ("İstanbul (UTC+03:00)"), never as
// its IANA name, and the page fits the screen.
func TestBrowserZoneNames(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	pages := []string{"/app/settings/hours", "/app/notifications/settings"}
	shoot := func(tenant string, pages []string) {
		for _, size := range []struct {
			name   string
			w, h   int64
			mobile bool
		}{{"desktop", 1366, 900, false}, {"phone", 390, 844, true}} {
			b.viewport(size.w, size.h, size.mobile)
			for _, lang := range []string{"tr", "en", "ar"} {
				for _, p := range pages {
					b.open(p + "?lang=" + lang)
					if raw := b.str(`(() => { const m = document.querySelector('main').innerText.match(/(Europe|Asia|Africa|America)\/[A-Za-z_]+ \(UTC/); return m ? m[0] : ''; })()`); raw != "" {
						t.Errorf("%s %s %s: raw zone name %q", p, lang, size.name, raw)
					}
					checkFits(t, b)
					b.shot("zone-" + tenant + strings.ReplaceAll(p, "/", "-") + "-" + size.name + "-" + lang)
				}
			}
		}
	}
	shoot("demo", pages)
	b.open("/app/?lang=tr")
	b.run("switch to "+app.DemoMSPSlug, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form[action="/app/switch/"]');
		f.querySelector('[name=tenant]').value = '`+app.DemoMSPSlug+`'; f.submit(); })()`))
	b.waitFor("the IT provider's panel", `document.readyState === 'complete' && document.body.innerText.includes('`+app.DemoMSPName+`')`)
	shoot("msp", []string{"/app/msp/sla/"})
}
