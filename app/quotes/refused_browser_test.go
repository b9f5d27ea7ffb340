package quotes_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestBrowserRefusedQuoteLine: in a browser, a quote saved with a quantity and a price that
// cannot be read comes back with both still in their boxes as typed, each message right under
// its box on that line and in the page's language, the first one in view, on a desktop and on a
// phone, in tr, en and ar (screens under HIGHVIBE_SCREENS when set); nothing is stored.
func TestBrowserRefusedQuoteLine(t *testing.T) {
	ctx, problems := apptest.Chromium(t, 180*time.Second)
	f := setup(t)
	pid := strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))
	id := newQuote(t, f.op, f.conv, nil)
	path := "/app/quotes/" + strconv.FormatInt(id, 10) + "/"
	f.op.Post(path, lines(pid))
	stored := func() string {
		return f.str(t, `SELECT updated_at || '|' || (SELECT group_concat(quantity || ':' || unit_price, ';') FROM quote_lines WHERE quote_id = ?) FROM quotes WHERE id = ?`, id, id)
	}
	before := stored()
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	num := func(expr string) float64 {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](expr))
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		return v
	}
	waitFor := func(what, expr string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s", what)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	shot := func(name string) {
		t.Helper()
		dir := os.Getenv("HIGHVIBE_SCREENS")
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
	// under: 1 when the message of the box sits right under it, within its width.
	const under = `(() => { const i = document.querySelector(%q), e = i && i.closest('.field').querySelector('.field-error');
		if (!e) return 0; const a = i.getBoundingClientRect(), b = e.getBoundingClientRect();
		return +(b.height > 0 && b.top >= a.bottom - 1 && b.top - a.bottom < 24 && b.left < a.right && b.right > a.left); })()`
	for _, size := range []struct{ w, h int64 }{{1366, 900}, {390, 844}} {
		if size.w < 500 {
			run("viewport", chromedp.EmulateViewport(size.w, size.h, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
		} else {
			run("viewport", chromedp.EmulateViewport(size.w, size.h))
		}
		for _, lang := range []string{"tr", "en", "ar"} {
			where := lang + " " + strconv.FormatInt(size.w, 10)
			run("open", chromedp.Navigate(f.e.URL+path+"?lang="+lang))
			waitFor("editor", `document.readyState === 'complete' && !!window.htmx && !!document.querySelector('#quantity-1')`)
			run("type", chromedp.Evaluate[chromedp.Void](`document.querySelector('#quantity-1').value = ''; document.querySelector('#unit_price-2').value = ''`),
				chromedp.SendKeys(`#quantity-1`, "12,5,0"), chromedp.SendKeys(`#unit_price-2`, "abc"),
				chromedp.Click(`[data-save]`))
			waitFor(where+": the refused form", `!!document.querySelector('.quote-line[data-line="1"] .field-error')`)
			waitFor(where+": its first message in view", `(() => { const r = document.querySelector('.quote-line .field-error').getBoundingClientRect();
				return r.top >= 0 && r.bottom <= innerHeight; })()`)
			p := i18n.For(lang)
			for _, c := range []struct{ input, typed, key string }{{"#quantity-1", "12,5,0", "quotes.err.quantity"}, {"#unit_price-2", "abc", "quotes.err.price"}} {
				if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('`+c.input+`').value`)); got != c.typed {
					t.Errorf("%s: %s holds %q, want what was typed %q", where, c.input, got, c.typed)
				}
				if got, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('`+c.input+`').closest('.field').querySelector('.field-error').innerText.trim()`)); got != p.T(c.key) {
					t.Errorf("%s: message at %s is %q, want %q", where, c.input, got, p.T(c.key))
				}
				if num(`+!!document.querySelector('`+c.input+`').closest('.field').querySelector('.field-error')`) == 1 && num(fmt.Sprintf(under, c.input)) != 1 {
					t.Errorf("%s: the message of %s is not right under its box", where, c.input)
				}
			}
			if num(`+(document.documentElement.scrollWidth <= innerWidth + 1)`) != 1 {
				t.Errorf("%s: the refused form scrolls sideways", where)
			}
			shot("quotes-refused-" + lang + "-" + strconv.FormatInt(size.w, 10))
		}
	}
	if got := stored(); got != before {
		t.Errorf("refused saves stored %s, was %s", got, before)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("JavaScript errors: %v", p)
	}
}
