package app_test

import (
	"context"
	"testing"

	"highvibe/app"
)

// TestDemoMSPTimeFitsTheDay: the IT provider's demo logs its technician's time without two
// clocked stretches of one day overlapping, and no person's day holds more than 24 hours.
func TestDemoMSPTimeFitsTheDay(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	db := e.DB(app.DemoMSPSlug)
	ctx := context.Background()
	var entries, overlaps, fullDays int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM msp_time_entries`).Scan(&entries); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM msp_time_entries a JOIN msp_time_entries b
		ON a.user_id = b.user_id AND a.work_day = b.work_day AND a.id < b.id
		WHERE a.started_at IS NOT NULL AND b.started_at IS NOT NULL AND a.started_at < b.ended_at AND b.started_at < a.ended_at`).Scan(&overlaps); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT sum(minutes) m FROM msp_time_entries
		GROUP BY user_id, work_day HAVING m > 1440)`).Scan(&fullDays); err != nil {
		t.Fatal(err)
	}
	if entries < 100 || overlaps != 0 || fullDays != 0 {
		t.Fatalf("demo time: %d entries, %d overlapping pairs, %d days over 24 h", entries, overlaps, fullDays)
	}
}
