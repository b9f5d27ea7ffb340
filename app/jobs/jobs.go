// Package jobs is the durable in-process job runner (SPEC §10): jobs are rows in the tenant's own
// database, so a crash or restart loses none and a tenant's backup carries its pending work.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"highvibe/app/tenantdb"
)

// Job is one claimed row handed to a handler.
type Job struct {
	ID       int64
	Kind     string
	Payload  json.RawMessage
	Attempt  int
	Tenant   string
	DB       *tenantdb.DB
	MaxTries int
}

// Decode unmarshals the payload into v.
func (j *Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// Handler does the work of one kind. Returning an error schedules a retry with backoff; returning
// Permanent(err) fails the job at once.
type Handler func(ctx context.Context, j *Job) error

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks an error that retrying cannot fix (bad payload, deleted record).
func Permanent(err error) error { return permanentError{err} }

// Options tune one enqueue.
type Options struct {
	RunAt       time.Time // zero = now
	MaxAttempts int       // zero = 5
	DedupeKey   string    // when set, a queued/running job of the same kind and key is not duplicated
}

// Enqueue inserts a job inside the caller's transaction, so the job exists if and only if the
// change that asked for it committed. It returns 0 when a duplicate open job already exists.
func Enqueue(ctx context.Context, tx *sql.Tx, kind string, payload any, o Options) (int64, error) {
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: payload: %w", err)
	}
	now := time.Now()
	runAt := o.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 5
	}
	var dk any
	if o.DedupeKey != "" {
		dk = o.DedupeKey
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs(kind, payload, max_attempts, run_at, dedupe_key, created_at, updated_at)
		VALUES(?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`, kind, string(b), o.MaxAttempts, runAt.UnixMilli(), dk, now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, nil
	}
	id, _ := res.LastInsertId()
	wake()
	return id, nil
}

// EnqueueDB is Enqueue in its own transaction.
func EnqueueDB(ctx context.Context, db *tenantdb.DB, kind string, payload any, o Options) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = Enqueue(ctx, tx, kind, payload, o)
		return err
	})
	return id, err
}

// Cancel cancels a queued job (e.g. a scheduled message the operator withdrew). It reports false
// when the job already ran or was not queued.
func Cancel(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'cancelled', updated_at = ? WHERE id = ? AND status = 'queued'`, time.Now().UnixMilli(), id)
	if err != nil {
		return false, fmt.Errorf("jobs: cancel: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// the process-wide wake-up signal: an enqueue makes idle workers look at once instead of at the next tick.
var wakeCh = make(chan struct{}, 1)

// lastWake is when a job was last enqueued in this process; it invalidates the per-tenant
// "nothing due before" notes of the runner.
var lastWake atomic.Int64

func wake() {
	lastWake.Store(time.Now().UnixNano())
	select {
	case wakeCh <- struct{}{}:
	default:
	}
}

// Backoff is the wait before retry number attempt (1-based): 5 s, 20 s, 45 s, ... capped at one hour.
func Backoff(attempt int) time.Duration {
	d := time.Duration(attempt*attempt) * 5 * time.Second
	return min(d, time.Hour)
}

// Source lists the tenants whose queues the runner watches and opens their databases.
type Source interface {
	Slugs(ctx context.Context) ([]string, error)
	Tenant(ctx context.Context, slug string) (*tenantdb.DB, error)
}

// Lane is a job's priority class. Workers serve lanes in this order: customers first (inbound
// ingest, outbound delivery), then the assistant (triage, replies), then housekeeping (reviews,
// snapshots). A kind's lane is set when its handler is registered.
type Lane int

const (
	LaneCustomer Lane = iota
	LaneAssistant
	LaneHousekeeping
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
type Runner struct {
	src      Source
	log      *slog.Logger
	handlers map[string]Handler
	lanes    map[string]Lane
	workers  int
	tick     time.Duration
	onFinish FinishFunc
	batches  map[string]batchKind // kinds worked many at a time (HandleBatchIn)

	// idle notes, per tenant, when its queue next needs a look. Idle tenants are not queried every
	// tick, so their connections can close and 50 quiet tenants cost little memory.
	idleMu  sync.Mutex
	idle    map[string]idleNote
	lastRun map[string]time.Time // when each tenant last ran a job

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopped chan struct{}
}

// NewRunner makes a runner with n workers.
func NewRunner(src Source, log *slog.Logger, workers int) *Runner {
	if workers <= 0 {
		workers = 2
	}
	return &Runner{src: src, log: log, handlers: map[string]Handler{}, workers: workers, tick: time.Second}
}

// SetTick changes how often idle workers poll (tests use a short tick).
func (r *Runner) SetTick(d time.Duration) { r.tick = d }

// Handle registers the handler of a kind in the housekeeping lane; call before Start.
func (r *Runner) Handle(kind string, h Handler) { r.HandleIn(LaneHousekeeping, kind, h) }

// HandleIn registers the handler of a kind in the given lane; call before Start.
func (r *Runner) HandleIn(lane Lane, kind string, h Handler) {
	if r.lanes == nil {
		r.lanes = map[string]Lane{}
	}
	r.handlers[kind] = h
	r.lanes[kind] = lane
}

// LaneOf is the lane a kind was registered in (housekeeping for unknown kinds).
func (r *Runner) LaneOf(kind string) Lane {
	if l, ok := r.lanes[kind]; ok {
		return l
	}
	return LaneHousekeeping
}

// Kinds lists registered kinds.
func (r *Runner) Kinds() []string {
	out := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		out = append(out, k)
	}
	return out
}

// Recover puts jobs left 'running' by a crash back in the queue. Start calls it for every tenant.
func Recover(ctx context.Context, db *tenantdb.DB) (int64, error) {
	res, err := db.Write.ExecContext(ctx, `UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'running'`, time.Now().UnixMilli())
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
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	r.mu.Lock()
	r.cancel, r.started, r.stopped = cancel, true, make(chan struct{})
	r.mu.Unlock()
	for i := 0; i < r.workers; i++ {
		r.wg.Add(1)
		go r.work(ctx)
	}
	return nil
}

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

func (r *Runner) work(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(r.tick)
	defer t.Stop()
	for {
		did := r.runOnce(ctx)
		if did {
			select {
			case <-r.stopped:
				return
			default:
				continue
			}
		}
		select {
		case <-r.stopped:
			return
		case <-ctx.Done():
			return
		case <-wakeCh:
		case <-t.C:
		}
	}
}

// runOnce claims and runs at most one job from any tenant; it reports whether it ran one.
func (r *Runner) runOnce(ctx context.Context) bool {
	slugs, err := r.src.Slugs(ctx)
	if err != nil {
		r.log.Error("jobs: list tenants", "err", err)
		return false
	}
	for _, s := range slugs {
		select {
		case <-r.stopped:
			return false
		default:
		}
		db, err := r.src.Tenant(ctx, s)
		if err != nil {
			continue
		}
		if r.skipIdle(s, db) {
			continue
		}
		j, err := claim(ctx, db)
		if err != nil {
			r.log.Error("jobs: claim", "tenant", s, "err", err)
			continue
		}
		if j == nil {
			r.noteIdle(ctx, s, db)
			continue
		}
		j.Tenant, j.DB = s, db
		r.noteRun(s)
		r.run(ctx, j)
		return true
	}
	return false
}

type idleNote struct {
	until time.Time // nothing is due before this
	due   bool      // until is the run_at of a queued job (else just the recheck bound)
	at    int64     // when the note was taken (UnixNano), compared with lastWake
	file  fileSig   // the database file as it was when the note was taken
}

// idleRecheck bounds how long a tenant's queue goes unchecked, so jobs enqueued by another
// process (the CLI) are still picked up.
const idleRecheck = 30 * time.Second

// releaseAfter: a tenant that ran no job for this long gives its idle connections back as soon as
// its queue is found empty (the pools would close them after their own idle timeout anyway).
const releaseAfter = 20 * time.Second

// fileSig is what the file system says about a database and its WAL. Every commit changes the
// WAL, so an unchanged signature means nobody (this process or the CLI) wrote to the tenant since.
type fileSig struct {
	dbSize, walSize int64
	dbMod, walMod   int64
}

func sigOf(path string) fileSig {
	var s fileSig
	if fi, err := os.Stat(path); err == nil {
		s.dbSize, s.dbMod = fi.Size(), fi.ModTime().UnixNano()
	}
	if fi, err := os.Stat(path + "-wal"); err == nil {
		s.walSize, s.walMod = fi.Size(), fi.ModTime().UnixNano()
	}
	return s
}

// skipIdle reports whether the tenant's queue can be left alone this round. Past the recheck
// bound, a file nobody wrote to since the note cannot hold a new job, so the note is extended
// without opening a connection.
func (r *Runner) skipIdle(slug string, db *tenantdb.DB) bool {
	r.idleMu.Lock()
	defer r.idleMu.Unlock()
	n, ok := r.idle[slug]
	if !ok || n.at < lastWake.Load() {
		return false
	}
	now := time.Now()
	if now.Before(n.until) {
		return true
	}
	if n.due || sigOf(db.Path) != n.file {
		return false
	}
	n.until = now.Add(idleRecheck)
	r.idle[slug] = n
	return true
}

func (r *Runner) noteIdle(ctx context.Context, slug string, db *tenantdb.DB) {
	now := time.Now()
	note := idleNote{until: now.Add(idleRecheck), at: now.UnixNano()}
	var next sql.NullInt64
	if err := db.Read.QueryRowContext(ctx, `SELECT MIN(run_at) FROM jobs WHERE status = 'queued'`).Scan(&next); err == nil && next.Valid {
		if t := time.UnixMilli(next.Int64); t.Before(note.until) {
			note.until, note.due = t, true
		}
	}
	note.file = sigOf(db.Path)
	r.idleMu.Lock()
	if r.idle == nil {
		r.idle = map[string]idleNote{}
	}
	r.idle[slug] = note
	quiet := now.Sub(r.lastRun[slug]) > releaseAfter
	r.idleMu.Unlock()
	if quiet {
		db.ReleaseIdle()
	}
}

func (r *Runner) noteRun(slug string) {
	r.idleMu.Lock()
	defer r.idleMu.Unlock()
	if r.lastRun == nil {
		r.lastRun = map[string]time.Time{}
	}
	r.lastRun[slug] = time.Now()
}

func claim(ctx context.Context, db *tenantdb.DB) (*Job, error) {
	now := time.Now().UnixMilli()
	j := &Job{}
	var payload string
	err := db.Write.QueryRowContext(ctx, `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = ?
		WHERE id = (SELECT id FROM jobs WHERE status = 'queued' AND run_at <= ? ORDER BY run_at, id LIMIT 1)
		RETURNING id, kind, payload, attempts, max_attempts`, now, now).Scan(&j.ID, &j.Kind, &payload, &j.Attempt, &j.MaxTries)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	j.Payload = json.RawMessage(payload)
	return j, nil
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
	now := time.Now()
	switch {
	case err == nil:
		_, err = j.DB.Write.ExecContext(fctx, `UPDATE jobs SET status = 'done', last_error = '', updated_at = ? WHERE id = ?`, now.UnixMilli(), j.ID)
	case ctx.Err() != nil:
		// Shutdown interrupted the job: requeue it and give the attempt back.
		outcome = OutcomeRequeued
		_, err = j.DB.Write.ExecContext(fctx, `UPDATE jobs SET status = 'queued', attempts = attempts - 1, updated_at = ? WHERE id = ?`, now.UnixMilli(), j.ID)
	default:
		var perm permanentError
		failed := errors.As(err, &perm) || j.Attempt >= j.MaxTries
		r.log.Warn("jobs: job failed", "tenant", j.Tenant, "kind", j.Kind, "id", j.ID, "attempt", j.Attempt, "final", failed, "err", err)
		msg := err.Error()
		outcome = OutcomeRetry
		if failed {
			outcome = OutcomeFailed
			_, err = j.DB.Write.ExecContext(fctx, `UPDATE jobs SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?`, msg, now.UnixMilli(), j.ID)
		} else {
			_, err = j.DB.Write.ExecContext(fctx, `UPDATE jobs SET status = 'queued', last_error = ?, run_at = ?, updated_at = ? WHERE id = ?`,
				msg, now.Add(Backoff(j.Attempt)).UnixMilli(), now.UnixMilli(), j.ID)
		}
	}
	if err != nil {
		r.log.Error("jobs: record outcome", "tenant", j.Tenant, "id", j.ID, "err", err)
	}
	if r.onFinish != nil {
		r.onFinish(j.Kind, r.LaneOf(j.Kind), outcome, took)
	}
}

func safeCall(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return h(ctx, j)
}

// Row is a job as shown to staff.
type Row struct {
	ID        int64
	Kind      string
	Status    string
	Attempts  int
	LastError string
	RunAt     int64
	UpdatedAt int64
}

// List returns the newest jobs with the given status ("" = any), for the staff view.
func List(ctx context.Context, db *tenantdb.DB, status string, limit int) ([]Row, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT id, kind, status, attempts, last_error, run_at, updated_at FROM jobs
		WHERE (? = '' OR status = ?) ORDER BY id DESC LIMIT ?`, status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("jobs: list: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.ID, &r.Kind, &r.Status, &r.Attempts, &r.LastError, &r.RunAt, &r.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Poke makes the runner look at every tenant's queue at once, for callers that changed the jobs
// table without Enqueue (tests, staff tools retrying a failed job).
func Poke() { wake() }
