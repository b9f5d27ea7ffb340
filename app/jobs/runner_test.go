package jobs

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/tenantdb"
	"highvibe/schema"
)

// oneTenant is a Source with fixed tenants on real files.
type oneTenant map[string]*tenantdb.DB

func (o oneTenant) Slugs(context.Context) ([]string, error) {
	out := make([]string, 0, len(o))
	for s := range o {
		out = append(out, s)
	}
	slices.Sort(out)
	return out, nil
}

func (o oneTenant) Tenant(_ context.Context, s string) (*tenantdb.DB, error) { return o[s], nil }

// clock is a controllable runner clock, starting at the real time.
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.at
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.at = t
	c.mu.Unlock()
}

func openTenant(t *testing.T, dir, slug string) *tenantdb.DB {
	t.Helper()
	db, err := tenantdb.Open(t.Context(), filepath.Join(dir, slug+".db"), schema.FS, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// holdOpen keeps a connection to the file for the test, as the embedded replication does, so
// closing the runner's idle connections does not remove the WAL: the file does not change by
// itself.
func holdOpen(t *testing.T, db *tenantdb.DB) *sql.DB {
	t.Helper()
	o, err := sql.Open("sqlite", "file:"+db.Path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	o.SetMaxOpenConns(1)
	if err := o.Ping(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// testRunner is a runner on the given tenants whose clock the test moves; runs records when (on
// that clock) each job's handler ran.
func testRunner(t *testing.T, src oneTenant) (*Runner, *clock, chan string) {
	r := NewRunner(src, slog.New(slog.NewTextHandler(io.Discard, nil)), 2)
	c := &clock{at: time.Now()}
	r.now = c.now
	runs := make(chan string, 100)
	for _, l := range []Lane{LaneCustomer, LaneAssistant, LaneHousekeeping} {
		kind := "timer." + l.String()
		r.HandleIn(l, kind, func(ctx context.Context, j *Job) error {
			runs <- j.Tenant + " " + j.Kind + " " + string(j.Payload)
			return nil
		})
	}
	return r, c, runs
}

// drain runs the runner's workers' loop body by hand until nothing is left to claim.
func drain(ctx context.Context, r *Runner) int {
	n := 0
	for r.runOnce(ctx) {
		n++
	}
	return n
}

// TestTimerFiresWhileFileUnchanged: a job queued far ahead (further than any recheck bound) runs
// within a second of its time although nothing writes to the tenant meanwhile, and the quiet wait
// costs no queue reads. The runner used to forget a run_at more than 30 s away and, at each
// recheck with an unchanged file, extend its note by another 30 s without asking whether a job
// had become due.
func TestTimerFiresWhileFileUnchanged(t *testing.T) {
	ctx := t.Context()
	db := openTenant(t, t.TempDir(), "acme")
	holdOpen(t, db)
	r, c, runs := testRunner(t, oneTenant{"acme": db})
	base := c.now()
	due := base.Add(10 * time.Minute) // beyond idleRecheck too
	if _, err := EnqueueDB(ctx, db, "timer.customer", "later", Options{RunAt: due}); err != nil {
		t.Fatal(err)
	}
	for at := base; at.Before(due.Add(5 * time.Second)); at = at.Add(500 * time.Millisecond) {
		c.set(at)
		if n := drain(ctx, r); n > 0 {
			if late := at.Sub(due); late < 0 || late > time.Second {
				t.Fatalf("job ran %s after its time, want within 1 s", late)
			}
			if got := <-runs; got != `acme timer.customer "later"` {
				t.Fatalf("ran %q", got)
			}
			// Ten quiet minutes: the first read, a few while the enqueue's write settles, and
			// the safety recheck; never one per look.
			if reads := r.reads.Load(); reads > 12 {
				t.Errorf("%d queue reads for a quiet tenant over %d looks", reads, int(due.Sub(base)/(500*time.Millisecond)))
			}
			return
		}
	}
	t.Fatalf("job due at +%s never ran on a tenant whose file did not change", due.Sub(base))
}

// TestTimerAfterRestartAndOutsideEnqueue: a fresh runner (a restart) runs an overdue job at its
// first look and keeps the next run_at of a job far ahead; a job queued by another process (no
// wake-up in this one) is seen from the file and runs at the next look; a job queued in a
// transaction that commits only after a worker looked (the enqueue's wake-up came before the
// commit) runs at the look after the commit.
func TestTimerAfterRestartAndOutsideEnqueue(t *testing.T) {
	ctx := t.Context()
	db := openTenant(t, t.TempDir(), "acme")
	outside := holdOpen(t, db)
	base := time.Now()
	for _, j := range []struct {
		payload string
		at      time.Time
	}{{"overdue", base.Add(-time.Hour)}, {"far", base.Add(3 * time.Hour)}} {
		if _, err := EnqueueDB(ctx, db, "timer.assistant", j.payload, Options{RunAt: j.at}); err != nil {
			t.Fatal(err)
		}
	}
	r, c, runs := testRunner(t, oneTenant{"acme": db})
	c.set(base)
	if n := drain(ctx, r); n != 1 || <-runs != `acme timer.assistant "overdue"` {
		t.Fatalf("first look after the restart ran %d jobs, want the overdue one", n)
	}
	step := func(d time.Duration) int {
		c.set(c.now().Add(d))
		return drain(ctx, r)
	}
	for range 10 {
		if n := step(time.Second); n != 0 {
			t.Fatalf("ran %d jobs before any was due", n)
		}
	}

	// Another process queues a job due now, straight into the table.
	if _, err := outside.Exec(`INSERT INTO jobs(kind, lane, payload, run_at, created_at, updated_at) VALUES('timer.customer', 0, '"outside"', ?, ?, ?)`,
		c.now().UnixMilli(), c.now().UnixMilli(), c.now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if n := step(time.Second); n != 1 || <-runs != `acme timer.customer "outside"` {
		t.Fatalf("job queued by another process: ran %d at the next look", n)
	}

	// A transaction queues a job, a worker looks before the commit, then the commit lands.
	tx, err := db.Write.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Enqueue(ctx, tx, "timer.housekeeping", "late commit", Options{RunAt: c.now()}); err != nil {
		t.Fatal(err)
	}
	if n := drain(ctx, r); n != 0 {
		t.Fatalf("ran %d uncommitted jobs", n)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n := step(time.Second); n != 1 || <-runs != `acme timer.housekeeping "late commit"` {
		t.Fatalf("job committed after the look: ran %d at the next look", n)
	}

	// The far job still fires on time, three quiet hours later.
	far := base.Add(3 * time.Hour)
	c.set(far.Add(-time.Second))
	if n := drain(ctx, r); n != 0 {
		t.Fatalf("far job ran early")
	}
	c.set(far)
	if n := drain(ctx, r); n != 1 || <-runs != `acme timer.assistant "far"` {
		t.Fatalf("far job did not run at its time")
	}
}

// TestLanesPriorityAndFairness: the customer lane goes first whatever its age, then the
// assistant, then housekeeping; within a lane the tenants take turns, so a tenant with a long
// queue does not hold back another's.
func TestLanesPriorityAndFairness(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, b := openTenant(t, dir, "a"), openTenant(t, dir, "b")
	r, c, runs := testRunner(t, oneTenant{"a": a, "b": b})
	old := c.now().Add(-time.Hour)
	q := func(db *tenantdb.DB, kind, payload string, at time.Time) {
		t.Helper()
		if _, err := EnqueueDB(ctx, db, kind, payload, Options{RunAt: at}); err != nil {
			t.Fatal(err)
		}
	}
	q(a, "timer.housekeeping", "a-h1", old)
	for i := range 5 {
		q(a, "timer.assistant", "a-"+string(rune('1'+i)), old.Add(time.Duration(i)*time.Second))
	}
	q(b, "timer.assistant", "b-1", c.now())
	q(b, "timer.assistant", "b-2", c.now())
	q(b, "timer.customer", "b-c", c.now())
	q(a, "timer.customer", "a-c", c.now())
	if n := drain(ctx, r); n != 10 {
		t.Fatalf("ran %d jobs, want 10", n)
	}
	close(runs)
	var got []string
	for s := range runs {
		got = append(got, s[strings.LastIndexByte(s, ' ')+1:])
	}
	want := []string{`"a-c"`, `"b-c"`, `"a-1"`, `"b-1"`, `"a-2"`, `"b-2"`, `"a-3"`, `"a-4"`, `"a-5"`, `"a-h1"`}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v\nwant  %v", got, want)
	}
}

// TestCustomerWorkerKept: long assistant jobs never occupy every worker; a customer job queued
// while they run starts at once.
func TestCustomerWorkerKept(t *testing.T) {
	db := openTenant(t, t.TempDir(), "acme")
	r := NewRunner(oneTenant{"acme": db}, slog.New(slog.NewTextHandler(io.Discard, nil)), 2)
	r.SetTick(10 * time.Millisecond)
	release := make(chan struct{})
	started := make(chan struct{}, 10)
	r.HandleIn(LaneAssistant, "slow.assistant", func(ctx context.Context, j *Job) error {
		started <- struct{}{}
		select {
		case <-release:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	ran := make(chan struct{})
	r.HandleIn(LaneCustomer, "quick.customer", func(ctx context.Context, j *Job) error { close(ran); return nil })
	ctx := t.Context()
	for range 3 {
		if _, err := EnqueueDB(ctx, db, "slow.assistant", nil, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(time.Second)
	defer close(release)
	<-started
	if _, err := EnqueueDB(ctx, db, "quick.customer", nil, Options{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-ran:
	case <-time.After(2 * time.Second):
		t.Fatal("customer job waited behind assistant jobs holding every worker")
	}
	var running int
	if err := db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'slow.assistant' AND status = 'running'`).Scan(&running); err != nil || running != 1 {
		t.Fatalf("%d assistant jobs running on 2 workers, want 1 (%v)", running, err)
	}
}

// TestIdleWorkersDoNotSpin: with nothing due, each worker looks at each tenant about once per
// tick, and the quiet tenants' queues are not read at all after the first looks.
func TestIdleWorkersDoNotSpin(t *testing.T) {
	dir := t.TempDir()
	src := oneTenant{"a": openTenant(t, dir, "a"), "b": openTenant(t, dir, "b")}
	r := NewRunner(src, slog.New(slog.NewTextHandler(io.Discard, nil)), 4)
	r.SetTick(50 * time.Millisecond)
	r.HandleIn(LaneCustomer, "later.customer", func(ctx context.Context, j *Job) error { return nil })
	if _, err := EnqueueDB(t.Context(), src["a"], "later.customer", nil, Options{RunAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := r.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	// The file settles (no write for `settle`); then the measured half second.
	for {
		a, b := sigOf(src["a"].Path), sigOf(src["b"].Path)
		quietFrom := time.Unix(0, max(a.dbMod, a.walMod, b.dbMod, b.walMod)).Add(settle + 300*time.Millisecond)
		if time.Now().After(quietFrom) {
			break
		}
		time.Sleep(time.Until(quietFrom))
	}
	looks, reads := r.looks.Load(), r.reads.Load()
	time.Sleep(500 * time.Millisecond)
	looks, reads = r.looks.Load()-looks, r.reads.Load()-reads
	r.Stop(time.Second)
	// 4 workers x 2 tenants x 10 ticks = 80.
	if looks > 100 {
		t.Errorf("%d looks in half an idle second, want about 80", looks)
	}
	if reads != 0 {
		t.Errorf("%d queue reads in half an idle second, want none", reads)
	}
	t.Logf("%d looks, %d queue reads in the measured half second; %d reads in all", looks, reads, r.reads.Load())
}

// TestHoldLowerLanes: while the hold check answers true for a tenant (its webhook deliveries keep
// the writer busy), the runner runs that tenant's customer work but none of its assistant or
// housekeeping work; another tenant is not held; once the check answers false the held work runs.
func TestHoldLowerLanes(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, b := openTenant(t, dir, "a"), openTenant(t, dir, "b")
	r, c, runs := testRunner(t, oneTenant{"a": a, "b": b})
	var held sync.Map
	held.Store("a", true)
	r.HoldLowerLanes(func(tenant string) bool { v, _ := held.Load(tenant); return v == true })
	for _, j := range []struct {
		db            *tenantdb.DB
		kind, payload string
	}{
		{a, "timer.assistant", "a-triage"}, {a, "timer.housekeeping", "a-review"}, {a, "timer.customer", "a-deliver"},
		{b, "timer.assistant", "b-triage"},
	} {
		if _, err := EnqueueDB(ctx, j.db, j.kind, j.payload, Options{RunAt: c.now()}); err != nil {
			t.Fatal(err)
		}
	}
	ran := func() []string {
		var got []string
		for len(runs) > 0 {
			s := <-runs
			got = append(got, s[strings.LastIndexByte(s, ' ')+1:])
		}
		slices.Sort(got)
		return got
	}
	if n := drain(ctx, r); n != 2 {
		t.Fatalf("while held ran %d jobs, want 2 (a's customer job and b's triage)", n)
	}
	if got, want := ran(), []string{`"a-deliver"`, `"b-triage"`}; !slices.Equal(got, want) {
		t.Fatalf("while held ran %v, want %v", got, want)
	}
	held.Store("a", false)
	if n := drain(ctx, r); n != 2 {
		t.Fatalf("after the hold ran %d jobs, want 2", n)
	}
	if got, want := ran(), []string{`"a-review"`, `"a-triage"`}; !slices.Equal(got, want) {
		t.Fatalf("after the hold ran %v, want %v", got, want)
	}
}

// TestBatchKindWorkedInArrivalOrder: jobs of a batch kind (deliveries) are worked one batch per
// tenant at a time, so a second worker never takes a later delivery while the batch holding an
// earlier one is still running — which let the later message commit first.
func TestBatchKindWorkedInArrivalOrder(t *testing.T) {
	db := openTenant(t, t.TempDir(), "acme")
	r := NewRunner(oneTenant{"acme": db}, slog.New(slog.NewTextHandler(io.Discard, nil)), 4)
	r.SetTick(5 * time.Millisecond)
	release := make(chan struct{})
	started := make(chan int64, 10)
	var mu sync.Mutex
	var order []int64
	r.HandleBatchIn(LaneCustomer, "ordered.customer", 1, func(ctx context.Context, js []*Job) []error {
		started <- js[0].ID
		if js[0].ID == 1 {
			<-release
		}
		mu.Lock()
		order = append(order, js[0].ID)
		mu.Unlock()
		return make([]error, len(js))
	})
	ctx := t.Context()
	for range 3 {
		if _, err := EnqueueDB(ctx, db, "ordered.customer", nil, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer r.Stop(time.Second)
	if id := <-started; id != 1 {
		t.Fatalf("first job worked was %d, want 1", id)
	}
	// Forty ticks in which three idle workers could take job 2 if the kind were not serial.
	select {
	case id := <-started:
		close(release)
		t.Fatalf("job %d started while job 1 of the same batch kind was still running", id)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	for range 2 {
		<-started
	}
	r.Stop(time.Second)
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(order, []int64{1, 2, 3}) {
		t.Fatalf("jobs finished in order %v, want 1 2 3", order)
	}
}

// TestWaitAsked: a handler that was told to come back later sets the next try: Later(err, wait)
// runs it no earlier than wait from now and gives the attempt back, also on what would have been
// its last try; RetryAfter(err, wait) waits at least that long (and at least the back-off) and the
// attempt counts. Without them a failure waited the back-off alone (5 s after the first try).
func TestWaitAsked(t *testing.T) {
	ctx := t.Context()
	db := openTenant(t, t.TempDir(), "acme")
	holdOpen(t, db)
	r, c, _ := testRunner(t, oneTenant{"acme": db})
	var answer error
	tries := make(chan time.Time, 10) // when (on the runner's clock) each try ran
	r.HandleIn(LaneCustomer, "wait.customer", func(ctx context.Context, j *Job) error {
		tries <- c.now()
		return answer
	})
	// run works the queue, moving the clock on by steps until the job's try has run, and returns
	// when it ran.
	run := func() time.Time {
		t.Helper()
		for range 100 {
			if drain(ctx, r) > 0 {
				return <-tries
			}
			c.set(c.now().Add(100 * time.Millisecond))
		}
		t.Fatal("the job did not run")
		return time.Time{}
	}
	state := func(id int64) (attempts int, runAt time.Time, status string) {
		var ms int64
		if err := db.Read.QueryRow(`SELECT attempts, run_at, status FROM jobs WHERE id = ?`, id).Scan(&attempts, &ms, &status); err != nil {
			t.Fatal(err)
		}
		return attempts, time.UnixMilli(ms), status
	}
	id, err := EnqueueDB(ctx, db, "wait.customer", "x", Options{MaxAttempts: 2})
	if err != nil {
		t.Fatal(err)
	}
	refused := errors.New("429")
	for i := range 3 {
		answer = Later(refused, 30*time.Minute)
		now := run()
		attempts, at, status := state(id)
		if status != "queued" || attempts != 0 || !at.Equal(now.Add(30*time.Minute).Truncate(time.Millisecond)) {
			t.Fatalf("after Later (try %d): %s, %d attempts, next at +%s; want queued, 0, +30m", i+1, status, attempts, at.Sub(now))
		}
		c.set(at)
	}
	answer = RetryAfter(refused, 2*time.Minute)
	now := run()
	if attempts, at, status := state(id); status != "queued" || attempts != 1 || !at.Equal(now.Add(2*time.Minute).Truncate(time.Millisecond)) {
		t.Fatalf("after RetryAfter: %s, %d attempts, next at +%s; want queued, 1, +2m", status, attempts, at.Sub(now))
	}
	c.set(now.Add(2 * time.Minute))
	run()
	if _, _, status := state(id); status != "failed" {
		t.Fatalf("a RetryAfter on the last try left the job %s; want failed", status)
	}
}

// TestClaimBesideARunningBatch: while a batch of deliveries runs, a worker still claims the lane's
// other work (a reply to send) however many deliveries wait ahead of it, never a delivery, and it
// finds that work through jobs_queued_kind instead of walking the queue past every waiting
// delivery (which, after a burst, held the tenant's writer ≈ 0.1 s per claim).
func TestClaimBesideARunningBatch(t *testing.T) {
	db := openTenant(t, t.TempDir(), "acme")
	r := NewRunner(oneTenant{"acme": db}, slog.New(slog.NewTextHandler(io.Discard, nil)), 2)
	r.HandleBatchIn(LaneCustomer, "delivery.beside", 200, func(ctx context.Context, js []*Job) []error { return make([]error, len(js)) })
	r.HandleIn(LaneCustomer, "send.beside", func(context.Context, *Job) error { return nil })
	ctx := t.Context()
	var sends []int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for i := range 2004 {
			kind := "delivery.beside"
			if i == 3 || i == 2003 {
				kind = "send.beside"
			}
			id, err := Enqueue(ctx, tx, kind, nil, Options{})
			if err != nil {
				return err
			}
			if kind == "send.beside" {
				sends = append(sends, id)
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'running' WHERE id = (SELECT min(id) FROM jobs)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().Add(time.Second).UnixMilli()
	for _, want := range sends {
		j, err := r.claim(ctx, db, LaneCustomer, now)
		if err != nil || j == nil || j.ID != want || j.Kind != "send.beside" {
			t.Fatalf("claim beside the running batch = %+v, %v; want the send %d", j, err, want)
		}
	}
	if j, err := r.claim(ctx, db, LaneCustomer, now); err != nil || j != nil {
		t.Fatalf("claim with only deliveries left behind the running batch = %+v, %v; want none", j, err)
	}
	q, args := claimSQL(LaneCustomer, now, []string{"send.beside"}, true)
	var plan []string
	rows, err := db.Read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if p := strings.Join(plan, "; "); !strings.Contains(p, "INDEX jobs_queued_kind (lane=? AND kind=?") {
		t.Fatalf("the claim beside a running batch does not seek by kind: %s", p)
	}
	if _, err := db.Write.ExecContext(ctx, `UPDATE jobs SET status = 'done' WHERE status = 'running'`); err != nil {
		t.Fatal(err)
	}
	if j, err := r.claim(ctx, db, LaneCustomer, now); err != nil || j == nil || j.Kind != "delivery.beside" {
		t.Fatalf("claim once the batch finished = %+v, %v; want the next delivery", j, err)
	}
}

// TestFinishedTellsEachOutcome: Finished's channel is closed once a job's outcome is recorded,
// after the jobs table says so, for a job done and one queued again, and a new channel is handed
// out for the next; tests wait on it instead of reading the table every few milliseconds.
func TestFinishedTellsEachOutcome(t *testing.T) {
	db := openTenant(t, t.TempDir(), "acme")
	r, clk, _ := testRunner(t, oneTenant{"acme": db})
	r.HandleIn(LaneCustomer, "flaky.customer", func(ctx context.Context, j *Job) error { return errors.New("not yet") })
	ctx := t.Context()
	status := func(id int64) string {
		var s string
		if err := db.Read.QueryRow(`SELECT status FROM jobs WHERE id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, c := range []struct{ kind, want string }{{"timer.customer", "done"}, {"flaky.customer", "queued"}} {
		fin := r.Finished()
		id, err := EnqueueDB(ctx, db, c.kind, nil, Options{MaxAttempts: 3})
		if err != nil {
			t.Fatal(err)
		}
		select {
		case <-fin:
			t.Fatalf("%s: told of an outcome before any job ran", c.kind)
		default:
		}
		clk.set(time.Now().Add(time.Second))
		if drain(ctx, r) == 0 {
			t.Fatalf("%s: nothing ran", c.kind)
		}
		select {
		case <-fin:
		default:
			t.Fatalf("%s: the outcome was recorded and Finished's channel is still open", c.kind)
		}
		if s := status(id); s != c.want {
			t.Errorf("%s: status %q when told, want %q", c.kind, s, c.want)
		}
		select {
		case <-r.Finished():
			t.Fatalf("%s: the next channel is closed already", c.kind)
		default:
		}
	}
}
