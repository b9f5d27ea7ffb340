package widget_test

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetCountsRepliesWhileClosed: a visitor writes, closes the chat to look around the
// site, and the business answers. The chat's button shows that a reply came (1), also to a screen
// reader; opening the chat clears it. A visitor who left the site and comes back finds the reply
// that came meanwhile counted on the button, and replies already read are not counted again after a
// reload. Before, nothing outside the closed chat changed, so a visitor waited for an answer that
// was already there.
func TestBrowserWidgetCountsRepliesWhileClosed(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	site := plainHostPage(t, e.URL)
	noScriptErrors(t, problems)
	db := e.DB("acme")
	load := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Navigate(site)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
	}
	click := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.querySelector('.launch').click(), true`)); err != nil {
			t.Fatal(err)
		}
	}
	badge := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){var b=`+widgetRoot+`.querySelector('.launch .badge'); return b && !b.hidden ? b.textContent : ''})()`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	replies := func() int {
		var n int
		_ = db.Read.QueryRow(`SELECT count(*) FROM messages WHERE direction = 'outbound'`).Scan(&n)
		return n
	}
	reply := func(words string) {
		t.Helper()
		var convID int64
		if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'webchat'`).Scan(&convID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, convID, inboxOutgoing(words), ""); err != nil {
			t.Fatal(err)
		}
	}

	load()
	click()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+widgetRoot+`;
		r.querySelector('input[type=checkbox][name=consent]').checked=true;
		r.querySelector('textarea').value='Bahçe için 200 m² gri granit'; r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, "the message sent", widgetRoot+`.querySelector('.log').textContent.includes('200 m² gri granit')`)
	// The assistant's answer, if it gives one, is read with the chat open.
	before := replies()
	waitFor(t, ctx, "every reply so far in the chat", widgetRoot+`.querySelectorAll('.m.out').length >= `+itoa(int64(before)))
	if b := badge(); b != "" {
		t.Errorf("with the chat open the button counts %q unread", b)
	}
	click() // closed, to look around the site

	reply("Merhaba, yarın keşfe gelebiliriz.")
	waitFor(t, ctx, "the reply counted on the closed chat's button", `(function(){var b=`+widgetRoot+`.querySelector('.launch .badge'); return !!b && !b.hidden && b.textContent === '1'})()`)
	if label, _ := chromedp.Run(ctx, chromedp.Evaluate[string](widgetRoot+`.querySelector('.launch').getAttribute('aria-label') || ''`)); label != "Bize yazın — Yeni yanıtlar: 1" {
		t.Errorf("a screen reader hears the button as %q", label)
	}
	click()
	if b := badge(); b != "" {
		t.Errorf("the chat opened still counts %q unread", b)
	}
	click()

	// Back later: what was read stays read.
	load()
	waitFor(t, ctx, "the thread loaded", widgetRoot+`.querySelector('.log').textContent.includes('yarın keşfe')`)
	if b := badge(); b != "" {
		t.Errorf("after a reload, replies already read are counted again: %q", b)
	}

	// Away from the site while the business answers: the count is there on coming back.
	if _, err := chromedp.Run(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	reply("Keşif için saat 10 uygun mu?")
	load()
	waitFor(t, ctx, "the reply that came while away counted", `(function(){var b=`+widgetRoot+`.querySelector('.launch .badge'); return !!b && !b.hidden && b.textContent === '1'})()`)
	click()
	if b := badge(); b != "" {
		t.Errorf("the chat opened still counts %q unread", b)
	}
}
