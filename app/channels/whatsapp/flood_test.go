package whatsapp

import (
	"testing"
	"time"
)

// TestFloodedIsABurstNotAStream: Busy (which holds the assistant) answers true as soon as commits
// take half the time or deliveries wait for one; Flooded (which makes the search documents wait)
// only when the commits also hold groupBusy deliveries or more on average. The two streams are
// the ones measured against the real binary: 300 messages a second (commits of 1 or 2 taking a bit
// over half the time) and the one-key load (commits of 8 to 11 taking three quarters of it).
func TestFloodedIsABurstNotAStream(t *testing.T) {
	t0 := time.Unix(1_800_000_000, 0)
	stream := func(g *group, from time.Time, commits, each int, held time.Duration) time.Time {
		gap := busyWindow / time.Duration(commits)
		at := from
		for i := range commits {
			at = from.Add(time.Duration(i+1) * gap)
			g.note(at, held, each+i%2) // each or each+1 deliveries
		}
		return at
	}

	// 300 messages a second: 50 commits a quarter second of 1 or 2 deliveries, 2.75 ms each (55 %).
	steady := &group{}
	at := stream(steady, t0, 50, 1, 2750*time.Microsecond)
	at = stream(steady, at, 50, 1, 2750*time.Microsecond)
	if !steady.busy(at) {
		t.Fatal("commits taking more than half the time: Busy says no")
	}
	if steady.flooded(at) {
		t.Fatal("a stream of commits of one or two deliveries: Flooded says yes")
	}

	// The one-key load: 52 commits a quarter second of 9 or 10 deliveries, 3.6 ms each (75 %).
	burst := &group{}
	at = stream(burst, t0, 52, 9, 3600*time.Microsecond)
	end := stream(burst, at, 52, 9, 3600*time.Microsecond)
	if !burst.busy(end) || !burst.flooded(end) {
		t.Fatalf("commits of 9 or 10 deliveries taking 75 %% of the time: Busy %v, Flooded %v", burst.busy(end), burst.flooded(end))
	}
	// Half a second without a commit: the burst is over.
	if later := end.Add(2 * busyWindow); burst.flooded(later) || burst.busy(later) {
		t.Fatal("half a second without a commit: still a burst")
	}
	// Big commits with the writer mostly free are no burst either.
	sparse := &group{}
	if at := stream(sparse, t0, 5, 20, time.Millisecond); sparse.flooded(at) {
		t.Fatal("five commits in a quarter second: Flooded says yes")
	}

	// Deliveries waiting for a commit under way count for Busy, not for Flooded.
	waiting := &group{running: true, pending: []*acceptReq{{}, {}}}
	if !waiting.busy(t0) || waiting.flooded(t0) {
		t.Fatalf("two deliveries waiting: Busy %v, Flooded %v", waiting.busy(t0), waiting.flooded(t0))
	}
}
