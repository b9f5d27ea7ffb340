package app_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"highvibe/app"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/visits"
)

// TestBrowserSiteVisit walks a site visit the way the team does on a computer: book it from the
// conversation page (a free slot of the booking page), approve its date in the approval queue,
// find it confirmed on the week view, and drag it to another day and time — after which it waits
// for approval again with a new recommendation.
func TestBrowserSiteVisit(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	ctx := context.Background()
	db := b.e.DB(app.DemoSlug)
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	b.viewport(1366, 900, false)

	// A conversation without a visit yet.
	var conv int64
	if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'webchat' AND id NOT IN
		(SELECT coalesce(conversation_id, 0) FROM site_visits) ORDER BY id DESC LIMIT 1`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	// Book: the conversation's button, the demo owner as who goes, slots from a day two weeks on
	// (a week of its own), the first free slot.
	from := visits.WeekStart(time.Now().In(loc).AddDate(0, 0, 14), loc).AddDate(0, 0, 1) // a Tuesday
	b.open(fmt.Sprintf("/app/inbox/%d/", conv))
	b.run("book button", chromedp.Click(chromedp.CSS(`[data-book-visit]`)))
	b.waitFor("the booking page", `location.pathname === '/app/visits/book' && !!document.querySelector('#book-form')`)
	b.eval(fmt.Sprintf(`(() => { for (const c of document.querySelectorAll('#assignees input')) c.checked = c.closest('label').textContent.trim() === %q;
		document.querySelector('#from').value = %q; return 1 })()`, app.DemoUser, from.Format("2006-01-02")))
	b.run("find slots", chromedp.Click(chromedp.CSS(`[data-find]`)))
	b.waitFor("free slots", `!!document.querySelector('#slots [data-slot]') && !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`)
	slot := b.str(`(() => { const s = document.querySelector('#slots [data-slot]'); s.checked = true; return s.value })()`)
	b.run("address", chromedp.SendKeys(chromedp.CSS(`#address`), "Bağdat Cad. 300, Kadıköy"))
	b.run("book", chromedp.Click(chromedp.CSS(`[data-book]`)))
	// The booked answer replaces the page (a boosted form: the address bar may keep the form's).
	b.waitFor("booked", `!document.querySelector('#book-form') || !!document.querySelector('.field-error, .flash-error')`)
	if errs := b.str(`[...document.querySelectorAll('.field-error, .flash-error')].map(e => e.textContent).join(' | ')`); errs != "" {
		t.Fatalf("booking refused: %s", errs)
	}
	var id, rec, start int64
	var status string
	if err := db.Read.QueryRow(`SELECT id, coalesce(recommendation_id, 0), status, starts_at FROM site_visits WHERE conversation_id = ? ORDER BY id DESC LIMIT 1`, conv).
		Scan(&id, &rec, &status, &start); err != nil {
		t.Fatalf("no visit booked from slot %s: %v", slot, err)
	}
	if status != visits.StatusProposed || rec == 0 {
		t.Fatalf("booked visit %d: %s, recommendation %d", id, status, rec)
	}

	// Approve its date in the queue.
	b.open("/app/approvals/?kind=site_visit&age=today")
	for page := 0; b.eval(fmt.Sprintf(`document.querySelector('#rec-%d [data-approve]') ? 1 : 0`, rec)) == 0; page++ {
		if page > 20 || b.eval(`document.querySelector('[data-next-page]') ? 1 : 0`) == 0 {
			t.Fatalf("the visit's recommendation %d is not in the queue", rec)
		}
		b.run("next page", chromedp.Click(chromedp.CSS(`[data-next-page]`)))
		b.waitFor("the next page", `!document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')`)
	}
	b.run("approve", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#rec-%d [data-approve]`, rec))))
	b.waitFor("the decided card", fmt.Sprintf(`document.querySelector('#rec-%d')?.dataset.status === 'approved'`, rec))
	if err := db.Read.QueryRow(`SELECT status FROM site_visits WHERE id = ?`, id).Scan(&status); err != nil || status != visits.StatusConfirmed {
		t.Fatalf("after approval the visit is %q (%v)", status, err)
	}

	// The week view shows it confirmed, in its day's column at its time.
	st := time.UnixMilli(start).In(loc)
	week := visits.WeekStart(st, loc).Format("2006-01-02")
	b.open("/app/visits/?lang=tr&date=" + week)
	sel := fmt.Sprintf(`.cal-grid [data-visit="%d"]`, id)
	b.waitFor("the visit on the week", `!!document.querySelector('`+sel+`')`)
	if txt := b.str(`document.querySelector('` + sel + `').innerText`); !strings.Contains(txt, "Onaylandı") || !strings.Contains(txt, st.Format("15:04")) {
		t.Errorf("the week shows %q", txt)
	}

	// Drag it to Thursday 15:00 of the same week.
	to := visits.WeekStart(st, loc).AddDate(0, 0, 3).Add(15 * time.Hour)
	target := fmt.Sprintf(`.cal-grid [data-slot="%s"]`, to.Format("2006-01-02T15:04"))
	b.waitFor("the target slot", `!!document.querySelector('`+target+`')`)
	b.eval(`(() => {
		const v = document.querySelector('` + sel + `'), s = document.querySelector('` + target + `'), dt = new DataTransfer();
		v.dispatchEvent(new DragEvent('dragstart', {bubbles: true, cancelable: true, dataTransfer: dt}));
		s.dispatchEvent(new DragEvent('dragenter', {bubbles: true, cancelable: true, dataTransfer: dt}));
		s.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt}));
		s.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt}));
		return 1 })()`)
	b.waitFor("the page after the drop", `document.readyState === 'complete' && !!document.querySelector('.flash') && !!document.querySelector('`+sel+`')`)
	var newRec int64
	if err := db.Read.QueryRow(`SELECT status, starts_at, coalesce(recommendation_id, 0) FROM site_visits WHERE id = ?`, id).Scan(&status, &start, &newRec); err != nil {
		t.Fatal(err)
	}
	if status != visits.StatusProposed || start != to.UnixMilli() || newRec == 0 || newRec == rec {
		t.Fatalf("after the drag: %s at %s, recommendation %d (was %d)", status, time.UnixMilli(start).In(loc), newRec, rec)
	}
	var recStatus string
	if err := db.Read.QueryRow(`SELECT status FROM decision_recommendations WHERE id = ?`, newRec).Scan(&recStatus); err != nil || recStatus != "pending" {
		t.Errorf("the new recommendation is %q (%v)", recStatus, err)
	}
	if txt := b.str(`document.querySelector('` + sel + `').innerText`); !strings.Contains(txt, "Onay bekliyor") || !strings.Contains(txt, "15:00") {
		t.Errorf("after the drag the week shows %q", txt)
	}
	if col := b.str(`document.querySelector('` + sel + `').getAttribute('style')`); !strings.HasPrefix(col, "grid-column:"+strconv.Itoa(2+3)+";") {
		t.Errorf("moved visit placed at %q, want Thursday's column", col)
	}
	b.shot("visits-desktop-tr")

	// On a phone the same week is an agenda list grouped by day, the grid hidden.
	b.viewport(390, 844, true)
	b.open("/app/visits/?lang=tr&date=" + week)
	if b.eval(`getComputedStyle(document.querySelector('.cal-grid')).display === 'none' && getComputedStyle(document.querySelector('.cal-agenda')).display !== 'none' ? 1 : 0`) != 1 {
		t.Error("a phone shows the grid instead of the agenda")
	}
	if txt := b.str(`document.querySelector('.cal-agenda').innerText`); !strings.Contains(txt, "Perşembe") || !strings.Contains(txt, "15:00") {
		t.Errorf("the phone's agenda reads %q", txt)
	}
	if w := b.eval(`document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("the agenda is %.0f px wide on a 390 px phone", w)
	}
	b.shot("visits-phone-tr")
}
