package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"highvibe/app/fault"
	"highvibe/app/tenantdb"
)

// KindCount is how many jobs of one kind in one lane wait, run or failed, for the staff console.
type KindCount struct {
	Kind    string
	Lane    Lane
	Queued  int
	Running int
	Failed  int
	// OldestDue is the run_at of the oldest queued job whose time has come (Unix ms; 0 when none
	// is due): how long work has been waiting for the runner.
	OldestDue int64
	// NextAt is the run_at of the soonest queued job whose time has not come (Unix ms; 0 when
	// none): a job scheduled for later (a nightly clean-up, a reply sent later) is not waiting.
	NextAt int64
}

// Counts groups a tenant's open and failed jobs by kind and lane, busiest first. Done and
// cancelled jobs are history and not counted. Queued jobs are due when their run_at is not after
// now.
func Counts(ctx context.Context, db *tenantdb.DB, now time.Time) ([]KindCount, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT kind, lane,
		SUM(status = 'queued'), SUM(status = 'running'), SUM(status = 'failed'),
		COALESCE(MIN(CASE WHEN status = 'queued' AND run_at <= ?1 THEN run_at END), 0),
		COALESCE(MIN(CASE WHEN status = 'queued' AND run_at > ?1 THEN run_at END), 0)
		FROM jobs WHERE status IN ('queued', 'running', 'failed')
		GROUP BY kind, lane ORDER BY SUM(status = 'failed') DESC, SUM(status = 'queued') DESC, kind`, now.UnixMilli())
	if err != nil {
		return nil, fmt.Errorf("jobs: counts: %w", err)
	}
	defer rows.Close()
	var out []KindCount
	for rows.Next() {
		var k KindCount
		if err := rows.Scan(&k.Kind, &k.Lane, &k.Queued, &k.Running, &k.Failed, &k.OldestDue, &k.NextAt); err != nil {
			return nil, fmt.Errorf("jobs: counts: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// FailedJob is a job that ended in failed, with the error of its last attempt.
type FailedJob struct {
	ID        int64
	Kind      string
	Lane      Lane
	Attempts  int
	LastError string
	UpdatedAt int64 // Unix ms: when it failed
}

// Failed lists a tenant's failed jobs, newest first.
func Failed(ctx context.Context, db *tenantdb.DB, limit int) ([]FailedJob, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT id, kind, lane, attempts, last_error, updated_at FROM jobs
		WHERE status = 'failed' ORDER BY updated_at DESC, id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("jobs: failed: %w", err)
	}
	defer rows.Close()
	var out []FailedJob
	for rows.Next() {
		var f FailedJob
		if err := rows.Scan(&f.ID, &f.Kind, &f.Lane, &f.Attempts, &f.LastError, &f.UpdatedAt); err != nil {
			return nil, fmt.Errorf("jobs: failed: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// ErrNotFailed is returned by Retry for a job that is not (or no longer) failed.
var ErrNotFailed = fault.Sentinel(fault.KindConflict, "jobs.err.not_failed", "job is not failed")

// ErrDuplicateOpen is returned by Retry when a job of the same kind and key is already waiting
// or running: retrying would do the same work twice.
var ErrDuplicateOpen = fault.Sentinel(fault.KindConflict, "jobs.err.duplicate_open", "an equal job is already queued or running")

// Retry puts a failed job back in the queue to run now with a fresh set of attempts; the last
// error stays on the row until the next attempt replaces it. It returns the job's kind.
func Retry(ctx context.Context, db *tenantdb.DB, id int64) (string, error) {
	var kind string
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		now := time.Now().UnixMilli()
		err := tx.QueryRowContext(ctx, `UPDATE jobs SET status = 'queued', attempts = 0, run_at = ?, updated_at = ?
			WHERE id = ? AND status = 'failed' RETURNING kind`, now, now, id).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) {
			var exists bool
			if err := tx.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM jobs WHERE id = ?)`, id).Scan(&exists); err != nil {
				return fmt.Errorf("jobs: retry: %w", err)
			}
			if !exists {
				return fmt.Errorf("jobs: retry %d: %w", id, tenantdb.ErrNotFound)
			}
			return fmt.Errorf("jobs: retry %d: %w", id, ErrNotFailed)
		}
		if tenantdb.IsUnique(err) {
			return fmt.Errorf("jobs: retry %d: %w", id, ErrDuplicateOpen)
		}
		if err != nil {
			return fmt.Errorf("jobs: retry: %w", err)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	wakeFor(laneOfKind(kind))
	return kind, nil
}
