package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"highvibe/app"
)

// TestBrowserPageWeight measures what the operator's daily pages transfer (README, Performance):
// every byte the browser received for the page and what it loaded (headers included, gzip as
// sent), first with an empty cache, then on a second visit. The dashboard must load no chart
// library; the KPI page loads the 2-D Plotly bundle and the 3-D one only after a 3-D chart has
// scrolled into view.
func TestBrowserPageWeight(t *testing.T) {
	t.Parallel()
	b := demoBrowserFor(t, 5*time.Minute)
	var conv int64
	if err := b.e.DB(app.DemoSlug).Read.QueryRow(`SELECT min(id) FROM conversations`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	clearCache := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.ClearBrowserCache, cdp.Empty{})
		return err
	})
	if _, err := chromedp.Run(b.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	// Bytes received for the document and every resource, and the resources' names.
	const weight = `(() => {
		const all = [performance.getEntriesByType('navigation')[0], ...performance.getEntriesByType('resource')];
		return JSON.stringify({bytes: all.reduce((n, e) => n + e.transferSize, 0), names: all.slice(1).map(e => e.name.replace(location.origin, '')).join(' ')});
	})()`
	type result struct {
		Bytes int64
		Names string
	}
	measure := func(path, settled string) result {
		t.Helper()
		b.open(path)
		if settled != "" {
			b.waitFor(path+" settled", settled)
		}
		var r result
		if err := jsonDecode(b.str(weight), &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	charts := `document.querySelectorAll('[data-chart].js-plotly-plot, [data-chart].is-empty').length >= 6`
	pages := []struct{ name, path, settled string }{
		{"inbox", "/app/inbox/?lang=tr", ""},
		{"conversation", fmt.Sprintf("/app/inbox/%d/?lang=tr", conv), ""},
		{"approvals", "/app/approvals/?lang=tr", ""},
		{"dashboard", "/app/?lang=tr", ""},
		{"KPIs", "/app/analytics/?lang=tr", charts},
	}
	b.viewport(1366, 900, false)
	var rows []string
	for _, p := range pages {
		b.run("clear the cache", clearCache)
		first := measure(p.path, p.settled)
		again := measure(p.path, p.settled)
		row := fmt.Sprintf("| %s | %.0f KB | %.0f KB |", p.name, float64(first.Bytes)/1000, float64(again.Bytes)/1000)
		switch p.name {
		case "dashboard":
			if strings.Contains(first.Names, "plotly") {
				t.Errorf("the dashboard loads Plotly: %s", first.Names)
			}
		case "KPIs":
			if !strings.Contains(first.Names, "plotly-2d") || strings.Contains(first.Names, "plotly-gl3d") {
				t.Errorf("the KPI page before scrolling loaded: %s", first.Names)
			}
			b.run("clear the cache", clearCache)
			b.open(p.path)
			b.waitFor("2-D charts", charts)
			b.run("scroll to the 3-D charts", chromedp.ScrollIntoView(`[data-key=decision_3d]`))
			b.waitFor("3-D charts", `document.querySelectorAll('[data-chart].js-plotly-plot, [data-chart].is-empty').length === 8`)
			var all result
			if err := jsonDecode(b.str(weight), &all); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(all.Names, "plotly-gl3d") {
				t.Errorf("the 3-D bundle was not loaded after scrolling: %s", all.Names)
			}
			row += fmt.Sprintf(" %.0f KB with the 3-D charts in view |", float64(all.Bytes)/1000)
		}
		rows = append(rows, row)
	}
	t.Logf("transferred bytes per page (1366×900, tr, demo tenant):\n| page | first visit | next visit |\n|---|---|---|\n%s", strings.Join(rows, "\n"))
}

func jsonDecode(s string, v any) error { return json.Unmarshal([]byte(s), v) }
