package inbox_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// TestBrowserInboxLiveAndKeyboard logs an operator in through the real login form, opens the
// inbox, and checks what a person relies on: a message ingested on the server shows up in the
// open tab over the event stream without a reload, ? opens the keyboard shortcuts and their hint
// is shown on the first visit only, and j + Enter open the selected row.
func TestBrowserInboxLiveAndKeyboard(t *testing.T) {
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

	b := newBrowser(t, e.URL)
	b.login("olga")
	do, eval, waitFor := b.do, b.eval, func(what, expr string, limit time.Duration) { b.waitFor(what, expr, limit) }

	do("open inbox", chromedp.Navigate(e.URL+"/app/inbox/"), chromedp.WaitVisible(`[data-inbox-list]`))
	if got := eval(`location.pathname`); got != "/app/inbox/" {
		t.Fatalf("inbox opened at %q, want /app/inbox/ (login failed?)", got)
	}
	if n := eval(`String(document.querySelectorAll('[data-inbox-list] [data-row-href]').length)`); n != "2" {
		t.Fatalf("rows before ingest = %s, want 2", n)
	}

	t.Run("live message without reload", func(t *testing.T) {
		b.t = t
		b.waitStream()
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

	t.Run("? opens the shortcuts; the shortcuts hint shows once", func(t *testing.T) {
		b.t = t
		if n := eval(`String(document.querySelectorAll('.keys-hint').length)`); n != "1" {
			t.Fatalf("first visit: %s shortcut hints, want 1", n)
		}
		eval(`(document.activeElement && document.activeElement.blur && document.activeElement.blur(), 'ok')`)
		do("press ?", chromedp.KeyEvent("?"))
		waitFor("the shortcuts dialog", `document.getElementById('shortcuts')?.open === true`, 5*time.Second)
		do("close it", chromedp.KeyEvent(kb.Escape))
		waitFor("the dialog closed", `document.getElementById('shortcuts').open === false`, 5*time.Second)
		do("open the inbox again", chromedp.Navigate(e.URL+"/app/inbox/"), chromedp.WaitVisible(`[data-inbox-list]`))
		waitFor("the page's scripts", `document.readyState === 'complete'`, 5*time.Second)
		if n := eval(`String(document.querySelectorAll('.keys-hint').length)`); n != "0" {
			t.Errorf("second visit: %s shortcut hints, want none (shown once)", n)
		}
	})

	t.Run("j then Enter opens the selected row", func(t *testing.T) {
		b.t = t
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

}
