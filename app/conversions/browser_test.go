package conversions_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
	"highvibe/app/conversions"
)

// TestBrowserWidgetCapturesTheAdClick runs the real loader on a customer's site (another origin):
// the visitor lands from an ad on /parke?gclid=…&fbclid=…&utm_campaign=… (the site's Meta pixel has
// set _fbp), walks to another page of the site, opens the chat there and writes, ticking the
// marketing consent box. The lead keeps the click ids of the landing page, the campaign, the _fbp
// cookie and fbc built from the fbclid; the address is kept without its query.
func TestBrowserWidgetCapturesTheAdClick(t *testing.T) {
	t.Parallel()
	e, _, _ := setup(t)
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "_fbp", Value: "fb.1.1764740000000.1234567890", Path: "/"})
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="tr"><head><title>Usta</title></head><body><h1>Taş parke</h1>
<script src="` + e.URL + `/widget.js" data-tenant-slug="usta" data-lang="tr" async></script></body></html>`))
	}))
	defer site.Close()
	const root = `document.querySelector('[data-highvibe-widget]')`
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
				t.Fatalf("timed out waiting for %s (script errors: %v)", expr, problems())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site.URL+"/parke?gclid=Cj0KCQ-browser&fbclid=IwAR-browser&utm_source=google&utm_campaign=kis-2026")); err != nil {
		t.Fatal(err)
	}
	waitJS(`!!` + root + ` && !!sessionStorage.getItem('highvibe:attr:usta')`)
	// Another page of the site, without the ad's parameters: the chat is opened here.
	if _, err := chromedp.Run(ctx, chromedp.Navigate(site.URL+"/iletisim")); err != nil {
		t.Fatal(err)
	}
	waitJS(`!!` + root + ` && ` + root + `.shadowRoot.textContent.includes('yurt dışındaki Meta')`)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+root+`.shadowRoot;
		r.querySelector('.launch').click();
		r.querySelector('input[name=name]').value='Ayşe Yılmaz';
		r.querySelector('input[name=phone]').value='0532 123 45 67';
		r.querySelector('input[name=consent]').checked=true;
		r.querySelector('input[name=marketing]').checked=true;
		r.querySelector('textarea').value='Salon için parke fiyatı?';
		r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
		t.Fatal(err)
	}
	db := e.DB("usta")
	var leadID int64
	waitFor(t, "the visitor's lead with its capture", func() bool {
		db.Read.QueryRow(`SELECT lead_id FROM lead_attribution`).Scan(&leadID)
		return leadID != 0
	})
	a, err := conversions.AttributionOf(t.Context(), db.Read, leadID)
	if err != nil {
		t.Fatal(err)
	}
	if a.GCLID != "Cj0KCQ-browser" || a.FBCLID != "IwAR-browser" || !strings.HasPrefix(a.FBC, "fb.1.") || !strings.HasSuffix(a.FBC, ".IwAR-browser") ||
		a.FBP != "fb.1.1764740000000.1234567890" || a.UTMCampaign != "kis-2026" || a.UTMSource != "google" || a.PageURL != site.URL+"/parke" {
		t.Fatalf("capture: %+v", a)
	}
	// The marketing box is gone once the visitor has a thread.
	waitJS(root + `.shadowRoot.querySelector('input[name=marketing]').closest('label').hidden`)
	if p := problems(); len(p) > 0 {
		t.Fatalf("script errors: %v", p)
	}
}
