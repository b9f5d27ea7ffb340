package widget_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetTwoTabs: a visitor has the business's site open in two tabs, both loaded
// before they wrote anything. They write in one, then in the other: it is one conversation and one
// lead, not two, and each tab shows what was written in the other.
func TestBrowserWidgetTwoTabs(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 60*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(`<!doctype html><html lang="tr"><head><title>Taş Parke</title></head><body><h1>Taş Parke</h1>
<script src="` + e.URL + `/widget.js" data-tenant-slug="acme" data-lang="tr" async></script></body></html>`))
	}))
	defer site.Close()
	defer func() {
		if p := problems(); len(p) > 0 {
			t.Errorf("JavaScript errors: %v", p)
		}
	}()
	const shadow = `document.querySelector('[data-highvibe-widget]').shadowRoot`
	wait := func(ctx context.Context, what, expr string) {
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
	write := func(ctx context.Context, words string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+shadow+`;
			r.querySelector('textarea').value=`+"`"+words+"`"+`; r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
			t.Fatal(err)
		}
		wait(ctx, "the message in the tab's thread", shadow+`.querySelector('.log').textContent.includes(`+"`"+words+"`"+`)`)
	}
	first := ctx
	second, cancel := chromedp.NewContext(ctx) // another tab of the same browser: the same localStorage
	defer cancel()
	for _, tab := range []context.Context{first, second} {
		if _, err := chromedp.Run(tab, chromedp.Navigate(site.URL)); err != nil {
			t.Fatal(err)
		}
		wait(tab, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+shadow+`.querySelector('.launch').textContent.trim()`)
		if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](shadow+`.querySelector('.launch').click(), true`)); err != nil {
			t.Fatal(err)
		}
	}
	write(first, "İlk sekmeden: bahçe 200 m²")
	write(second, "İkinci sekmeden: gri granit")
	wait(first, "the second tab's message in the first", shadow+`.querySelector('.log').textContent.includes('İkinci sekmeden')`)
	wait(second, "the first tab's message in the second", shadow+`.querySelector('.log').textContent.includes('İlk sekmeden')`)
	var leads, convs int
	db := e.DB("acme")
	_ = db.Read.QueryRow(`SELECT count(*) FROM leads`).Scan(&leads)
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations`).Scan(&convs)
	if leads != 1 || convs != 1 {
		t.Errorf("two tabs of one visitor made %d leads and %d conversations", leads, convs)
	}
	if hidden, _ := chromedp.Run(second, chromedp.Evaluate[bool](shadow+`.querySelector('input[name=name]').closest('.row').hidden`)); !hidden {
		t.Error("the second tab still asks for a name and phone for a conversation already started")
	}
}
