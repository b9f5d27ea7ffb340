package seasonal

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// JobCheck is the seasonal job (housekeeping lane): it raises a decision recommendation when a
// campaign's lead time has started — once per campaign and year of its date — and queues its
// next run for 09:00 (the tenant's zone) the next day while the calendar has campaigns. Saving
// a campaign queues a run at once; the calendar page queues one when none is waiting.
const JobCheck = "seasonal_check"

// RunClock is the local time of day (minutes after midnight) of the daily run: 09:00.
const RunClock = 9 * 60

// ModelName marks what the seasonal job writes (recommendations, log rows).
const ModelName = "builtin-seasonal"

// RegisterJobs hands the runner the seasonal job. moduleOn tells whether a tenant has the
// seasonal module on: while it is off the job raises nothing but keeps its daily run, so the
// campaigns whose lead time runs are raised as soon as the module is back.
func RegisterJobs(r *jobs.Runner, moduleOn func(ctx context.Context, slug string) (bool, error)) {
	r.HandleIn(jobs.LaneHousekeeping, JobCheck, func(ctx context.Context, j *jobs.Job) error {
		on := true
		if moduleOn != nil {
			var err error
			if on, err = moduleOn(ctx, j.Tenant); err != nil {
				return err
			}
		}
		_, err := RunCheck(ctx, j.DB, time.Now(), on)
		return err
	})
}

// kick queues a run now inside the caller's transaction (runs asked for in the same second fold
// into one).
func kick(ctx context.Context, tx jobs.Execer, now time.Time) error {
	_, err := jobs.Enqueue(ctx, tx, JobCheck, struct{}{}, jobs.Options{MaxAttempts: 3,
		DedupeKey: fmt.Sprintf("kick:%d", now.Unix())})
	return err
}

// EnsureJob queues a run now when the calendar has campaigns and no run is waiting (a chain of
// daily runs that ended: a run failed three times, a database restored from an old backup).
func EnsureJob(ctx context.Context, db *tenantdb.DB) error {
	var any bool
	if err := db.Read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM seasonal_campaigns)`).Scan(&any); err != nil || !any {
		return err
	}
	waiting, err := jobs.Waiting(ctx, db.Read, jobs.LaneHousekeeping, JobCheck)
	if err != nil || waiting {
		return err
	}
	_, err = jobs.EnqueueDB(ctx, db, JobCheck, struct{}{}, jobs.Options{MaxAttempts: 3, DedupeKey: "ensure"})
	return err
}

// Today is the calendar day it is at now in the tenant's zone (midnight UTC of that day), and
// the zone.
func Today(ctx context.Context, q hoursdb.Querier, now time.Time) (time.Time, *time.Location, error) {
	loc, err := hoursdb.Zone(ctx, q)
	if err != nil {
		return time.Time{}, nil, err
	}
	l := now.In(loc)
	return day(l.Year(), l.Month(), l.Day()), loc, nil
}

// Run is what one run of the job did.
type Run struct {
	Raised []int64   // recommendations created
	Next   time.Time // the next run queued (zero: none, the calendar is empty)
}

// RunCheck is one run of the seasonal job at now: when raise is set, every campaign whose lead
// time covers today and has no recommendation for its year yet gets one; then the next daily run
// is queued.
func RunCheck(ctx context.Context, db *tenantdb.DB, now time.Time, raise bool) (Run, error) {
	var run Run
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		today, loc, err := Today(ctx, tx, now)
		if err != nil {
			return err
		}
		cs, err := List(ctx, tx)
		if err != nil {
			return err
		}
		if raise {
			for _, o := range Preparing(cs, today) {
				id, err := raiseTx(ctx, tx, o, today, loc, now)
				if err != nil {
					return err
				}
				if id != 0 {
					run.Raised = append(run.Raised, id)
				}
			}
		}
		if len(cs) == 0 {
			return nil
		}
		t := today.AddDate(0, 0, 1)
		run.Next = time.Date(t.Year(), t.Month(), t.Day(), RunClock/60, RunClock%60, 0, 0, loc)
		_, err = jobs.Enqueue(ctx, tx, JobCheck, struct{}{}, jobs.Options{RunAt: run.Next, MaxAttempts: 3,
			DedupeKey: "day:" + t.Format(time.DateOnly)})
		return err
	})
	return run, err
}

// raiseTx raises the recommendation of one occurrence whose lead time covers today, unless its
// campaign-year has one already; it returns the new recommendation's id (0: none raised).
func raiseTx(ctx context.Context, tx *sql.Tx, o Occurrence, today time.Time, loc *time.Location, now time.Time) (int64, error) {
	c := o.Campaign
	var done bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM seasonal_raised WHERE campaign_id = ? AND year = ?)`,
		c.ID, o.Year()).Scan(&done); err != nil {
		return 0, fmt.Errorf("seasonal: raised: %w", err)
	}
	if done {
		return 0, nil
	}
	left := int(o.Date.Sub(today).Hours() / 24)
	key, titleArgs := "seasonal.rec.soon", []any{c.Name, left}
	switch left {
	case 0:
		key, titleArgs = "seasonal.rec.today", []any{c.Name}
	case 1:
		key, titleArgs = "seasonal.rec.tomorrow", []any{c.Name}
	}
	title := fmt.Sprintf("%s in %d days: get ready", c.Name, left)
	summary := fmt.Sprintf("%s is on %s; expected demand that week: %+d%% against a usual week.", c.Name, o.Date.Format(time.DateOnly), c.UpliftPct)
	sumArgs := []any{c.UpliftPct}
	orders, compared := 0, false
	if d, ok := c.On(o.Year() - 1); ok {
		last := Occurrence{Campaign: c, Date: d}
		n, recorded, err := lastYearOrders(ctx, tx, last, loc)
		if err != nil {
			return 0, err
		}
		if recorded {
			orders, compared = n, true
			sumArgs = append(sumArgs, n)
			summary += fmt.Sprintf(" Last year the week up to it had %d orders.", n)
		}
	}
	if !compared {
		key += "_nolast"
		summary += " No orders are recorded for that week last year to compare with."
	}
	summary += " Prepare stock and staff, and a campaign message for your customers."
	recID, created, err := approvals.Create(ctx, tx, approvals.New{
		Title: title, Summary: summary, RecommendedAction: "/app/seasonal/?month=" + o.Date.Format("2006-01"),
		Priority: "medium", ActionType: "stock", Confidence: 1, ModelName: ModelName, CreatedAt: now.UnixMilli(),
		DedupeKey: fmt.Sprintf("seasonal:%d:%d", c.ID, o.Year()),
		Words:     words.Rec{Key: key, TitleArgs: titleArgs, Day: o.Date.Format(time.DateOnly), SummaryArgs: sumArgs}.JSON()})
	if err != nil {
		return 0, err
	}
	var rec any
	if created {
		rec = recID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO seasonal_raised(campaign_id, year, occurs_on, recommendation_id, raised_at) VALUES(?,?,?,?,?)`,
		c.ID, o.Year(), o.Date.Format(time.DateOnly), rec, now.UnixMilli()); err != nil {
		return 0, fmt.Errorf("seasonal: raised: %w", err)
	}
	if !created {
		return 0, nil
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "seasonal", ActionType: "seasonal_recommended", Summary: c.Name + " " + o.Date.Format(time.DateOnly),
		ModelName: ModelName, Payload: map[string]any{"campaign_id": c.ID, "recommendation_id": recID, "occurs_on": o.Date.Format(time.DateOnly),
			"days_left": left, "last_year_orders": orders, "compared": compared}})
	return recID, err
}
