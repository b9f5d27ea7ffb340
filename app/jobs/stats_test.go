package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
)

type finished struct {
	kind, outcome string
	lane          jobs.Lane
}

// TestStatsAndOnFinish: Stats reports due depth and oldest age per lane and tenant (zeros
// included, future jobs not counted); the OnFinish observer hears every outcome with its lane.
func TestStatsAndOnFinish(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Tenant("bravo")
	db := e.DB("acme")
	r := e.Server.Jobs
	r.HandleIn(jobs.LaneCustomer, "test.cust", func(ctx context.Context, j *jobs.Job) error { return nil })
	r.HandleIn(jobs.LaneAssistant, "test.retry", func(ctx context.Context, j *jobs.Job) error { return errors.New("model busy") })
	r.HandleIn(jobs.LaneHousekeeping, "test.perm", func(ctx context.Context, j *jobs.Job) error { return jobs.Permanent(errors.New("gone")) })
	seen := make(chan finished, 10)
	r.OnFinish(func(kind string, lane jobs.Lane, outcome string, took time.Duration) {
		if took < 0 {
			t.Errorf("negative duration for %s", kind)
		}
		seen <- finished{kind, outcome, lane}
	})
	ctx := context.Background()
	now := time.Now()
	for _, j := range []struct {
		kind string
		at   time.Time
	}{
		{"test.cust", now.Add(-10 * time.Second)},
		{"test.cust", now.Add(-3 * time.Second)},
		{"test.retry", now.Add(-time.Second)},
		{"test.perm", now.Add(-time.Minute)},
		{"test.perm", now.Add(time.Hour)}, // not due: not counted
	} {
		if _, err := jobs.EnqueueDB(ctx, db, j.kind, nil, jobs.Options{RunAt: j.at}); err != nil {
			t.Fatal(err)
		}
	}
	got := map[string]jobs.LaneStat{}
	for _, s := range r.Stats(ctx) {
		got[s.Tenant+"/"+s.Lane.String()] = s
	}
	if len(got) != 6 {
		t.Fatalf("stats for %d tenant lanes, want 2 tenants x 3 lanes: %+v", len(got), got)
	}
	check := func(key string, depth int, age time.Duration) {
		t.Helper()
		s := got[key]
		if s.Depth != depth || s.OldestAge < age || s.OldestAge > age+5*time.Second {
			t.Errorf("%s: depth %d age %s, want %d and about %s", key, s.Depth, s.OldestAge, depth, age)
		}
	}
	check("acme/customer", 2, 10*time.Second)
	check("acme/assistant", 1, time.Second)
	check("acme/housekeeping", 1, time.Minute)
	check("bravo/customer", 0, 0)
	check("bravo/housekeeping", 0, 0)

	if err := e.Server.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := map[finished]int{
		{"test.cust", jobs.OutcomeDone, jobs.LaneCustomer}:       2,
		{"test.retry", jobs.OutcomeRetry, jobs.LaneAssistant}:    1,
		{"test.perm", jobs.OutcomeFailed, jobs.LaneHousekeeping}: 1,
	}
	for range 4 {
		select {
		case f := <-seen:
			want[f]--
		case <-time.After(10 * time.Second):
			t.Fatalf("observer heard too few jobs; missing %+v", want)
		}
	}
	for f, n := range want {
		if n != 0 {
			t.Errorf("%+v heard %d times too few", f, n)
		}
	}
}
