package widget_test

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetSaysQuietlyWhenRepliesCannotBeChecked: a visitor who wrote earlier comes back
// while checking for replies fails (the server, or their connection, is away). With the chat
// closed nothing changes: the button reads as always, no count, nothing alarming on the business's
// site. Opened, the chat says quietly under the thread that it is reconnecting ("Yeniden
// bağlanılıyor…", a status a screen reader hears), and the line goes once a check succeeds again.
// Before, a failed check said nothing at all, also with the chat open, so a visitor waited for a
// reply that could not come through.
func TestBrowserWidgetSaysQuietlyWhenRepliesCannotBeChecked(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	target, _ := url.Parse(e.URL)
	var down atomic.Bool
	failed := make(chan struct{}, 1)
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() && r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/messages") {
			select {
			case failed <- struct{}{}:
			default:
			}
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = c.Close() // no answer at all
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	site := plainHostPage(t, proxy.URL)
	noScriptErrors(t, problems)
	r := e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":"Bahçe için 200 m² gri granit","consent":true}`), nil)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	token := decode(t, r)["token"].(string)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](`localStorage.setItem('highvibe:`+proxy.URL+`:acme', '`+token+`')`)); err != nil {
		t.Fatal(err)
	}
	down.Store(true)
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
	select { // the closed chat's first check for replies, which gets no answer
	case <-failed:
	case <-ctx.Done():
		t.Fatal("the widget never checked for replies")
	}
	closed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var r=`+widgetRoot+`, l=r.querySelector('.launch');
		return [l.textContent, l.getAttribute('aria-label') || '', r.querySelector('.panel').hidden].join('|')})()`))
	if err != nil {
		t.Fatal(err)
	}
	if closed != "Bize yazın||true" {
		t.Errorf("with the chat closed a failed check shows %q", closed)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.querySelector('.launch').click(), true`)); err != nil {
		t.Fatal(err)
	}
	lost := `(function(){var l=` + widgetRoot + `.querySelector('.lost'); return !!l && !l.hidden && l.offsetHeight > 0 && l.textContent === 'Yeniden bağlanılıyor…' && l.getAttribute('role') === 'status'})()`
	waitFor(t, ctx, "the quiet reconnecting line in the open chat", lost)
	down.Store(false)
	waitFor(t, ctx, "the thread back and the line gone", `!`+lost+` && `+widgetRoot+`.querySelector('.log').textContent.includes('200 m² gri granit')`)
}
