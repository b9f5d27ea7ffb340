package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"highvibe/app/tenantdb"
)

// Source lists the tenants whose queues the runner watches and opens their databases.
type Source interface {
	Slugs(ctx context.Context) ([]string, error)
	Tenant(ctx context.Context, slug string) (*tenantdb.DB, error)
}

// Lane is a job's priority class. Workers serve lanes in this order: customers first (inbound
// ingest, outbound delivery), then the assistant (triage, replies), then housekeeping (reviews,
// snapshots). A kind's lane is set when its handler is registered and stored with every job.
type Lane int

const (
	LaneCustomer Lane = iota
	LaneAssistant
	LaneHousekeeping
	numLanes = 3
)

// String names the lane for metrics and logs.
func (l Lane) String() string {
	switch l {
	case LaneCustomer:
		return "customer"
	case LaneAssistant:
		return "assistant"
	default:
		return "housekeeping"
	}
}

// LaneStat is the state of one lane of one tenant's queue, for /metrics.
type LaneStat struct {
	Tenant    string
	Lane      Lane
	Depth     int           // queued jobs that are due now
	OldestAge time.Duration // how long the oldest due job has waited past its run_at
}

// Runner claims due jobs from every tenant database and runs them on a fixed pool of workers.
//
// Scheduling: a worker takes the customer lane first, then the assistant lane, then housekeeping;
// within a lane it goes round the tenants, starting after the one the lane last served, so a busy
// tenant never starves another. Long assistant and housekeeping jobs can never occupy every
// worker: one worker is always kept for the customer lane (see laneCap).
//
// Timers: the runner keeps a note per tenant of the earliest queued run_at of each lane, so a job
// runs at its time (within one tick, and the workers sleep exactly until the earliest known time)
// however far ahead it was queued. The note is read again whenever the database file changes
// (this process or another wrote to it), so a quiet tenant costs two stat calls per look and no
// connection.
type Runner struct {
	src      Source
	log      *slog.Logger
	handlers map[string]Handler
	lanes    map[string]Lane
	workers  int
	tick     time.Duration
	recheck  time.Duration
	now      func() time.Time
	onFinish FinishFunc
	batches  map[string]batchKind     // kinds worked many at a time (HandleBatchIn)
	serial   []string                 // the batch kinds: one batch of a kind per tenant at a time, in arrival order
	hold     func(tenant string) bool // HoldLowerLanes
	kick     chan struct{}
	reads    atomic.Int64 // queue reads (look misses), to show that quiet tenants cost no query
	looks    atomic.Int64 // looks at a tenant, to show that idle workers do not spin
	// retention: HandleRetention registered the retention job, so file also makes sure each
	// tenant's next run is queued.
	retention bool
	// alsoPrune: other rooms' housekeeping that runs with each retention run (PruneAlso).
	alsoPrune []func(ctx context.Context, db *tenantdb.DB, now time.Time) error

	state   sync.Mutex
	notes   map[string]*note
	lastRun map[string]time.Time // when each tenant last ran a job
	filed   map[string]bool      // tenants whose queued jobs were re-filed into this runner's lanes
	cursor  [numLanes]int        // per lane, the tenant index the next claim starts at
	running [numLanes]int        // jobs running per lane

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopped chan struct{}

	looked     chan struct{} // closed when a worker has looked at every tenant once (Looked)
	lookedOnce sync.Once

	// fin is closed and replaced each time an outcome is recorded (Finished).
	finMu sync.Mutex
	fin   chan struct{}
}

// DefaultWorkers is the worker count when none is configured. Workers mostly wait on the network
// (model calls, channel deliveries), so more workers than cores is right.
const DefaultWorkers = 4

// NewRunner makes a runner with n workers (at least 2: one is kept for the customer lane).
func NewRunner(src Source, log *slog.Logger, workers int) *Runner {
	if workers <= 0 {
		workers = DefaultWorkers
	}
	return &Runner{src: src, log: log, handlers: map[string]Handler{}, lanes: map[string]Lane{}, workers: max(workers, 2),
		tick: time.Second, recheck: idleRecheck, now: time.Now, kick: make(chan struct{}, 1),
		looked: make(chan struct{})}
}

// SetTick changes how often idle workers poll (tests use a short tick).
func (r *Runner) SetTick(d time.Duration) { r.tick = d }

// SetIdleRecheck changes how long a tenant whose file did not change goes without its queue being
// read again (a safety net; tests shorten it).
func (r *Runner) SetIdleRecheck(d time.Duration) { r.recheck = d }

// Handle registers the handler of a kind in the housekeeping lane; call before Start.
func (r *Runner) Handle(kind string, h Handler) { r.HandleIn(LaneHousekeeping, kind, h) }

// HandleIn registers the handler of a kind in the given lane; call before Start.
func (r *Runner) HandleIn(lane Lane, kind string, h Handler) {
	r.handlers[kind] = h
	r.lanes[kind] = lane
	kinds.Store(kind, lane)
}

// HoldLowerLanes sets the check the runner makes before it claims assistant or housekeeping work
// for a tenant: while it answers true, customer work of that tenant is waiting outside the queue
// (webhook deliveries waiting for the tenant's one writer), and those lanes wait too, so the
// assistant never takes the CPU and the writer from customers' messages during a burst. They
// resume within a tick of the check answering false. Call before Start.
func (r *Runner) HoldLowerLanes(f func(tenant string) bool) { r.hold = f }

// Observe reports jobs that finished outside the runner to the OnFinish observer, as if a worker
// had run them: a webhook delivery processed in the transaction that stored it (Options.Done) is a
// job of its kind all the same.
func (r *Runner) Observe(kind, outcome string, took time.Duration) {
	if r.onFinish != nil {
		r.onFinish(kind, r.LaneOf(kind), outcome, took)
	}
	r.finished()
}

// Finished returns a channel that is closed the next time a job's outcome is recorded (done,
// failed, queued again) by a worker or through Observe. Tests wait on it for the state of the jobs
// table to change instead of reading it again on a timer; take the channel before reading.
func (r *Runner) Finished() <-chan struct{} {
	r.finMu.Lock()
	defer r.finMu.Unlock()
	if r.fin == nil {
		r.fin = make(chan struct{})
	}
	return r.fin
}

// finished closes the channel Finished handed out, if any.
func (r *Runner) finished() {
	r.finMu.Lock()
	if r.fin != nil {
		close(r.fin)
		r.fin = nil
	}
	r.finMu.Unlock()
}

// LaneOf is the lane a kind was registered in (housekeeping for unknown kinds).
func (r *Runner) LaneOf(kind string) Lane {
	if l, ok := r.lanes[kind]; ok {
		return l
	}
	return LaneHousekeeping
}

// Recover puts jobs left 'running' by a crash back in the queue. Start calls it for every tenant.
func Recover(ctx context.Context, db *tenantdb.DB) (int64, error) {
	res, err := db.Exec(ctx, `UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'running'`, time.Now().UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("jobs: recover: %w", err)
	}
	return res.RowsAffected()
}

// Start recovers interrupted jobs and starts the workers.
func (r *Runner) Start(ctx context.Context) error {
	slugs, err := r.src.Slugs(ctx)
	if err != nil {
		return err
	}
	for _, s := range slugs {
		db, err := r.src.Tenant(ctx, s)
		if err != nil {
			r.log.Warn("jobs: open tenant", "tenant", s, "err", err)
			continue
		}
		if n, err := Recover(ctx, db); err != nil {
			return err
		} else if n > 0 {
			r.log.Info("jobs: requeued interrupted jobs", "tenant", s, "count", n)
		}
		if err := r.file(ctx, s, db); err != nil {
			return err
		}
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.mu.Lock()
	r.cancel, r.started, r.stopped = cancel, true, make(chan struct{})
	r.mu.Unlock()
	runners.Lock()
	if runners.set == nil {
		runners.set = map[*Runner]struct{}{}
	}
	runners.set[r] = struct{}{}
	runners.Unlock()
	for i := 0; i < r.workers; i++ {
		r.wg.Add(1)
		go r.work(ctx)
	}
	return nil
}

// Looked is closed once a worker has looked at every tenant's queue (the first pass after Start
// reads each queue and gives a quiet tenant's connections back): start-up's own work is over.
func (r *Runner) Looked() <-chan struct{} { return r.looked }

// Stop stops claiming, waits up to grace for running jobs, then cancels them; a cancelled job is
// put back in the queue without spending an attempt.
func (r *Runner) Stop(grace time.Duration) {
	r.mu.Lock()
	if !r.started {
		r.mu.Unlock()
		return
	}
	r.started = false
	close(r.stopped)
	cancel := r.cancel
	r.mu.Unlock()
	runners.Lock()
	delete(runners.set, r)
	runners.Unlock()
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(grace):
		cancel()
		<-done
	}
	cancel()
}

// file puts the tenant's open jobs in the lanes this runner registered their kinds in, once per
// tenant: jobs queued before an upgrade, by a process that had not registered the kind, or before
// a kind changed lanes. When every stored lane agrees, the statement writes nothing. With the
// retention job registered it then makes sure the tenant's next retention run is queued; when
// that fails the tenant is filed again at the next look.
func (r *Runner) file(ctx context.Context, slug string, db *tenantdb.DB) error {
	r.state.Lock()
	done := r.filed[slug]
	r.state.Unlock()
	if done || len(r.lanes) == 0 {
		return nil
	}
	var cases strings.Builder
	args := make([]any, 0, 4*len(r.lanes)+2)
	for k, l := range r.lanes {
		cases.WriteString(" WHEN ? THEN ?")
		args = append(args, k, int(l))
	}
	expr := "CASE kind" + cases.String() + " ELSE " + fmt.Sprint(int(LaneHousekeeping)) + " END"
	args = append(args, args...)
	res, err := db.Exec(ctx, `UPDATE jobs SET lane = `+expr+` WHERE status IN ('queued','running') AND lane <> `+expr, args...)
	if err != nil {
		return fmt.Errorf("jobs: file into lanes: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		r.log.Info("jobs: re-filed queued jobs into their lanes", "tenant", slug, "count", n)
	}
	if r.retention {
		if err := EnsureRetention(ctx, db, r.now()); err != nil {
			r.log.Warn("jobs: ensure retention", "tenant", slug, "err", err)
			return nil
		}
	}
	r.state.Lock()
	if r.filed == nil {
		r.filed = map[string]bool{}
	}
	r.filed[slug] = true
	r.state.Unlock()
	return nil
}

// kickOne makes one idle worker look now.
func (r *Runner) kickOne() {
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

func (r *Runner) work(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTimer(0)
	defer t.Stop()
	for {
		if r.runOnce(ctx) {
			// There may be more: let another idle worker look too, then look again.
			r.kickOne()
			select {
			case <-r.stopped:
				return
			default:
				continue
			}
		}
		t.Reset(r.sleep())
		select {
		case <-r.stopped:
			return
		case <-ctx.Done():
			return
		case <-r.kick:
		case <-t.C:
		}
	}
}

// sleep is how long an idle worker waits: until the earliest run_at the notes know of, at most
// one tick.
func (r *Runner) sleep() time.Duration {
	now := r.now().UnixMilli()
	d := r.tick
	r.state.Lock()
	defer r.state.Unlock()
	for _, n := range r.notes {
		for _, at := range n.next {
			if at > now && at-now < d.Milliseconds() {
				d = time.Duration(at-now) * time.Millisecond
			}
		}
	}
	return d
}

// laneCap is how many workers may run jobs of lane l or any lane after it at once: every worker for
// the customer lane, all but one for the assistant (so one is always free for customers), and all
// but two for housekeeping (at least one), so reviews cannot take the assistant's last worker.
func (r *Runner) laneCap(l Lane) int {
	switch l {
	case LaneCustomer:
		return r.workers
	case LaneAssistant:
		return r.workers - 1
	default:
		return max(1, r.workers-2)
	}
}

// reserve takes a worker slot in lane l if its cap allows.
func (r *Runner) reserve(l Lane) bool {
	r.state.Lock()
	defer r.state.Unlock()
	busy := 0
	for k := l; k < numLanes; k++ {
		busy += r.running[k]
	}
	if busy >= r.laneCap(l) {
		return false
	}
	r.running[l]++
	return true
}

func (r *Runner) unreserve(l Lane) {
	r.state.Lock()
	r.running[l]--
	r.state.Unlock()
}

// runOnce claims and runs at most one job, taking lanes in priority order and tenants round-robin
// within a lane; it reports whether it ran one.
func (r *Runner) runOnce(ctx context.Context) bool {
	slugs, err := r.src.Slugs(ctx)
	if err != nil {
		r.log.Error("jobs: list tenants", "err", err)
		return false
	}
	if len(slugs) == 0 {
		return false
	}
	// One look per tenant: the notes say which lanes have something due.
	dbs := make([]*tenantdb.DB, len(slugs))
	next := make([][numLanes]int64, len(slugs))
	for i, s := range slugs {
		select {
		case <-r.stopped:
			return false
		default:
		}
		db, err := r.src.Tenant(ctx, s)
		if err != nil {
			next[i] = noneDue
			continue
		}
		if err := r.file(ctx, s, db); err != nil {
			r.log.Error("jobs: claim", "tenant", s, "err", err)
		}
		dbs[i], next[i] = db, r.look(ctx, s, db)
	}
	r.lookedOnce.Do(func() { close(r.looked) })
	now := r.now().UnixMilli()
	for l := range Lane(numLanes) {
		if !r.reserve(l) {
			continue
		}
		r.state.Lock()
		start := r.cursor[l]
		r.state.Unlock()
		for k := range slugs {
			i := (start + k) % len(slugs)
			if next[i][l] > now {
				continue
			}
			s, db := slugs[i], dbs[i]
			if l != LaneCustomer && r.hold != nil && r.hold(s) {
				continue
			}
			j, err := r.claim(ctx, db, l, now)
			if err != nil {
				r.log.Error("jobs: claim", "tenant", s, "err", err)
				continue
			}
			if j == nil {
				// Taken by another worker or cancelled: read the queue again at the next look.
				r.forget(s)
				continue
			}
			r.state.Lock()
			r.cursor[l] = i + 1
			if r.lastRun == nil {
				r.lastRun = map[string]time.Time{}
			}
			r.lastRun[s] = r.now()
			r.state.Unlock()
			j.Tenant, j.DB = s, db
			r.run(ctx, j)
			r.unreserve(l)
			return true // the worker kicks another, which may have been waiting for this slot
		}
		r.unreserve(l)
	}
	return false
}

// serial names the kinds worked in batches (HandleBatchIn): their jobs are worked in the order they
// arrived, so a job of such a kind is not claimed while another job of that kind of this tenant is
// running — a second worker would otherwise take the next delivery and could commit it before the
// batch holding the earlier one.
//
// Which serial kinds are running is read first (running jobs are few). While one runs, the oldest
// due job of the lane's other kinds is found through jobs_queued_kind, one seek per kind: the
// claim used to walk the lane's queue in time order past every queued job of the running kind, so
// with 20,000 deliveries waiting behind a running batch each claim read all of them while holding
// the tenant's one writer (≈ 0.1 s, and idle workers asked again and again).
func (r *Runner) claim(ctx context.Context, db *tenantdb.DB, lane Lane, now int64) (*Job, error) {
	j := &Job{}
	var payload string
	err := db.OnWriter(ctx, func(c *sql.Conn) error {
		busy, err := runningKinds(ctx, c, r.serial)
		if err != nil {
			return err
		}
		q, args := claimSQL(lane, now, r.kindsBeside(lane, busy), len(busy) > 0)
		if q == "" {
			return sql.ErrNoRows
		}
		return c.QueryRowContext(ctx, q, args...).Scan(&j.ID, &j.Kind, &payload, &j.Attempt, &j.MaxTries)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	j.Payload = json.RawMessage(payload)
	return j, nil
}

// claimSQL is the statement that claims the oldest due job of lane: of any kind, or, when only
// some kinds may be claimed (a batch kind is running), of those kinds; "" when none may.
func claimSQL(lane Lane, now int64, kinds []string, only bool) (string, []any) {
	args := []any{now, int(lane), now}
	pick := `SELECT id FROM jobs WHERE status = 'queued' AND lane = ? AND run_at <= ? ORDER BY run_at, id LIMIT 1`
	if only {
		if len(kinds) == 0 {
			return "", nil
		}
		pick = `SELECT id FROM jobs INDEXED BY jobs_queued_kind WHERE status = 'queued' AND lane = ? AND run_at <= ? AND kind IN (?` +
			strings.Repeat(",?", len(kinds)-1) + `) ORDER BY run_at, id LIMIT 1`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	return `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = ?
		WHERE id = (` + pick + `)
		RETURNING id, kind, payload, attempts, max_attempts`, args
}

// kindsBeside lists the kinds registered in lane except those in busy.
func (r *Runner) kindsBeside(lane Lane, busy []string) []string {
	var out []string
	for k, l := range r.lanes {
		if l == lane && !slices.Contains(busy, k) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// runningKinds returns which of the serial kinds have a running job.
func runningKinds(ctx context.Context, c *sql.Conn, serial []string) ([]string, error) {
	if len(serial) == 0 {
		return nil, nil
	}
	args := make([]any, len(serial))
	for i, k := range serial {
		args[i] = k
	}
	rows, err := c.QueryContext(ctx, `SELECT DISTINCT kind FROM jobs WHERE status = 'running' AND kind IN (?`+strings.Repeat(",?", len(serial)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var busy []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		busy = append(busy, k)
	}
	return busy, rows.Err()
}

func (r *Runner) run(ctx context.Context, j *Job) {
	if b, ok := r.batches[j.Kind]; ok {
		r.runBatch(ctx, j, b)
		return
	}
	h, ok := r.handlers[j.Kind]
	var err error
	began := time.Now()
	if !ok {
		err = Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	} else {
		err = safeCall(ctx, h, j)
	}
	r.finish(ctx, j, err, time.Since(began))
}

// finish records the outcome of a job: done, requeued (shutdown), retry with backoff or failed.
func (r *Runner) finish(ctx context.Context, j *Job, err error, took time.Duration) {
	outcome := OutcomeDone
	// Finishing uses a context that survives shutdown, so the outcome is always recorded.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	now := r.now()
	switch {
	case err == nil:
		_, err = j.DB.Exec(fctx, `UPDATE jobs SET status = 'done', last_error = '', updated_at = ? WHERE id = ?`, now.UnixMilli(), j.ID)
	case ctx.Err() != nil:
		// Shutdown interrupted the job: requeue it and give the attempt back.
		outcome = OutcomeRequeued
		_, err = j.DB.Exec(fctx, `UPDATE jobs SET status = 'queued', attempts = attempts - 1, updated_at = ? WHERE id = ?`, now.UnixMilli(), j.ID)
	default:
		failed := j.Final(err)
		r.log.Warn("jobs: job failed", "tenant", j.Tenant, "kind", j.Kind, "id", j.ID, "attempt", j.Attempt, "final", failed, "err", err)
		msg := err.Error()
		outcome = OutcomeRetry
		if failed {
			outcome = OutcomeFailed
			_, err = j.DB.Exec(fctx, `UPDATE jobs SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?`, msg, now.UnixMilli(), j.ID)
		} else {
			wait, giveBack := Backoff(j.Attempt), 0
			var w waitError
			if errors.As(err, &w) {
				wait = max(wait, w.wait)
				if w.free {
					wait, giveBack = w.wait, 1
				}
			}
			_, err = j.DB.Exec(fctx, `UPDATE jobs SET status = 'queued', attempts = attempts - ?, last_error = ?, run_at = ?, updated_at = ? WHERE id = ?`,
				giveBack, msg, now.Add(wait).UnixMilli(), now.UnixMilli(), j.ID)
		}
	}
	if err != nil {
		r.log.Error("jobs: record outcome", "tenant", j.Tenant, "id", j.ID, "err", err)
	}
	if r.onFinish != nil {
		r.onFinish(j.Kind, r.LaneOf(j.Kind), outcome, took)
	}
	r.finished()
}

func safeCall(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}
