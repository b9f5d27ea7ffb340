package widget_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// hostPage serves html as a page of the business's own website (another origin than the
// product's) for as long as the test runs, and returns its address.
func hostPage(t *testing.T, html string) string {
	t.Helper()
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(html))
	}))
	t.Cleanup(site.Close)
	return site.URL
}

// plainHostPage is the contractor's plain Turkish page embedding tenant acme's widget, its script
// loaded from base.
func plainHostPage(t *testing.T, base string) string {
	return hostPage(t, `<!doctype html><html lang="tr"><head><title>Taş Parke</title></head><body><h1>Taş Parke</h1>
<script src="`+base+`/widget.js" data-tenant-slug="acme" data-lang="tr" async></script></body></html>`)
}

// noScriptErrors fails the test at its end when a page logged a JavaScript error.
func noScriptErrors(t *testing.T, problems func() []string) {
	t.Cleanup(func() {
		if p := problems(); len(p) > 0 {
			t.Errorf("JavaScript errors: %v", p)
		}
	})
}

// waitFor asks the page in ctx every 100 ms whether expr is true yet (the page's own state, which
// no event of ours announces), until it is or ctx ends; what names it in a failure.
func waitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s", what)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// widgetRoot is the widget's shadow root on a host page.
const widgetRoot = `document.querySelector('[data-highvibe-widget]').shadowRoot`
