package inbox

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/jobs"
	"highvibe/app/live"
)

// TestSearchWaitsOutABurst: while the tenant's deliveries flood its writer (Service.Busy), the
// inbox_search job does not rebuild: it queues its next run within busyRecheck and the words wait
// in search_pending, up to BusySearchLag after the first run that waited; then every waiting
// document is rebuilt, and the next burst run waits afresh. Once the burst is over the search runs
// at once. The messages themselves are in the inbox all along.
func TestSearchWaitsOutABurst(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	var flood atomic.Bool
	s := &Service{Live: live.NewHub(), Channels: FakeChannels(), Busy: func(tenant string) bool { return tenant == "acme" && flood.Load() }}
	deliver := func(wamid, body string) {
		t.Helper()
		err := s.IngestBatch(ctx, "acme", db, func(b *Batch) error {
			_, err := b.Ingest(Inbound{Channel: "whatsapp", ExternalID: "905321112233", Phone: "+905321112233", ProviderMessageID: wamid, Body: body})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// run claims the queued inbox_search job as the runner does and runs it; it reports when the
	// next run is queued for (zero: none).
	run := func() time.Time {
		t.Helper()
		j := &jobs.Job{Kind: JobSearch, Tenant: "acme", DB: db, Attempt: 1, MaxTries: 8}
		if err := db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = ? AND status = 'queued'`, JobSearch).Scan(&j.ID); err != nil {
			t.Fatalf("no inbox_search job queued: %v", err)
		}
		if _, err := db.Exec(ctx, `UPDATE jobs SET status = 'running' WHERE id = ?`, j.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.IndexPending(ctx, j); err != nil {
			t.Fatal(err)
		}
		var next int64
		if err := db.Read.QueryRow(`SELECT coalesce(max(run_at), 0) FROM jobs WHERE kind = ? AND status = 'queued'`, JobSearch).Scan(&next); err != nil {
			t.Fatal(err)
		}
		if next == 0 {
			return time.Time{}
		}
		return time.UnixMilli(next)
	}
	found := func(q string) bool {
		t.Helper()
		rows, _, err := List(ctx, db.Read, Filter{Q: q})
		if err != nil {
			t.Fatal(err)
		}
		return len(rows) == 1
	}

	flood.Store(true)
	deliver("wamid.1", "Harpuşta ölçüsü 30 cm")
	if !found("") || count(t, db, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.1'`) != 1 {
		t.Fatal("the message is not in the inbox")
	}
	began := time.Now()
	next := run()
	if found("harpusta") {
		t.Fatal("the search was rebuilt during the burst")
	}
	if n := count(t, db, `SELECT count(*) FROM search_pending`); n != 1 {
		t.Fatalf("%d conversations wait for their search document, want 1", n)
	}
	if next.IsZero() || next.Before(began) || next.After(time.Now().Add(busyRecheck)) {
		t.Fatalf("the next run is queued for %v, want within %s", next, busyRecheck)
	}
	deliver("wamid.2", "Süpürgelik de lazım")
	run() // still within the span
	if found("harpusta") || found("supurgelik") {
		t.Fatal("the search was rebuilt during the burst")
	}

	// The span is over (as if BusySearchLag had passed since the first run that waited): the
	// waiting documents are rebuilt although the burst goes on.
	st := longBuildsOf(db)
	st.mu.Lock()
	if st.heldSince.IsZero() || st.heldSince.Before(began.Add(-time.Second)) {
		st.mu.Unlock()
		t.Fatalf("the span began %v, want when the first run waited (%v)", st.heldSince, began)
	}
	st.heldSince = st.heldSince.Add(-BusySearchLag)
	st.mu.Unlock()
	if next := run(); !next.IsZero() {
		t.Fatalf("a run is queued for %v with nothing waiting", next)
	}
	if !found("harpusta") || !found("supurgelik") {
		t.Fatal("the words are not found after the span")
	}
	if n := count(t, db, `SELECT count(*) FROM search_pending`); n != 0 {
		t.Fatalf("%d conversations still wait", n)
	}

	// The burst goes on: the next message's run waits afresh.
	deliver("wamid.3", "Traverten basamak")
	run()
	if found("traverten") {
		t.Fatal("a new span did not begin")
	}
	// The burst is over: the run rebuilds at once.
	flood.Store(false)
	run()
	if !found("traverten") {
		t.Fatal("the word is not found once the burst is over")
	}
}
