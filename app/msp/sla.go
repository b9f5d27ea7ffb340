package msp

// A ticket's SLA history (msp_ticket_sla, msp_ticket_sla_pauses), kept from the ticket's own
// events: the hooks below run inside the transaction of every status change and public reply
// (hooks.go), so the history and the change commit together. The clocks are computed from it
// (sla_clock.go) by the pages and by the SLA job (sla_job.go).

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
)

func init() {
	OnStatusChange(slaOnStatus)
	OnReply(slaOnReply)
}

// Pause reasons.
const (
	PauseWaitingCustomer = "waiting_customer" // the ticket waited on the customer
	PauseResolved        = "resolved"         // the ticket was resolved, then reopened
)

// slaOnStatus records what a status change means for the clocks: a new ticket starts them under
// the default policy; waiting on the customer pauses both until the ticket moves on; resolving
// (or closing) stops the resolution clock (the job then takes the ticket out of its set);
// reopening a resolved ticket counts the resolved stretch as a pause and runs the clock on.
func slaOnStatus(ctx context.Context, tx *sql.Tx, c StatusChange) error {
	id, at := c.Ticket.ID, c.At
	if c.From == "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_sla (ticket_id, policy_id, opened_at)
			VALUES (?, (SELECT id FROM msp_sla_policies WHERE is_default = 1), ?) ON CONFLICT DO NOTHING`, id, at); err != nil {
			return fmt.Errorf("msp: sla start: %w", err)
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_sla (ticket_id, policy_id, opened_at)
		SELECT id, (SELECT id FROM msp_sla_policies WHERE is_default = 1), created_at FROM msp_tickets WHERE id = ?
		ON CONFLICT DO NOTHING`, id); err != nil {
		return fmt.Errorf("msp: sla start: %w", err)
	}
	// Leaving "waiting on customer" (for whatever status) ends the pause.
	if c.From == StatusWaitingCustomer {
		if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla_pauses SET to_at = max(from_at, ?) WHERE ticket_id = ? AND to_at IS NULL`, at, id); err != nil {
			return fmt.Errorf("msp: sla resume: %w", err)
		}
	}
	// A ticket without a conversation (taken on the phone) has nothing to send a public reply
	// on: the team taking it up — its first move out of New — is its first response.
	if c.From == StatusNew && c.Ticket.ConversationID == 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET first_response_at = ? WHERE ticket_id = ? AND first_response_at IS NULL`,
			at, id); err != nil {
			return fmt.Errorf("msp: sla first response: %w", err)
		}
		if err := withdrawSLAWarnings(ctx, tx, id, c.Actor, "response"); err != nil {
			return err
		}
	}
	// A resolved or closed ticket's warnings still waiting in the approval queue are moot.
	if c.To == StatusResolved || c.To == StatusClosed {
		if err := withdrawSLAWarnings(ctx, tx, id, c.Actor, "response", "resolution"); err != nil {
			return err
		}
	}
	switch c.To {
	case StatusWaitingCustomer:
		if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_sla_pauses (ticket_id, reason, from_at) VALUES (?, ?, ?)
			ON CONFLICT DO NOTHING`, id, PauseWaitingCustomer, at); err != nil {
			return fmt.Errorf("msp: sla pause: %w", err)
		}
	case StatusResolved, StatusClosed:
		// The ticket stays in the job's set (running) until the job has looked at its stopped
		// clocks once: a target missed by a few minutes is logged like any other breach.
		if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET resolved_at = coalesce(resolved_at, ?) WHERE ticket_id = ?`, at, id); err != nil {
			return fmt.Errorf("msp: sla stop: %w", err)
		}
		if err := freezeSLATargets(ctx, tx, id); err != nil {
			return err
		}
		if err := freezeSLAElapsed(ctx, tx, id, time.UnixMilli(at)); err != nil {
			return err
		}
	default:
		if c.From == StatusResolved {
			if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_sla_pauses (ticket_id, reason, from_at, to_at)
				SELECT ticket_id, ?, resolved_at, max(resolved_at, ?) FROM msp_ticket_sla WHERE ticket_id = ? AND resolved_at IS NOT NULL`,
				PauseResolved, at, id); err != nil {
				return fmt.Errorf("msp: sla reopen: %w", err)
			}
			// A target already breached stays breached (logged once); one met so far can be warned
			// of again.
			if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET resolved_at = NULL, running = 1,
				response_target_min = NULL, resolution_target_min = NULL, response_elapsed_ms = NULL, resolution_elapsed_ms = NULL,
				resolution_warned_at = CASE WHEN resolution_breached_at IS NULL THEN NULL ELSE resolution_warned_at END
				WHERE ticket_id = ?`, id); err != nil {
				return fmt.Errorf("msp: sla reopen: %w", err)
			}
		}
	}
	return kickSLA(ctx, tx, time.UnixMilli(at))
}

// freezeSLATargets keeps, on a resolved or closed ticket, the targets of its policy for its
// priority at that moment (the first resolution's, when it is closed after): its outcome no
// longer moves when the policy's targets change later. Reopening clears them.
func freezeSLATargets(ctx context.Context, tx *sql.Tx, ticketID int64) error {
	target := func(kind string) string {
		return `(SELECT CASE t.priority WHEN 'p1' THEN p.p1_` + kind + `_min WHEN 'p2' THEN p.p2_` + kind + `_min
			WHEN 'p3' THEN p.p3_` + kind + `_min ELSE p.p4_` + kind + `_min END
			FROM msp_tickets t JOIN msp_sla_policies p ON p.id = msp_ticket_sla.policy_id WHERE t.id = msp_ticket_sla.ticket_id)`
	}
	if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET response_target_min = coalesce(response_target_min, `+target("response")+`),
		resolution_target_min = coalesce(resolution_target_min, `+target("resolution")+`)
		WHERE ticket_id = ? AND resolved_at IS NOT NULL`, ticketID); err != nil {
		return fmt.Errorf("msp: sla targets: %w", err)
	}
	return nil
}

// freezeSLAElapsed keeps, on a resolved or closed ticket, the business time its two clocks used
// (counted in the business hours of now, as its page showed it a moment before): its outcome no
// longer moves when the business hours, closed days or holidays change later. Like the targets it
// is kept once (closing a resolved ticket keeps the resolution's) and reopening clears it. Call
// it after freezeSLATargets, with the ticket's pauses stored.
func freezeSLAElapsed(ctx context.Context, tx *sql.Tx, ticketID int64, now time.Time) error {
	env, err := loadSLAEnv(ctx, tx)
	if err != nil {
		return err
	}
	ts, err := loadSLA(ctx, tx, env, `s.ticket_id = ? AND s.resolved_at IS NOT NULL`, []any{ticketID}, `ticket_id = ?`, now)
	if err != nil {
		return err
	}
	if len(ts) == 0 || ts[0].Policy == nil {
		return nil // not resolved, or under no policy: no outcome to keep
	}
	t := ts[0]
	if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET response_elapsed_ms = coalesce(response_elapsed_ms, ?),
		resolution_elapsed_ms = coalesce(resolution_elapsed_ms, ?) WHERE ticket_id = ?`,
		t.Response.Elapsed.Milliseconds(), t.Resolution.Elapsed.Milliseconds(), ticketID); err != nil {
		return fmt.Errorf("msp: sla elapsed: %w", err)
	}
	return nil
}

// slaOnReply records the first public reply: it stops the response clock.
func slaOnReply(ctx context.Context, tx *sql.Tx, r Reply) error {
	if _, err := tx.ExecContext(ctx, `UPDATE msp_ticket_sla SET first_response_at = ? WHERE ticket_id = ? AND first_response_at IS NULL`,
		r.At, r.Ticket.ID); err != nil {
		return fmt.Errorf("msp: sla first response: %w", err)
	}
	return withdrawSLAWarnings(ctx, tx, r.Ticket.ID, r.Actor, "response")
}

// withdrawSLAWarnings takes the ticket's still-open SLA warnings of the given targets out of the
// approval queue (rejected in the name of the person who answered or resolved the ticket).
func withdrawSLAWarnings(ctx context.Context, tx *sql.Tx, ticketID int64, a Actor, targets ...string) error {
	for _, target := range targets {
		if err := approvals.WithdrawByKeyTx(ctx, tx, slaRecKey(ticketID, target), approvals.Actor{UserID: a.UserID, Name: a.Name}); err != nil {
			return err
		}
	}
	return nil
}

// slaRecKey is the dedupe key of a ticket's SLA warning in the approval queue.
func slaRecKey(ticketID int64, target string) string {
	return "sla:" + strconv.FormatInt(ticketID, 10) + ":" + target
}

// TicketSLA is one ticket's SLA history and its two clocks at a moment.
type TicketSLA struct {
	TicketID         int64
	Number           int64
	Subject          string
	Priority, Status string
	AssigneeID       int64
	ConversationID   int64
	Policy           *SLAPolicy // nil: the ticket runs under no policy (there was none)
	History          SLAHistory
	Pauses           []SLAPausedSpan
	Running          bool
	Response         SLAClock
	Resolution       SLAClock
	// The targets the ticket was resolved under (minutes; -1: none kept, the policy's count).
	FrozenResponseMin, FrozenResolutionMin int64
	// The business time its clocks used, counted when it was resolved (ms; -1: none kept, counted
	// in the business hours of now).
	FrozenResponseMs, FrozenResolutionMs int64
	// What the job already did, per target (Unix ms; 0: not yet).
	ResponseWarnedAt, ResolutionWarnedAt     int64
	ResponseBreachedAt, ResolutionBreachedAt int64
}

// SLAPausedSpan is one stored pause, for the ticket page's history.
type SLAPausedSpan struct {
	Reason string
	From   time.Time
	To     time.Time // zero: going on
}

// SLAShown is one of a ticket's clocks with the target it measures ("response" or "resolution").
type SLAShown struct {
	Kind string
	C    SLAClock
}

// Worst is the clock a list shows for the ticket: a running breached or amber clock first, then
// the running one due first, then a stopped one (late before met).
func (t *TicketSLA) Worst() SLAShown {
	rank := func(c SLAClock) int {
		switch {
		case c.State == ClockBreached && !c.Stopped:
			return 0
		case c.State == ClockAmber:
			return 1
		case c.State == ClockOK:
			return 2
		case c.State == ClockBreached:
			return 3
		case c.State == ClockMet:
			return 4
		}
		return 5
	}
	a, b := SLAShown{"response", t.Response}, SLAShown{"resolution", t.Resolution}
	if ra, rb := rank(a.C), rank(b.C); ra != rb {
		if ra < rb {
			return a
		}
		return b
	}
	if a.C.State == ClockOK && b.C.State == ClockOK && a.C.Due.Before(b.C.Due) {
		return a
	}
	if rank(a.C) == 0 || rank(a.C) == 1 {
		return a // both late or both amber: the reply comes first
	}
	return b
}

// Clocks are both clocks, the first reply's first.
func (t *TicketSLA) Clocks() []SLAShown {
	return []SLAShown{{"response", t.Response}, {"resolution", t.Resolution}}
}

// slaRow is what one query gives for a ticket, before the clocks.
const slaSelect = `SELECT s.ticket_id, t.number, t.subject, t.priority, t.status, coalesce(t.assignee_user_id, 0),
	coalesce(t.conversation_id, 0), coalesce(s.policy_id, 0), s.opened_at, coalesce(s.first_response_at, 0),
	coalesce(s.resolved_at, 0), s.running, coalesce(s.response_warned_at, 0), coalesce(s.resolution_warned_at, 0),
	coalesce(s.response_breached_at, 0), coalesce(s.resolution_breached_at, 0),
	coalesce(s.response_target_min, -1), coalesce(s.resolution_target_min, -1),
	coalesce(s.response_elapsed_ms, -1), coalesce(s.resolution_elapsed_ms, -1)
	FROM msp_ticket_sla s JOIN msp_tickets t ON t.id = s.ticket_id`

func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

// slaEnv is what computing clocks needs besides the tickets: the policies and the schedule.
type slaEnv struct {
	policies map[int64]*SLAPolicy
	sched    *hours.Schedule // nil: business hours are off (always open)
	cal      BusinessClock   // sched, or its index over the tickets' window (loadSLA builds it)
}

func loadSLAEnv(ctx context.Context, q Querier) (*slaEnv, error) {
	ps, err := SLAPolicies(ctx, q)
	if err != nil {
		return nil, err
	}
	env := &slaEnv{policies: map[int64]*SLAPolicy{}}
	for _, p := range ps {
		env.policies[p.ID] = p
	}
	if env.sched, err = hoursdb.Schedule(ctx, q); err != nil {
		return nil, err
	}
	return env, nil
}

// clockFor is the business clock a policy counts in.
func (env *slaEnv) clockFor(p *SLAPolicy) BusinessClock {
	if p.AlwaysOn() || env.sched == nil {
		return (*hours.Schedule)(nil) // always open
	}
	if env.cal != nil {
		return env.cal
	}
	return env.sched
}

// compute fills the clocks of t at now.
func (env *slaEnv) compute(t *TicketSLA, now time.Time) {
	if t.Policy == nil {
		t.Response, t.Resolution = SLAClock{State: ClockNone}, SLAClock{State: ClockNone}
		return
	}
	s := env.clockFor(t.Policy)
	tg := t.Policy.Target(t.Priority)
	resolved := !t.History.ResolvedAt.IsZero()
	// A resolved ticket keeps the targets it was resolved under.
	if resolved && t.FrozenResponseMin >= 0 && t.FrozenResolutionMin >= 0 {
		tg.ResponseMin, tg.ResolutionMin = int(t.FrozenResponseMin), int(t.FrozenResolutionMin)
	}
	t.Response = ResponseClock(s, t.History, time.Duration(tg.ResponseMin)*time.Minute, now)
	t.Resolution = ResolutionClock(s, t.History, time.Duration(tg.ResolutionMin)*time.Minute, now)
	// ... and the business time it was resolved in.
	if resolved && t.FrozenResponseMs >= 0 && t.FrozenResolutionMs >= 0 {
		t.Response = t.Response.withElapsed(time.Duration(t.FrozenResponseMs) * time.Millisecond)
		t.Resolution = t.Resolution.withElapsed(time.Duration(t.FrozenResolutionMs) * time.Millisecond)
	}
}

// loadSLA reads the SLA rows the where clause picks (with its args) and their pauses, and
// computes their clocks at now. pausesWhere selects the pauses of the same tickets.
func loadSLA(ctx context.Context, q Querier, env *slaEnv, where string, args []any, pausesWhere string, now time.Time) ([]*TicketSLA, error) {
	rows, err := q.QueryContext(ctx, slaSelect+` WHERE `+where+` ORDER BY s.ticket_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: sla: %w", err)
	}
	var out []*TicketSLA
	byID := map[int64]*TicketSLA{}
	for rows.Next() {
		var t TicketSLA
		var policyID, opened, first, resolved int64
		if err := rows.Scan(&t.TicketID, &t.Number, &t.Subject, &t.Priority, &t.Status, &t.AssigneeID, &t.ConversationID,
			&policyID, &opened, &first, &resolved, &t.Running, &t.ResponseWarnedAt, &t.ResolutionWarnedAt,
			&t.ResponseBreachedAt, &t.ResolutionBreachedAt, &t.FrozenResponseMin, &t.FrozenResolutionMin,
			&t.FrozenResponseMs, &t.FrozenResolutionMs); err != nil {
			rows.Close()
			return nil, fmt.Errorf("msp: sla: %w", err)
		}
		t.Policy = env.policies[policyID]
		t.History = SLAHistory{OpenedAt: time.UnixMilli(opened), FirstResponseAt: msTime(first), ResolvedAt: msTime(resolved)}
		out = append(out, &t)
		byID[t.TicketID] = &t
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: sla: %w", err)
	}
	if len(out) > 0 {
		prow, err := q.QueryContext(ctx, `SELECT ticket_id, reason, from_at, coalesce(to_at, 0) FROM msp_ticket_sla_pauses WHERE `+pausesWhere+
			` ORDER BY ticket_id, from_at`, args...)
		if err != nil {
			return nil, fmt.Errorf("msp: sla pauses: %w", err)
		}
		for prow.Next() {
			var id, from, to int64
			var reason string
			if err := prow.Scan(&id, &reason, &from, &to); err != nil {
				prow.Close()
				return nil, fmt.Errorf("msp: sla pauses: %w", err)
			}
			if t := byID[id]; t != nil {
				t.History.Paused = append(t.History.Paused, SLAPause{From: time.UnixMilli(from), To: msTime(to)})
				t.Pauses = append(t.Pauses, SLAPausedSpan{Reason: reason, From: time.UnixMilli(from), To: msTime(to)})
			}
		}
		prow.Close()
		if err := prow.Err(); err != nil {
			return nil, fmt.Errorf("msp: sla pauses: %w", err)
		}
	}
	// One index of the opening hours from the oldest ticket to two months ahead answers every
	// clock's questions (outside it the schedule itself answers).
	if env.sched != nil && len(out) > 0 {
		lo := now
		for _, t := range out {
			if t.History.OpenedAt.Before(lo) {
				lo = t.History.OpenedAt
			}
		}
		env.cal = newSLACalendar(env.sched, lo.Add(-24*time.Hour), now.Add(62*24*time.Hour))
	}
	for _, t := range out {
		env.compute(t, now)
	}
	return out, nil
}

// ticketIDs lists the tickets' ids.
func ticketIDs(ts []*Ticket) []int64 {
	out := make([]int64, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// SLAFor returns the SLA state of the given tickets at now, by ticket id (tickets without an SLA
// row are missing from the map). The list and the ticket page call it.
func SLAFor(ctx context.Context, q Querier, ids []int64, now time.Time) (map[int64]*TicketSLA, error) {
	out := map[int64]*TicketSLA{}
	if len(ids) == 0 {
		return out, nil
	}
	env, err := loadSLAEnv(ctx, q)
	if err != nil {
		return nil, err
	}
	// The ids are integers: the IN list is written out (one statement, no per-ticket queries).
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	list := b.String()
	ts, err := loadSLA(ctx, q, env, `s.ticket_id IN (`+list+`)`, nil, `ticket_id IN (`+list+`)`, now)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		out[t.TicketID] = t
	}
	return out, nil
}
