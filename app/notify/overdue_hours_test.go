package notify_test

import (
	"highvibe/app/hours"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"highvibe/app/jobs"
	"highvibe/app/notify"
)

// A next action's reminder was queued for its due time while the business was open then; the
// owner afterwards closes that day (a holiday added, the hours or the time zone changed). When the
// reminder's time comes and the business is closed, nobody is told on the closed day: the
// reminder moves to the next opening, as the guide promises for a due time that falls while closed.
func TestOverdueReminderFollowsHoursChangedAfterIt(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	db := e.DB("acme")
	res := tm.ingest(t, "acme", "v-h", "Ayşe Yılmaz", "Merhaba")
	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	settle(t, e, "acme")
	// Without business hours the reminder is queued for the due time itself, an hour from now.
	due := time.Now().Add(time.Hour).In(hours.DefaultLocation())
	tm.post(t, tm.olga, conv, url.Values{"next_action": {"Geri ara"}, "next_action_due_at": {due.Format("2006-01-02T15:04")}})
	var jobID int64
	if err := db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = ? AND status = 'queued' AND payload LIKE '%"overdue"%'`, notify.JobEvent).Scan(&jobID); err != nil {
		t.Fatalf("no reminder queued: %v", err)
	}
	// The owner then closes today: open round the clock in UTC, today a closed day.
	today := time.Now().UTC().Format(time.DateOnly)
	form := url.Values{"enabled": {"1"}, "zone": {"UTC"}, "after_hours": {"ack"}, "closed_days": {today + " Sayım"}}
	for d := 0; d < 7; d++ {
		form.Set("day"+strconv.Itoa(d), "00:00-24:00")
	}
	if r := tm.olga.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hours: %d %s", r.StatusCode, r.Body)
	}
	// The reminder's time comes (today, closed).
	before := tm.mark(t, "acme")
	if _, err := db.Exec(t.Context(), `UPDATE jobs SET run_at = 0 WHERE id = ?`, jobID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	settle(t, e, "acme")
	if got := tm.told(t, "acme", notify.KindOverdue, res.ConversationID, before); len(got) != 0 {
		t.Fatalf("told %v of an overdue next action on a closed day", got)
	}
	tomorrow, _ := time.Parse(time.DateOnly, today)
	tomorrow = tomorrow.AddDate(0, 0, 1)
	var at int64
	if err := db.Read.QueryRow(`SELECT run_at FROM jobs WHERE kind = ? AND status = 'queued' AND payload LIKE '%"overdue"%'`, notify.JobEvent).Scan(&at); err != nil {
		t.Fatalf("the reminder was dropped, not moved to the opening: %v", err)
	}
	if at != tomorrow.UnixMilli() {
		t.Fatalf("the reminder moved to %v, want the next opening %v", time.UnixMilli(at).UTC(), tomorrow)
	}
}
