package app_test

import (
	"context"
	"encoding/json"
	"testing"

	"highvibe/app"
)

// The demo's first KPI snapshot is taken after everything is seeded: its site-visit figures count
// the seeded visits (they read 0 booked, 0 done when the snapshot came before the visits), its
// quotes the sent quote; the IT provider's tenant has a snapshot too, with its MSP reports.
func TestDemoSnapshotCountsEverythingSeeded(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	ctx := context.Background()
	var kpi string
	if err := e.DB(app.DemoSlug).Read.QueryRowContext(ctx, `SELECT kpi FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).Scan(&kpi); err != nil {
		t.Fatal(err)
	}
	var k struct {
		Booked int `json:"visits_booked"`
		Done   int `json:"visits_done"`
		Quotes int `json:"quotes_sent"`
	}
	if err := json.Unmarshal([]byte(kpi), &k); err != nil {
		t.Fatal(err)
	}
	var booked, done int
	if err := e.DB(app.DemoSlug).Read.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'done') FROM site_visits`).Scan(&booked, &done); err != nil {
		t.Fatal(err)
	}
	if booked == 0 || done == 0 || k.Booked != booked || k.Done != done || k.Quotes == 0 {
		t.Fatalf("snapshot: %d booked, %d done, %d quotes sent; the demo has %d visits, %d done", k.Booked, k.Done, k.Quotes, booked, done)
	}
	var pack string
	if err := e.DB(app.DemoMSPSlug).Read.QueryRowContext(ctx, `SELECT chart_pack FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).Scan(&pack); err != nil {
		t.Fatalf("the IT provider has no snapshot: %v", err)
	}
	var p struct {
		P *struct {
			Summary struct {
				Tickets int `json:"tickets"`
			} `json:"summary"`
		} `json:"msp_payload"`
	}
	if err := json.Unmarshal([]byte(pack), &p); err != nil || p.P == nil || p.P.Summary.Tickets == 0 {
		t.Fatalf("the IT provider's snapshot has no MSP reports: %v %.300s", err, pack)
	}
}
