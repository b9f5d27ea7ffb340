package widget_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetSaysSending: on a slow phone connection a message, and even more a photo, takes
// seconds to arrive. While it is on its way the send button says "Gönderiliyor…" (it only went
// grey, still reading "Gönder", which looked like a chat that froze) and neither button takes
// another press; once the answer is in, it says "Gönder" again.
func TestBrowserWidgetSaysSending(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 60*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	target, _ := url.Parse(e.URL)
	rp := httputil.NewSingleHostReverseProxy(target)
	held := make(chan chan struct{}, 1) // a post waiting on the slow connection, released by the test
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			release := make(chan struct{})
			held <- release
			select {
			case <-release:
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	site := plainHostPage(t, proxy.URL)
	noScriptErrors(t, problems)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
	buttons := `(function(){var r=` + widgetRoot + `, s=r.querySelector('button.send'), a=r.querySelector('button.attach');
		return s.textContent + '|' + s.disabled + '|' + a.disabled})()`
	check := func(what, want string) {
		t.Helper()
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](buttons))
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s: send button, disabled, attach disabled = %q, want %q", what, got, want)
		}
	}
	wait := func(what string) chan struct{} {
		t.Helper()
		select {
		case rel := <-held:
			return rel
		case <-ctx.Done():
			t.Fatalf("%s never reached the connection", what)
			return nil
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+widgetRoot+`; r.querySelector('.launch').click();
		r.querySelector('textarea').value='Bahçe için 200 m² gri granit'; r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
		t.Fatal(err)
	}
	rel := wait("the message")
	check("a message on its way", "Gönderiliyor…|true|true")
	close(rel)
	waitFor(t, ctx, "the message sent", widgetRoot+`.querySelector('textarea').value === ''`)
	check("the message sent", "Gönder|false|false")

	// A photo on its way.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){
		var c=document.createElement('canvas'); c.width=800; c.height=600;
		var g=c.getContext('2d'); g.fillStyle='#2e7d32'; g.fillRect(0,0,800,600);
		c.toBlob(function(b){
			var dt=new DataTransfer(); dt.items.add(new File([b],'bahce.png',{type:'image/png'}));
			var input=`+widgetRoot+`.querySelector('input[type=file]'); input.files=dt.files;
			input.dispatchEvent(new Event('change'));
		},'image/png');
		return true})()`)); err != nil {
		t.Fatal(err)
	}
	rel = wait("the photo")
	check("a photo on its way", "Gönderiliyor…|true|true")
	close(rel)
	waitFor(t, ctx, "the photo in the thread", widgetRoot+`.querySelector('.ph img') !== null`)
	check("the photo sent", "Gönder|false|false")
}
