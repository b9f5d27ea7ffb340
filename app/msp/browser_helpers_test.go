package msp_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// signedInBrowser opens Chromium on te's instance and signs oscar (the operator) in. It gives the
// tab, run (named steps, fatal on an error) and waitFor (a JavaScript condition polled for up to
// 30 s, fatal with where the page is when it never holds); JavaScript errors fail the test at its end.
func signedInBrowser(t *testing.T, te *timeEnv) (context.Context, func(what string, steps ...chromedp.Action[chromedp.Void]), func(what, expr string)) {
	t.Helper()
	ctx, problems := apptest.Chromium(t, 2*time.Minute)
	t.Cleanup(func() {
		if p := problems(); len(p) > 0 {
			t.Errorf("JavaScript errors: %v", p)
		}
	})
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	waitFor := func(what, expr string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + ' — ' + document.body.innerText.slice(0, 400)`))
				t.Fatalf("timed out waiting for %s (at %s)", what, where)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	e := te.e
	run("login", chromedp.Navigate(e.URL+"/login/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), "oscar"), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), apptest.Password),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)))
	waitFor("signed in", `location.pathname !== '/login/'`)
	return ctx, run, waitFor
}
