package widget_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetNameAndPhoneReadWholeOnAPhone: on a 390-pixel phone the first message's name
// and phone fields show their whole placeholder in each of the six languages ("Ad Soyad (isteğe
// bağlı)", "Téléphone (facultatif)"): side by side, each field was about 150 pixels wide and the
// placeholder was cut, so the visitor read "Ad Soyad (isteğe b".
func TestBrowserWidgetNameAndPhoneReadWholeOnAPhone(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	noScriptErrors(t, problems)
	if _, err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
		site := hostPage(t, `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Taş Parke</title></head><body><h1>Taş Parke</h1>
<script src="`+e.URL+`/widget.js" data-tenant-slug="acme" data-lang="`+lang+`" async></script></body></html>`)
		if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim() && `+widgetRoot+`.querySelector('input[name=name]').placeholder !== ''`)
		cut, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(function(){var r=`+widgetRoot+`; r.querySelector('.launch').click();
			var c=document.createElement('canvas').getContext('2d'), out=[];
			r.querySelectorAll('input[name=name], input[name=phone]').forEach(function(i){
				var s=getComputedStyle(i); c.font=s.fontWeight+' '+s.fontSize+' '+s.fontFamily;
				var room=i.clientWidth-parseFloat(s.paddingLeft)-parseFloat(s.paddingRight);
				if (c.measureText(i.placeholder).width > room) { out.push(i.placeholder+' in '+Math.round(room)+' px'); }
			});
			return out})()`))
		if err != nil {
			t.Fatal(err)
		}
		if len(cut) > 0 {
			t.Errorf("%s: cut placeholders: %q", lang, cut)
		}
	}
}
