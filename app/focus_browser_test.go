package app_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// focusedBox describes the focused element as the eye sees it: its size on screen and whether
// it lies inside the window (a clipped, visually hidden element is 1×1).
const focusedBox = `(() => { const a = document.activeElement, r = a.getBoundingClientRect();
	return a.tagName + ' ' + (a.getAttribute('href') || '') + ' ' + Math.round(r.width) + 'x' + Math.round(r.height) +
		(r.left >= 0 && r.right <= innerWidth && r.top >= 0 && r.bottom <= innerHeight ? ' in view' : ' out of view'); })()`

// TestBrowserSkipLinkShownWhenFocused: the first Tab on a panel page lands on "Skip to content",
// and the link then shows, in the window, in every direction and size: it was kept visually
// hidden while focused, so a keyboard user's first stop was an invisible 1×1 px box.
func TestBrowserSkipLinkShownWhenFocused(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			b.open("/app/inbox/?lang=" + lang)
			b.run("tab", chromedp.KeyEvent("\t"))
			var w, h int
			var tag, href, where string
			got := b.str(focusedBox)
			fmt.Sscanf(got, "%s %s %dx%d %s", &tag, &href, &w, &h, &where)
			if tag != "A" || href != "#main" || w < 40 || h < 16 || where != "in" {
				t.Errorf("%dx%d %s: the first Tab stop is %q, want the skip link shown in the window", size.w, size.h, lang, got)
			}
			b.shot(fmt.Sprintf("skip-%s-%d", lang, size.w))
		}
	}
}

// ringContrast is the contrast ratio (WCAG) between the focused element's outline and the top
// bar's background, or 0 when the element is outside the bar; with its name.
const ringContrast = `(() => { const a = document.activeElement, bar = document.querySelector('.topbar');
	if (!bar.contains(a) || a.closest('.dropdown-menu')) return '0 ' + a.tagName;
	const lum = (c) => { const v = c.match(/[\d.]+/g).slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
		return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
	const s = getComputedStyle(a), o = lum(s.outlineColor), bg = lum(getComputedStyle(bar).backgroundColor);
	const ratio = s.outlineStyle === 'none' ? 1 : (Math.max(o, bg) + 0.05) / (Math.min(o, bg) + 0.05);
	return ratio.toFixed(2) + ' ' + a.tagName + ' ' + (a.getAttribute('href') || a.className || a.textContent.trim().slice(0, 20)); })()`

// TestBrowserTopBarFocusVisible: every stop of the dark top bar (brand, menu, bell, language and
// user menus, the phone's menu button) draws its focus ring at 3:1 or more against the bar, the
// least WCAG asks of a focus indicator: the panel's blue ring was 2.5:1 on the navy bar, so a
// keyboard user could hardly tell which item had the focus.
func TestBrowserTopBarFocusVisible(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	for _, size := range laptopAndPhone {
		b.viewport(size.w, size.h, size.mobile)
		for _, lang := range []string{"tr", "en", "ar"} {
			b.open("/app/?lang=" + lang)
			if size.mobile { // the phone's menu open, so its links are Tab stops too
				b.run("open the menu", chromedp.Click(chromedp.CSS(`[data-nav-toggle]`)))
			}
			b.run("focus the skip link", chromedp.Focus(chromedp.CSS(`a[href="#main"]`)))
			stops := 0
			for i := 0; i < 40; i++ {
				b.run("tab", chromedp.KeyEvent("\t"))
				var ratio float64
				var what string
				got := b.str(ringContrast)
				fmt.Sscanf(got, "%g %s", &ratio, &what)
				if ratio == 0 {
					if what == "MAIN" || b.eval(`document.querySelector('main').contains(document.activeElement) ? 1 : 0`) == 1 {
						break
					}
					continue
				}
				stops++
				if ratio < 3 {
					t.Errorf("%dx%d %s: the focus ring of %s is %.2f:1 against the top bar", size.w, size.h, lang, got[len(fmt.Sprint(ratio))+1:], ratio)
				}
			}
			if stops < 4 {
				t.Errorf("%dx%d %s: only %d stops in the top bar", size.w, size.h, lang, stops)
			}
			b.shot(fmt.Sprintf("ring-%s-%d", lang, size.w))
		}
	}
}

// TestBrowserEscapeClosesMenus: a keyboard user closes what they opened with Escape, and the focus
// goes back to the button that opened it: the language and user menus, the menu's Customers
// group, the phone's menu, a pipeline card's stage menu (opened with M). Escape did nothing to any
// of them, so a menu opened by mistake stayed over the page until the user tabbed through it and
// clicked elsewhere.
func TestBrowserEscapeClosesMenus(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	press := func(key string) { b.t.Helper(); b.run("press "+key, chromedp.KeyEvent(key)) }
	const focused = `(() => { const a = document.activeElement; return a.tagName + (a.parentElement.className ? '.' + a.parentElement.className.split(' ').join('.') : ''); })()`
	// opened reports whether the menu sel is open, and where the focus is.
	check := func(what, sel, wantFocus string) {
		b.t.Helper()
		if open := b.eval(`(() => { const m = document.querySelector('` + sel + `'); return m.open || m.classList.contains('is-open') ? 1 : 0; })()`); open != 0 {
			t.Errorf("%s: still open after Escape", what)
		}
		if got := b.str(focused); got != wantFocus {
			t.Errorf("%s: after Escape the focus is on %s, want %s", what, got, wantFocus)
		}
	}
	for _, lang := range []string{"tr", "en", "ar"} {
		b.viewport(1366, 900, false)
		for _, page := range []string{"/app/", "/app/inbox/"} { // the inbox has its own Escape (leave the search)
			for _, menu := range []string{".lang-switch", ".user-menu", ".nav-group"} {
				b.open(page + "?lang=" + lang)
				b.run("focus "+menu, chromedp.Focus(chromedp.CSS(menu+" > summary")))
				press("\r")
				if b.eval(`document.querySelector('`+menu+`').open ? 1 : 0`) != 1 {
					t.Fatalf("%s %s: Enter did not open %s", lang, page, menu)
				}
				press("\t") // into the menu's first link
				press(kb.Escape)
				check(lang+" "+page+" "+menu, menu, "SUMMARY.dropdown."+strings.TrimPrefix(menu, "."))
			}
		}
		b.open("/app/pipeline/?lang=" + lang)
		b.run("focus a card", chromedp.Focus(chromedp.CSS(`[data-card][tabindex]`)))
		press("m")
		if b.eval(`document.querySelector('[data-card] details[data-stage-menu]').open ? 1 : 0`) != 1 {
			t.Fatalf("%s: M did not open the stage menu", lang)
		}
		press(kb.Escape)
		check(lang+" stage menu", `[data-card] details[data-stage-menu]`, "SUMMARY.stage-menu")

		b.viewport(390, 844, true)
		b.open("/app/?lang=" + lang)
		b.run("focus the menu button", chromedp.Focus(chromedp.CSS(`[data-nav-toggle]`)))
		press("\r")
		press("\t")
		press(kb.Escape)
		check(lang+" phone menu", "#main-nav", "BUTTON.topbar")
		if got := b.str(`document.querySelector('[data-nav-toggle]').getAttribute('aria-expanded')`); got != "false" {
			t.Errorf("%s: the phone's menu button says aria-expanded=%s after Escape", lang, got)
		}
		// Pressed on the open menu's own button, Escape closes it too.
		press("\r")
		press(kb.Escape)
		check(lang+" phone menu from its button", "#main-nav", "BUTTON.topbar")
	}
}
