package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

// BatchHandler works many jobs of one kind of one tenant at once, typically in one write
// transaction. It returns one error per job, in order (nil: done). A handler that does the work
// in a transaction marks the jobs done in that same transaction with DoneTx, so the work and its
// "done" commit together and a crash can never redo finished work.
type BatchHandler func(ctx context.Context, js []*Job) []error

type batchKind struct {
	max int
	h   BatchHandler
}

// HandleBatchIn registers a batch handler in a lane; call before Start. When a worker claims a
// job of kind it also claims up to size-1 more due jobs of that kind from the same tenant, oldest
// first, and hands them over together. Outcomes are recorded per job, as for single jobs.
func (r *Runner) HandleBatchIn(lane Lane, kind string, size int, h BatchHandler) {
	r.HandleIn(lane, kind, func(ctx context.Context, j *Job) error { return h(ctx, []*Job{j})[0] })
	if r.batches == nil {
		r.batches = map[string]batchKind{}
	}
	r.batches[kind] = batchKind{max: max(size, 1), h: h}
	r.serial = append(r.serial, kind)
}

func (r *Runner) runBatch(ctx context.Context, first *Job, b batchKind) {
	js := []*Job{first}
	more, err := claimMore(ctx, first.DB, first.Kind, r.LaneOf(first.Kind), r.now(), b.max-1)
	if err != nil {
		r.log.Error("jobs: claim batch", "tenant", first.Tenant, "kind", first.Kind, "err", err)
	}
	for _, j := range more {
		j.Tenant, j.DB = first.Tenant, first.DB
		js = append(js, j)
	}
	began := time.Now()
	errs := safeBatch(ctx, b.h, js)
	took := time.Since(began)
	var done []string
	for i, j := range js {
		if errs[i] != nil || ctx.Err() != nil {
			r.finish(ctx, j, errs[i], took)
			continue
		}
		done = append(done, fmt.Sprint(j.ID))
	}
	if len(done) == 0 {
		return
	}
	// Jobs the handler already marked in its transaction are left alone; this catches the rest.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if _, err := first.DB.Exec(fctx, `UPDATE jobs SET status = 'done', last_error = '', updated_at = ?
		WHERE status = 'running' AND id IN (`+strings.Join(done, ",")+`)`, time.Now().UnixMilli()); err != nil {
		r.log.Error("jobs: record batch outcome", "tenant", first.Tenant, "kind", first.Kind, "err", err)
	}
	if r.onFinish != nil {
		for range done {
			r.onFinish(first.Kind, r.LaneOf(first.Kind), OutcomeDone, took)
		}
	}
	r.finished()
}

func safeBatch(ctx context.Context, h BatchHandler, js []*Job) (errs []error) {
	defer func() {
		if p := recover(); p != nil {
			errs = make([]error, len(js))
			for i := range errs {
				errs[i] = fmt.Errorf("panic: %v", p)
			}
		}
	}()
	errs = h(ctx, js)
	if len(errs) != len(js) {
		err := fmt.Errorf("jobs: batch handler answered %d outcomes for %d jobs", len(errs), len(js))
		errs = make([]error, len(js))
		for i := range errs {
			errs[i] = err
		}
	}
	return errs
}

// claimMore claims up to n due queued jobs of kind, oldest first, as claim does. The lane (the
// kind's) keeps the search inside the kind's part of the jobs_lane_due index.
func claimMore(ctx context.Context, db *tenantdb.DB, kind string, lane Lane, at time.Time, n int) ([]*Job, error) {
	if n <= 0 {
		return nil, nil
	}
	now := at.UnixMilli()
	var out []*Job
	err := db.OnWriter(ctx, func(c *sql.Conn) error {
		rows, err := c.QueryContext(ctx, `UPDATE jobs SET status = 'running', attempts = attempts + 1, updated_at = ?
		WHERE id IN (SELECT id FROM jobs INDEXED BY jobs_queued_kind WHERE status = 'queued' AND lane = ? AND kind = ? AND run_at <= ? ORDER BY run_at, id LIMIT ?)
		RETURNING id, kind, payload, attempts, max_attempts`, now, int(lane), kind, now, n)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j := &Job{}
			var payload string
			if err := rows.Scan(&j.ID, &j.Kind, &payload, &j.Attempt, &j.MaxTries); err != nil {
				return err
			}
			j.Payload = json.RawMessage(payload)
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// DoneTx marks claimed jobs done inside the caller's transaction (see BatchHandler).
func DoneTx(ctx context.Context, tx *sql.Tx, js []*Job) error {
	if len(js) == 0 {
		return nil
	}
	ids := make([]string, len(js))
	for i, j := range js {
		ids[i] = fmt.Sprint(j.ID)
	}
	_, err := tx.ExecContext(ctx, `UPDATE jobs SET status = 'done', last_error = '', updated_at = ? WHERE status = 'running' AND id IN (`+
		strings.Join(ids, ",")+`)`, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("jobs: mark done: %w", err)
	}
	return nil
}
