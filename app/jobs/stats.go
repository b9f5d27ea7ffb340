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
// noted as having nothing due (a trusted note, see look) is reported as zeros without a query, so a monitor
// scraping /metrics every few seconds does not keep idle tenants' connections open.
func (r *Runner) Stats(ctx context.Context) []LaneStat {
	slugs, err := r.src.Slugs(ctx)
	if err != nil {
		r.log.Error("jobs: stats: list tenants", "err", err)
		return nil
	}
	now := r.now()
	out := make([]LaneStat, 0, len(slugs)*3)
	for _, s := range slugs {
		var per [numLanes]LaneStat
		for _, l := range Lanes() {
			per[l] = LaneStat{Tenant: s, Lane: l}
		}
		r.tenantStats(ctx, s, now, &per)
		out = append(out, per[:]...)
	}
	return out
}

func (r *Runner) tenantStats(ctx context.Context, slug string, now time.Time, per *[numLanes]LaneStat) {
	db, err := r.src.Tenant(ctx, slug)
	if err != nil {
		return
	}
	// A note on an unchanged file with nothing due answers without opening a connection to a
	// quiet tenant (for a gauge, a note on a just-modified file is good enough).
	r.state.Lock()
	n := r.notes[slug]
	r.state.Unlock()
	if n != nil && n.sig == sigOf(db.Path) && min(n.next[0], n.next[1], n.next[2]) > now.UnixMilli() {
		return
	}
	rows, err := db.Read.QueryContext(ctx, `SELECT lane, COUNT(*), MIN(run_at) FROM jobs
		WHERE status = 'queued' AND run_at <= ? GROUP BY lane`, now.UnixMilli())
	if err != nil {
		r.log.Error("jobs: stats", "tenant", slug, "err", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var l Lane
		var n int
		var oldest int64
		if err := rows.Scan(&l, &n, &oldest); err != nil {
			r.log.Error("jobs: stats", "tenant", slug, "err", err)
			return
		}
		if l >= 0 && l < numLanes {
			per[l].Depth, per[l].OldestAge = n, now.Sub(time.UnixMilli(oldest))
		}
	}
}
