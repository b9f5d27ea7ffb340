package msp

import (
	"sort"
	"time"

	"highvibe/app/hours"
)

// BusinessClock answers the two questions an SLA clock asks: how much business time lies between
// two moments, and when a given amount of it has passed since a moment. *hours.Schedule answers
// them (a nil one is always open); slaCalendar answers them from an index built once.
type BusinessClock interface {
	Between(a, b time.Time) time.Duration
	Due(start time.Time, d time.Duration) (time.Time, bool)
}

// slaCalendar is a schedule's opening stretches over one window, with the business time before
// each stretch added up, so Between and Due are two binary searches instead of a walk over the
// days: the SLA job asks them for thousands of tickets a run. Outside the window it asks the
// schedule itself, so it always gives the schedule's answers.
type slaCalendar struct {
	s      *hours.Schedule
	lo, hi time.Time
	spans  []hours.Span
	cum    []time.Duration // business time in [lo, spans[i].From)
	total  time.Duration
}

func newSLACalendar(s *hours.Schedule, lo, hi time.Time) *slaCalendar {
	c := &slaCalendar{s: s, lo: lo, hi: hi, spans: s.OpenSpans(lo, hi)}
	c.cum = make([]time.Duration, len(c.spans))
	for i, sp := range c.spans {
		c.cum[i] = c.total
		c.total += sp.To.Sub(sp.From)
	}
	return c
}

// pos is the business time in [lo, t), for t in [lo, hi].
func (c *slaCalendar) pos(t time.Time) time.Duration {
	i := sort.Search(len(c.spans), func(i int) bool { return c.spans[i].To.After(t) })
	if i == len(c.spans) {
		return c.total
	}
	if !t.After(c.spans[i].From) {
		return c.cum[i]
	}
	return c.cum[i] + t.Sub(c.spans[i].From)
}

func (c *slaCalendar) inside(t time.Time) bool { return !t.Before(c.lo) && !t.After(c.hi) }

// Between is hours.Schedule.Between.
func (c *slaCalendar) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if !c.inside(a) || !c.inside(b) {
		return c.s.Between(a, b)
	}
	return c.pos(b) - c.pos(a)
}

// Due is hours.Schedule.Due.
func (c *slaCalendar) Due(start time.Time, d time.Duration) (time.Time, bool) {
	if !c.inside(start) || d < 0 {
		return c.s.Due(start, d)
	}
	if d == 0 { // the first open moment at or after start
		i := sort.Search(len(c.spans), func(i int) bool { return c.spans[i].To.After(start) })
		if i == len(c.spans) {
			return c.s.Due(start, d)
		}
		if start.After(c.spans[i].From) {
			return start, true
		}
		return c.spans[i].From, true
	}
	target := c.pos(start) + d
	if target > c.total {
		return c.s.Due(start, d)
	}
	i := sort.Search(len(c.spans), func(i int) bool { return c.cum[i]+c.spans[i].To.Sub(c.spans[i].From) >= target })
	return c.spans[i].From.Add(target - c.cum[i]), true
}
