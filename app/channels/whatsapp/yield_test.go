package whatsapp

import (
	"context"
	"testing"
	"time"

	"highvibe/app/tenantdb"
)

// TestYieldToAcksPacing: processing runs freely when no delivery is waiting, takes one step per
// slot while deliveries wait for their commit, and never blocks past a cancelled context. Only
// lower bounds are tight: a busy machine can make anything slower, never a sleep shorter.
func TestYieldToAcksPacing(t *testing.T) {
	ctx := context.Background()
	db := &tenantdb.DB{Path: "yield-test"} // only its identity is used
	within := func(name string, limit time.Duration, f func()) time.Duration {
		t.Helper()
		start := time.Now()
		f()
		d := time.Since(start)
		if d > limit {
			t.Fatalf("%s took %s, want under %s", name, d, limit)
		}
		return d
	}
	within("no deliveries ever", time.Second, func() { yieldToAcks(ctx, db) })

	g := groupFor(db)
	g.lastArrival.Store(time.Now().Add(-time.Second).UnixNano())
	within("quiet group", time.Second, func() { yieldToAcks(ctx, db) })

	g.waiting.Add(1) // a delivery waits for its commit
	g.lastArrival.Store(time.Now().UnixNano())
	within("first step under load", time.Second, func() { yieldToAcks(ctx, db) })
	if d := within("second step under load", 2*time.Second, func() { yieldToAcks(ctx, db) }); d < busySlot/2 {
		t.Fatalf("second step under load waited %s, want about %s", d, busySlot)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	within("cancelled context", time.Second, func() { yieldToAcks(cancelled, db) })

	g.waiting.Add(-1) // acked; arrivals stop
	g.nextSlot.Store(time.Now().Add(time.Hour).UnixNano())
	g.lastArrival.Store(time.Now().UnixNano())
	within("after the burst", time.Second, func() { yieldToAcks(ctx, db) })
	groups.Delete(db)
}
