package app_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/visits"
)

// TestBrowserVisitTimeRangeLeftToRight: a visit's time range ("11:00–12:00") reads left to right
// and stays on one line in the calendar's week and day views (the agenda a phone shows) and on
// the visit's page, on a 390 px phone and on a desktop, in Arabic, Turkish and English: in Arabic
// the range stood reversed, "12:00–11:00".
func TestBrowserVisitTimeRangeLeftToRight(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	ctx := context.Background()
	db := b.e.DB(app.DemoSlug)
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		t.Fatal(err)
	}
	var owner, conv int64
	if err := b.e.Server.Mgr.Platform.Read.QueryRow(`SELECT id FROM users WHERE username = ?`, app.DemoUser).Scan(&owner); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'webchat' ORDER BY id DESC LIMIT 1`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	// A Tuesday some nine weeks on, 11:00–12:00, clear of the demo's visits.
	tue := visits.WeekStart(time.Now().In(loc).AddDate(0, 0, 63), loc).AddDate(0, 0, 1)
	start := time.Date(tue.Year(), tue.Month(), tue.Day(), 11, 0, 0, 0, loc)
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: conv, Start: start, DurationMin: 60, Address: "Bağdat Cad. 300, Kadıköy",
		Assignees: []int64{owner}}, visits.Actor{UserID: owner, Name: app.DemoUser})
	if err != nil {
		t.Fatal(err)
	}
	ranges := runsOnOneLine(`main`, `[0-9]{1,2}:[0-9]{2}(?: [AP]M)?–[0-9]{1,2}:[0-9]{2}(?: [AP]M)?`)
	day := start.Format("2006-01-02")
	for _, vp := range []struct {
		w, h   int64
		mobile bool
		name   string
	}{{390, 844, true, "phone"}, {1366, 900, false, "desktop"}} {
		b.viewport(vp.w, vp.h, vp.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			for _, view := range []string{"week", "day"} {
				b.open(fmt.Sprintf("/app/visits/?lang=%s&view=%s&date=%s", lang, view, day))
				// The agenda (a phone's calendar) names the range; a desktop shows the grid.
				if got := b.str(ranges); got != "n:1" {
					t.Errorf("%s, %s, the %s view: %s", vp.name, lang, view, got)
				}
				if vp.mobile {
					if got := b.str(`[...document.querySelectorAll('.cal-agenda .cal-time')].filter(e => e.offsetParent).map(e => e.innerText).join(' | ')`); got != map[string]string{"en": "11:00 AM–12:00 PM"}[lang] && got != "11:00–12:00" {
						t.Errorf("%s, %s, the %s agenda's range reads %q", vp.name, lang, view, got)
					}
				}
				b.shot(fmt.Sprintf("visits-range-%s-%s-%s", view, vp.name, lang))
			}
			b.open(fmt.Sprintf("/app/visits/%d/?lang=%s", v.ID, lang))
			if got := b.str(ranges); got != "n:1" {
				t.Errorf("%s, %s, the visit's page: %s", vp.name, lang, got)
			}
		}
	}
}

// TestBrowserCalendarWeekRangeLeftToRight: the week the calendar shows ("30/11/2026 –
// 06/12/2026", its title) reads left to right on a 390 px phone and on a desktop, in Arabic,
// Turkish and English: in Arabic the dash took the page's direction and the week stood reversed,
// its last day first.
func TestBrowserCalendarWeekRangeLeftToRight(t *testing.T) {
	t.Parallel()
	b := demoBrowser(t)
	week := runsOnOneLine(`.cal-range`, `[0-9A-Za-z][0-9A-Za-z ,./]*[0-9] – [0-9A-Za-z][0-9A-Za-z ,./]*[0-9]`)
	for _, vp := range []struct {
		w, h   int64
		mobile bool
	}{{390, 844, true}, {1366, 900, false}} {
		b.viewport(vp.w, vp.h, vp.mobile)
		for _, lang := range []string{"ar", "tr", "en"} {
			b.open("/app/visits/?view=week&date=2026-12-01&lang=" + lang)
			if got := b.str(week); got != "n:1" {
				t.Errorf("%d px, %s, the week's title %q: %s", vp.w, lang, b.str(`document.querySelector('.cal-range').innerText`), got)
			}
		}
	}
}
