package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/settingdef"
	"highvibe/app/tenantdb"
)

// JobRetention is the retention job (housekeeping lane): once a day, at RetentionClock in the
// tenant's zone, it deletes the finished jobs older than the tenant's windows — done and cancelled
// jobs after SettingKeepDays, failed ones after the longer SettingKeepFailedDays — and the rows of
// data_import_jobs (raw webhook bodies from before deliveries became jobs) by the same windows.
// A finished job's payload is what it processed (a WhatsApp delivery's sender, name and words, an
// e-mail, a push), so keeping them forever would keep personal data nothing uses: nothing reads a
// finished job again (duplicate deliveries are recognised by the message's provider id, dedupe
// keys only hold between open jobs, /metrics counts in memory, the staff console shows open and
// failed jobs).
//
// Queued and running jobs are never touched. Rows go in small write transactions (retentionBatch)
// so the tenant's one writer is free for customers' deliveries between them, and a run deletes at
// most retentionRunRows before it queues the next run at once (the runner serves customers first
// between runs).
const JobRetention = "jobs_retention"

// The tenant settings that hold the windows, in days.
const (
	SettingKeepDays       = "job_history_days"
	SettingKeepFailedDays = "job_failures_days"
)

// Defaults and bounds of the windows, in days.
const (
	DefaultKeepDays       = 30
	DefaultKeepFailedDays = 90
	MinKeepDays           = 1
	MaxKeepDays           = 365
	MinKeepFailedDays     = 7
	MaxKeepFailedDays     = 730
)

// RetentionClock is the local time of day of the daily run (minutes after midnight): 04:00, when
// a business's customers write least.
const RetentionClock = 4 * 60

// retentionBatch is how many rows one write transaction deletes; retentionRunRows how many one
// run deletes before it hands over to the next run. Variables so the tests can make them small.
var (
	retentionBatch   = 300
	retentionRunRows = 6000
)

// Settings are the jobs room's tenant settings (the server hands them to the platform with the
// channels' own): the two retention windows.
func Settings() []settingdef.Def {
	return []settingdef.Def{
		{Key: SettingKeepDays, Default: strconv.Itoa(DefaultKeepDays), Kind: settingdef.Number, Label: "jobs.retention.done",
			Min: MinKeepDays, Max: MaxKeepDays, Check: settingdef.WholeNumber(MinKeepDays, MaxKeepDays)},
		{Key: SettingKeepFailedDays, Default: strconv.Itoa(DefaultKeepFailedDays), Kind: settingdef.Number, Label: "jobs.retention.failed",
			Min: MinKeepFailedDays, Max: MaxKeepFailedDays, Check: settingdef.WholeNumber(MinKeepFailedDays, MaxKeepFailedDays)},
	}
}

// Retention is how long finished jobs are kept.
type Retention struct {
	Done   time.Duration // done and cancelled jobs
	Failed time.Duration // failed jobs
}

// RetentionOf reads the windows from a tenant's settings; a value that is missing or out of range
// (stored before the range was checked) falls back to its default.
func RetentionOf(setting func(key string) string) Retention {
	days := func(key string, def, lo, hi int) time.Duration {
		n, err := strconv.Atoi(strings.TrimSpace(setting(key)))
		if err != nil || n < lo || n > hi {
			n = def
		}
		return time.Duration(n) * 24 * time.Hour
	}
	return Retention{Done: days(SettingKeepDays, DefaultKeepDays, MinKeepDays, MaxKeepDays),
		Failed: days(SettingKeepFailedDays, DefaultKeepFailedDays, MinKeepFailedDays, MaxKeepFailedDays)}
}

// HandleRetention registers the retention job; windows reads a tenant's Retention. The runner
// then also makes sure, when it first meets a tenant, that the tenant's next run is queued
// (EnsureRetention), so every tenant has its daily chain of runs without anyone opening a page,
// and a chain that ended (a run failed three times, a database restored from an old backup)
// starts again at the next start of the server. Call before Start.
func (r *Runner) HandleRetention(windows func(ctx context.Context, slug string) (Retention, error)) {
	r.HandleIn(LaneHousekeeping, JobRetention, func(ctx context.Context, j *Job) error {
		now := r.now()
		_, err := Prune(ctx, j.DB, func() (Retention, error) { return windows(ctx, j.Tenant) }, now)
		for _, fn := range r.alsoPrune {
			err = errors.Join(err, fn(ctx, j.DB, now))
		}
		return err
	})
	r.retention = true
}

// PruneAlso adds fn to every retention run: another room's short-lived rows (the panel's spent
// one-time form tokens) are deleted by the same daily housekeeping, without the queue knowing
// their tables. Call before Start.
func (r *Runner) PruneAlso(fn func(ctx context.Context, db *tenantdb.DB, now time.Time) error) {
	r.alsoPrune = append(r.alsoPrune, fn)
}

// EnsureRetention queues the tenant's next retention run when none is waiting.
func EnsureRetention(ctx context.Context, db *tenantdb.DB, now time.Time) error {
	waiting, err := Waiting(ctx, db.Read, LaneHousekeeping, JobRetention)
	if err != nil || waiting {
		return err
	}
	_, err = scheduleRetention(ctx, db, now)
	return err
}

// scheduleRetention queues the run at the first RetentionClock after now in the tenant's zone
// (runs for the same day fold into one) and returns its time.
func scheduleRetention(ctx context.Context, db *tenantdb.DB, now time.Time) (time.Time, error) {
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return time.Time{}, err
	}
	l := now.In(loc)
	at := time.Date(l.Year(), l.Month(), l.Day(), RetentionClock/60, RetentionClock%60, 0, 0, loc)
	if !at.After(now) {
		t := l.AddDate(0, 0, 1)
		at = time.Date(t.Year(), t.Month(), t.Day(), RetentionClock/60, RetentionClock%60, 0, 0, loc)
	}
	for {
		key := "day:" + at.Format(time.DateOnly)
		id, err := EnqueueDB(ctx, db, JobRetention, struct{}{}, Options{RunAt: at, MaxAttempts: 3, DedupeKey: key})
		if err != nil {
			return time.Time{}, fmt.Errorf("jobs: schedule retention: %w", err)
		}
		if id != 0 {
			return at, nil
		}
		// That day's run is open already: queued (nothing to do), or running — this very run,
		// started before its time (the clock was set back) — and then the next is the day after.
		var queued bool
		if err := db.Read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM jobs WHERE kind = ? AND dedupe_key = ? AND status = 'queued')`,
			JobRetention, key).Scan(&queued); err != nil {
			return time.Time{}, fmt.Errorf("jobs: schedule retention: %w", err)
		}
		if queued {
			return at, nil
		}
		l := at.AddDate(0, 0, 1)
		at = time.Date(l.Year(), l.Month(), l.Day(), RetentionClock/60, RetentionClock%60, 0, 0, loc)
	}
}

// Pruned is what one retention run did.
type Pruned struct {
	Jobs    int64     // rows of jobs deleted
	Imports int64     // rows of data_import_jobs deleted
	More    bool      // the run stopped at retentionRunRows; the next run is queued now
	Next    time.Time // the next daily run
}

// Prune is one retention run at now: it queues the next daily run first (so a run that fails,
// reading the tenant's windows or deleting, is retried and the chain goes on however the retries
// end), finds the rows past their window with ordinary reads, and deletes them retentionBatch at
// a time, each batch in its own write transaction that checks the row's status and time again (a
// failed job retried meanwhile is queued, and stays). Deleted rows are overwritten in the file
// (secure_delete), as an erasure's are.
func Prune(ctx context.Context, db *tenantdb.DB, windows func() (Retention, error), now time.Time) (Pruned, error) {
	next, err := scheduleRetention(ctx, db, now)
	if err != nil {
		return Pruned{}, err
	}
	w, err := windows()
	if err != nil {
		return Pruned{Next: next}, err
	}
	p, err := prune(ctx, db, w, now)
	p.Next = next
	return p, err
}

// prune deletes what is past the windows w at now (Prune without the next daily run).
func prune(ctx context.Context, db *tenantdb.DB, w Retention, now time.Time) (Pruned, error) {
	var p Pruned
	doneCut, failCut := now.Add(-w.Done).UnixMilli(), now.Add(-w.Failed).UnixMilli()
	left := retentionRunRows
	// The unary + keeps SQLite from the status index: the rows are read in id order, so the
	// oldest come first and a run with more than it deletes stops reading early, and the deletes
	// below find their rows by id rather than by walking every finished job in each transaction.
	ids, err := tenantdb.IDs(ctx, db.Read, `SELECT id FROM jobs
		WHERE +status IN ('done','cancelled') AND updated_at < ?1 OR +status = 'failed' AND updated_at < ?2
		ORDER BY id LIMIT ?3`, doneCut, failCut, left)
	if err != nil {
		return p, fmt.Errorf("jobs: retention: %w", err)
	}
	left -= len(ids)
	if p.Jobs, err = deleteBatches(ctx, db, ids, `DELETE FROM jobs WHERE id IN (SELECT value FROM json_each(?1))
		AND (+status IN ('done','cancelled') AND updated_at < ?2 OR +status = 'failed' AND updated_at < ?3)`, doneCut, failCut); err != nil {
		return p, err
	}
	if left > 0 {
		imp, err := tenantdb.IDs(ctx, db.Read, `SELECT id FROM data_import_jobs
			WHERE +status = 'completed' AND coalesce(finished_at, created_at) < ?1 OR +status = 'failed' AND coalesce(finished_at, created_at) < ?2
			ORDER BY id LIMIT ?3`, doneCut, failCut, left)
		if err != nil {
			return p, fmt.Errorf("jobs: retention: %w", err)
		}
		left -= len(imp)
		if p.Imports, err = deleteBatches(ctx, db, imp, `DELETE FROM data_import_jobs WHERE id IN (SELECT value FROM json_each(?1))
			AND (+status = 'completed' AND coalesce(finished_at, created_at) < ?2 OR +status = 'failed' AND coalesce(finished_at, created_at) < ?3)`,
			doneCut, failCut); err != nil {
			return p, err
		}
	}
	if left <= 0 {
		p.More = true
		if _, err := EnqueueDB(ctx, db, JobRetention, struct{}{}, Options{RunAt: now, MaxAttempts: 3,
			DedupeKey: "more:" + strconv.FormatInt(now.UnixMilli(), 10)}); err != nil {
			return p, fmt.Errorf("jobs: retention: %w", err)
		}
	}
	return p, nil
}

// deleteBatches runs del for ids, retentionBatch ids per write transaction (?1 is the ids as a
// JSON array, args follow), and returns how many rows went.
func deleteBatches(ctx context.Context, db *tenantdb.DB, ids []int64, del string, args ...any) (int64, error) {
	var n int64
	for len(ids) > 0 {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		chunk := ids[:min(retentionBatch, len(ids))]
		ids = ids[len(chunk):]
		b, err := json.Marshal(chunk)
		if err != nil {
			return n, err
		}
		var k int64
		err = db.InTx(ctx, func(tx *sql.Tx) error {
			var was int
			if err := tx.QueryRowContext(ctx, `PRAGMA secure_delete`).Scan(&was); err != nil {
				return err
			}
			if was == 0 {
				if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = 1`); err != nil {
					return err
				}
				defer func() { _, _ = tx.ExecContext(ctx, `PRAGMA secure_delete = 0`) }()
			}
			res, err := tx.ExecContext(ctx, del, append([]any{string(b)}, args...)...)
			if err != nil {
				return err
			}
			k, _ = res.RowsAffected()
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("jobs: retention: %w", err)
		}
		n += k
	}
	return n, nil
}
