package analytics_test

import (
	"context"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// Site visits count a person once, as the lead they were merged into stands: Ayşe wrote from
// two numbers, had a site visit on the first lead, and the team merged that lead into the second,
// which is now won. She is one visited lead, won (it said two visited leads, one won: 50 %), and
// her time to visit runs from her first message (her conversations moved to the kept lead, so
// the visit of the merged lead was left out of the median); so does the time to her quote.
func TestVisitsCountAMergedPersonOnce(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "tr")
	db := e.DB("tas")
	ctx := context.Background()
	t0 := time.Now().Add(-72 * time.Hour)
	lead := func(ext string) int64 {
		t.Helper()
		r, err := e.Handlers.InboxService.Ingest(ctx, "tas", db, inbox.Inbound{Channel: "whatsapp", ExternalID: ext, Phone: "+90532000000" + ext, Body: "Keşif?"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE messages SET created_at = ? WHERE id = ?`, t0.UnixMilli(), r.MessageID); err != nil {
			t.Fatal(err)
		}
		return r.LeadID
	}
	first, second := lead("1"), lead("2")
	for i, l := range []int64{first, second} {
		if _, err := db.Exec(ctx, `INSERT INTO site_visits(lead_id, status, starts_at, token, created_at, updated_at, approved_at, done_at) VALUES(?, 'done', ?, ?, ?, ?, ?, ?)`,
			l, t0.Add(time.Duration(24*(i+1))*time.Hour).UnixMilli(), "tok"+string(rune('a'+i)), t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli()); err != nil {
			t.Fatal(err)
		}
	}
	if err := inbox.MergeLeads(ctx, db, second, first, inbox.LeadActor{UserID: 1, Name: "owner"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `UPDATE leads SET stage = 'won' WHERE id = ?`, second); err != nil {
		t.Fatal(err)
	}
	// A quote sent on the merged lead 10 hours after her first message.
	sent := t0.Add(10 * time.Hour).UnixMilli()
	if _, err := db.Exec(ctx, `INSERT INTO quotes(number, year, seq, lead_id, valid_until, token, status, approved_at, sent_at, created_at, updated_at)
		VALUES('TKL-1', 2026, 1, ?, ?, 'qt', 'sent', ?, ?, ?, ?)`, first, sent+86400000*30, sent, sent, sent, sent); err != nil {
		t.Fatal(err)
	}
	snap, _, err := analytics.Build(ctx, db, time.Now(), analytics.Params{Currency: "TRY"})
	if err != nil {
		t.Fatal(err)
	}
	if k := snap.KPI; k.VisitsDone != 2 || k.VisitWonRate != 100 || k.VisitLeadHours != 24 {
		t.Errorf("visits done %d, visit to won %v %%, time to visit %v h; want 2 visits of one person, won, 24 h after her first message",
			k.VisitsDone, k.VisitWonRate, k.VisitLeadHours)
	}
	if k := snap.KPI; k.QuotesSent != 1 || k.QuoteLeadHours != 10 {
		t.Errorf("quotes sent %d, time to quote %v h; want the merged lead's quote 10 h after her first message", k.QuotesSent, k.QuoteLeadHours)
	}
}
