package account_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
	"highvibe/app/auth"
)

// TestBrowserTwoFactorEnrolAndSignIn enrols in Chromium under the panel's real CSP: the QR code
// (an inline PNG) is drawn, the key under it and the first code turn two-step sign-in on, and the
// next sign-in asks for a code before it opens the panel. Only a browser proves the image is not
// blocked by the content security policy.
func TestBrowserTwoFactorEnrolAndSignIn(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	e := apptest.New(t)
	e.Tenant("acme")
	e.User("acme", "olga", "owner")
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		for _, st := range steps {
			if _, err := chromedp.Run(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
	}
	signIn := func() {
		run(chromedp.Navigate(e.URL+"/login/?lang=en"),
			chromedp.SendKeys(`#username`, "olga"), chromedp.SendKeys(`#password`, apptest.Password),
			chromedp.Submit(`#password`))
	}
	signIn()
	run(chromedp.WaitReady(`.user-menu`), chromedp.Navigate(e.URL+"/app/profile/"),
		chromedp.Click(`form[action="/app/profile/2fa/start"] button`), chromedp.WaitVisible(`img.qr`))
	drawn, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelector('img.qr').complete && document.querySelector('img.qr').naturalWidth >= 200`,
		chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil || !drawn {
		t.Fatalf("the QR code was not drawn (blocked by the CSP?): %v", err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('code.secret').textContent.trim()`))
	if err != nil || len(secret) < 16 {
		t.Fatalf("key under the QR code: %q %v", secret, err)
	}
	run(chromedp.SendKeys(`#confirm-code`, auth.TOTPCode(secret, time.Now())), chromedp.SendKeys(`#confirm-password`, apptest.Password), chromedp.Submit(`#confirm-code`),
		chromedp.WaitVisible(`ol.recovery-codes`))
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll('ol.recovery-codes li').length`))
	if err != nil || n != auth.RecoveryCodes {
		t.Fatalf("%d recovery codes shown (%v), want %d", n, err, auth.RecoveryCodes)
	}

	// Sign out and in again: the password leads to the code step, the code into the panel.
	run(chromedp.Click(`.user-menu > summary`), chromedp.Click(`form[action="/logout/"] button`), chromedp.WaitVisible(`#username`))
	signIn()
	run(chromedp.WaitVisible(`#code`))
	if loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); loc != "/login/2fa" {
		t.Fatalf("after the password: %s, want the code step", loc)
	}
	run(chromedp.SendKeys(`#code`, auth.TOTPCode(secret, time.Now().Add(30*time.Second))), chromedp.Submit(`#code`),
		chromedp.WaitReady(`.user-menu`))
	if loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`)); loc != "/app/" {
		t.Fatalf("after the code: %s, want the dashboard", loc)
	}
	if p := problems(); len(p) > 0 {
		t.Fatalf("script errors: %s", strings.Join(p, "; "))
	}
}
