package app_test

import (
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
)

// TestDemoOpenLeadsAreRecent: a lead the demo keeps open (not won or lost) arrived in the last
// 30 days, whatever day and hour the demo is seeded. Its stage followed the age drawn for it,
// while a weekend lead's first message is moved to a weekday of the week before (up to six days
// earlier), so a quote still weighed could be 31 days old: seeded on a Sunday at 11:00 UTC, one
// open lead was 30.99 days old, and TestDemoWorkloadOfASmallTeam, run minutes after the seeding,
// found it older than a month.
func TestDemoOpenLeadsAreRecent(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{
		time.Date(2026, 11, 29, 11, 0, 0, 0, time.UTC), // a Sunday, 14:00 in Istanbul
		time.Date(2026, 11, 28, 8, 0, 0, 0, time.UTC),  // a Saturday, 11:00 in Istanbul
	} {
		e := demoSeededAt(t, at)
		rows, err := e.DB(app.DemoSlug).Read.Query(`SELECT external_id, stage, created_at FROM leads WHERE external_id LIKE 'demo-lead-%'
			AND stage NOT IN ('won','lost') AND created_at < ?`, at.AddDate(0, 0, -30).UnixMilli())
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var ext, stage string
			var created int64
			if err := rows.Scan(&ext, &stage, &created); err != nil {
				t.Fatal(err)
			}
			t.Errorf("seeded %s: %s is %s, created %.1f days before", at.Format("Mon 2006-01-02 15:04 MST"), ext, stage, at.Sub(time.UnixMilli(created)).Hours()/24)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
}

// demoSeededAt is a fresh server whose demo was seeded as at the moment at (Server.DemoNow).
func demoSeededAt(t *testing.T, at time.Time) *apptest.Env {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Server.DemoNow = func() time.Time { return at }
	if _, err := e.Server.EnsureDemo(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e
}
