package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
)

// TestTimeEntryOverlapAndDayTotal: one person's clocked stretches of a day do not overlap, and
// their day holds at most 24 hours; a refusal names the other entry (or what is logged already)
// at the field, in the person's language, keeps what was typed and stores nothing. A change does
// not collide with the entry itself; another person's time does not count.
func TestTimeEntryOverlapAndDayTotal(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	// Yesterday: its times are in the past, and its month is still open.
	d := day(time.Now().AddDate(0, 0, -1))
	tid := strconv.FormatInt(te.ticket.ID, 10)
	rows := func() int {
		t.Helper()
		return te.count(t, `SELECT count(*) FROM msp_time_entries`)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"10:00"}, "end": {"12:00"},
		"billable": {"1"}}), http.StatusSeeOther, "first stretch")

	// A stretch inside it: refused at the start, naming 10:00–12:00 and the ticket, in Turkish.
	r := te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"10:30"}, "end": {"11:30"},
		"billable": {"1"}, "note": {"ikinci"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "overlapping stretch")
	doc := r.Doc(t)
	msg := doc.Find("#te-start").Parent().Find(".field-error").Text()
	if !strings.Contains(msg, "10:00–12:00") || !strings.Contains(msg, te.ticket.Ref()) || !strings.Contains(msg, "çakışıyor") {
		t.Fatalf("overlap message %q", msg)
	}
	if v, _ := doc.Find("#te-start").Attr("value"); v != "10:30" {
		t.Fatalf("start as typed: %q", v)
	}
	if doc.Find("#te-end").AttrOr("aria-invalid", "") != "true" {
		t.Fatal("the end is not marked")
	}
	if n := rows(); n != 1 {
		t.Fatalf("%d entries after a refused overlap", n)
	}
	// Touching ends do not overlap; another person's same hours do not count.
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"12:00"}, "end": {"12:45"}}),
		http.StatusSeeOther, "next stretch")
	wantStatus(t, te.owner.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"10:30"}, "end": {"11:30"}}),
		http.StatusSeeOther, "another person")

	// The day's total: 2 h 45 min logged; 22 h more is refused at the hours field, saying so.
	r = te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "hours": {"22"}, "minutes": {"0"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "past 24 h")
	doc = r.Doc(t)
	if msg := doc.Find("#te-hours-error").Text(); !strings.Contains(msg, "2 sa 45 dk") || !strings.Contains(msg, "24 saat") {
		t.Fatalf("day total message %q", msg)
	}
	if v, _ := doc.Find("#te-hours").Attr("value"); v != "22" {
		t.Fatalf("hours as typed: %q", v)
	}
	if n := rows(); n != 3 {
		t.Fatalf("%d entries after a refused day total", n)
	}
	// A duration only fills the day up to 24 h exactly; it never collides with a stretch.
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "hours": {"21"}, "minutes": {"15"}}),
		http.StatusSeeOther, "up to 24 h")
	if r := te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "minutes": {"1"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a minute past 24 h: %d", r.StatusCode)
	}

	// Changes: the first stretch moved within itself is fine (no collision with itself); moved onto
	// the second one it is refused and stays as it was.
	var first int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries WHERE user_id = (SELECT user_id FROM msp_time_entries
		ORDER BY id LIMIT 1) ORDER BY id LIMIT 1`).Scan(&first); err != nil {
		t.Fatal(err)
	}
	edit := "/app/msp/time/entries/" + strconv.FormatInt(first, 10) + "/edit"
	wantStatus(t, te.oper.Post(edit, url.Values{"day": {d}, "start": {"10:15"}, "end": {"12:00"}, "billable": {"1"}}), http.StatusSeeOther, "change within itself")
	r = te.oper.Post(edit, url.Values{"day": {d}, "start": {"10:15"}, "end": {"12:30"}, "billable": {"1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "change onto the next stretch")
	if msg := r.Doc(t).Find("#te-start-error").Text(); !strings.Contains(msg, "12:00–12:45") {
		t.Fatalf("change overlap message %q", msg)
	}
	var endedAt int64
	var mins int
	if err := te.db.Read.QueryRow(`SELECT ended_at, minutes FROM msp_time_entries WHERE id = ?`, first).Scan(&endedAt, &mins); err != nil {
		t.Fatal(err)
	}
	if mins != 105 {
		t.Fatalf("a refused change changed the entry: %d min", mins)
	}
}

// TestTimeEntryOverlapInEnglishAndArabic: the refusals read in the person's language.
func TestTimeEntryOverlapInEnglishAndArabic(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ locale, overlap, full string }{
		{"en", "Overlaps 09:00–10:00 on", "already logged that day"},
		{"ar", "09:00–10:00", "في ذلك اليوم"},
	} {
		te := newTimeEnv(t, false, c.locale)
		d := day(time.Now().AddDate(0, 0, -1))
		tid := strconv.FormatInt(te.ticket.ID, 10)
		wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"09:00"}, "end": {"10:00"}}),
			http.StatusSeeOther, "first")
		r := te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"09:30"}, "end": {"10:30"}})
		if msg := r.Doc(t).Find("#te-start").Parent().Find(".field-error").Text(); !strings.Contains(msg, c.overlap) {
			t.Errorf("%s overlap: %q", c.locale, msg)
		}
		r = te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "hours": {"23"}, "minutes": {"30"}})
		if msg := r.Doc(t).Find("#te-hours-error").Text(); !strings.Contains(msg, c.full) {
			t.Errorf("%s day total: %q", c.locale, msg)
		}
	}
}

// TestTimerStopOverlap: stopping a timer whose stretch overlaps time the person already logged
// that day is refused with a message naming the other entry, in the person's language; no entry
// is written and the timer keeps running, so nothing is lost. Once the other entry is gone, the
// same timer stops into an entry.
func TestTimerStopOverlap(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Fatal(err)
	}
	apptest.SetZone(t, te.owner, ist.String())
	tid := strconv.FormatInt(te.ticket.ID, 10)
	// The timer started two hours ago (five near midnight, so its stretch and the typed one share a day).
	started := time.Now().In(ist).Truncate(time.Minute).Add(-2 * time.Hour)
	if started.Hour() >= 22 {
		started = started.Add(-3 * time.Hour)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {tid}}), http.StatusSeeOther, "start")
	if _, err := te.db.Write.Exec(`UPDATE msp_timers SET started_at = ?`, started.UnixMilli()); err != nil {
		t.Fatal(err)
	}
	from, to := started.Add(30*time.Minute), started.Add(time.Hour)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "day": {day(from)},
		"start": {from.Format("15:04")}, "end": {to.Format("15:04")}}), http.StatusSeeOther, "a call typed in while the timer ran")

	back := "/app/msp/tickets/" + tid + "/time"
	r := te.oper.Post("/app/msp/time/timer/stop", url.Values{"back": {back}})
	wantStatus(t, r, http.StatusSeeOther, "stop over logged time")
	if loc := r.Header.Get("Location"); loc != back {
		t.Fatalf("a refused stop led to %q, want back to %q", loc, back)
	}
	r = te.oper.Get(back)
	if r.Doc(t).Find("#timer-stop").Length() != 1 {
		t.Fatal("the timer is not shown running after the refused stop")
	}
	r.Body = r.Doc(t).Find(".flash-error").Text()
	// The banner's words from the other entry (its times, the client's name) each keep their own
	// direction between Unicode isolates.
	span := "\u2068" + from.Format("15:04") + "\u2069–\u2068" + to.Format("15:04") + "\u2069"
	if !strings.Contains(r.Body, span) || !strings.Contains(r.Body, "\u2068Kuzey Lojistik\u2069") || !strings.Contains(r.Body, "Sayaç çalışmaya devam ediyor") {
		t.Fatalf("overlap message does not name %s for the client in Turkish: %.3000s", span, r.Body)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatalf("%d entries after a refused stop, want the typed 1", n)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_timers`); n != 1 {
		t.Fatal("the refused stop threw the timer away")
	}
	// Without the colliding entry the same timer stops into its entry.
	if _, err := te.db.Write.Exec(`DELETE FROM msp_time_entries`); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/timer/stop", nil), http.StatusSeeOther, "stop")
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries WHERE started_at = ?`, started.UnixMilli()); n != 1 {
		t.Fatal("the timer did not stop into its entry")
	}
}

// A timer that ran past midnight counts on the day it started, with its clock times (23:30–00:45):
// the half hour after midnight is not logged a second time on the next day (the check looked at
// the entries of the same day only, so 00:00–00:30 typed the next morning was billed twice).
func TestTimeEntryOverlapAcrossMidnight(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	ctx := context.Background()
	loc, err := hoursdb.Zone(ctx, te.db.Read)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(loc)
	d1 := time.Date(now.Year(), now.Month(), now.Day()-2, 23, 30, 0, 0, loc)
	d2 := d1.AddDate(0, 0, 1)
	// What stopping that timer stored (oscar's entry, on the day it started).
	oscar := te.oper.UserID
	if _, err := te.db.Exec(ctx, `INSERT INTO msp_time_entries(ticket_id, client_id, user_id, user_name, work_day, started_at, ended_at,
		minutes, billable, note, created_at, updated_at) VALUES(?, ?, ?, 'oscar', ?, ?, ?, 75, 1, '', 0, 0)`, te.ticket.ID, te.client, oscar,
		day(d1), d1.UnixMilli(), d1.Add(75*time.Minute).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	tid := strconv.FormatInt(te.ticket.ID, 10)
	r := te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(d2)}, "start": {"00:00"}, "end": {"00:30"},
		"billable": {"1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "the stretch after midnight again")
	if msg := r.Doc(t).Find("#te-start").Parent().Find(".field-error").Text(); !strings.Contains(msg, "23:30–00:45") {
		t.Fatalf("overlap message %q", msg)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 1 {
		t.Fatalf("%d entries", n)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {day(d2)}, "start": {"00:45"}, "end": {"01:30"}}),
		http.StatusSeeOther, "the stretch after the timer")
}
