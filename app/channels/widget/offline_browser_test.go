package widget_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetWhenSendingFails: the visitor's message meets a proxy's 502 page, then the
// visitor's own connection drops. The widget says each in the visitor's language (chat is
// unavailable; not sent, no connection, send it again) instead of "Error 502" or blaming the chat
// for the visitor's network, keeps the words in the box, and sends them once when the connection
// is back; a first message and a later one whose answers were lost, sent again, are each stored
// once, in the one conversation.
func TestBrowserWidgetWhenSendingFails(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 60*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	target, _ := url.Parse(e.URL)
	var broken, swallow atomic.Bool
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
			w.Header().Set("Access-Control-Allow-Origin", "*")
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
			return
		}
		if swallow.Load() && r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/messages") {
			// The post arrives and is stored; its answer is lost on the way back.
			rp.ServeHTTP(httptest.NewRecorder(), r)
			if c, _, err := w.(http.Hijacker).Hijack(); err == nil {
				_ = c.Close()
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	site := plainHostPage(t, proxy.URL)
	noScriptErrors(t, problems)
	offline := func(off bool) {
		t.Helper()
		conds := []*network.Conditions{}
		if off {
			conds = append(conds, &network.Conditions{Offline: true, DownloadThroughput: -1, UploadThroughput: -1})
		}
		if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: conds})
			return err
		})); err != nil {
			t.Fatal(err)
		}
	}
	submit := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+widgetRoot+`;
			r.querySelector('.err').textContent=''; r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
			t.Fatal(err)
		}
	}
	errText := `(function(){var r=` + widgetRoot + `; return r.querySelector('.err').textContent})()`
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+widgetRoot+`; r.querySelector('.launch').click();
		r.querySelector('textarea').value='Bahçe için 200 m² gri granit'; return true})()`)); err != nil {
		t.Fatal(err)
	}

	broken.Store(true)
	submit()
	waitFor(t, ctx, "the answer to the 502", errText+` !== ''`)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](errText)); got != "Sohbet şu anda kullanılamıyor." {
		t.Errorf("a proxy's 502 page reads %q", got)
	}
	broken.Store(false)

	offline(true)
	submit()
	waitFor(t, ctx, "the answer offline", errText+` !== ''`)
	if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](errText)); !strings.HasPrefix(got, "Gönderilemedi: bağlantı yok.") {
		t.Errorf("a dropped connection reads %q", got)
	}
	if kept, _ := chromedp.Run(ctx, chromedp.Evaluate[string](widgetRoot+`.querySelector('textarea').value`)); kept != "Bahçe için 200 m² gri granit" {
		t.Errorf("the box holds %q after a failed send", kept)
	}

	offline(false)
	// The first message arrives but its answer (with the visitor's token) is lost: sent again, it
	// lands in the conversation it started, once, and the widget goes on there.
	swallow.Store(true)
	submit()
	waitFor(t, ctx, "the answer to the first message's lost reply", errText+` !== ''`)
	swallow.Store(false)
	submit()
	waitFor(t, ctx, "the message sent", widgetRoot+`.querySelector('textarea').value === ''`)
	count := func(body string) int {
		var n int
		_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM messages WHERE body = ?`, body).Scan(&n)
		return n
	}
	if n := count("Bahçe için 200 m² gri granit"); n != 1 {
		t.Errorf("the message is stored %d times", n)
	}

	// The next message arrives but its answer is lost: sent again, it is still stored once.
	swallow.Store(true)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.querySelector('textarea').value='Keşif cumartesi olur mu?', true`)); err != nil {
		t.Fatal(err)
	}
	submit()
	waitFor(t, ctx, "the answer to the lost reply", errText+` !== ''`)
	swallow.Store(false)
	submit()
	waitFor(t, ctx, "the message sent again", widgetRoot+`.querySelector('textarea').value === ''`)
	if n := count("Keşif cumartesi olur mu?"); n != 1 {
		t.Errorf("a message whose answer was lost, sent again, is stored %d times", n)
	}
	var leads, convs int
	_ = e.DB("acme").Read.QueryRow(`SELECT (SELECT count(*) FROM leads), (SELECT count(*) FROM conversations)`).Scan(&leads, &convs)
	if leads != 1 || convs != 1 {
		t.Errorf("the visitor's messages made %d leads and %d conversations, want one", leads, convs)
	}
}
