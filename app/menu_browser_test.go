package app_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/i18n"
)

// TestBrowserMenu: at 1366 px the whole top bar (brand, business, menu with its counts, language
// and user menus) is one line in every panel language; the Customers group opens its lists; on a
// phone the menu folds behind one button and opens with the group inside it.
func TestBrowserMenu(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	// rows counts the distinct lines the bar's items sit on (items whose vertical centres are
	// more than 12 px apart are on different lines).
	const rows = `(() => {
		const items = [...document.querySelectorAll('.topbar-brand, .topbar > .tenant-name, .nav > .nav-link, .nav > .nav-pair, .nav > .nav-group > summary, .topbar-tools > *')]
			.filter(el => el.getClientRects().length);
		const centres = items.map(el => { const r = el.getBoundingClientRect(); return r.top + r.height / 2; }).sort((a, b) => a - b);
		let n = 0, last = -1e9;
		for (const c of centres) { if (c - last > 12) { n++; last = c; } }
		return n;
	})()`
	b.viewport(1366, 900, false)
	for _, lang := range i18n.Langs {
		b.open("/app/?lang=" + lang)
		if n := b.eval(rows); n != 1 {
			b.shot("menu-1366-" + lang)
			t.Errorf("%s: the top bar takes %.0f lines at 1366 px (height %.0f px)", lang, n, b.eval(`document.querySelector('.topbar').getBoundingClientRect().height`))
		}
		if b.eval(`document.querySelectorAll('.nav .count').length`) < 2 {
			t.Errorf("%s: the menu shows no unread and pending counts", lang)
		}
	}
	b.open("/app/?lang=tr")
	b.run("open the group", chromedp.Click(chromedp.CSS(`.nav-group > summary`)))
	b.shot("menu-1366-tr-open")
	if got := b.str(`[...document.querySelectorAll('.nav-group .dropdown-menu a')].filter(a => a.getClientRects().length).map(a => a.textContent.trim()).join('|')`); got != "Teklifler|Müşteriler|Siparişler|Faturalar|Tamir talepleri|Ürünler|Sezon takvimi" {
		t.Errorf("the open group shows %q", got)
	}
	b.run("go to orders", chromedp.Click(chromedp.CSS(`.nav-group a[href="/orders/"]`)))
	b.waitFor("the orders list", `location.pathname === '/orders/'`)

	b.viewport(390, 844, true)
	b.open("/app/?lang=tr")
	if b.eval(`document.getElementById('main-nav').getClientRects().length`) != 0 {
		t.Error("the menu is open on a phone before the button is pressed")
	}
	if h := b.eval(`document.querySelector('.topbar').getBoundingClientRect().height`); h > 120 {
		t.Errorf("the folded top bar is %.0f px high on a phone", h)
	}
	b.run("open the menu", chromedp.Click(chromedp.CSS(`[data-nav-toggle]`)))
	b.run("open the group", chromedp.Click(chromedp.CSS(`.nav-group > summary`)))
	got := b.str(`[...document.querySelectorAll('.nav a, .nav summary')].filter(a => { const r = a.getBoundingClientRect(); return r.width && r.right <= innerWidth + 1 && r.left >= -1; }).map(a => a.textContent.trim().split(/\s+/)[0]).join('|')`)
	for _, want := range []string{"Gelen", "Onaylar", "Müşteriler", "Siparişler", "Ürünler", "Kılavuz"} {
		if !strings.Contains(got, want) {
			t.Errorf("the open phone menu lacks %s: %s", want, got)
		}
	}
	b.shot("menu-phone-tr")

	// On a phone the bar's first line (brand, business, bell, language and user menus) stays one
	// line in every language, in the IT provider's tenant too, whose name is longer: the language
	// menu shows its code there (EN), its name on a computer.
	for _, slug := range []string{app.DemoSlug, app.DemoMSPSlug} {
		if slug != app.DemoSlug {
			b.viewport(1366, 900, false)
			b.open("/app/")
			b.run("switch to "+slug, chromedp.Evaluate[chromedp.Void](`(() => { const f = document.querySelector('form[action="/app/switch/"]');
				f.querySelector('[name=tenant]').value = '`+slug+`'; f.submit(); })()`))
			b.waitFor("the IT provider's panel", `document.readyState === 'complete' && document.body.innerText.includes('`+app.DemoMSPName+`')`)
		}
		for _, size := range laptopAndPhone {
			b.viewport(size.w, size.h, size.mobile)
			for _, lang := range i18n.Langs {
				b.open("/app/?lang=" + lang)
				if n := b.eval(rows); n != 1 {
					b.shot("menu-" + slug + "-" + lang + "-" + strconv.Itoa(int(size.w)))
					t.Errorf("%s, %s: the top bar's items take %.0f lines at %d px", slug, lang, n, size.w)
				}
				shown := b.str(`[...document.querySelectorAll('.lang-switch summary > [aria-hidden]')].filter(el => el.getClientRects().length).map(el => el.textContent).join('|')`)
				want := strings.ToUpper(lang)
				if !size.mobile {
					want = b.str(`document.querySelector('.lang-switch .dropdown-menu a[aria-current]').textContent`)
				}
				if shown != want {
					t.Errorf("%s, %s: the language menu shows %q at %d px, want %q", slug, lang, shown, size.w, want)
				}
			}
		}
	}
}
