package app_test

import (
	"context"
	"strconv"
	"strings"
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

// TestBrowserComposerSendsOnce: the conversation's composer, which htmx posts and keeps on the
// page. Two presses of "Send" while the first post is on its way send the reply once; the answer
// gives the composer a fresh one-time token, so the next reply typed in it is sent too (not taken
// for the first one posted again).
func TestBrowserComposerSendsOnce(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug)
	b.viewport(1366, 900, false)
	var conv int64
	if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel <> 'whatsapp' ORDER BY id LIMIT 1`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	page := "/app/inbox/" + strconv.FormatInt(conv, 10) + "/"
	sent := func(body string) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE conversation_id = ? AND body = ?`, conv, body).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const first, next = "Çift dokunuşla yazılan yanıt", "Sonraki yanıt"
	const button = `form[data-composer] .composer-send`
	b.open(page + "?lang=en")
	b.run("type", chromedp.SendKeys(chromedp.CSS(`#body`), first))

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
			{URLPattern: "*" + page, RequestStage: fetch.RequestStageResponse}}})
		return err
	}))
	b.eval(`document.querySelector('` + button + `').scrollIntoView({block: 'center'}), 0`)
	x := b.eval(`(() => { const r = document.querySelector('` + button + `').getBoundingClientRect(); return r.left + r.width / 2 })()`)
	y := b.eval(`(() => { const r = document.querySelector('` + button + `').getBoundingClientRect(); return r.top + r.height / 2 })()`)
	b.run("first press", chromedp.MouseClickXY(x, y))
	var held fetch.RequestID
	select {
	case held = <-paused:
	case <-time.After(60 * time.Second):
		t.Fatal("the first post never left the browser")
	}
	b.run("second press", chromedp.MouseClickXY(x, y))
	done := make(chan struct{})
	go func() {
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
	_ = release(held)
	b.waitFor("the reply in the thread", `document.querySelector('#timeline').textContent.includes('`+first+`') && !!document.querySelector('#composer-status .is-ok')`)
	if n := sent(first); n != 1 {
		t.Fatalf("two presses sent the reply %d times", n)
	}

	// The next reply, in the same composer: sent, with the composer's own "sent" line.
	b.waitFor("the composer emptied", `document.querySelector('#body').value === ''`)
	b.run("type the next", chromedp.SendKeys(chromedp.CSS(`#body`), next))
	b.run("send the next", chromedp.Click(chromedp.CSS(button)))
	b.waitFor("the next reply in the thread", `document.querySelector('#timeline').textContent.includes('`+next+`')`)
	if n := sent(next); n != 1 {
		t.Fatalf("the next reply was sent %d times, want once", n)
	}
	if s := b.str(`document.querySelector('#composer-status').textContent`); strings.Contains(s, "already sent") {
		t.Errorf("the next reply was answered as the first one sent again: %q", s)
	}
}
