package widget_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app/apptest"
)

// TestBrowserWidgetCloses: a visitor on a phone opens the chat, which then covers the page. The
// button under it says Close (it went on saying "Bize yazın", so nothing told them how to get back
// to the page), says it is open to a screen reader, and Escape closes the chat too, giving the
// focus back to the button.
func TestBrowserWidgetCloses(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 60*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	site := plainHostPage(t, e.URL)
	noScriptErrors(t, problems)
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
	state := func() (string, string, bool) {
		t.Helper()
		type launcher struct {
			Text     string `json:"text"`
			Expanded string `json:"expanded"`
			Hidden   bool   `json:"hidden"`
		}
		s, err := chromedp.Run(ctx, chromedp.Evaluate[launcher](`(function(){var r=`+widgetRoot+`, l=r.querySelector('.launch');
			return {text: l.textContent, expanded: l.getAttribute('aria-expanded') || '', hidden: r.querySelector('.panel').hidden}})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s.Text, s.Expanded, s.Hidden
	}
	if text, exp, hidden := state(); text != "Bize yazın" || exp != "false" || !hidden {
		t.Fatalf("closed: button %q (aria-expanded %q), chat hidden %v", text, exp, hidden)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.querySelector('.launch').click(), true`)); err != nil {
		t.Fatal(err)
	}
	if text, exp, hidden := state(); text != "Kapat" || exp != "true" || hidden {
		t.Errorf("open: button %q (aria-expanded %q), chat hidden %v; want Kapat, true, shown", text, exp, hidden)
	}
	// The message box has the focus; Escape closes the chat.
	if _, err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the chat closed by Escape", widgetRoot+`.querySelector('.panel').hidden`)
	if text, exp, _ := state(); text != "Bize yazın" || exp != "false" {
		t.Errorf("closed by Escape: button %q (aria-expanded %q)", text, exp)
	}
	if focused, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.activeElement === `+widgetRoot+`.querySelector('.launch')`)); !focused {
		t.Error("after Escape the focus is not on the chat button")
	}
}
