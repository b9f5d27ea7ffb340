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
