package jobs_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
)

// TestRunnerWritesAreObserved: the runner's own writes (claiming a job, recording its outcome)
// reach the database's write observer like InTx's do, so /metrics' write-transaction histograms
// see the job queue's share of the writer.
func TestRunnerWritesAreObserved(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	var mu sync.Mutex
	writes := map[string]int{}
	e.Server.Mgr.ObserveTx(func(slug string, wait, held time.Duration) {
		if wait < 0 || held <= 0 {
			t.Errorf("%s: wait %v held %v", slug, wait, held)
		}
		mu.Lock()
		writes[slug]++
		mu.Unlock()
	})
	r := e.Server.Jobs
	r.HandleIn(jobs.LaneCustomer, "test.obs", func(ctx context.Context, j *jobs.Job) error { return nil })
	finished := make(chan string, 1)
	r.OnFinish(func(kind string, lane jobs.Lane, outcome string, took time.Duration) { finished <- outcome })
	if _, err := jobs.EnqueueDB(context.Background(), e.DB("acme"), "test.obs", nil, jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	enqueued := writes["acme"]
	mu.Unlock()
	if enqueued != 1 {
		t.Fatalf("enqueue observed as %d writes, want 1", enqueued)
	}
	if err := e.Server.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-finished:
		if o != jobs.OutcomeDone {
			t.Fatalf("outcome %s", o)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("job did not finish")
	}
	r.Stop(5 * time.Second) // the outcome is written before OnFinish; stop so nothing else writes
	mu.Lock()
	defer mu.Unlock()
	if got := writes["acme"] - enqueued; got < 2 {
		t.Errorf("claim and outcome observed as %d writes, want 2", got)
	}
}
