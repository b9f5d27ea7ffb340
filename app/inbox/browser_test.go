package inbox_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

const chromium = "/usr/bin/chromium"

// TestBrowserInboxLiveAndKeyboard logs an operator in through the real login form, opens the
// inbox, and checks two things a person relies on: a message ingested on the server shows up in
// the open tab over the event stream without a reload, and j + Enter open the selected row.
func TestBrowserInboxLiveAndKeyboard(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium missing at %s", chromium)
		}
		t.Skipf("chromium not installed at %s: browser test skipped", chromium)
	}
	// No job runner: AI triage jobs would publish more live events and make the page busier.
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	const slug = "acme"
	e.Tenant(slug)
	e.User(slug, "olga", "operator")
	db := e.DB(slug)
	svc := e.Handlers.InboxService
	for _, in := range []inbox.Inbound{
		{Channel: "whatsapp", ExternalID: "905551110001", Phone: "+90 555 111 00 01", Name: "Ayşe Kaya",
			ProviderMessageID: "wamid.seed1", Body: "Mutfak tezgahı için fiyat alabilir miyim?"},
		{Channel: "telegram", ExternalID: "7001", Name: "Mehmet Demir",
			ProviderMessageID: "tg.seed2", Body: "Banyo tadilatı ne kadar sürer?"},
	} {
		if _, err := svc.Ingest(t.Context(), slug, db, in); err != nil {
			t.Fatalf("seed %s: %v", in.Name, err)
		}
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.NoFirstRun)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	var (
		mu     sync.Mutex
		jsErrs []string
	)
	// Listen starts the browser; that first call must not carry the overall timeout (see chromedp.Run).
	if err := chromedp.Listen(ctx, func(ev any) {
		if x, ok := ev.(*runtime.EventExceptionThrown); ok {
			mu.Lock()
			jsErrs = append(jsErrs, x.ExceptionDetails.Text)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("start browser: %v", err)
	}
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	do := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	eval := func(expr string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	// waitFor polls a JavaScript condition until it holds or the limit passes.
	waitFor := func(what, expr string, limit time.Duration) {
		t.Helper()
		deadline := time.Now().Add(limit)
		for {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out after %s waiting for %s (last error %v)", limit, what, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	// Log in through the form, as a person does.
	do("login",
		chromedp.Navigate(e.URL+"/login/"),
		chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "olga"),
		chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Submit(`input[name=password]`),
	)
	waitFor("leaving the login page", `location.pathname !== '/login/' && document.readyState === 'complete'`, 10*time.Second)

	do("open inbox", chromedp.Navigate(e.URL+"/app/inbox/"), chromedp.WaitVisible(`[data-inbox-list]`))
	if got := eval(`location.pathname`); got != "/app/inbox/" {
		t.Fatalf("inbox opened at %q, want /app/inbox/ (login failed?)", got)
	}
	if n := eval(`String(document.querySelectorAll('[data-inbox-list] [data-row-href]').length)`); n != "2" {
		t.Fatalf("rows before ingest = %s, want 2", n)
	}

	t.Run("live message without reload", func(t *testing.T) {
		deadline := time.Now().Add(10 * time.Second)
		for e.Server.Live.Subscribers(slug) == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the inbox page never opened its event stream")
			}
			time.Sleep(50 * time.Millisecond)
		}
		// A marker on window survives only if the page is not reloaded or navigated.
		eval(`window.__noReload = 1; String(window.__noReload)`)
		if _, err := svc.Ingest(t.Context(), slug, db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112233",
			Phone: "+90 532 111 22 33", Name: "Canlı Test", ProviderMessageID: "wamid.live1", Body: "Canlı mesaj geldi"}); err != nil {
			t.Fatal(err)
		}
		waitFor("the live message in the page",
			`document.body.textContent.includes('Canlı Test') && document.body.textContent.includes('Canlı mesaj geldi')`, 10*time.Second)
		if got := eval(`String(window.__noReload)`); got != "1" {
			t.Errorf("window marker = %q: the page reloaded instead of updating in place", got)
		}
		if got := eval(`location.pathname`); got != "/app/inbox/" {
			t.Errorf("page navigated to %q", got)
		}
		if n := eval(`String(document.querySelectorAll('[data-inbox-list] [data-row-href]').length)`); n != "3" {
			t.Errorf("rows after ingest = %s, want 3", n)
		}
	})

	t.Run("j then Enter opens the selected row", func(t *testing.T) {
		// Keys go to the body: nothing focused, so the inbox shortcuts are active.
		eval(`(document.activeElement && document.activeElement.blur && document.activeElement.blur(), document.activeElement.tagName)`)
		do("press j", chromedp.KeyEvent("j"))
		waitFor("a selected row", `!!document.querySelector('[data-inbox-list] [data-row-href].is-selected')`, 5*time.Second)
		href := eval(`document.querySelector('[data-inbox-list] [data-row-href].is-selected').getAttribute('data-row-href')`)
		first := eval(`document.querySelector('[data-inbox-list] [data-row-href]').getAttribute('data-row-href')`)
		if href != first {
			t.Errorf("j selected %q, want the first row %q", href, first)
		}
		if !strings.HasPrefix(href, "/app/inbox/") || href == "/app/inbox/" || !strings.HasSuffix(href, "/") {
			t.Fatalf("selected row href = %q, want /app/inbox/<id>/", href)
		}
		do("press Enter", chromedp.KeyEvent(kb.Enter))
		waitFor("opening "+href, `location.pathname === '`+href+`'`, 10*time.Second)
		do("conversation page", chromedp.WaitVisible(`body`))
	})

	mu.Lock()
	defer mu.Unlock()
	if len(jsErrs) > 0 {
		t.Errorf("JavaScript errors: %s", strings.Join(jsErrs, "; "))
	}
}
