package widget_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

const chromium = "/usr/bin/chromium"

// TestWidgetOnAnotherOrigin embeds the widget on a page served by a second server (another
// origin), sends a message through it, and sees the operator's reply appear without reload.
func TestWidgetOnAnotherOrigin(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium missing at %s", chromium)
		}
		t.Skipf("chromium not installed at %s: browser test skipped", chromium)
	}
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"greeting": "Hoş geldiniz!"})
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html><head><title>Customer site</title></head><body><h1>Taş Parke</h1>
<script src="` + e.URL + `/widget.js" data-tenant-slug="acme" data-lang="tr" async></script></body></html>`))
	}))
	defer site.Close()

	ctx, _ := apptest.Chromium(t, 60*time.Second)

	const shadow = `document.querySelector('[data-highvibe-widget]')`
	waitJS := func(expr string) {
		t.Helper()
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			if err != nil {
				t.Fatalf("%s: %v", expr, err)
			}
			if ok {
				return
			}
			select {
			case <-ctx.Done():
				t.Fatalf("timed out waiting for %s", expr)
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site.URL)); err != nil {
		t.Fatal(err)
	}
	waitJS(`!!` + shadow + ` && ` + shadow + `.shadowRoot.textContent.includes('Hoş geldiniz!')`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+shadow+`.shadowRoot;
		r.querySelector('.launch').click();
		r.querySelector('input[name=name]').value='Ayşe';
		r.querySelector('textarea').value='200 m² villa bahçesi, gri granit <b>istiyorum</b>';
		r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
		t.Fatal(err)
	}
	db := e.DB("acme")
	var convID int64
	apptest.Await(t, db, "the widget's message to reach the inbox", func() bool {
		_ = db.Read.QueryRow(`SELECT conversation_id FROM messages WHERE channel = 'webchat' AND body = '200 m² villa bahçesi, gri granit <b>istiyorum</b>'`).Scan(&convID)
		return convID != 0
	})
	if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, convID,
		inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorName: "Talha", Body: "Merhaba Ayşe, yarın keşfe gelebiliriz."}, ""); err != nil {
		t.Fatal(err)
	}
	waitJS(shadow + `.shadowRoot.textContent.includes('yarın keşfe gelebiliriz')`)
	// The visitor's text is shown as text, not HTML.
	bold, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](shadow+`.shadowRoot.querySelector('.log b') !== null`))
	if bold {
		t.Error("visitor text was rendered as HTML")
	}
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](shadow+`.shadowRoot.textContent`))
	if !strings.Contains(text, "<b>istiyorum</b>") {
		t.Errorf("own message not shown: %q", text)
	}
	// The business's greeting and every message's words take their own direction (dir=auto): a
	// Turkish greeting or reply inside an Arabic widget keeps its full stop at its end.
	own, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+shadow+`.shadowRoot;
		var g = r.querySelector('.m.greet'), m = [...r.querySelectorAll('.m.in, .m.out')].filter(e => e.textContent.includes('keşfe'));
		return g.dir === 'auto' && m.length === 1 && [...m[0].children].some(c => c.dir === 'auto' && c.textContent.includes('keşfe'))})()`))
	if !own {
		t.Error("the greeting or a reply does not take its own direction (dir=auto)")
	}
}
