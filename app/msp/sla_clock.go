package msp

// The SLA clock: how much of a ticket's response or resolution target is used, counted in the
// tenant's business hours (app/hours: weekly schedule, closed days, the Turkish public holidays
// preset, the tenant's time zone) and stopped while the ticket waits on the customer. It is pure:
// a schedule, a policy target, the ticket's history and "now" in; the clock out. The job
// (sla_job.go) and the pages call it; nothing here reads the database or the wall clock
// (guide: 43-sla.md).

import (
	"sort"
	"time"
)

// AmberPercent is the share of a target after which a running clock turns amber and the job
// warns the team: 75 %.
const AmberPercent = 75

// SLAState is the colour of a clock, as the pages show it.
type SLAState string

const (
	ClockOK       SLAState = "ok"       // green: less than 75 % used
	ClockAmber    SLAState = "amber"    // 75 % or more used, not yet due
	ClockBreached SLAState = "breached" // running past its due time, or stopped after it
	ClockMet      SLAState = "met"      // stopped (answered / resolved) within the target
	ClockNone     SLAState = "none"     // the policy sets no target for this priority
)

// SLAPause is a stretch of wall-clock time [From, To); a zero To is still open (the ticket is paused now).
type SLAPause struct {
	From time.Time
	To   time.Time
}

// SLAHistory is what the clocks of one ticket are computed from.
type SLAHistory struct {
	OpenedAt        time.Time
	Paused          []SLAPause // "waiting on customer" stretches, in any order; at most one open
	FirstResponseAt time.Time  // zero: no public reply yet (stops the response clock)
	ResolvedAt      time.Time  // zero: not resolved (stops the resolution clock)
}

// SLAClock is one target's state at a moment.
type SLAClock struct {
	Target  time.Duration // business time allowed; 0 = no target (State is ClockNone)
	Elapsed time.Duration // business time used, pauses left out
	Left    time.Duration // Target − Elapsed, negative once breached
	Percent int           // ⌊100 · Elapsed / Target⌋
	// Due is when the target is (or was) reached: the exact moment for a clock that runs or is
	// stopped; for a paused clock, the moment it would be reached if the pause ended now.
	Due     time.Time
	DueOK   bool // false when the business never opens enough in the next 400 days
	Paused  bool // the ticket waits on the customer now and the clock is not stopped
	Stopped bool // answered (response) or resolved (resolution)
	State   SLAState
}

// ResponseClock is the clock of the first public reply. s is the tenant's *hours.Schedule (nil:
// always open) or an index of it. A ticket resolved (or closed) before any public reply has its
// answer: the resolution stops the response clock too (a ticket from a phone call has no
// conversation to reply on, and its clock otherwise ran on, red, on the closed ticket). Reopened,
// it runs on from where it stopped until the first reply.
func ResponseClock(s BusinessClock, h SLAHistory, target time.Duration, now time.Time) SLAClock {
	stop := h.FirstResponseAt
	if stop.IsZero() || (!h.ResolvedAt.IsZero() && h.ResolvedAt.Before(stop)) {
		stop = h.ResolvedAt
	}
	return slaClock(s, h, target, stop, now)
}

// ResolutionClock is the clock of the resolution.
func ResolutionClock(s BusinessClock, h SLAHistory, target time.Duration, now time.Time) SLAClock {
	return slaClock(s, h, target, h.ResolvedAt, now)
}

// active returns the stretches after opened when the clock runs (pauses cut out), up to end,
// and whether the ticket is paused at end.
func slaRunning(opened time.Time, paused []SLAPause, end time.Time) (out []SLAPause, pausedAtEnd bool) {
	ps := make([]SLAPause, 0, len(paused))
	for _, p := range paused {
		if p.To.IsZero() || p.To.After(end) {
			p.To = end
			if !p.From.After(end) {
				pausedAtEnd = true
			}
		}
		if p.To.After(p.From) {
			ps = append(ps, p)
		} else if p.From.Equal(end) && p.To.Equal(end) {
			pausedAtEnd = true
		}
	}
	sort.Slice(ps, func(i, j int) bool { return ps[i].From.Before(ps[j].From) })
	cur := opened
	for _, p := range ps {
		if p.From.After(cur) {
			out = append(out, SLAPause{cur, slaMin(p.From, end)})
		}
		if p.To.After(cur) {
			cur = p.To
		}
		if !cur.Before(end) {
			break
		}
	}
	if end.After(cur) {
		out = append(out, SLAPause{cur, end})
	}
	return out, pausedAtEnd
}

func slaMin(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func slaClock(s BusinessClock, h SLAHistory, target time.Duration, stop, now time.Time) SLAClock {
	c := SLAClock{Target: target, Stopped: !stop.IsZero()}
	if target <= 0 {
		c.State = ClockNone
		return c
	}
	end := now
	if c.Stopped {
		end = stop
	}
	if end.Before(h.OpenedAt) {
		end = h.OpenedAt
	}
	spans, pausedAtEnd := slaRunning(h.OpenedAt, h.Paused, end)
	c.Paused = pausedAtEnd && !c.Stopped
	// Walk the running stretches; the due moment falls in the one where the target is used up.
	left := target
	for _, sp := range spans {
		b := s.Between(sp.From, sp.To)
		if !c.DueOK && b >= left {
			c.Due, c.DueOK = s.Due(sp.From, left)
		}
		if !c.DueOK {
			left -= b
		}
		c.Elapsed += b
	}
	c.Left = target - c.Elapsed
	if !c.DueOK {
		// Not reached yet: it will be, counting on from the end (now, or the end of the pause
		// if it ended now).
		c.Due, c.DueOK = s.Due(end, c.Left)
	}
	c.Percent = int(int64(c.Elapsed) * 100 / int64(target))
	switch {
	case c.Stopped && c.Elapsed <= target:
		c.State = ClockMet
	case c.Elapsed >= target && (c.Stopped || c.Elapsed > target || !now.Before(c.Due)):
		c.State = ClockBreached
	case c.Percent >= AmberPercent:
		c.State = ClockAmber
	default:
		c.State = ClockOK
	}
	return c
}

// withElapsed is a stopped clock with the business time it used set to elapsed (the time kept when
// the ticket was resolved) and its state decided by it. Its Due stays the one the clock was given
// (counted in the business hours of now): the pages show none on a stopped clock.
func (c SLAClock) withElapsed(elapsed time.Duration) SLAClock {
	if !c.Stopped || c.Target <= 0 {
		return c
	}
	c.Elapsed = elapsed
	c.Left = c.Target - elapsed
	c.Percent = int(int64(elapsed) * 100 / int64(c.Target))
	if elapsed <= c.Target {
		c.State = ClockMet
	} else {
		c.State = ClockBreached
	}
	return c
}

// LeftHours and LeftMinutes split the business time left into whole hours and minutes (for the
// words "2 h 10 min left"); zero once nothing is left.
func (c SLAClock) LeftHours() int { return int(max(c.Left, 0) / time.Hour) }

// LeftMinutes: see LeftHours.
func (c SLAClock) LeftMinutes() int { return int(max(c.Left, 0) % time.Hour / time.Minute) }

// OverHours and OverMinutes split the business time past a breached clock's target into whole
// hours and minutes ("1 h 5 min over"); zero while time is left.
func (c SLAClock) OverHours() int { return int(max(-c.Left, 0) / time.Hour) }

// OverMinutes: see OverHours.
func (c SLAClock) OverMinutes() int { return int(max(-c.Left, 0) % time.Hour / time.Minute) }
