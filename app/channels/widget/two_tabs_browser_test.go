package widget_test

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserWidgetTwoTabs: a visitor has the business's site open in two tabs, both loaded
// before they wrote anything. They write in one, then in the other: it is one conversation and one
// lead, not two, and each tab shows what was written in the other.
func TestBrowserWidgetTwoTabs(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 60*time.Second)
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	site := plainHostPage(t, e.URL)
	noScriptErrors(t, problems)
	write := func(ctx context.Context, words string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var r=`+widgetRoot+`;
			r.querySelector('textarea').value=`+"`"+words+"`"+`; r.querySelector('form').requestSubmit(); return true})()`)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, ctx, "the message in the tab's thread", widgetRoot+`.querySelector('.log').textContent.includes(`+"`"+words+"`"+`)`)
	}
	first := ctx
	second, cancel := chromedp.NewContext(ctx) // another tab of the same browser: the same localStorage
	defer cancel()
	for _, tab := range []context.Context{first, second} {
		if _, err := chromedp.Run(tab, chromedp.Navigate(site)); err != nil {
			t.Fatal(err)
		}
		waitFor(t, tab, "the widget", `!!document.querySelector('[data-highvibe-widget]') && !!`+widgetRoot+`.querySelector('.launch').textContent.trim()`)
		if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](widgetRoot+`.querySelector('.launch').click(), true`)); err != nil {
			t.Fatal(err)
		}
	}
	write(first, "İlk sekmeden: bahçe 200 m²")
	write(second, "İkinci sekmeden: gri granit")
	waitFor(t, first, "the second tab's message in the first", widgetRoot+`.querySelector('.log').textContent.includes('İkinci sekmeden')`)
	waitFor(t, second, "the first tab's message in the second", widgetRoot+`.querySelector('.log').textContent.includes('İlk sekmeden')`)
	var leads, convs int
	db := e.DB("acme")
	_ = db.Read.QueryRow(`SELECT count(*) FROM leads`).Scan(&leads)
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations`).Scan(&convs)
	if leads != 1 || convs != 1 {
		t.Errorf("two tabs of one visitor made %d leads and %d conversations", leads, convs)
	}
	if hidden, _ := chromedp.Run(second, chromedp.Evaluate[bool](widgetRoot+`.querySelector('input[name=name]').closest('.row').hidden`)); !hidden {
		t.Error("the second tab still asks for a name and phone for a conversation already started")
	}
}
