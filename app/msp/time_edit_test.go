package msp_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Changing and removing a time entry: its author or an owner, nobody else; a bad change comes
// back at 422 with the field's error and changes nothing; a closed month's entry stays as it is;
// the action log keeps the entry before and after a change, and before a removal.
func TestTimeEntryChangeAndRemove(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	other := te.e.User("bilisim", "omer", "operator")
	now := time.Now()
	today := day(now)
	tid := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tid}, "day": {today}, "hours": {"2"}, "billable": {"1"},
		"note": {"sunucu"}}), http.StatusSeeOther, "log")
	var id int64
	if err := te.db.Read.QueryRow(`SELECT id FROM msp_time_entries`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	sid := strconv.FormatInt(id, 10)
	edit := "/app/msp/time/entries/" + sid + "/edit"
	entry := func() (int, bool, string) {
		t.Helper()
		var m int
		var b bool
		var n string
		if err := te.db.Read.QueryRow(`SELECT minutes, billable, note FROM msp_time_entries WHERE id = ?`, id).Scan(&m, &b, &n); err != nil {
			t.Fatal(err)
		}
		return m, b, n
	}

	// The ticket's time panel offers the author the change; another operator sees no link.
	if p := te.oper.Get("/app/msp/tickets/" + tid + "/time"); p.Doc(t).Find(`[data-edit-entry="`+sid+`"]`).Length() != 1 {
		t.Fatal("the author has no Change link")
	}
	if p := other.Get("/app/msp/tickets/" + tid + "/time"); p.Doc(t).Find(`[data-edit-entry]`).Length() != 0 {
		t.Fatal("another operator has a Change link")
	}
	// The form shows the entry as it is, in Turkish.
	f := te.oper.Get(edit + "?back=/app/msp/tickets/" + tid + "/time")
	wantStatus(t, f, http.StatusOK, "edit form")
	d := f.Doc(t)
	if v, _ := d.Find("#te-hours").Attr("value"); v != "2" || d.Find(".page-title").Text() != "Zaman kaydını değiştir" {
		t.Fatalf("form: hours %q, title %q", v, d.Find(".page-title").Text())
	}
	// Bad input: 422, the field's error, nothing changed.
	r := te.oper.Post(edit, url.Values{"day": {today}, "start": {"10:00"}, "end": {"09:00"}})
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Bitiş, başlangıçtan sonra olmalı.") {
		t.Fatalf("bad change: %d %.300s", r.StatusCode, r.Body)
	}
	if m, b, n := entry(); m != 120 || !b || n != "sunucu" {
		t.Fatalf("a refused change changed the entry: %d %v %q", m, b, n)
	}
	// Others: another operator and a viewer cannot change it.
	if r := other.Post(edit, url.Values{"day": {today}, "hours": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("another operator's change: %d", r.StatusCode)
	}
	if r := other.Get(edit); r.StatusCode != http.StatusForbidden {
		t.Fatalf("another operator's form: %d", r.StatusCode)
	}
	if r := te.viewer.Post(edit, url.Values{"day": {today}, "hours": {"1"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("viewer's change: %d", r.StatusCode)
	}
	// The author changes it: 1 h 30, not billable, a new note; back to the ticket's time.
	r = te.oper.Post(edit, url.Values{"day": {today}, "hours": {"1"}, "minutes": {"30"}, "note": {"sunucu + yedek"},
		"back": {"/app/msp/tickets/" + tid + "/time"}})
	wantStatus(t, r, http.StatusSeeOther, "change")
	if loc := r.Header.Get("Location"); loc != "/app/msp/tickets/"+tid+"/time" {
		t.Fatalf("back to %q", loc)
	}
	if m, b, n := entry(); m != 90 || b || n != "sunucu + yedek" {
		t.Fatalf("changed entry: %d %v %q", m, b, n)
	}
	var payload string
	if err := te.db.Read.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'time_changed'`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Before, After struct {
			Minutes  int    `json:"minutes"`
			Billable bool   `json:"billable"`
			Note     string `json:"note"`
		}
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil || p.Before.Minutes != 120 || !p.Before.Billable || p.Before.Note != "sunucu" ||
		p.After.Minutes != 90 || p.After.Billable || p.After.Note != "sunucu + yedek" {
		t.Fatalf("log payload %s", payload)
	}
	// An owner may change anyone's entry.
	wantStatus(t, te.owner.Post(edit, url.Values{"day": {today}, "hours": {"1"}, "billable": {"1"}}), http.StatusSeeOther, "owner's change")
	if m, b, _ := entry(); m != 60 || !b {
		t.Fatalf("after the owner's change: %d %v", m, b)
	}
	// A closed month's entry cannot be changed.
	old := day(now.AddDate(0, -3, 0))
	if _, err := te.db.Exec(t.Context(), `UPDATE msp_time_entries SET work_day = ? WHERE id = ?`, old, id); err != nil {
		t.Fatal(err)
	}
	if r := te.owner.Post(edit, url.Values{"day": {today}, "hours": {"3"}}); r.StatusCode != http.StatusConflict {
		t.Fatalf("change in a closed month: %d", r.StatusCode)
	}
	if r := te.owner.Get(edit); r.StatusCode != http.StatusConflict {
		t.Fatalf("form in a closed month: %d", r.StatusCode)
	}
	if _, err := te.db.Exec(t.Context(), `UPDATE msp_time_entries SET work_day = ? WHERE id = ?`, today, id); err != nil {
		t.Fatal(err)
	}
	// Removal: not by another operator; by the author, with the entry before it in the log.
	if r := other.Post("/app/msp/time/entries/"+sid+"/delete", nil); r.StatusCode != http.StatusForbidden {
		t.Fatalf("another operator's removal: %d", r.StatusCode)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/entries/"+sid+"/delete", nil), http.StatusSeeOther, "remove")
	if n := te.count(t, `SELECT count(*) FROM msp_time_entries`); n != 0 {
		t.Fatal("the entry is still there")
	}
	if err := te.db.Read.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'time_removed'`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(payload, `"before":{`) || !strings.Contains(payload, `"minutes":60`) {
		t.Fatalf("removal log %s", payload)
	}
	// The log page words the change in Turkish.
	if l := te.owner.Get("/app/logs/?q=time_changed"); !strings.Contains(l.Body, "Zaman kaydı değiştirildi") {
		t.Errorf("the log page does not word the change: %.2000s", l.Doc(t).Find("main").Text())
	}
}
