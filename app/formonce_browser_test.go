package app_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserDoubleClickCreatesOnce presses the new-customer form's button twice, the second
// time while the first post is on its way — a person in a hurry, a phone on a building site that
// seems to do nothing. The browser holds the answer to the first post (it reached the server)
// until the second press is made. One customer is created, and the page after it says it was
// saved: the second press never left the browser (had it, the browser would show the server's
// answer to it, the "already sent" notice; without either fix there were two customers).
func TestBrowserDoubleClickCreatesOnce(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug)
	b.viewport(1366, 900, false)
	const name = "Çift Tık İnşaat"
	const button = `form[action="/customers/new"] button[type=submit]`
	b.open("/customers/new?lang=en")
	b.run("name", chromedp.SendKeys(chromedp.CSS(`#f-name`), name))

	// Hold the answers to posts of the form; the first one is released after the second press,
	// any other at once.
	paused := make(chan fetch.RequestID, 8)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			paused <- e.RequestID
		}
	}); err != nil {
		t.Fatal(err)
	}
	release := func(id fetch.RequestID) error {
		_, err := chromedp.Run(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
			return err
		}))
		return err
	}
	b.run("hold answers", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
			{URLPattern: "*/customers/new", RequestStage: fetch.RequestStageResponse}}})
		return err
	}))
	// Where the button is, for two presses of the mouse: the second one lands while the page
	// waits for the first answer, when the page's scripts are not asked anything.
	x := b.eval(`(() => { const r = document.querySelector('` + button + `').getBoundingClientRect(); return r.left + r.width / 2 })()`)
	y := b.eval(`(() => { const r = document.querySelector('` + button + `').getBoundingClientRect(); return r.top + r.height / 2 })()`)
	b.run("first press", chromedp.MouseClickXY(x, y))
	var first fetch.RequestID
	select {
	case first = <-paused:
	case <-time.After(60 * time.Second):
		t.Fatal("the first post never left the browser")
	}
	// The second press, on the page still showing the form; then let the page's tasks run (the
	// navigation a second submit would start).
	b.run("second press", chromedp.MouseClickXY(x, y))
	done := make(chan struct{})
	go func() { // release whatever else was held, until the page is done
		for {
			select {
			case id := <-paused:
				_ = release(id)
			case <-done:
				return
			}
		}
	}()
	defer close(done)
	_ = release(first) // fails when a second post replaced it (the first navigation was cancelled)
	b.waitFor("the saved customer", `/^\/customers\/\d+\/$/.test(location.pathname) && document.readyState === 'complete' && !!document.querySelector('.flash')`)
	var n int
	if err := db.Read.QueryRow(`SELECT count(*) FROM customers WHERE name = ?`, name).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("two presses created %d customers", n)
	}
	if flash := b.str(`document.querySelector('.flash').textContent`); flash != "Saved." {
		t.Errorf("the page after two presses says %q, want the form's own %q (one post sent)", flash, "Saved.")
	}
}
