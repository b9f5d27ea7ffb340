package analytics_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
)

// TestRefreshesTogetherMakeOneSnapshot: three owners pressing "Refresh" on the KPI page at once
// make one snapshot and one action log entry, and all three get the page back; the second and
// third wait for the first instead of building their own. A refresh pressed after it makes a new one.
func TestRefreshesTogetherMakeOneSnapshot(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	db := e.DB("acme")
	seedSmall(t, db)
	owners := []*apptest.Client{e.User("acme", "olga", "owner"), e.User("acme", "osman", "owner"), e.User("acme", "oya", "owner")}

	// The first refresh holds before it stores until the two others have joined it (or, when they
	// build their own, until the hang bound runs out: then the count below tells).
	var joins atomic.Int32
	bothJoined := make(chan struct{})
	hang, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	analytics.OnRefreshSteps(func() {
		select {
		case <-bothJoined:
		case <-hang.Done():
		}
	}, func() {
		if joins.Add(1) == 2 {
			close(bothJoined)
		}
	})
	t.Cleanup(func() { analytics.OnRefreshSteps(nil, nil) })

	var wg sync.WaitGroup
	codes := make([]int, len(owners))
	for i, o := range owners {
		wg.Go(func() { codes[i] = o.Post("/app/analytics/refresh", nil).StatusCode })
	}
	wg.Wait()
	if hang.Err() != nil {
		t.Errorf("the second and third refresh did not wait for the first (%d joined in 20 s)", joins.Load())
	}
	for i, c := range codes {
		if c != http.StatusSeeOther {
			t.Errorf("refresh %d answered %d, want 303", i+1, c)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_snapshots`); n != 1 {
		t.Fatalf("three refreshes together made %d snapshots, want 1", n)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE provider = 'analytics_snapshot'`); n != 1 {
		t.Errorf("%d action log entries for one snapshot, want 1", n)
	}

	// Once it is stored, the next refresh builds anew.
	analytics.OnRefreshSteps(nil, nil)
	if r := owners[1].Post("/app/analytics/refresh", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("refresh after: %d", r.StatusCode)
	}
	if n := count(t, db, `SELECT count(*) FROM analytics_snapshots`); n != 2 {
		t.Fatalf("a refresh after the shared one: %d snapshots, want 2", n)
	}
}
