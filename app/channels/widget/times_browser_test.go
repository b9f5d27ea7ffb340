package widget_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetShowsWhenEachMessageWasSent: every message of the visitor's thread shows its
// time, small under it, in the visitor's own time zone and the widget's language ("14:05" in
// Turkish, "02:05 PM" in English), with the day for a message of an earlier day: the thread had no
// times at all, so a visitor coming back could not tell an answer of this morning from one of last
// week.
func TestBrowserWidgetShowsWhenEachMessageWasSent(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 90*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	noScriptErrors(t, problems)
	r := e.Client().PostJSON("/widget/api/acme/messages", []byte(`{"text":"Bahçe için 200 m² gri granit","consent":true}`), nil)
	if r.StatusCode != 201 {
		t.Fatalf("post: %d %s", r.StatusCode, r.Body)
	}
	token := decode(t, r)["token"].(string)
	db := e.DB("acme")
	var convID int64
	if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'webchat'`).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	// The visitor wrote yesterday; the business answers now.
	if _, err := db.Write.Exec(`UPDATE messages SET created_at = created_at - 86400000 WHERE direction = 'inbound'`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handlers.InboxService.AddMessage(t.Context(), "acme", db, convID, inboxOutgoing("Merhaba, yarın keşfe gelebiliriz."), ""); err != nil {
		t.Fatal(err)
	}
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Skip("no time zone data")
	}
	if _, err := chromedp.Run(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Europe/Istanbul"})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	at := map[string]time.Time{}
	rows, err := db.Read.Query(`SELECT id, created_at FROM messages WHERE conversation_id = ? AND direction IN ('inbound', 'outbound')`, convID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id, ms int64
		_ = rows.Scan(&id, &ms)
		at[strconv.FormatInt(id, 10)] = time.UnixMilli(ms).In(ist)
	}
	rows.Close()
	today := time.Now().In(ist).Format("2006-01-02")
	for _, c := range []struct{ lang, clock string }{{"tr", "15:04"}, {"en", "03:04 PM"}} {
		site := hostPage(t, `<!doctype html><html><head><title>Taş Parke</title></head><body><h1>Taş Parke</h1>
<script src="`+e.URL+`/widget.js" data-tenant-slug="acme" data-lang="`+c.lang+`" async></script></body></html>`)
		for _, a := range []chromedp.Action[chromedp.Void]{chromedp.Navigate(site),
			chromedp.Evaluate[chromedp.Void](`localStorage.setItem('highvibe:` + e.URL + `:acme', '` + token + `')`), chromedp.Navigate(site)} {
			if _, err := chromedp.Run(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		waitFor(t, ctx, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](widgetRoot+`.querySelector('.launch').click(), true`)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the thread with its times", widgetRoot+`.querySelectorAll('[data-message-id] time.at').length >= `+strconv.Itoa(len(at)))
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[][]string](`Array.from(`+widgetRoot+`.querySelectorAll('[data-message-id]')).map(function(b){var t=b.querySelector('time.at'); return [b.getAttribute('data-message-id'), t ? t.textContent : '', t ? getComputedStyle(t).fontSize : '']})`))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range got {
			when, ok := at[g[0]]
			if !ok {
				continue // a reply of the assistant's, written after the query
			}
			shown := strings.NewReplacer("\u202f", " ", "\u00a0", " ").Replace(g[1])
			clock := when.Format(c.clock)
			switch {
			case when.Format("2006-01-02") == today && shown != clock:
				t.Errorf("%s: a message of today at %s shows %q", c.lang, clock, shown)
			case when.Format("2006-01-02") != today && (!strings.Contains(shown, clock) || !strings.Contains(shown, strconv.Itoa(when.Day()))):
				t.Errorf("%s: a message of %s shows %q", c.lang, when.Format("2 Jan 15:04"), shown)
			}
			if g[2] != "11px" {
				t.Errorf("%s: the time is written at %s", c.lang, g[2])
			}
		}
	}
}
