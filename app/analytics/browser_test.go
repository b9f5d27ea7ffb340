package analytics_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserChartsDraw opens the KPI page in Chromium (Turkish and Arabic) and checks that all
// eight charts are drawn by Plotly without console errors, and that an empty tenant shows the
// readable empty states instead.
func TestBrowserChartsDraw(t *testing.T) {
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium missing in CI")
		}
		t.Skip("chromium not installed; browser test skipped")
	}
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("empty")
	seedSmall(t, e.DB("acme"))
	// Paid invoices in earlier months give the forecast its history.
	now := time.Now().UTC()
	for m := 1; m <= 4; m++ {
		at := time.Date(now.Year(), now.Month(), 10, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0).UnixMilli()
		if _, err := e.DB("acme").Write.Exec(`INSERT INTO invoices(customer_id, amount, status, issued_at, paid_at, created_at, updated_at)
			VALUES(1, ?, 'paid', ?, ?, ?, ?)`, 5000+1000*m, at, at, at, at); err != nil {
			t.Fatal(err)
		}
	}
	owner := e.User("acme", "olga", "owner")
	// Twice: the second snapshot also plots the recommendations the first one created.
	for i := 0; i < 2; i++ {
		if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("refresh = %d", r.StatusCode)
		}
	}
	e.User("empty", "emre", "owner")

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath("/usr/bin/chromium"), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.NoFirstRun)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()

	run := func(user, lang string) (drawn, empties int, errs []string) {
		ctx, cancel := chromedp.NewContext(actx)
		defer cancel()
		ctx, cancel2 := context.WithTimeout(ctx, 60*time.Second)
		defer cancel2()
		_ = chromedp.Listen(ctx, func(ev any) {
			switch x := ev.(type) {
			case *runtime.EventExceptionThrown:
				errs = append(errs, x.ExceptionDetails.Text)
			case *runtime.EventConsoleAPICalled:
				if x.Type == runtime.ConsoleAPICalledTypeError {
					errs = append(errs, "console error")
				}
			}
		})
		steps := []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(e.URL + "/login/"),
			chromedp.SendKeys(`input[name=username]`, user),
			chromedp.SendKeys(`input[name=password]`, apptest.Password),
			chromedp.Submit(`input[name=password]`),
			chromedp.WaitVisible(`body`),
			chromedp.Sleep(500 * time.Millisecond),
			chromedp.Navigate(e.URL + "/app/analytics/?" + url.Values{"lang": {lang}}.Encode()),
		}
		var err error
		for _, st := range steps {
			if _, err = chromedp.Run(ctx, st); err != nil {
				break
			}
		}
		if err == nil {
			_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll('[data-chart].js-plotly-plot, [data-chart].is-empty').length === 8`, chromedp.WithPollingTimeout(40*time.Second)))
		}
		if err == nil {
			drawn, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-chart].js-plotly-plot').length`))
		}
		if err == nil {
			empties, err = chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('[data-chart].is-empty').length`))
		}
		if err != nil {
			t.Fatalf("%s/%s: %v", user, lang, err)
		}
		return
	}
	for _, lang := range []string{"tr", "ar"} {
		drawn, empties, errs := run("olga", lang)
		if drawn != 8 || empties != 0 || len(errs) > 0 {
			t.Errorf("%s: drawn %d, empty %d, errors %s", lang, drawn, empties, strings.Join(errs, "; "))
		}
	}
	drawn, empties, errs := run("emre", "tr")
	if drawn != 0 || empties != 8 || len(errs) > 0 {
		t.Errorf("empty tenant: drawn %d, empty %d, errors %v", drawn, empties, errs)
	}
}
