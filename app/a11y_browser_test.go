package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/inbox"
	"highvibe/app/media/mediatest"
	"highvibe/app/msp"
)

// axeSource is axe-core's minified build (npm package axe-core, version in the file name). It lives
// under testdata: the tests inject it into pages, production never serves it.
const axeSource = "testdata/axe-4.14.1.min.js"

// axeViolation is the part of an axe-core result the test reports.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

// panelPages lists every page of the panel a member of the demo tenant reaches, with the ids of
// one record of each kind.
func panelPages(t *testing.T, b *chrome) []string {
	t.Helper()
	db := b.e.DB(app.DemoSlug).Read
	first := func(table string) int64 {
		var id int64
		if err := db.QueryRow(`SELECT coalesce(min(id), 0) FROM ` + table).Scan(&id); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		return id
	}
	pages := []string{
		"/app/",
		"/app/inbox/",
		"/app/leads/",
		fmt.Sprintf("/app/inbox/%d/", first("conversations")),
		"/app/approvals/",
		"/app/analytics/",
		"/app/quotes/",
		fmt.Sprintf("/app/quotes/%d/", first("quotes")),
		"/customers/",
		fmt.Sprintf("/customers/%d/", first("customers")),
		"/customers/new",
		"/orders/",
		fmt.Sprintf("/orders/%d/", first("orders")),
		"/invoices/",
		fmt.Sprintf("/invoices/%d/", first("invoices")),
		"/repair-requests/",
		"/repair-requests/new",
		"/products/",
		"/app/logs/",
		"/app/settings/",
		"/app/settings/channels",
		"/app/settings/hours",
		"/app/settings/templates",
		"/app/profile/",
		"/app/visits/",
		"/app/visits/?view=day",
		"/app/visits/feed",
		"/app/notifications/",
		"/app/notifications/settings",
		"/guide",
		"/guide/conversation",
	}
	// The MSP module's pages, with one ticket whose clocks run (amber reply clock), read with every
	// module on.
	allModules(b.e, app.DemoSlug)
	if first("msp_tickets") == 0 {
		tk, err := msp.Create(context.Background(), b.e.DB(app.DemoSlug), msp.NewTicket{Subject: "Yazıcı kağıt sıkıştırıyor", Priority: msp.P2},
			msp.Actor{Name: "talha"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.e.DB(app.DemoSlug).Exec(context.Background(), `UPDATE msp_ticket_sla SET opened_at = ? WHERE ticket_id = ?`,
			time.Now().Add(-100*time.Minute).UnixMilli(), tk.ID); err != nil {
			t.Fatal(err)
		}
	}
	pages = append(pages, "/app/msp/sla/", "/app/msp/tickets/", fmt.Sprintf("/app/msp/tickets/%d/", first("msp_tickets")))
	// The seasonal calendar (the demo's dates): the twelve months, a month's grid, the date form.
	pages = append(pages, "/app/seasonal/", "/app/seasonal/?month="+time.Now().AddDate(0, 1, 0).Format("2006-01"), "/app/seasonal/new")
	// Stock (the demo counts it): the low-stock filter, a counted product's page with its movements
	// and forms, and a new order's form with its product lines.
	var counted int64
	if err := db.QueryRow(`SELECT coalesce(max(product_id), 0) FROM stock_movements WHERE kind = 'sold'`).Scan(&counted); err != nil || counted == 0 {
		t.Fatalf("the demo has no product sold from stock: %v", err)
	}
	pages = append(pages, "/products/?stock=low", fmt.Sprintf("/products/%d/stock", counted), "/orders/new")
	// Conversion tracking (the demo's web chat leads' history): its settings page and a lead's conversions.
	var attrLead int64
	if err := db.QueryRow(`SELECT coalesce(min(lead_id), 0) FROM lead_attribution`).Scan(&attrLead); err != nil || attrLead == 0 {
		t.Fatalf("the demo has no lead with a conversion tracking capture: %v", err)
	}
	pages = append(pages, "/app/settings/conversions", fmt.Sprintf("/app/conversions/leads/%d", attrLead))
	if v := first("site_visits"); v != 0 { // the demo's first visit: its page and its outcome form
		pages = append(pages, fmt.Sprintf("/app/visits/%d/", v), fmt.Sprintf("/app/visits/%d/outcome", v))
	}
	if id := first("repair_requests"); id > 0 {
		pages = append(pages, fmt.Sprintf("/repair-requests/%d/", id))
	}
	// The owner's quote texts and logo, a person's photos and files (with a photo, so the erase
	// form shows), and the customer's page of the demo's sent quote (public).
	var conv, lead int64
	if err := db.QueryRow(`SELECT id, lead_id FROM conversations ORDER BY id LIMIT 1`).Scan(&conv, &lead); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prep, err := b.e.Handlers.Media.Prepare(ctx, app.DemoSlug, mediatest.JPEG(320, 240), "bahce.jpg", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.e.Handlers.InboxService.AddMessage(ctx, app.DemoSlug, b.e.DB(app.DemoSlug), conv, inbox.Outgoing{Direction: "inbound", Body: "[image: bahce.jpg]",
		Attach: func(ctx context.Context, tx *sql.Tx, id int64, cv *inbox.Conversation) error {
			_, err := prep.Attach(ctx, tx, id, cv.ID, cv.LeadID, cv.Channel)
			return err
		}}, ""); err != nil {
		t.Fatal(err)
	}
	pages = append(pages, "/app/quotes/settings", fmt.Sprintf("/app/media/lead/%d/", lead))
	var token string
	if err := db.QueryRow(`SELECT token FROM quotes WHERE status IN ('sent','accepted') ORDER BY id LIMIT 1`).Scan(&token); err != nil {
		t.Fatalf("the demo has no sent quote: %v", err)
	}
	// A record that is not there: the panel's not-found page (its big grey status code once failed
	// the contrast rule).
	return append(pages, "/q/"+app.DemoSlug+"."+token, "/app/leads/999999999")
}

// TestBrowserAccessibility runs axe-core (all rules, every impact) on every panel page; the bar
// is zero violations. axe-core runs once per page in each language and at each size, not in every
// pairing of them: Turkish at laptop size and Arabic at phone size. Its rules read the page's
// markup, roles, names and colours; the language changes the words and their direction, the size
// which parts are shown, and neither changes the other, so the two runs cover what the four did at
// half the CPU (axe-core is about a CPU second a page; the four runs were a third of the whole
// suite's). Every page must also fit a phone's width in both languages (Turkish words are longer,
// Arabic runs right to left; tables scroll inside their card). A subtest per size, language and
// page names what it checked, so one page can be rerun with -run (390x844/ar/app/inbox).
func TestBrowserAccessibility(t *testing.T) {
	axe, err := os.ReadFile(axeSource)
	if err != nil {
		t.Fatal(err)
	}
	// Each run has its own server and browser tab, the three side by side from the moment the
	// package's parallel tests start: they are its longest work, so they run beside the short
	// tests instead of being queued behind them as parallel subtests would be (which left them
	// alone at the end of the package's run). They are ordinary subtests started from goroutines,
	// so they do not wait for a slot of -parallel.
	t.Parallel()
	runs := []struct {
		size, lang string
		w, h       int64
		mobile     bool
		axe        bool
	}{
		{"1366x900", "tr", 1366, 900, false, true},
		{"390x844", "ar", 390, 844, true, true},
		{"390x844", "tr", 390, 844, true, false},
	}
	var wg sync.WaitGroup
	for _, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.Run(run.size+"/"+run.lang, func(t *testing.T) {
				b := demoBrowserFor(t, 30*time.Minute)
				pages := panelPages(t, b)
				b.viewport(run.w, run.h, run.mobile)
				total := 0
				for _, page := range pages {
					t.Run(strings.Trim(page, "/"), func(t *testing.T) {
						if run.axe {
							total += checkPage(t, b, string(axe), page, run.lang)
						} else {
							openInView(t, b, page, run.lang)
						}
						if run.mobile {
							checkFits(t, b)
						}
					})
				}
				b.t = t
				t.Logf("%d pages in %s at %s checked, %d violations", len(pages), run.lang, run.size, total)
			})
		}()
	}
	wg.Wait()
}

// checkFits fails when the open page is wider than the phone's screen. The layout viewport
// (documentElement.clientWidth) is the measure: on a phone the browser zooms a too-wide page out,
// and innerWidth grows with it (a visually hidden table header once made the approval queue
// 595 px wide at 390).
func checkFits(t *testing.T, b *chrome) {
	t.Helper()
	// Parts laid out only near the screen (content-visibility: auto) are laid out for the check.
	over := b.str(`(() => { const d = document.documentElement;
		const lazy = [...document.querySelectorAll('body *')].filter(e => getComputedStyle(e).contentVisibility === 'auto');
		lazy.forEach(e => { e.style.contentVisibility = 'visible'; });
		const width = d.scrollWidth, screen = d.clientWidth;
		const wide = width <= screen + 1 ? [] : [...document.querySelectorAll('body *')].filter(e => !e.closest('details:not([open]) > :not(summary)')).filter(e => { const r = e.getBoundingClientRect(), p = e.parentElement.getBoundingClientRect();
			return (r.right > screen + 1 || r.left < -1) && !(p.right > screen + 1 || p.left < -1); });
		lazy.forEach(e => { e.style.contentVisibility = ''; });
		return width <= screen + 1 ? '' : width + ' px for ' + screen + ': ' + wide.slice(0, 3).map(e => e.outerHTML.slice(0, 80)).join(' | '); })()`)
	if over != "" {
		t.Errorf("the page is wider than the phone: %s", over)
	}
}

// openInView opens page in lang and waits for the charts in view (each ends drawn or as its empty
// state).
func openInView(t *testing.T, b *chrome, page, lang string) {
	sep := "?"
	if strings.Contains(page, "?") {
		sep = "&"
	}
	b.t = t
	defer func(parent *testing.T) { b.t = parent }(b.t)
	b.open(page + sep + "lang=" + lang)
	b.waitFor("charts drawn", `[...document.querySelectorAll('[data-chart]')].every(el => {
		const r = el.getBoundingClientRect();
		return r.top > innerHeight || el.classList.contains('is-empty') || el.querySelector('.main-svg');
	})`)
}

// checkPage opens page in lang, runs axe-core and reports every violation as an error; it
// returns their number.
func checkPage(t *testing.T, b *chrome, axe, page, lang string) int {
	b.t = t
	defer func(parent *testing.T) { b.t = parent }(b.t)
	openInView(t, b, page, lang)
	vs := runAxe(t, b, axe)
	for _, v := range vs {
		var where []string
		for i, n := range v.Nodes {
			if i == 3 {
				where = append(where, fmt.Sprintf("… %d more", len(v.Nodes)-3))
				break
			}
			html := n.HTML
			if len(html) > 160 {
				html = html[:160] + "…"
			}
			where = append(where, fmt.Sprintf("%v %s", n.Target, html))
		}
		t.Errorf("%s (%s, %d elements): %s\n\t%s", v.ID, v.Impact, len(v.Nodes), v.Help, strings.Join(where, "\n\t"))
	}
	return len(vs)
}

// runAxe injects axe-core once per document and returns its violations for the whole page.
func runAxe(t *testing.T, b *chrome, source string) []axeViolation {
	t.Helper()
	// Evaluated as the test's own script, so the page's Content-Security-Policy does not apply.
	if has, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`!!window.axe`)); err != nil || !has {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](source+"\n;!!window.axe")); err != nil {
			t.Fatalf("inject axe-core: %v", err)
		}
	}
	out, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`axe.run(document, { resultTypes: ['violations'] }).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe.run: %v", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe result: %v", err)
	}
	return vs
}
