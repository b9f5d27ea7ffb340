package jobs

import (
	"context"
	"time"
)

// Outcomes a finished job reports to the OnFinish observer.
const (
	OutcomeDone     = "done"     // the handler succeeded
	OutcomeRetry    = "retry"    // the handler failed; the job is queued again after a backoff
	OutcomeFailed   = "failed"   // permanent error or attempts spent
	OutcomeRequeued = "requeued" // shutdown interrupted it; queued again without spending an attempt
)

// FinishFunc observes every job a worker finished: its kind and lane, the outcome (one of the
// Outcome constants) and how long the handler ran.
type FinishFunc func(kind string, lane Lane, outcome string, took time.Duration)

// OnFinish sets the observer of finished jobs (for /metrics); call before Start. It runs on the
// worker, after the outcome is recorded, so it must be quick.
func (r *Runner) OnFinish(f FinishFunc) { r.onFinish = f }

// Lanes lists the lanes in the order workers serve them.
func Lanes() []Lane { return []Lane{LaneCustomer, LaneAssistant, LaneHousekeeping} }

// Stats reports, for every open tenant and every lane, how many queued jobs are due now and how
// long the oldest of them has waited past its run_at. Every lane of every tenant is listed, zeros
// included, so gauges fall back to zero when a queue drains. A tenant whose queue the workers
// noted as having nothing due (see skipIdle) is reported as zeros without a query, so a monitor
// scraping /metrics every few seconds does not keep idle tenants' connections open.
func (r *Runner) Stats(ctx context.Context) []LaneStat {
	slugs, err := r.src.Slugs(ctx)
	if err != nil {
		r.log.Error("jobs: stats: list tenants", "err", err)
		return nil
	}
	now := time.Now()
	out := make([]LaneStat, 0, len(slugs)*3)
	for _, s := range slugs {
		var per [3]LaneStat
		for _, l := range Lanes() {
			per[l] = LaneStat{Tenant: s, Lane: l}
		}
		r.tenantStats(ctx, s, now, &per)
		out = append(out, per[:]...)
	}
	return out
}

func (r *Runner) tenantStats(ctx context.Context, slug string, now time.Time, per *[3]LaneStat) {
	db, err := r.src.Tenant(ctx, slug)
	if err != nil || r.skipIdle(slug, db) {
		return
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT kind, COUNT(*), MIN(run_at) FROM jobs
		WHERE status = 'queued' AND run_at <= ? GROUP BY kind`, now.UnixMilli())
	if err != nil {
		r.log.Error("jobs: stats", "tenant", slug, "err", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n int
		var oldest int64
		if err := rows.Scan(&kind, &n, &oldest); err != nil {
			r.log.Error("jobs: stats", "tenant", slug, "err", err)
			return
		}
		st := &per[r.LaneOf(kind)]
		st.Depth += n
		st.OldestAge = max(st.OldestAge, now.Sub(time.UnixMilli(oldest)))
	}
}
