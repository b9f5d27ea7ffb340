package app_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/approvals"
	"highvibe/app/apptest"
)

// chrome is a signed-in headless Chromium on the demo tenant for the panel's browser tests.
type chrome struct {
	t   *testing.T
	e   *apptest.Env
	ctx context.Context
}

// demoBrowser starts a server on a copy of the seeded demo tenant (demoEnv), starts Chromium and
// signs the demo owner in through the form.
// It skips when Chromium is missing, and fails instead when CI=true.
func demoBrowser(t *testing.T) *chrome {
	t.Helper()
	return demoBrowserFor(t, 5*time.Minute)
}

// demoBrowserFor is demoBrowser with its own limit for the whole test's browser session.
func demoBrowserFor(t *testing.T, limit time.Duration) *chrome {
	t.Helper()
	e, pw := demoEnv(t)
	ctx, problems := apptest.Chromium(t, limit)
	b := &chrome{t: t, e: e}
	t.Cleanup(func() {
		if p := problems(); len(p) > 0 {
			t.Errorf("JavaScript errors: %s", strings.Join(p, "; "))
		}
	})
	b.ctx = ctx
	b.run("login", chromedp.Navigate(e.URL+"/login/"), chromedp.WaitVisible(chromedp.CSS(`input[name=username]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=username]`), app.DemoUser), chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)))
	b.waitFor("leaving the login page", `location.pathname !== '/login/'`)
	return b
}

func (b *chrome) run(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// eval runs JavaScript and returns its value as a number.
func (b *chrome) eval(expr string) float64 {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[float64](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

func (b *chrome) str(expr string) string {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("%s: %v", expr, err)
	}
	return v
}

// throttle slows the page's CPU by rate (1 is no throttling), as a slower device would run it.
func (b *chrome) throttle(rate float64) {
	b.t.Helper()
	b.run("cpu throttling", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: rate})
		return err
	}))
}

// waitFor polls a JavaScript condition until it holds (60 s at most: a guard against a hang, not
// a time limit the page must meet; the browser tests run beside each other and beside other
// packages' tests on a busy machine).
func (b *chrome) waitFor(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if ok, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](expr)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			where, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.href + ' — ' + document.body.innerText.slice(0, 300)`))
			b.t.Fatalf("timed out waiting for %s (at %s)", what, where)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// open navigates and waits until the page's deferred scripts ran.
func (b *chrome) open(path string) {
	b.t.Helper()
	b.run("open "+path, chromedp.Navigate(b.e.URL+path))
	b.waitFor(path+" loaded", `document.readyState === 'complete' && !!window.htmx`)
}

// screen is a window size the browser tests draw a page at; laptopAndPhone are the two every
// screen is looked at in.
type screen struct {
	w, h   int64
	mobile bool
}

var laptopAndPhone = []screen{{1366, 900, false}, {390, 844, true}}

// viewport sets the window size as a device would have it.
func (b *chrome) viewport(w, h int64, mobile bool) {
	b.t.Helper()
	if mobile {
		b.run("viewport", chromedp.EmulateViewport(w, h, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch))
		return
	}
	b.run("viewport", chromedp.EmulateViewport(w, h))
}

// shot saves a screenshot under HIGHVIBE_SCREENS (the README's docs/screens) when that is set.
func (b *chrome) shot(name string) {
	b.t.Helper()
	dir := os.Getenv("HIGHVIBE_SCREENS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// TestBrowserApprovalQueue works the demo tenant's approval queue the way an operator does: it
// opens in about a second on a phone-class CPU (4× CPU throttling), pages forward and back
// without repeating a group, approves one recommendation in place without a reload, rejects one
// with its reason, edits a draft reply and approves it, and approves a selection in bulk.
func TestBrowserApprovalQueue(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	db := b.e.DB(app.DemoSlug).Read
	pending := func() int {
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM decision_recommendations WHERE status IN ('draft','pending')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := pending()
	if before < 30 {
		t.Fatalf("the demo tenant has %d pending recommendations; the test needs more than one page", before)
	}

	t.Run("time to usable on a phone-class CPU", func(t *testing.T) {
		b.viewport(390, 844, true)
		b.throttle(4)
		b.open("/app/approvals/?lang=tr")
		// Usable: the document is parsed and its deferred scripts (htmx, app.js) have run, so
		// every button works: the navigation's DOMContentLoaded end, measured by the browser.
		ms := b.eval(`(() => { const n = performance.getEntriesByType('navigation')[0]; return n.domContentLoadedEventEnd - n.startTime; })()`)
		parts := b.str(`(() => { const n = performance.getEntriesByType('navigation')[0]; const res = performance.getEntriesByType('resource').filter(r => r.startTime < n.domContentLoadedEventEnd); return ['responseStart', 'responseEnd', 'domInteractive', 'domContentLoadedEventEnd'].map(k => k + ' ' + Math.round(n[k] - n.startTime)).join(', ') + ', html ' + n.transferSize + ' B transferred, ' + n.decodedBodySize + ' B, ' + res.length + ' files before it (' + res.reduce((s, r) => s + r.transferSize, 0) + ' B transferred, the rest from the cache), ' + document.getElementsByTagName('*').length + ' elements'; })()`)
		b.throttle(1)
		// The page fits the phone: nothing widens it (a visually hidden table header once did, and
		// the phone showed the whole page zoomed out).
		if w := b.eval(`document.documentElement.scrollWidth - document.documentElement.clientWidth`); w > 1 {
			t.Errorf("the page is %.0f px wider than the phone", w)
		}
		// The bulk-decision boxes are a thumb's target (24 px at least, WCAG 2.5.8), not the
		// browser's 13 px default.
		if small := b.str(`[...document.querySelectorAll('[data-pick], [data-select-all]')].map(e => e.getBoundingClientRect()).filter(r => r.width < 24 || r.height < 24).map(r => Math.round(r.width) + '×' + Math.round(r.height)).slice(0, 3).join(', ')`); small != "" {
			t.Errorf("selection boxes smaller than 24 px on a phone: %s", small)
		}
		t.Logf("approval queue usable after %.0f ms with 4× CPU throttling at 390×844 (%d pending; %s)", ms, before, parts)
		// The bar is 1 s; it is a figure to report (README, Performance), not a wall-clock
		// assertion: it depends on the machine and on what else runs on it.
		if ms > 1000 {
			t.Logf("above the 1 s bar (load factor %.1f)", loadFactor())
		}
		b.shot("approvals-phone-tr")
	})

	b.viewport(1366, 900, false)
	b.open("/app/approvals/?lang=tr")
	b.shot("approvals-desktop-tr")
	if os.Getenv("HIGHVIBE_SCREENS") != "" {
		b.open("/app/?lang=tr")
		b.shot("dashboard-desktop-tr")
		b.viewport(390, 844, true)
		b.open("/app/?lang=tr")
		b.shot("dashboard-phone-tr")
		// The README's inbox and conversation screens: the busiest WhatsApp conversation.
		var conv int64
		if err := db.QueryRow(`SELECT conversation_id FROM messages WHERE conversation_id IN
			(SELECT id FROM conversations WHERE channel = 'whatsapp') GROUP BY conversation_id ORDER BY count(*) DESC, conversation_id LIMIT 1`).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		for _, v := range []struct {
			name  string
			w, h  int64
			phone bool
		}{{"desktop", 1366, 900, false}, {"phone", 390, 844, true}} {
			b.viewport(v.w, v.h, v.phone)
			b.open("/app/inbox/?lang=tr")
			b.shot("inbox-" + v.name + "-tr")
			b.open(fmt.Sprintf("/app/inbox/%d/?lang=tr", conv))
			b.shot("conversation-" + v.name + "-tr")
		}
		b.viewport(1366, 900, false)
	}

	t.Run("paging", func(t *testing.T) {
		b.open("/app/approvals/")
		first := b.str(`[...document.querySelectorAll('#queue [data-group]')].map(g => g.dataset.group).join(',')`)
		groups := strings.Split(first, ",")
		if len(groups) != approvals.GroupsPerPage {
			t.Fatalf("first page shows %d groups, want %d", len(groups), approvals.GroupsPerPage)
		}
		b.eval(`window.__noReload = 1`)
		b.run("next page", chromedp.Click(chromedp.CSS(`[data-next-page]`)))
		b.waitFor("the second page", `!!document.querySelector('[data-first-page]')`)
		if !strings.Contains(b.str(`location.search`), "after=") {
			t.Errorf("the URL does not follow the page: %q", b.str(`location.search`))
		}
		second := b.str(`[...document.querySelectorAll('#queue [data-group]')].map(g => g.dataset.group).join(',')`)
		for _, g := range strings.Split(second, ",") {
			if strings.Contains(","+first+",", ","+g+",") {
				t.Errorf("group %s is on both pages", g)
			}
		}
		if b.eval(`window.__noReload || 0`) != 1 {
			t.Error("paging reloaded the whole page instead of swapping the queue")
		}
		// The new page starts at its top, not where the old one's last group was.
		b.waitFor("the swap settled", `!document.querySelector('.htmx-settling, .htmx-swapping, .htmx-request')`)
		if top := b.str(`String(Math.round(document.querySelector('#queue').getBoundingClientRect().top))`); top != "0" {
			t.Errorf("after paging the queue's top is at %s px of the screen, want 0", top)
		}
		b.run("first page", chromedp.Click(chromedp.CSS(`[data-first-page]`)))
		b.waitFor("back on the first page", `!document.querySelector('[data-first-page]')`)
		if again := b.str(`[...document.querySelectorAll('#queue [data-group]')].map(g => g.dataset.group).join(',')`); again != first {
			t.Errorf("first page again %q, want %q", again, first)
		}
	})

	t.Run("approve in place", func(t *testing.T) {
		b.open("/app/approvals/")
		b.eval(`window.__noReload = 1`)
		id := b.str(`document.querySelector('#queue .rec:not(.rec-decided) [data-approve]').closest('.rec').dataset.recId`)
		top := b.str(`String(Math.round(window.scrollY))`)
		b.run("approve", chromedp.Click(chromedp.CSS(`#rec-`+id+` [data-approve]`)))
		b.waitFor("the decided card", `document.querySelector('#rec-`+id+`')?.dataset.status === 'approved'`)
		if b.eval(`window.__noReload || 0`) != 1 {
			t.Error("the decision reloaded the page")
		}
		if got := b.str(`String(Math.round(window.scrollY))`); got != top {
			t.Errorf("scroll position moved from %s to %s", top, got)
		}
		want := strconv.Itoa(before - 1)
		if before-1 >= 100 {
			want = "99+"
		}
		b.waitFor("the menu count", `document.querySelector('#nav-pending .count')?.firstChild?.textContent === '`+want+`'`)
		if pending() != before-1 {
			t.Errorf("pending %d, want %d", pending(), before-1)
		}
	})

	t.Run("reject asks for its reason", func(t *testing.T) {
		b.open("/app/approvals/")
		b.eval(`window.__noReload = 1`)
		if n := b.eval(`document.querySelectorAll('#queue form.inline-form.rec-form input[name=reason]').length`); n != 0 {
			t.Errorf("the page ships %.0f reason fields on cards without a draft; they come with the first press of Reject", n)
		}
		id := b.str(`document.querySelector('#queue .rec:not(.rec-decided) [data-ask-reason]').closest('.rec').dataset.recId`)
		b.run("reject", chromedp.Click(chromedp.CSS(`#rec-`+id+` [data-reject]`)))
		b.waitFor("the reason field", `!!document.querySelector('#rec-`+id+` input[name=reason]')`)
		if label := b.str(`document.querySelector('#rec-` + id + ` [data-reject]').textContent`); label != "Reddetmeyi onayla" {
			t.Errorf("the pressed Reject reads %q", label)
		}
		b.run("type the reason", chromedp.SendKeys(chromedp.CSS(`#rec-`+id+` input[name=reason]`), "stokta yok"))
		b.run("confirm", chromedp.Click(chromedp.CSS(`#rec-`+id+` [data-reject]`)))
		b.waitFor("the rejected card", `document.querySelector('#rec-`+id+`')?.dataset.status === 'rejected'`)
		var status, reason string
		if err := db.QueryRow(`SELECT status, decision_reason FROM decision_recommendations WHERE id = ?`, id).Scan(&status, &reason); err != nil {
			t.Fatal(err)
		}
		if status != "rejected" || reason != "stokta yok" {
			t.Errorf("stored %s with reason %q", status, reason)
		}
		if b.eval(`window.__noReload || 0`) != 1 {
			t.Error("the decision reloaded the page")
		}
	})

	t.Run("edit and approve a draft", func(t *testing.T) {
		// The demo's pricing cards with a draft reply that can reach the customer (not one on a
		// channel the demo cannot send on, whose Approve is refused) may sit past the first page
		// (10 groups a page): follow the next-page link until one shows.
		b.open("/app/approvals/?kind=pricing")
		id := ""
		for range 30 {
			id = b.str(`[...document.querySelectorAll('#queue .rec')].find(r => r.querySelector('textarea[name=draft]') && !r.querySelector('[data-cannot-reach]'))?.dataset.recId || ''`)
			next := b.str(`document.querySelector('#queue [data-next-page]')?.getAttribute('href') || ''`)
			if id != "" || next == "" {
				break
			}
			b.open(next)
		}
		if id == "" {
			t.Fatal("no pricing card with a draft reply that can reach its customer on any page")
		}
		b.eval(`window.__noReload = 1`)
		edited := "Merhaba, 800 m² için fiyatımız 292.000 TRY, nakliye dahil."
		b.eval(`document.querySelector('#draft-` + id + `').value = ''; 1`)
		b.run("edit the draft", chromedp.SendKeys(chromedp.CSS(`#draft-`+id), edited))
		b.run("approve with the edit", chromedp.Click(chromedp.CSS(`#rec-`+id+` [data-approve]`)))
		b.waitFor("the approved card", `document.querySelector('#rec-`+id+`')?.dataset.status === 'approved'`)
		var status, draft string
		if err := db.QueryRow(`SELECT status, draft_reply FROM decision_recommendations WHERE id = ?`, id).Scan(&status, &draft); err != nil {
			t.Fatal(err)
		}
		if status != "approved" || draft != edited {
			t.Errorf("stored %s with draft %q, want approved with %q", status, draft, edited)
		}
		if got := b.str(`document.querySelector('#rec-` + id + ` blockquote')?.textContent || ''`); got != edited {
			t.Errorf("the decided card shows %q", got)
		}
		if b.eval(`document.querySelectorAll('#rec-`+id+` form[action$="/send"]').length`) != 1 {
			t.Error("the approved draft offers no Send button")
		}
		if b.eval(`window.__noReload || 0`) != 1 {
			t.Error("the decision reloaded the page")
		}
	})

	t.Run("bulk approve", func(t *testing.T) {
		b.open("/app/approvals/")
		now := pending()
		b.run("select the page", chromedp.Click(chromedp.CSS(`[data-select-all]`)))
		picked := int(b.eval(`document.querySelectorAll('input[data-pick]:checked').length`))
		if picked < approvals.GroupsPerPage {
			t.Fatalf("select all picked %d", picked)
		}
		// Drafts whose reply cannot reach the customer (the demo sends on no WhatsApp number) are
		// not approved: they stay, and the banner names them.
		stay := int(b.eval(`[...document.querySelectorAll('input[data-pick]:checked')].filter(e => e.closest('.rec').querySelector('[data-cannot-reach]')).length`))
		b.run("approve selected", chromedp.Click(chromedp.CSS(`[data-bulk-approve]`)))
		b.waitFor("the banner", `!!document.querySelector('.flash-ok')`)
		if got := pending(); got != now-picked+stay {
			t.Errorf("pending after bulk %d, want %d (%d picked, %d that cannot reach their customer)", got, now-picked+stay, picked, stay)
		}
		banner := b.str(`document.querySelector('.flash-ok').textContent`)
		if !strings.Contains(banner, strconv.Itoa(picked-stay)) {
			t.Errorf("banner %q does not say %d", banner, picked-stay)
		}
		if left := b.eval(`document.querySelectorAll('input[data-pick]:checked').length`); left != 0 {
			t.Errorf("%.0f boxes still checked after the bulk decision", left)
		}
	})
}

// loadFactor is the 1-minute load average per core, at least 1 (Linux; 1 elsewhere).
func loadFactor() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 1
	}
	l, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 1
	}
	return max(1, l/float64(goruntime.NumCPU()))
}
