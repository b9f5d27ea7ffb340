package app_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
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
	for _, size := range []struct {
		w, h   int64
		mobile bool
	}{{1366, 900, false}, {390, 844, true}} {
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
