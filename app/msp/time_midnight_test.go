package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// Night work, through the time form whose clocks are time fields (they cannot hold 24:00):
// "22:00–00:00" was refused as an end before the start, so two hours up to midnight could not be
// typed with their clock times; and an entry a timer wrote across midnight (23:30–00:30) could not
// be changed at all, not even its note, because its own end came back as "before the start". Now
// an end of 00:00 is midnight at the end of the day, and an entry that ended the next day keeps
// its end there. Any other end before the start is still refused.
func TestTimeEntryUpToAndAcrossMidnight(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Fatal(err)
	}
	apptest.SetZone(t, te.owner, ist.String())
	tid := strconv.FormatInt(te.ticket.ID, 10)
	// Yesterday: its night is over, and its month is still open for billing.
	y := time.Now().In(ist).AddDate(0, 0, -1)
	d := day(y)
	midnight := time.Date(y.Year(), y.Month(), y.Day()+1, 0, 0, 0, 0, ist)

	r := te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"22:00"}, "end": {"00:00"},
		"billable": {"1"}, "note": {"sunucu güncellemesi"}})
	wantStatus(t, r, http.StatusSeeOther, "22:00–00:00")
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries WHERE work_day = ? AND minutes = 120 AND ended_at = ?`, d, midnight.UnixMilli()); n != 1 {
		t.Fatal("22:00–00:00 was not stored as two hours up to midnight")
	}

	// A typo stays a mistake: an end before the start that is not midnight.
	r = te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {d}, "start": {"14:00"}, "end": {"13:00"}, "billable": {"1"}})
	wantStatus(t, r, http.StatusUnprocessableEntity, "14:00–13:00")
	if msg := strings.TrimSpace(r.Doc(t).Find("#te-end-error").Text()); msg != "Bitiş, başlangıçtan sonra olmalı." {
		t.Errorf("end before start says %q", msg)
	}

	// What a timer from 23:30 to 00:30 writes (on the day it started; the night before, so it
	// does not overlap the stretch above), changed for its note only.
	d, midnight = day(y.AddDate(0, 0, -1)), midnight.AddDate(0, 0, -1)
	var uid int64
	if err := te.db.Read.QueryRow(`SELECT user_id FROM msp_time_entries LIMIT 1`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	from, to := midnight.Add(-30*time.Minute), midnight.Add(30*time.Minute)
	res, err := te.db.Write.Exec(`INSERT INTO msp_time_entries(ticket_id, user_id, user_name, work_day, started_at, ended_at, minutes,
		billable, note, created_at, updated_at) VALUES(?, ?, 'oscar', ?, ?, ?, 60, 1, 'gece', ?, ?)`, te.ticket.ID, uid, d,
		from.UnixMilli(), to.UnixMilli(), to.UnixMilli(), to.UnixMilli())
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	edit := "/app/msp/time/entries/" + strconv.FormatInt(id, 10) + "/edit"
	doc := te.oper.Get(edit).Doc(t)
	start, _ := doc.Find("#te-start").Attr("value")
	end, _ := doc.Find("#te-end").Attr("value")
	if start != "23:30" || end != "00:30" {
		t.Fatalf("the overnight entry's form shows %s–%s", start, end)
	}
	r = te.oper.Post(edit, url.Values{"day": {d}, "start": {start}, "end": {end}, "billable": {"1"}, "note": {"gece: yedekleme kontrol edildi"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("changing the overnight entry's note: %d %s", r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries WHERE id = ? AND minutes = 60 AND started_at = ? AND ended_at = ?
		AND note = 'gece: yedekleme kontrol edildi'`, id, from.UnixMilli(), to.UnixMilli()); n != 1 {
		t.Fatal("the overnight entry did not keep its stretch with the new note")
	}
}
