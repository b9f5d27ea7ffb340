package widget_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetOnAHostilePage embeds the widget on a customer's page whose own CSS reaches for
// everything (!important capitals, letter-spacing and line height on *, a transform and borders on
// every div and every element in the body, an outline on the body's last element): the widget keeps
// its place at the bottom corner of the screen and its own look, and the page's last element keeps
// the page's style for it (the widget is not the one it lands on).
func TestBrowserWidgetOnAHostilePage(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 60*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"greeting": "Merhaba! Taş ve parke işiniz için yazın."})
	site := hostPage(t, `<!doctype html><html lang="tr"><head><title>Taş Parke</title>
<style>
*{font-family:serif!important;color:#f0f!important;line-height:3!important;letter-spacing:3px!important;text-transform:uppercase!important;text-align:center!important;direction:ltr!important}
div{display:block!important;position:relative!important;width:300px!important;margin:40px!important;border:5px dashed red!important}
body *{transform:translateZ(0)!important;filter:blur(0)!important}
body>:last-child{outline:3px solid lime}
</style>
<script src="`+e.URL+`/widget.js" data-tenant-slug="acme" data-lang="ar" async></script></head>
<body><h1>Taş Parke</h1><div>Bahçe taşı</div><footer id="last">İletişim</footer></body></html>`)
	noScriptErrors(t, problems)
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && `+widgetRoot+`.textContent.includes('Taş ve parke')`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.querySelector('.launch').click(), true`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the panel", `!`+widgetRoot+`.querySelector('.panel').hidden`)
	type look struct {
		LaunchBottom, LaunchLeft, ViewH, PanelW float64
		Spacing, Transform, Dir, Outline        string
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[look](`(function(){var r=`+widgetRoot+`, l=r.querySelector('.launch').getBoundingClientRect(),
		g=getComputedStyle(r.querySelector('.m.greet')), p=r.querySelector('.panel').getBoundingClientRect();
		return {LaunchBottom:l.bottom, LaunchLeft:l.left, ViewH:innerHeight, PanelW:p.width, Spacing:g.letterSpacing, Transform:g.textTransform,
			Dir:getComputedStyle(r.querySelector('.panel')).direction,
			Outline:getComputedStyle(document.getElementById('last')).outlineStyle}})()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.ViewH-got.LaunchBottom < 10 || got.ViewH-got.LaunchBottom > 30 {
		t.Errorf("the launcher is not at the bottom of the screen: bottom %.0f of %.0f", got.LaunchBottom, got.ViewH)
	}
	if got.LaunchLeft > 100 {
		t.Errorf("the Arabic widget's launcher is not at the left corner: left %.0f", got.LaunchLeft)
	}
	if got.Spacing != "normal" || got.Transform != "none" {
		t.Errorf("the page's CSS reached into the widget: letter-spacing %q, text-transform %q", got.Spacing, got.Transform)
	}
	if got.Dir != "rtl" {
		t.Errorf("the Arabic widget reads %q, the page's * {direction} won", got.Dir)
	}
	if got.PanelW < 300 {
		t.Errorf("the panel is %.0f px wide", got.PanelW)
	}
	if got.Outline != "solid" {
		t.Errorf("the page's last element lost its style to the widget: outline %q", got.Outline)
	}
	// Turkish typed into the Arabic widget reads left to right (its question mark at its end).
	typed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var x=`+widgetRoot+`.querySelector('textarea');
		x.value='Cumartesi keşif olur mu?'; x.dispatchEvent(new Event('input')); return getComputedStyle(x).direction})()`))
	if err != nil || typed != "ltr" {
		t.Errorf("Turkish typed into the Arabic widget reads %q (%v)", typed, err)
	}
}
