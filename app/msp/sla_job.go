package msp

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/jobs"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// JobSLACheck is the SLA job: it looks at every running ticket's clocks, warns once per ticket
// and target when 75 % is used (a recommendation in the approval queue and a notification to
// the assignee, else the owners and operators), logs a breach once (the action log and a
// notification), and queues its next run for the next moment a clock crosses a line. Ticket
// changes and policy saves queue a run at once (kickSLA). Housekeeping lane: it never holds up
// customers' messages.
const JobSLACheck = "msp_sla_check"

// slaMaxGap is the longest the job sleeps between runs while tickets run, so a change it was not
// told of (business hours edited) is seen within it.
const slaMaxGap = 15 * time.Minute

// RegisterSLAJobs registers the SLA job's handler on the runner.
func RegisterSLAJobs(r *jobs.Runner) {
	r.HandleIn(jobs.LaneHousekeeping, JobSLACheck, func(ctx context.Context, j *jobs.Job) error {
		_, err := RunSLACheck(ctx, j.DB, time.Now())
		return err
	})
}

// kickSLA queues an SLA run now, inside the caller's transaction (runs asked for in the same
// second fold into one).
func kickSLA(ctx context.Context, tx jobs.Execer, now time.Time) error {
	_, err := jobs.Enqueue(ctx, tx, JobSLACheck, struct{}{}, jobs.Options{MaxAttempts: 3,
		DedupeKey: "kick:" + strconv.FormatInt(now.Unix(), 10)})
	return err
}

// EnsureSLAJob queues an SLA run now when tickets run but no run is queued (a chain of runs that
// ended: its job failed three times, or a database restored from a backup taken mid-run). The
// ticket list and the SLA page call it; it reads two rows in the usual case.
func EnsureSLAJob(ctx context.Context, db *tenantdb.DB) error {
	var running bool
	if err := db.Read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM msp_ticket_sla WHERE running = 1)`).Scan(&running); err != nil || !running {
		return err
	}
	waiting, err := jobs.Waiting(ctx, db.Read, jobs.LaneHousekeeping, JobSLACheck)
	if err != nil || waiting {
		return err
	}
	_, err = jobs.EnqueueDB(ctx, db, JobSLACheck, struct{}{}, jobs.Options{MaxAttempts: 3, DedupeKey: "ensure"})
	return err
}

// scheduleSLA queues the run at the start of the minute after at (runs on the same minute fold
// into one, so two chains of runs merge as soon as they agree on the next moment).
func scheduleSLA(ctx context.Context, tx jobs.Execer, at time.Time) error {
	slot := at.Truncate(time.Minute).Add(time.Minute)
	_, err := jobs.Enqueue(ctx, tx, JobSLACheck, struct{}{}, jobs.Options{RunAt: slot, MaxAttempts: 3,
		DedupeKey: "at:" + strconv.FormatInt(slot.Unix(), 10)})
	return err
}

// SLARun is what one run did.
type SLARun struct {
	Tickets  int       // running tickets looked at
	Warned   int       // targets that crossed 75 % and were warned of
	Breached int       // targets that passed their due time and were logged
	Next     time.Time // the next run queued (zero: no ticket runs, none queued)
}

// slaTargets names the two targets in the stored words.
var slaTargets = [2]string{"response", "resolution"}

// RunSLACheck is one run of the SLA job at now.
func RunSLACheck(ctx context.Context, db *tenantdb.DB, now time.Time) (SLARun, error) {
	var run SLARun
	env, err := loadSLAEnv(ctx, db.Read)
	if err != nil {
		return run, err
	}
	ts, err := loadSLA(ctx, db.Read, env, `s.running = 1`, nil,
		`ticket_id IN (SELECT ticket_id FROM msp_ticket_sla WHERE running = 1)`, now)
	if err != nil {
		return run, err
	}
	run.Tickets = len(ts)
	type todo struct {
		t      *TicketSLA
		target int // 0 response, 1 resolution
		warn   bool
		breach bool
		clock  SLAClock
	}
	var work []todo
	next := now.Add(slaMaxGap)
	for _, t := range ts {
		for i, c := range [2]SLAClock{t.Response, t.Resolution} {
			if c.State == ClockNone || c.Stopped && c.State != ClockBreached {
				continue
			}
			warned, breached := t.ResponseWarnedAt, t.ResponseBreachedAt
			if i == 1 {
				warned, breached = t.ResolutionWarnedAt, t.ResolutionBreachedAt
			}
			w := todo{t: t, target: i, clock: c}
			// A clock first seen past its due time is logged as breached, not warned of
			// (the warning would come after the fact).
			w.breach = c.State == ClockBreached && breached == 0
			w.warn = c.State == ClockAmber && warned == 0
			if w.warn || w.breach {
				work = append(work, w)
			}
			if c.Stopped || c.Paused || !c.DueOK {
				continue // a stopped or paused clock crosses nothing until the ticket changes (which kicks a run)
			}
			// The next line this clock crosses: 75 %, then its due time.
			if warned == 0 && c.State == ClockOK {
				amberAt := c.Target * AmberPercent / 100
				if at, ok := env.clockFor(t.Policy).Due(now, amberAt-c.Elapsed); ok && at.Before(next) {
					next = at
				}
			} else if breached == 0 && c.State != ClockBreached && c.Due.Before(next) {
				next = c.Due
			}
		}
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		// Breaches found long after their due time are marked in one statement per target and
		// logged in one row for the run (there may be thousands after days of downtime).
		var lateRows [2][][2]int64 // per target: ticket id, due time
		byID := map[int64]*TicketSLA{}
		for _, w := range work {
			if w.breach && lateBreach(w.clock, now) {
				lateRows[w.target] = append(lateRows[w.target], [2]int64{w.t.TicketID, w.clock.Due.UnixMilli()})
				byID[w.t.TicketID] = w.t
				continue
			}
			done, err := slaAct(ctx, db, tx, w.t, w.target, w.warn && !w.breach, w.breach, w.clock, now)
			if err != nil {
				return err
			}
			if !done {
				continue
			}
			if w.warn && !w.breach {
				run.Warned++
			}
			if w.breach {
				run.Breached++
			}
		}
		var late []string
		for target, rows := range lateRows {
			ids, err := markLate(ctx, tx, target, rows, now)
			if err != nil {
				return err
			}
			for _, id := range ids {
				late = append(late, FormatNumber(byID[id].Number)+" "+slaTargets[target])
			}
		}
		if len(late) > 0 {
			run.Breached += len(late)
			listed := late
			if len(listed) > maxLateListed {
				listed = listed[:maxLateListed]
			}
			if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp_sla", ActionType: "sla_breached_late",
				Summary: strconv.Itoa(len(late)) + " SLA targets found breached after the fact", ModelName: "sla-policy",
				Payload: map[string]any{"count": len(late), "targets": listed}}); err != nil {
				return err
			}
		}
		// Resolved and closed tickets leave the job's set once their stopped clocks were looked at.
		var done []int64
		for _, t := range ts {
			if !t.History.ResolvedAt.IsZero() {
				done = append(done, t.TicketID)
			}
		}
		if len(done) > 0 {
			b, err := json.Marshal(done)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET running = 0
				WHERE ticket_id IN (SELECT value FROM json_each(?)) AND resolved_at IS NOT NULL`, string(b)); err != nil {
				return fmt.Errorf("msp: sla done: %w", err)
			}
		}
		if len(ts) == len(done) {
			return nil // nothing runs any more: no next run (a new ticket queues one)
		}
		run.Next = next.Truncate(time.Minute).Add(time.Minute)
		return scheduleSLA(ctx, tx, next)
	})
	if err != nil {
		return SLARun{}, err
	}
	return run, nil
}

// slaAct records one warning or breach of target (0 response, 1 resolution) of ticket t, with the
// recommendation, notification and log row that go with it, inside tx. The UPDATE decides: a
// second run that finds the mark already set does nothing.
func slaAct(ctx context.Context, db *tenantdb.DB, tx *sql.Tx, t *TicketSLA, target int, warn, breach bool, c SLAClock, now time.Time) (bool, error) {
	name := slaTargets[target]
	col := name + "_warned_at"
	kind := notify.KindSLASoon
	at := now.UnixMilli()
	if breach {
		col = name + "_breached_at"
		kind = notify.KindSLABreach
		at = c.Due.UnixMilli() // when it happened, not when the job saw it
		if !c.DueOK {
			at = now.UnixMilli()
		}
	}
	var q string
	switch col {
	case "response_warned_at":
		q = `UPDATE msp_ticket_sla SET response_warned_at = ? WHERE ticket_id = ? AND response_warned_at IS NULL`
	case "resolution_warned_at":
		q = `UPDATE msp_ticket_sla SET resolution_warned_at = ? WHERE ticket_id = ? AND resolution_warned_at IS NULL`
	case "response_breached_at":
		q = `UPDATE msp_ticket_sla SET response_breached_at = ?, response_warned_at = coalesce(response_warned_at, ?) WHERE ticket_id = ? AND response_breached_at IS NULL`
	default:
		q = `UPDATE msp_ticket_sla SET resolution_breached_at = ?, resolution_warned_at = coalesce(resolution_warned_at, ?) WHERE ticket_id = ? AND resolution_breached_at IS NULL`
	}
	args := []any{at, t.TicketID}
	if breach {
		args = []any{at, now.UnixMilli(), t.TicketID}
	}
	st, err := db.WriteStmt(ctx, tx, q)
	if err != nil {
		return false, fmt.Errorf("msp: sla mark: %w", err)
	}
	res, err := st.ExecContext(ctx, args...)
	if err != nil {
		return false, fmt.Errorf("msp: sla mark: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	// A breach found long after its due time (the server was down, or the module was switched on
	// over old tickets) is recorded on the ticket and in the run's one log row, without telling
	// anyone now: the ticket's clock shows it red.
	if breach && lateBreach(c, now) {
		return true, nil
	}
	ref := FormatNumber(t.Number)
	href := "/app/msp/tickets/" + strconv.FormatInt(t.TicketID, 10) + "/"
	var users []int64
	if t.AssigneeID != 0 {
		users = []int64{t.AssigneeID}
	}
	if warn {
		// The decision: the team sees the ticket in the approval queue with its due time and
		// what to do (answer, or re-prioritise / reassign); approving it only records the decision.
		_, _, err := approvals.Create(ctx, tx, approvals.New{ConversationID: t.ConversationID,
			Title:             fmt.Sprintf("SLA at risk: %s %s due %s", ref, name, c.Due.UTC().Format(time.RFC3339)),
			Summary:           fmt.Sprintf("%s (%s) has used %d%% of its %s target; act before it is breached", ref, t.Subject, c.Percent, name),
			RecommendedAction: href, Priority: "high", ActionType: "follow_up", Confidence: 1, ModelName: "sla-policy",
			DedupeKey: slaRecKey(t.TicketID, name),
			Words: words.Rec{Key: "sla.rec_" + name, At: c.Due.UnixMilli(),
				TitleArgs: []any{ref}, SummaryArgs: []any{ref, t.Subject, c.Percent}}.JSON()})
		if err != nil {
			return false, err
		}
	}
	if breach {
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp_sla", ActionType: "sla_breached_" + name,
			Summary: ref + " " + name + " target breached", ModelName: "sla-policy", ConversationID: t.ConversationID,
			Payload: map[string]any{"ticket_id": t.TicketID, "ref": ref, "target": name, "due_at": c.Due.UnixMilli(),
				"target_min": int64(c.Target / time.Minute), "priority": t.Priority, "policy_id": t.Policy.ID}}); err != nil {
			return false, err
		}
	}
	return true, notify.Raise(ctx, tx, notify.Event{Kind: kind, TicketID: t.TicketID, Target: name, UserIDs: users,
		Name: ref + " " + t.Subject, DueAt: c.Due.UnixMilli()})
}

// markLate stamps the breach of target (0 response, 1 resolution) on the tickets of rows (ticket
// id, due time) that do not have it yet, in one statement, and returns the ids it stamped.
func markLate(ctx context.Context, tx *sql.Tx, target int, rows [][2]int64, now time.Time) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(rows)
	if err != nil {
		return nil, err
	}
	q := `UPDATE msp_ticket_sla SET response_breached_at = json_extract(j.value, '$[1]'),
		response_warned_at = coalesce(response_warned_at, ?)
		FROM json_each(?) AS j WHERE msp_ticket_sla.ticket_id = json_extract(j.value, '$[0]') AND response_breached_at IS NULL
		RETURNING msp_ticket_sla.ticket_id`
	if target == 1 {
		q = `UPDATE msp_ticket_sla SET resolution_breached_at = json_extract(j.value, '$[1]'),
		resolution_warned_at = coalesce(resolution_warned_at, ?)
		FROM json_each(?) AS j WHERE msp_ticket_sla.ticket_id = json_extract(j.value, '$[0]') AND resolution_breached_at IS NULL
		RETURNING msp_ticket_sla.ticket_id`
	}
	res, err := tx.QueryContext(ctx, q, now.UnixMilli(), string(b))
	if err != nil {
		return nil, fmt.Errorf("msp: sla late breaches: %w", err)
	}
	defer res.Close()
	var ids []int64
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			return nil, fmt.Errorf("msp: sla late breaches: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, res.Err()
}

// lateAfter is how long after its due time a breach still counts as news: twice the job's
// longest sleep.
const lateAfter = 2 * slaMaxGap

// maxLateListed is how many late breaches the run's log row names.
const maxLateListed = 200

// lateBreach reports whether c's breach is found too long after its due time to be news.
func lateBreach(c SLAClock, now time.Time) bool { return c.DueOK && now.Sub(c.Due) > lateAfter }
