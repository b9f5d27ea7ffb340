package app_test

import (
	"strings"
	"testing"
)

// TestBrowserPipelineHintOnTouch: on a touch screen the pipeline's hint names only the card's
// "Move…" menu; it told a phone to drag cards (the board's drag and drop is a mouse's) and to
// press Shift+→ and M, keys a phone does not have. A mouse and keyboard still get those.
func TestBrowserPipelineHintOnTouch(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(1366, 900, false)
	b.open("/app/pipeline/?lang=tr")
	if got := b.str(`document.getElementById('board-help').innerText`); !strings.Contains(got, "Shift+→") || strings.Contains(got, "dokunun") {
		t.Errorf("desktop hint %q", got)
	}
	b.viewport(390, 844, true)
	b.open("/app/pipeline/?lang=tr")
	if got := b.str(`String(matchMedia('(hover: none) and (pointer: coarse)').matches)`); got != "true" {
		t.Skipf("this Chromium does not emulate a touch screen's pointer (%s)", got)
	}
	got := b.str(`document.getElementById('board-help').innerText`)
	if strings.Contains(got, "Shift") || strings.Contains(got, "sürükleyin") || !strings.Contains(got, "“Taşı…”ya dokunun") {
		t.Errorf("touch hint %q", got)
	}
}

// TestBrowserTouchDisclosuresTallEnough: on a touch phone the disclosures a finger opens to act
// are tall enough to tap (at least 40 px): the pipeline card's "Move…" (a phone's only way to move
// a lead, its hint says to tap it) and the conversation's "Send later" and "Send a photo or PDF"
// were a 20 px line of small text, in every language.
func TestBrowserTouchDisclosuresTallEnough(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	b.viewport(390, 844, true)
	for _, lang := range []string{"tr", "en", "ar"} {
		for _, page := range []struct{ path, sel string }{
			{"/app/pipeline/", ".stage-menu > summary"},
			{"/app/inbox/19/", ".composer-later > summary, .composer-attach > summary"},
		} {
			b.open(page.path + "?lang=" + lang)
			if lang == "tr" && page.path == "/app/pipeline/" {
				if got := b.str(`String(matchMedia('(hover: none) and (pointer: coarse)').matches)`); got != "true" {
					t.Skipf("this Chromium does not emulate a touch screen's pointer (%s)", got)
				}
			}
			got := b.str(`(() => {
				const s = [...document.querySelectorAll('` + page.sel + `')].filter(e => e.checkVisibility());
				const low = s.filter(e => e.getBoundingClientRect().height < 40).map(e => e.innerText.trim() + ' ' + Math.round(e.getBoundingClientRect().height) + 'px');
				return s.length + (low.length ? ': ' + low.slice(0, 3).join(' | ') : '');
			})()`)
			if got == "0" || strings.Contains(got, ":") {
				t.Errorf("%s, %s: %s", lang, page.path, got)
			}
		}
	}
}
