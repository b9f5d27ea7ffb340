// Package jobs is the durable in-process job runner: jobs are rows in the tenant's own
// database, so a crash or restart loses none and a tenant's backup carries its pending work.
package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
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
// Permanent(err) fails the job at once; RetryAfter and Later set the wait before the next try.
type Handler func(ctx context.Context, j *Job) error

type permanentError struct{ err error }

func (p permanentError) Error() string { return p.err.Error() }
func (p permanentError) Unwrap() error { return p.err }

// Permanent marks an error that retrying cannot fix (bad payload, deleted record).
func Permanent(err error) error { return permanentError{err} }

// waitError asks for the next try no earlier than Wait from now (and no earlier than Backoff).
// Free gives the attempt back: the job did not fail, it was told to come back later.
type waitError struct {
	err  error
	wait time.Duration
	free bool
}

func (w waitError) Error() string { return w.err.Error() }
func (w waitError) Unwrap() error { return w.err }

// RetryAfter is err with the wait the other side asked for: the next try comes no earlier than
// wait from now (nor earlier than Backoff), and this attempt counts as any failed one.
func RetryAfter(err error, wait time.Duration) error { return waitError{err: err, wait: wait} }

// Later is err when the other side asked to be called again after wait (Telegram's 429
// retry_after): the next try comes no earlier than wait from now, and this attempt is given back,
// so a wait the job was told to keep does not use up its tries. The caller bounds how often it
// asks for that (a job that is only ever told to wait would never end).
func Later(err error, wait time.Duration) error { return waitError{err: err, wait: wait, free: true} }

// Final reports whether returning err ends the job for good: a Permanent error, or any error on
// its last attempt except a Later one. A handler that must leave a trace of a failure (not only
// the job's row) uses it to know that no retry follows.
func (j *Job) Final(err error) bool {
	var perm permanentError
	var w waitError
	if err != nil && errors.As(err, &w) && w.free && !errors.As(err, &perm) {
		return false
	}
	return err != nil && (errors.As(err, &perm) || j.Attempt >= j.MaxTries)
}

// Options tune one enqueue.
type Options struct {
	RunAt       time.Time // zero = now
	MaxAttempts int       // zero = 5
	DedupeKey   string    // when set, a queued/running job of the same kind and key is not duplicated
	// Done stores the job as already done, for work the caller does in this same transaction (a
	// webhook delivery processed as it is stored): the job keeps its record and its one status
	// machine, and no runner ever runs it.
	Done bool
}

// Execer is what Enqueue writes through: a transaction, or a statement cache on one.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Querier reads inside the caller's transaction (the transaction or a statement cache on it).
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Waiting reports whether a job of kind in lane is queued or running, read inside the caller's
// transaction: a channel that processes deliveries as they arrive asks it so a new delivery never
// overtakes one still waiting in the queue.
func Waiting(ctx context.Context, q Querier, lane Lane, kind string) (bool, error) {
	var open bool
	err := q.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM jobs WHERE status IN ('queued','running') AND lane = ? AND kind = ?)`,
		int(lane), kind).Scan(&open)
	if err != nil {
		return false, fmt.Errorf("jobs: waiting: %w", err)
	}
	return open, nil
}

// Enqueue inserts a job inside the caller's transaction (tx is the transaction or a statement
// cache on it), so the job exists if and only if the change that asked for it committed. It
// returns 0 when a duplicate open job already exists. A json.RawMessage payload is stored as it is.
func Enqueue(ctx context.Context, tx Execer, kind string, payload any, o Options) (int64, error) {
	b, ok := payload.(json.RawMessage)
	if !ok {
		var err error
		if b, err = json.Marshal(payload); err != nil {
			return 0, fmt.Errorf("jobs: payload: %w", err)
		}
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
	status, attempts := "queued", 0
	if o.Done {
		status, attempts, dk = "done", 1, nil
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO jobs(kind, lane, payload, status, attempts, max_attempts, run_at, dedupe_key, created_at, updated_at)
		VALUES(?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`, kind, laneOfKind(kind), string(b), status, attempts, o.MaxAttempts, runAt.UnixMilli(), dk, now.UnixMilli(), now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", kind, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return 0, nil
	}
	id, _ := res.LastInsertId()
	if !o.Done {
		wakeFor(laneOfKind(kind))
	}
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

// Reschedule moves the queued job of kind with dedupeKey to runAt (with a fresh payload), or
// enqueues one when none is queued, inside the caller's transaction: a debounced job (a review that
// must follow the last message) is kept once and pushed later. It returns the job's id, or 0 when
// the job of that key is running right now (it is not duplicated).
func Reschedule(ctx context.Context, tx *sql.Tx, kind, dedupeKey string, payload any, runAt time.Time) (int64, error) {
	if dedupeKey == "" {
		return 0, fmt.Errorf("jobs: reschedule %s: a dedupe key names the job", kind)
	}
	b, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("jobs: payload: %w", err)
	}
	var id int64
	err = tx.QueryRowContext(ctx, `UPDATE jobs SET run_at = ?, payload = ?, updated_at = ?
		WHERE kind = ? AND dedupe_key = ? AND status = 'queued' RETURNING id`,
		runAt.UnixMilli(), string(b), time.Now().UnixMilli(), kind, dedupeKey).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Enqueue(ctx, tx, kind, payload, Options{RunAt: runAt, DedupeKey: dedupeKey})
	}
	if err != nil {
		return 0, fmt.Errorf("jobs: reschedule %s: %w", kind, err)
	}
	wake()
	return id, nil
}

// runners are the started runners of this process. An enqueue cannot tell which runner serves the
// tenant it wrote to, so it kicks them all; a kick only makes idle workers look now (a look at a
// tenant whose file did not change costs two stat calls).
var runners struct {
	sync.Mutex
	set      map[*Runner]struct{}
	lowTimer bool // a wake for the lower lanes is pending (wakeFor)
}

// lowWakeDelay is how long a wake for the assistant and housekeeping lanes may wait, so the many
// jobs a burst queues there (a triage per message) wake the runners once per delay instead of once
// per job: while a burst holds those lanes, every wake would be a look at the queue for nothing.
const lowWakeDelay = 10 * time.Millisecond

// wakeFor wakes the runners for a job queued in lane: at once for customers, within lowWakeDelay
// for the lanes after.
func wakeFor(l Lane) {
	if l == LaneCustomer {
		wake()
		return
	}
	runners.Lock()
	defer runners.Unlock()
	if runners.lowTimer {
		return
	}
	runners.lowTimer = true
	time.AfterFunc(lowWakeDelay, func() {
		runners.Lock()
		runners.lowTimer = false
		runners.Unlock()
		wake()
	})
}

func wake() {
	runners.Lock()
	defer runners.Unlock()
	for r := range runners.set {
		r.kickOne()
	}
}

// kinds maps every registered kind to its lane for Enqueue, which stores the lane with the job so
// a claim is one index seek. Kinds are names fixed in the binary, so the map is process-wide; a
// runner re-files queued jobs whose stored lane disagrees with its registrations when it first
// meets a tenant (jobs queued by an older binary, or before the kind was registered).
var kinds sync.Map // string → Lane

func laneOfKind(kind string) Lane {
	if l, ok := kinds.Load(kind); ok {
		return l.(Lane)
	}
	return LaneHousekeeping
}

// Backoff is the wait before retry number attempt (1-based): 5 s, 20 s, 45 s, ... capped at one hour.
func Backoff(attempt int) time.Duration {
	d := time.Duration(attempt*attempt) * 5 * time.Second
	return min(d, time.Hour)
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
