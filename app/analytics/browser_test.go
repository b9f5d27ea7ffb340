package analytics_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app/apptest"
)

// TestBrowserChartsDraw opens the KPI page in Chromium (Turkish and Arabic, laptop and phone
// size): the six 2-D charts are drawn by the 2-D Plotly bundle at once, the two 3-D charts and
// the 3-D bundle only once they scroll into view; numbers use the page's language (compact
// millions: "Mn" in Turkish, "مليون" in Arabic; the funnel's shares "%40" in Turkish), every
// label stays inside its chart (the radar's axis names in all six languages), the Arabic charts read from the right (newest month at the
// left, amounts on the right), and an empty tenant shows the readable empty states instead.
func TestBrowserChartsDraw(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("empty")
	seedSmall(t, e.DB("acme"))
	// Paid invoices in earlier months give the forecast its history, in millions.
	now := time.Now().UTC()
	for m := 1; m <= 4; m++ {
		at := time.Date(now.Year(), now.Month(), 10, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0).UnixMilli()
		if _, err := e.DB("acme").Write.Exec(`INSERT INTO invoices(customer_id, amount, status, issued_at, paid_at, created_at, updated_at)
			VALUES(1, ?, 'paid', ?, ?, ?, ?)`, 5_000_000+1_000_000*m, at, at, at, at); err != nil {
			t.Fatal(err)
		}
	}
	owner := e.User("acme", "olga", "owner")
	// Twice: the second snapshot also plots the recommendations the first one created.
	for i := 0; i < 2; i++ {
		if r := owner.Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("refresh = %d", r.StatusCode)
		}
	}
	e.User("empty", "emre", "owner")

	ctx, problems := apptest.Chromium(t, 10*time.Minute)
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
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
	// wait polls a condition, riding over the moments a navigation replaces the page.
	wait := func(what, expr string) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for {
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s (%s)", what, eval(`location.href + ': ' + document.querySelectorAll('[data-chart].js-plotly-plot').length + ' drawn'`))
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	signIn := func(user string) {
		run("sign in "+user, chromedp.Navigate(e.URL+"/login/"), chromedp.SendKeys(`input[name=username]`, user),
			chromedp.SendKeys(`input[name=password]`, apptest.Password), chromedp.Submit(`input[name=password]`))
		wait("the panel", `location.pathname === '/app/'`)
	}
	const drawn = `document.querySelectorAll('[data-chart].js-plotly-plot').length`
	const loaded3d = `String(performance.getEntriesByType('resource').filter(r => /plotly-gl3d/.test(r.name)).length)`
	// Texts of drawn charts that stick out of their chart's box (by more than 2 px).
	const outside = `[...document.querySelectorAll('[data-chart].js-plotly-plot')].flatMap(el => {
		const box = el.getBoundingClientRect();
		return [...el.querySelectorAll('svg text')].filter(t => t.textContent.trim() && t.getClientRects().length).filter(t => {
			const r = t.getBoundingClientRect();
			return r.left < box.left - 2 || r.right > box.right + 2 || r.top < box.top - 2 || r.bottom > box.bottom + 2;
		}).map(t => el.dataset.key + ': ' + t.textContent);
	}).join(' | ')`

	signIn("olga")
	for _, lang := range []string{"tr", "ar"} {
		for _, size := range []struct {
			w, h   int64
			mobile bool
		}{{1366, 900, false}, {390, 844, true}} {
			name := lang + " " + strconv.FormatInt(size.w, 10)
			if size.mobile {
				run("viewport", chromedp.EmulateViewport(size.w, size.h, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
			} else {
				run("viewport", chromedp.EmulateViewport(size.w, size.h))
			}
			run("open", chromedp.Navigate(e.URL+"/app/analytics/?"+url.Values{"lang": {lang}}.Encode()))
			wait("the 2-D charts", drawn+` === 6`)
			if got := eval(loaded3d); got != "0" {
				t.Errorf("%s: the 3-D bundle loaded %s times before a 3-D chart was in view", name, got)
			}
			for _, key := range []string{"lead_3d", "decision_3d"} {
				run("scroll to "+key, chromedp.ScrollIntoView(`[data-key=`+key+`]`))
			}
			wait("the 3-D charts", drawn+` === 8`)
			if got := eval(loaded3d); got != "1" {
				t.Errorf("%s: the 3-D bundle loaded %s times, want once", name, got)
			}
			if got := eval(outside); got != "" {
				t.Errorf("%s: labels outside their chart: %s", name, got)
			}
			ticks := eval(`[...document.querySelectorAll('[data-key=revenue_series] .ytick text')].map(t => t.textContent).join(' ')`)
			gauge := eval(`document.querySelector('[data-key=roi_payload] .number')?.textContent || ''`)
			delta := eval(`document.querySelector('[data-key=roi_payload] .delta')?.textContent || ''`)
			unit := map[string]string{"tr": "Mn", "ar": "مليون"}[lang]
			if !strings.Contains(ticks, unit) || strings.Contains(ticks, "M ") || !strings.Contains(gauge, unit) || !strings.Contains(delta, unit) {
				t.Errorf("%s: revenue ticks %q, gauge %q, its difference to the budget %q; want millions as %q", name, ticks, gauge, delta, unit)
			}
			if lang == "tr" && !strings.Contains(gauge, ",") {
				t.Errorf("%s: gauge %q has no decimal comma", name, gauge)
			}
			// The funnel's shares as the language writes them: "%100" in Turkish, "100%" in Arabic.
			steps := eval(`[...document.querySelectorAll('[data-key=lead_funnel] .bartext')].map(t => t.textContent).join(' ')`)
			if want := map[string]string{"tr": "%100", "ar": "100%"}[lang]; !strings.Contains(steps, want) || strings.Contains(steps, "%100%") {
				t.Errorf("%s: funnel texts %q, want shares like %q", name, steps, want)
			}
			// Arabic reads the months from the right (newest at the left, amounts on the right);
			// the axis title keeps clear of the tick labels on either side.
			axes := eval(`['revenue_series', 'forecast_payload'].map(k => {
				const el = document.querySelector('[data-key=' + k + ']');
				const xs = [...el.querySelectorAll('.xtick text')].sort((a, b) => a.getBoundingClientRect().left - b.getBoundingClientRect().left).map(t => t.textContent);
				const plot = el.querySelector('.bglayer rect, .plotbg rect, .nsewdrag').getBoundingClientRect();
				const ys = [...el.querySelectorAll('.ytick text')].map(t => t.getBoundingClientRect());
				const title = el.querySelector('.ytitle').getBoundingClientRect();
				const side = ys.every(r => r.left >= plot.right - 1) ? 'right' : ys.every(r => r.right <= plot.left + 1) ? 'left' : 'both';
				const clash = ys.some(r => r.left < title.right && r.right > title.left);
				const order = el.data.flatMap(t => t.x || []); // the months as the figure lists them, oldest first
				return k + ':' + (order.indexOf(xs[0]) > order.indexOf(xs[xs.length - 1]) ? 'newest-left' : 'oldest-left') + ',' + side + (clash ? ',title-on-ticks' : '');
			}).join(' ')`)
			if want := map[string]string{"tr": "revenue_series:oldest-left,left forecast_payload:oldest-left,left",
				"ar": "revenue_series:newest-left,right forecast_payload:newest-left,right"}[lang]; axes != want {
				t.Errorf("%s: axes %q, want %q", name, axes, want)
			}
		}
	}

	// The radar's axis names stand outside its circle: each is whole, inside its card, in every
	// language at both sizes (English "Conversion" ran past the card's edge).
	for _, lang := range []string{"tr", "en", "de", "fr", "es", "ar"} {
		for _, size := range []struct{ w, h int64 }{{1366, 900}, {390, 844}} {
			if size.w < 500 {
				run("viewport", chromedp.EmulateViewport(size.w, size.h, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
			} else {
				run("viewport", chromedp.EmulateViewport(size.w, size.h))
			}
			run("open", chromedp.Navigate(e.URL+"/app/analytics/?lang="+lang))
			run("scroll to the radar", chromedp.ScrollIntoView(`[data-key=spider_payload]`))
			wait("the radar laid out", `!!document.querySelector('[data-key=spider_payload][data-drawn] .angular-axis text')`)
			names := eval(`[...document.querySelectorAll('[data-key=spider_payload] .angular-axis text')].map(t => t.textContent).join('|')`)
			if strings.Count(names, "|") < 4 {
				t.Errorf("%s %d: radar axis names %q, want five", lang, size.w, names)
			}
			if got := eval(`(() => { const el = document.querySelector('[data-key=spider_payload]'), box = el.getBoundingClientRect();
				return [...el.querySelectorAll('svg text')].filter(t => t.textContent.trim() && t.getClientRects().length).filter(t => {
					const r = t.getBoundingClientRect();
					return r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1;
				}).map(t => t.textContent + ' at ' + Math.round(t.getBoundingClientRect().left - box.left) + '–' + Math.round(t.getBoundingClientRect().right - box.left) + ' of ' + Math.round(box.width)).join(' | ') })()`); got != "" {
				t.Errorf("%s %d: radar labels cut at the card's edge: %s", lang, size.w, got)
			}
		}
	}

	eval(`document.querySelector('form[action="/logout/"]').submit(), ''`)
	wait("the sign-in page", `!!document.querySelector('input[name=username]')`)
	signIn("emre")
	run("open", chromedp.Navigate(e.URL+"/app/analytics/?lang=tr"))
	wait("the empty states", `document.querySelectorAll('[data-chart].is-empty').length === 8`)
	if got := eval(drawn + ` + ''`); got != "0" {
		t.Errorf("empty tenant: %s charts drawn", got)
	}
	if p := problems(); len(p) > 0 {
		t.Errorf("script errors: %s", strings.Join(p, "; "))
	}
}
