package app_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app"
)

// TestDemoWaitingHandoffsAtAnyHour: the handoffs that still wait when the demo opens show each
// reason a person is needed for — a complaint, a price, a person asked for, a site-visit date —
// whatever the hour the demo is seeded. Only the first of them was sure to wait: the others
// waited when the draws handed enough of the last day's threads over, which at some hours they
// did not (no one asked for a person, and TestDemoHandoffsSayWhy failed).
func TestDemoWaitingHandoffsAtAnyHour(t *testing.T) {
	t.Parallel()
	for _, at := range []time.Time{
		time.Date(2026, 11, 30, 0, 30, 0, 0, time.UTC), // Monday 03:30 in Istanbul
		time.Date(2026, 11, 30, 5, 30, 0, 0, time.UTC),
		time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC),
		time.Date(2026, 11, 30, 17, 59, 0, 0, time.UTC),
		time.Date(2026, 11, 29, 21, 30, 0, 0, time.UTC), // Sunday, 00:30 on Monday in Istanbul
		time.Date(2026, 11, 29, 23, 59, 0, 0, time.UTC),
	} {
		e := demoSeededAt(t, at)
		var reasons string
		var n int
		if err := e.DB(app.DemoSlug).Read.QueryRow(`SELECT coalesce(group_concat(handoff_reason, ','), ''), count(*) FROM conversations
			WHERE handoff_required = 1 AND state NOT IN ('won','lost')`).Scan(&reasons, &n); err != nil {
			t.Fatal(err)
		}
		// Still a handful, as TestDemoWorkloadOfASmallTeam bounds them.
		if n < 4 || n > demoMaxWaiting {
			t.Errorf("seeded %s: %d conversations wait for a person, want a handful", at.Format("Mon 2006-01-02 15:04 MST"), n)
		}
		t.Logf("seeded %s: %d wait for a person", at.Format("Mon 15:04 MST"), n)
		for _, want := range []string{"complaint", "price", "human_requested", "date"} {
			if !strings.Contains(reasons, want) {
				t.Errorf("seeded %s: no waiting handoff for %s (reasons %q)", at.Format("Mon 2006-01-02 15:04 MST"), want, reasons)
			}
		}
	}
}
