package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// jobState reads one job's row.
type jobState struct {
	Status    string
	Attempts  int
	LastError string
	RunAt     int64
	UpdatedAt int64
}

func state(t *testing.T, db *tenantdb.DB, id int64) jobState {
	t.Helper()
	var s jobState
	if err := db.Read.QueryRow(`SELECT status, attempts, last_error, run_at, updated_at FROM jobs WHERE id = ?`, id).
		Scan(&s.Status, &s.Attempts, &s.LastError, &s.RunAt, &s.UpdatedAt); err != nil {
		t.Fatal(err)
	}
	return s
}

// waitFor polls the job until cond holds or fails the test after a few seconds.
func waitFor(t *testing.T, db *tenantdb.DB, id int64, what string, cond func(jobState) bool) jobState {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := state(t, db, id)
		if cond(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d never became %s; last %+v", id, what, s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// server starts a server whose job runner has the given handlers (registered before Start).
func server(t *testing.T, dir string, handlers map[string]jobs.Handler) *apptest.Env {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	for k, h := range handlers {
		e.Server.Jobs.Handle(k, h)
	}
	if err := e.Server.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestJobSurvivesCrash: a job that was queued, or running when the process died, runs after a
// restart on the same data directory.
func TestJobSurvivesCrash(t *testing.T) {
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("acme")
	db := e.DB("acme")
	ctx := context.Background()
	queued, err := jobs.EnqueueDB(ctx, db, "test.echo", map[string]string{"n": "queued"}, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	running, err := jobs.EnqueueDB(ctx, db, "test.echo", map[string]string{"n": "running"}, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The crash: a worker had claimed the second job when the process died.
	if _, err := db.Write.Exec(`UPDATE jobs SET status = 'running', attempts = 1 WHERE id = ?`, running); err != nil {
		t.Fatal(err)
	}
	e.Close()

	var seen atomic.Int32
	e2 := server(t, dir, map[string]jobs.Handler{"test.echo": func(ctx context.Context, j *jobs.Job) error {
		var p map[string]string
		if err := j.Decode(&p); err != nil || p["n"] == "" || j.Tenant != "acme" {
			return jobs.Permanent(errors.New("bad payload"))
		}
		seen.Add(1)
		return nil
	}})
	db2 := e2.DB("acme")
	for _, id := range []int64{queued, running} {
		waitFor(t, db2, id, "done", func(s jobState) bool { return s.Status == "done" })
	}
	if seen.Load() != 2 {
		t.Fatalf("handler ran %d times, want 2", seen.Load())
	}
}

// TestJobRetriesWithBackoffThenFails: errors retry with growing waits; after max attempts the job
// is failed with the last error kept for staff.
func TestJobRetriesWithBackoffThenFails(t *testing.T) {
	var calls atomic.Int32
	e := server(t, t.TempDir(), map[string]jobs.Handler{"test.flaky": func(ctx context.Context, j *jobs.Job) error {
		n := calls.Add(1)
		return errors.New("supplier timeout " + string(rune('0'+n)))
	}})
	e.Tenant("acme")
	db := e.DB("acme")
	id, err := jobs.EnqueueDB(context.Background(), db, "test.flaky", nil, jobs.Options{MaxAttempts: 3})
	if err != nil {
		t.Fatal(err)
	}
	for attempt := 1; attempt <= 2; attempt++ {
		s := waitFor(t, db, id, "retried", func(s jobState) bool { return s.Attempts == attempt && s.Status == "queued" })
		// From when the failure was recorded: on a loaded machine the try itself may start
		// seconds after the test asked for it.
		wait := time.UnixMilli(s.RunAt).Sub(time.UnixMilli(s.UpdatedAt))
		if want := jobs.Backoff(attempt); wait != want {
			t.Fatalf("attempt %d: next run in %s, want about %s", attempt, wait, want)
		}
		if s.LastError == "" {
			t.Fatalf("attempt %d: last_error empty", attempt)
		}
		// Skip the wait instead of sleeping through it.
		if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, id); err != nil {
			t.Fatal(err)
		}
		jobs.Poke()
	}
	s := waitFor(t, db, id, "failed", func(s jobState) bool { return s.Status == "failed" })
	if s.Attempts != 3 || s.LastError != "supplier timeout 3" {
		t.Fatalf("final state %+v, want 3 attempts and the third error", s)
	}
	if jobs.Backoff(2) <= jobs.Backoff(1) || jobs.Backoff(100) != time.Hour {
		t.Fatal("backoff must grow and be capped at an hour")
	}
	rows, err := jobs.List(context.Background(), db, "failed", 10)
	if err != nil || len(rows) != 1 || rows[0].LastError == "" {
		t.Fatalf("staff list of failed jobs: %+v %v", rows, err)
	}
}

// TestJobPermanentAndPanic: a Permanent error fails at once; a panic is an ordinary failure and
// does not kill the runner; an unknown kind fails with a clear error.
func TestJobPermanentAndPanic(t *testing.T) {
	e := server(t, t.TempDir(), map[string]jobs.Handler{
		"test.bad":   func(ctx context.Context, j *jobs.Job) error { return jobs.Permanent(errors.New("lead was deleted")) },
		"test.panic": func(ctx context.Context, j *jobs.Job) error { panic("nil map") },
		"test.ok":    func(ctx context.Context, j *jobs.Job) error { return nil },
	})
	e.Tenant("acme")
	db := e.DB("acme")
	ctx := context.Background()
	bad, _ := jobs.EnqueueDB(ctx, db, "test.bad", nil, jobs.Options{MaxAttempts: 5})
	pan, _ := jobs.EnqueueDB(ctx, db, "test.panic", nil, jobs.Options{MaxAttempts: 1})
	unk, _ := jobs.EnqueueDB(ctx, db, "test.nobody", nil, jobs.Options{})
	ok, _ := jobs.EnqueueDB(ctx, db, "test.ok", nil, jobs.Options{})
	s := waitFor(t, db, bad, "failed", func(s jobState) bool { return s.Status == "failed" })
	if s.Attempts != 1 || s.LastError != "lead was deleted" {
		t.Fatalf("permanent: %+v", s)
	}
	if s := waitFor(t, db, pan, "failed", func(s jobState) bool { return s.Status == "failed" }); s.LastError == "" {
		t.Fatalf("panic: %+v", s)
	}
	if s := waitFor(t, db, unk, "failed", func(s jobState) bool { return s.Status == "failed" }); s.Attempts != 1 {
		t.Fatalf("unknown kind: %+v", s)
	}
	waitFor(t, db, ok, "done", func(s jobState) bool { return s.Status == "done" })
}

// TestGracefulStopRequeues: a job interrupted by shutdown goes back to the queue without losing an
// attempt, and the next server runs it.
func TestGracefulStopRequeues(t *testing.T) {
	dir := t.TempDir()
	started := make(chan struct{}, 1)
	e := server(t, dir, map[string]jobs.Handler{"test.slow": func(ctx context.Context, j *jobs.Job) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	}})
	e.Tenant("acme")
	db := e.DB("acme")
	id, err := jobs.EnqueueDB(context.Background(), db, "test.slow", nil, jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-started:
	case <-time.After(10 * time.Second):
		t.Fatal("job never started")
	}
	e.Server.Jobs.Stop(100 * time.Millisecond)
	if s := state(t, db, id); s.Status != "queued" || s.Attempts != 0 {
		t.Fatalf("after graceful stop: %+v, want queued with the attempt given back", s)
	}
	e.Close()
	e2 := server(t, dir, map[string]jobs.Handler{"test.slow": func(ctx context.Context, j *jobs.Job) error { return nil }})
	waitFor(t, e2.DB("acme"), id, "done", func(s jobState) bool { return s.Status == "done" })
}

// TestEnqueueDedupeAndCancel: an open job with the same dedupe key is not duplicated; a cancelled
// job never runs.
func TestEnqueueDedupeAndCancel(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	db := e.DB("acme")
	ctx := context.Background()
	a, err := jobs.EnqueueDB(ctx, db, "test.review", nil, jobs.Options{DedupeKey: "conv-1", RunAt: time.Now().Add(time.Hour)})
	if err != nil || a == 0 {
		t.Fatal(a, err)
	}
	b, err := jobs.EnqueueDB(ctx, db, "test.review", nil, jobs.Options{DedupeKey: "conv-1"})
	if err != nil || b != 0 {
		t.Fatalf("duplicate open job: id %d err %v, want 0", b, err)
	}
	var cancelled bool
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		cancelled, err = jobs.Cancel(ctx, tx, a)
		return err
	}); err != nil || !cancelled {
		t.Fatal(cancelled, err)
	}
	if s := state(t, db, a); s.Status != "cancelled" {
		t.Fatalf("cancelled job: %+v", s)
	}
	// Once the first is no longer open, the key may be used again.
	if c, err := jobs.EnqueueDB(ctx, db, "test.review", nil, jobs.Options{DedupeKey: "conv-1"}); err != nil || c == 0 {
		t.Fatal(c, err)
	}
}

// TestReschedule: a queued job of a key is moved (one row, new time and payload), a key with no
// queued job gets one, and a running job of the key is not duplicated.
func TestReschedule(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	db := e.DB("acme")
	ctx := context.Background()
	resched := func(key string, payload any, at time.Time) int64 {
		t.Helper()
		var id int64
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, err = jobs.Reschedule(ctx, tx, "test.review", key, payload, at)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	first := time.Now().Add(time.Hour)
	a := resched("conv-1", map[string]int{"n": 1}, first)
	if a == 0 || state(t, db, a).RunAt != first.UnixMilli() {
		t.Fatalf("first reschedule enqueues: id %d %+v", a, state(t, db, a))
	}
	later := first.Add(time.Minute)
	if b := resched("conv-1", map[string]int{"n": 2}, later); b != a {
		t.Fatalf("second reschedule made job %d, want the queued job %d moved", b, a)
	}
	var n int
	var payload string
	if err := db.Read.QueryRow(`SELECT count(*), max(payload) FROM jobs WHERE kind = 'test.review'`).Scan(&n, &payload); err != nil {
		t.Fatal(err)
	}
	if s := state(t, db, a); n != 1 || s.RunAt != later.UnixMilli() || s.Status != "queued" || payload != `{"n":2}` {
		t.Fatalf("after the move: %d rows, %+v, payload %s; want one queued row at %d with the new payload", n, s, payload, later.UnixMilli())
	}
	if _, err := db.Write.Exec(`UPDATE jobs SET status = 'running' WHERE id = ?`, a); err != nil {
		t.Fatal(err)
	}
	if c := resched("conv-1", nil, later); c != 0 {
		t.Fatalf("reschedule while the job runs made job %d, want none", c)
	}
	if d := resched("conv-2", nil, later); d == 0 || d == a {
		t.Fatalf("another key: job %d", d)
	}
}
