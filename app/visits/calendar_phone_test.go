package visits_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/inbox"
)

// TestCalendarDialsTheCustomer: the calendar and a visit's page showed no phone number, while
// whoever drives to the site wants to tap and call the customer. The week's grid, the phone's
// agenda and the visit's page now link the number (as people write it, dialled in its
// international form), one left-to-right piece on an Arabic page; a customer who gave no name is
// named by that number (once: the link to call), as the inbox names them, also in the heading of
// the visit's page, where the number stays one piece on an Arabic page.
func TestCalendarDialsTheCustomer(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	res, err := f.e.Handlers.InboxService.Ingest(t.Context(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: "905551234567", Phone: "+905551234567", Body: "Otopark için andezit, keşfe gelir misiniz?"})
	if err != nil {
		t.Fatal(err)
	}
	mon := nextMonday10()
	v := f.book(t, res.ConversationID, mon, f.op.UserID)
	named := f.book(t, f.conv, mon.Add(3*time.Hour), f.op.UserID)
	const shown, dial = "+90 555 123 45 67", "tel:+905551234567"
	for _, lang := range []string{"tr", "ar"} {
		doc := f.viewer.Get("/app/visits/?date=" + mon.Format("2006-01-02") + "&lang=" + lang).Doc(t)
		for where, sel := range map[string]string{"grid": ".cal-grid .cal-visit", "agenda": ".cal-agenda li"} {
			item := doc.Find(fmt.Sprintf(`%s:has(a[href="/app/visits/%d/"])`, sel, v.ID))
			tel := item.Find(`a[href="` + dial + `"]`)
			if tel.Length() != 1 || strings.TrimSpace(tel.Text()) != shown || tel.AttrOr("dir", "") != "ltr" {
				t.Errorf("%s, %s: the number to call is %d links reading %q (dir %q)", lang, where, tel.Length(), tel.Text(), tel.AttrOr("dir", ""))
			}
			if n := strings.Count(item.Text(), shown); n != 1 {
				t.Errorf("%s, %s: the nameless customer's number is shown %d times: %q", lang, where, n, strings.Join(strings.Fields(item.Text()), " "))
			}
			if other := doc.Find(fmt.Sprintf(`%s:has(a[href="/app/visits/%d/"])`, sel, named.ID)); other.Find(`a[href^="tel:"]`).Length() != 0 ||
				!strings.Contains(other.Find(".cal-name").Text(), "Deniz Yılmaz") {
				t.Errorf("%s, %s: a web chat visitor with no number reads %q", lang, where, strings.Join(strings.Fields(other.Text()), " "))
			}
		}
		page := f.viewer.Get(fmt.Sprintf("/app/visits/%d/?lang=%s", v.ID, lang)).Doc(t)
		tel := page.Find(`#visit a[href="` + dial + `"]`)
		if tel.Length() != 1 || strings.TrimSpace(tel.Text()) != shown || tel.AttrOr("dir", "") != "ltr" {
			t.Errorf("%s: the visit's page links the number %d times, reading %q", lang, tel.Length(), tel.Text())
		}
		if h := page.Find("h1.page-title bdi[dir=ltr]").Text(); h != shown {
			t.Errorf("%s: the visit's page is headed %q, the number not one left-to-right piece", lang, page.Find("h1.page-title").Text())
		}
	}
}

// TestCalendarOnSundayOpensTheWeekAhead: on a Sunday the calendar opened on the week that is
// ending, with only that Sunday left, when the team sits down to plan the week ahead. On a
// Sunday it now opens on the coming week, says so and links today's day; a week asked for by
// date, and every other day of the week, open as before, and the week switcher steps from there.
func TestCalendarOnSundayOpensTheWeekAhead(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	loc := hours.DefaultLocation()
	mon := nextMonday10()
	sunday := mon.AddDate(0, 0, -1).Add(-time.Hour) // 09:00 on the Sunday before
	f.e.Handlers.Visits.Now = func() time.Time { return sunday }
	v := f.book(t, f.conv, mon.AddDate(0, 0, 1), f.op.UserID) // Tuesday of the coming week

	doc := f.owner.Get("/app/visits/?lang=tr").Doc(t)
	if doc.Find(fmt.Sprintf(`.cal-grid a[href="/app/visits/%d/"]`, v.ID)).Length() != 1 {
		t.Errorf("on Sunday the calendar opens on %q, without Tuesday's visit", doc.Find(".cal-range").Text())
	}
	if got := doc.Find(".cal-dayhead").First().Find("a").AttrOr("href", ""); !strings.Contains(got, "date="+mon.Format("2006-01-02")) {
		t.Errorf("the week starts at %q, want the coming Monday %s", got, mon.Format("2006-01-02"))
	}
	ahead := doc.Find("[data-week-ahead]")
	if !strings.Contains(ahead.Text(), "önümüzdeki haftayı") {
		t.Errorf("the page does not say it shows the coming week: %q", ahead.Text())
	}
	if href := ahead.Find("a").AttrOr("href", ""); !strings.Contains(href, "view=day") || !strings.Contains(href, "date="+sunday.In(loc).Format("2006-01-02")) {
		t.Errorf("today's visits link to %q", href)
	}
	if href := doc.Find(`a[rel="prev"]`).AttrOr("href", ""); !strings.Contains(href, "date="+mon.AddDate(0, 0, -7).Format("2006-01-02")) {
		t.Errorf("the previous week links to %q", href)
	}
	// The week ending today, asked for, is shown as asked, without the note.
	doc = f.owner.Get("/app/visits/?lang=tr&date=" + sunday.In(loc).Format("2006-01-02")).Doc(t)
	if doc.Find(".cal-dayhead.is-today").Length() != 1 || doc.Find("[data-week-ahead]").Length() != 0 {
		t.Error("the week holding Sunday, asked for by date, is not shown as it is")
	}
	// Today's day view is today.
	doc = f.owner.Get("/app/visits/?view=day&lang=tr").Doc(t)
	if doc.Find(".cal-dayhead.is-today").Length() != 1 {
		t.Error("on Sunday the day view does not show today")
	}
	// On Saturday the week holding today opens, as on any other day.
	f.e.Handlers.Visits.Now = func() time.Time { return sunday.AddDate(0, 0, -1) }
	doc = f.owner.Get("/app/visits/?lang=tr").Doc(t)
	if doc.Find(".cal-dayhead.is-today").Length() != 1 || doc.Find("[data-week-ahead]").Length() != 0 {
		t.Error("on Saturday the calendar does not open on the week holding today")
	}
}
