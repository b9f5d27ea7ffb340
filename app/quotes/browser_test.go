package quotes_test

import (
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserAcceptByLink: the customer opens the tracking link of a sent quote in a browser,
// types their name and accepts; the page thanks them and the lead is won. On the way the quote
// list, the editor, the frozen quote and the customer's page are opened in tr, en and ar at
// 1366×900 and 390×844 (saved under HIGHVIBE_SCREENS when set) and none of them scrolls sideways.
func TestBrowserAcceptByLink(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 180*time.Second)
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	draft := newQuote(t, f.op, f.conv, nil)
	f.op.Post("/app/quotes/"+strconv.FormatInt(draft, 10)+"/", lines(pid))
	id := newQuote(t, f.op, f.conv, nil)
	sid := strconv.FormatInt(id, 10)
	form := lines(pid)
	form.Set("submit", "1")
	f.op.Post("/app/quotes/"+sid+"/", form)
	rec := f.count(t, `SELECT recommendation_id FROM quotes WHERE id = ?`, id)
	f.owner.Post("/app/approvals/"+strconv.Itoa(rec)+"/approve", url.Values{"next": {"/app/quotes/" + sid + "/"}})
	f.op.Get("/app/quotes/" + sid + "/")
	f.op.Post("/app/quotes/"+sid+"/send", nil)
	body := f.str(t, `SELECT body FROM messages WHERE direction = 'outbound' ORDER BY id DESC LIMIT 1`)
	link := regexp.MustCompile(`/q/acme\.[a-z2-7]{24}`).FindString(body)
	if link == "" {
		t.Fatalf("no link in %q", body)
	}

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
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	dir := os.Getenv("HIGHVIBE_SCREENS")
	shot := func(name string) {
		t.Helper()
		if dir == "" {
			return
		}
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run("login", chromedp.Navigate(f.e.URL+"/login/"), chromedp.WaitVisible(`input[name=username]`),
		chromedp.SendKeys(`input[name=username]`, "olga"), chromedp.SendKeys(`input[name=password]`, apptest.Password),
		chromedp.Submit(`input[name=password]`))
	waitFor("signed in", `location.pathname !== '/login/'`)
	pages := map[string]string{"list": "/app/quotes/", "editor": "/app/quotes/" + strconv.FormatInt(draft, 10) + "/",
		"approved": "/app/quotes/" + sid + "/", "public": link, "conversation": "/app/inbox/" + strconv.FormatInt(f.conv, 10) + "/"}
	for _, size := range []struct{ w, h int64 }{{1366, 900}, {390, 844}} {
		if size.w < 500 {
			run("viewport", chromedp.EmulateViewport(size.w, size.h, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
		} else {
			run("viewport", chromedp.EmulateViewport(size.w, size.h))
		}
		for _, lang := range []string{"tr", "en", "ar"} {
			for name, path := range pages {
				run("open "+path, chromedp.Navigate(f.e.URL+path+"?lang="+lang))
				waitFor(path+" loaded", `document.readyState === 'complete'`)
				if w, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= innerWidth + 1`)); err != nil || !w {
					shot("quotes-overflow-" + name + "-" + lang)
					t.Errorf("%s (%s, %d px) scrolls sideways", name, lang, size.w)
				}
				shot("quotes-" + name + "-" + lang + "-" + strconv.FormatInt(size.w, 10))
			}
		}
	}

	// The customer accepts through the link (no sign-in, the quote's own language).
	run("open the link", chromedp.Navigate(f.e.URL+link))
	waitFor("the customer's page", `!!document.querySelector('[data-accept]')`)
	run("accept", chromedp.SendKeys(`#name`, "Deniz"), chromedp.Click(`[data-accept]`))
	waitFor("the thanks", `!!document.querySelector('[data-accepted]')`)
	if got := f.str(t, `SELECT status FROM quotes WHERE id = ?`, id); got != "accepted" {
		t.Fatalf("quote %s after accepting in the browser", got)
	}
	if got := f.str(t, `SELECT stage FROM leads`); got != "won" {
		t.Fatalf("lead %s after accepting in the browser", got)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("JavaScript errors: %v", p)
	}
}
