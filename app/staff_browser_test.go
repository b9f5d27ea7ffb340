package app_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserStaffConsole opens the staff console's pages as a staff user in Turkish and Arabic on
// a laptop and a phone: axe-core finds no violations, nothing scrolls sideways; then the top bar's
// switcher (behind ⇄) takes part of a tenant's name and enters that tenant. A list's Filter button
// keeps its own width, and so do the console's tabs on a phone. Screens are written under
// HIGHVIBE_SCREENS when set.
func TestBrowserStaffConsole(t *testing.T) {
	t.Parallel()
	axe, err := os.ReadFile(axeSource)
	if err != nil {
		t.Fatal(err)
	}
	b := demoBrowserFor(t, 10*time.Minute)
	e := b.e
	if _, err := e.Server.Mgr.Platform.Write.Exec(`UPDATE users SET is_staff = 1 WHERE username = ?`, app.DemoUser); err != nil {
		t.Fatal(err)
	}
	e.Tenant("kuzey-cicek")
	e.Set("kuzey-cicek", map[string]string{"name": "Kuzey Çiçekçilik", "status": "inactive"})
	if _, err := e.DB(app.DemoSlug).Write.Exec(`INSERT INTO jobs(kind, lane, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at)
		VALUES('whatsapp_process', 0, '{}', 'failed', 5, 5, 1, 'graph api: 502 Bad Gateway', 1, 1764680000000)`); err != nil {
		t.Fatal(err)
	}
	pages := []string{"/staff/", "/staff/tenants/" + app.DemoSlug + "/", "/staff/users/", "/staff/trail/"}
	for _, size := range []struct {
		name   string
		w, h   int64
		mobile bool
	}{{"1366x900", 1366, 900, false}, {"390x844", 390, 844, true}} {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "ar"} {
			for _, page := range pages {
				t.Run(size.name+page+lang, func(t *testing.T) {
					// axe-core in Turkish at laptop size and Arabic at phone size, as in
					// TestBrowserAccessibility; the width in every pairing.
					if (lang == "tr") == !size.mobile {
						checkPage(t, b, string(axe), page, lang)
					} else {
						openInView(t, b, page, lang)
					}
					if w := b.eval(`document.documentElement.scrollWidth - innerWidth`); w > 1 {
						t.Errorf("%s %s at %s scrolls sideways by %.0f px", page, lang, size.name, w)
					}
					// The filter form's button stretched as wide as the search (a third of the
					// page on a laptop, the whole width on a phone).
					if w := b.eval(`(() => { const f = document.querySelector('form.filters button'); return f ? f.getBoundingClientRect().width : 0; })()`); w > 200 {
						t.Errorf("%s %s at %s: the Filter button is %.0f px wide", page, lang, size.name, w)
					}
					// The console's tabs sit side by side at their own width: they grew to a third of
					// the page on a laptop, and on a phone the third was a bar as wide as the screen.
					if w := b.eval(`(() => { const tabs = [...document.querySelectorAll('nav.staff-tabs > a')];
						return tabs.length === 3 ? Math.max(...tabs.map(a => a.getBoundingClientRect().width)) : 9999; })()`); w > 200 {
						t.Errorf("%s %s at %s: the widest of the console's three tabs is %.0f px wide", page, lang, size.name, w)
					}
				})
				b.shot("staff-" + strings.Trim(strings.ReplaceAll(page, "/", "-"), "-") + "-" + size.name + "-" + lang)
			}
		}
	}
	b.viewport(1366, 900, false)
	b.open("/app/?lang=tr")
	b.run("open the switcher", chromedp.Click(chromedp.CSS(`.tenant-switch > summary`)))
	b.run("type a name", chromedp.SendKeys(chromedp.CSS(`#tenant-switch`), "çiçek"), chromedp.Submit(chromedp.CSS(`#tenant-switch`)))
	b.waitFor("the switched dashboard", `location.pathname === '/app/' && document.querySelector('.tenant-name') && document.querySelector('.tenant-name').textContent.includes('Kuzey')`)
}
