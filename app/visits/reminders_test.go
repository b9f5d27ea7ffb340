package visits_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/visits"
)

func TestReminderTimes(t *testing.T) {
	t.Parallel()
	ist, _ := time.LoadLocation("Europe/Istanbul")
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, ist)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	start := at("2026-12-08 11:00")
	for _, c := range []struct {
		name, now, want string
		ok              bool
	}{
		{"the day before at 10:00", "2026-12-01 09:00", "2026-12-07 10:00", true},
		{"booked after that: right away", "2026-12-07 15:30", "2026-12-07 15:30", true},
		{"on the morning itself: right away", "2026-12-08 08:00", "2026-12-08 08:00", true},
		{"started: none", "2026-12-08 11:00", "", false},
	} {
		got, ok := visits.CustomerReminderAt(start, ist, at(c.now))
		if ok != c.ok || (ok && !got.Equal(at(c.want))) {
			t.Errorf("customer, %s: %v %v, want %s", c.name, got.In(ist), ok, c.want)
		}
	}
	// 10:00 in Istanbul is 07:00 UTC, all year (no summer time).
	if got, _ := visits.CustomerReminderAt(at("2027-07-06 09:00"), ist, at("2027-07-01 00:00")); got.UTC().Format("2006-01-02 15:04") != "2027-07-05 07:00" {
		t.Errorf("summer: %v", got.UTC())
	}
	if got, ok := visits.AssigneeReminderAt(start, at("2026-12-01 09:00")); !ok || !got.Equal(at("2026-12-08 10:00")) {
		t.Errorf("assignee: %v", got)
	}
	if got, ok := visits.AssigneeReminderAt(start, at("2026-12-08 10:30")); !ok || !got.Equal(at("2026-12-08 10:30")) {
		t.Errorf("assignee, late: %v", got)
	}
}

// istanbul switches the tenant's business hours on in Europe/Istanbul.
func istanbul(t *testing.T, db *tenantdb.DB) *time.Location {
	t.Helper()
	cfg := hours.Default()
	cfg.Enabled = true
	if err := hoursdb.Save(context.Background(), db, cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Istanbul")
	return loc
}

func runAt(t *testing.T, db *tenantdb.DB, kind string, visit int64) []time.Time {
	t.Helper()
	rows, err := db.Read.Query(`SELECT run_at FROM jobs WHERE kind = ? AND json_extract(payload, '$.visit_id') = ? ORDER BY id`, kind, visit)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var ms int64
		if err := rows.Scan(&ms); err != nil {
			t.Fatal(err)
		}
		out = append(out, time.UnixMilli(ms))
	}
	return out
}

// On approval the reminders are planned as jobs at the right local times: the customer's the day
// before at 10:00 Istanbul time, the assignees' an hour before.
func TestRemindersPlannedOnApproval(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	ctx := context.Background()
	db := f.e.DB("acme")
	loc := istanbul(t, db)
	d := time.Now().In(loc).AddDate(0, 0, 3)
	start := time.Date(d.Year(), d.Month(), d.Day(), 11, 0, 0, 0, loc)
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: f.conv, Start: start, DurationMin: 60, Assignees: []int64{1}}, visits.Actor{UserID: 1, Name: "talha"})
	if err != nil {
		t.Fatal(err)
	}
	if got := runAt(t, db, visits.JobRemindCustomer, v.ID); len(got) != 0 {
		t.Fatalf("reminders planned before approval: %v", got)
	}
	if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: v.RecommendationID, Verb: "approve", Actor: approvals.Actor{UserID: 1, Name: "talha"}}); err != nil {
		t.Fatal(err)
	}
	cust, team := runAt(t, db, visits.JobRemindCustomer, v.ID), runAt(t, db, visits.JobRemindAssignee, v.ID)
	wantCust := time.Date(d.Year(), d.Month(), d.Day()-1, 10, 0, 0, 0, loc)
	if len(cust) != 1 || !cust[0].Equal(wantCust) || cust[0].UTC().Hour() != 7 {
		t.Errorf("customer reminder at %v, want %v", cust, wantCust)
	}
	if len(team) != 1 || !team[0].Equal(start.Add(-time.Hour)) {
		t.Errorf("assignee reminder at %v, want %v", team, start.Add(-time.Hour))
	}
}

// Reminders are durable: planned while no runner runs, they fire after a restart; a reminder
// whose visit was moved meanwhile does nothing.
func TestRemindersFireAfterRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ctx := context.Background()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	istanbul(t, db)
	svc := &inbox.Service{Channels: channels.Registry()}
	var convs []int64
	for _, ext := range []string{"r1", "r2"} {
		res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: ext, Name: "Deniz " + ext, Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		convs = append(convs, res.ConversationID)
	}
	op := e.User("acme", "olga", "operator")
	a := visits.Actor{UserID: op.UserID, Name: "olga"}
	// Two people go, one to each visit: one person is never booked twice at the same time.
	goers := []int64{op.UserID, e.User("acme", "oscar", "operator").UserID}
	var vs []*visits.Visit
	for i, conv := range convs {
		// Starting in 50 minutes: both reminders are due at once.
		v, err := visits.Book(ctx, db, visits.Booking{ConversationID: conv, Start: time.Now().Add(50 * time.Minute), DurationMin: 60, Assignees: []int64{goers[i]}}, a)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: v.RecommendationID, Verb: "approve", Actor: approvals.Actor{UserID: op.UserID, Name: "olga"}}); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	// The second visit moves to another day: back to proposed, its planned reminders are stale.
	if _, err := visits.Reschedule(ctx, db, vs[1].ID, time.Now().Add(72*time.Hour), 0, a); err != nil {
		t.Fatal(err)
	}
	e.Close()

	e2 := apptest.NewWith(t, apptest.Options{DataDir: dir})
	db = e2.DB("acme")
	settle(t, db)
	first, _ := visits.ByID(ctx, db.Read, vs[0].ID)
	moved, _ := visits.ByID(ctx, db.Read, vs[1].ID)
	if first.RemindedCustomerAt == 0 || first.RemindedAssigneeAt == 0 {
		t.Fatalf("reminders did not fire after the restart: %+v", first)
	}
	if moved.RemindedCustomerAt != 0 || moved.RemindedAssigneeAt != 0 || moved.Status != visits.StatusProposed {
		t.Fatalf("a stale reminder acted on the moved visit: %+v", moved)
	}
	if n := count(t, db, `SELECT count(*) FROM messages WHERE annotations LIKE '%visit_reminder%'`); n != 1 {
		t.Errorf("%d reminder messages, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'visit_soon' AND user_id = ? AND conversation_id = ?`, op.UserID, convs[0]); n != 1 {
		t.Errorf("%d visit_soon notifications, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM notifications WHERE kind = 'visit_soon' AND conversation_id = ?`, convs[1]); n != 0 {
		t.Errorf("the moved visit's assignee was told")
	}
	// The assignee reads it in the notification centre, and can choose where it reaches them.
	olga := e2.Client()
	olga.Login("olga", apptest.Password)
	if r := olga.Get("/app/notifications/"); !strings.Contains(r.Body, "<bdi>Deniz r1</bdi> ile keşif bir saat sonra") {
		t.Errorf("notification centre does not say the visit is soon")
	}
	if r := olga.Get("/app/notifications/settings"); !strings.Contains(r.Body, "Yaklaşan keşif") {
		t.Errorf("no preference for the visit_soon kind")
	}
	// The moved visit was approved but moved before its confirmation job ran: no confirmation of
	// a date that no longer stands; its new date waits in the queue.
	if n := count(t, db, confirmations); n != 1 {
		t.Errorf("%d confirmations, want 1", n)
	}
}
