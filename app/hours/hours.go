// Package hours answers the questions a business's opening hours raise: is it open at t, when
// does it open next, how much business time lies between two moments. It is pure: a Config in,
// answers out, no database and no clock of its own (guide: 35-business-hours.md).
//
// A nil *Schedule is a business without opening hours set: always open, so callers need no
// special case (waiting times are plain wall-clock time, nothing is ever "after hours").
package hours

import (
	"sort"
	"time"
)

// Interval is one opening interval of a weekday, in minutes after local midnight. To may be 1440
// (open until midnight). To < From is an interval across midnight: it starts on its own day and
// ends at To on the next.
type Interval struct {
	From int `json:"from"`
	To   int `json:"to"`
}

// ClosedDay is a date (YYYY-MM-DD, in the business's time zone) the business is closed, or — when
// Half — open only until HalfDayEnd.
type ClosedDay struct {
	Date string `json:"date"`
	Name string `json:"name,omitempty"`
	Half bool   `json:"half,omitempty"`
	// Key is a preset day's name in the catalog ("hours.holiday.new_year"), for pages to say
	// in the reader's language; an owner's own day has none and shows its Name as written.
	Key string `json:"-"`
}

// Day is the closed day's date at midnight UTC, for a page to write as a calendar day (the
// template's day); zero for a malformed date.
func (d ClosedDay) Day() time.Time {
	t, _ := time.Parse(time.DateOnly, d.Date)
	return t
}

// Away is an out-of-office period: closed from the first to the last date (both included), with
// its own message to customers.
type Away struct {
	From    string `json:"from"`
	Until   string `json:"until"`
	Message string `json:"message,omitempty"`
}

// After-hours modes: what the assistant does with a customer message while the business is closed.
const (
	ModeAnswer = "answer" // reply as in opening hours (and acknowledge once per closed period)
	ModeAck    = "ack"    // only the acknowledgement, once per closed period; no other reply
	ModeSilent = "silent" // send nothing; the message waits for a person
)

// Modes lists the after-hours modes in form order.
var Modes = []string{ModeAnswer, ModeAck, ModeSilent}

// Presets lists the holiday presets a business can switch on.
var Presets = []string{"tr"}

// Config is what an owner sets on the business hours page, as stored.
type Config struct {
	Enabled    bool          `json:"enabled"`
	Zone       string        `json:"zone"`
	Week       [7][]Interval `json:"week"`   // by time.Weekday: 0 is Sunday
	Preset     string        `json:"preset"` // "" or one of Presets
	Closed     []ClosedDay   `json:"closed,omitempty"`
	Away       *Away         `json:"away,omitempty"`
	AfterHours string        `json:"after_hours"`           // one of Modes
	AckMessage string        `json:"ack_message,omitempty"` // "" = the catalog's sentence
	// Starting marks the values a business was made with for its country (its time zone, no
	// Turkish holidays outside Turkey), stored before any owner saved the page: the page is
	// still unsaved (hoursdb.Load), only the zone is the business's.
	Starting bool `json:"starting,omitempty"`
}

// HalfDayEnd is when a half day (a holiday eve) ends, in minutes after midnight: 13:00, as on the
// Turkish public sector's arife afternoons.
const HalfDayEnd = 13 * 60

// Default is a starting point for a business that has not set its hours: Monday to Friday 09:00–18:00,
// Saturday 10:00–14:00, in DefaultZone (Istanbul unless the server names another), Turkish public
// holidays.
func Default() Config {
	c := Config{Zone: DefaultZone(), Preset: "tr", AfterHours: ModeAck}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []Interval{{9 * 60, 18 * 60}}
	}
	c.Week[time.Saturday] = []Interval{{10 * 60, 14 * 60}}
	return c
}

// AroundTheClock reports whether every day of the week is open from 00:00 to 24:00 (24/7): typed
// as 00:00-24:00, or as intervals that together cover the whole day.
func (c Config) AroundTheClock() bool {
	for _, ivs := range c.Week {
		covered := 0
		for again := true; again && covered < 1440; {
			again = false
			for _, iv := range ivs {
				to := iv.To
				if to <= iv.From {
					to = 1440 // across midnight: the rest of this day
				}
				if iv.From <= covered && to > covered {
					covered, again = to, true
				}
			}
		}
		if covered < 1440 {
			return false
		}
	}
	return true
}

// Schedule is a validated Config ready to answer questions.
type Schedule struct {
	cfg    Config
	loc    *time.Location
	closed map[string]ClosedDay // custom days and the preset's, by date; a full day wins over a half day
	away   [2]string            // inclusive date range, "" when none
}

// New validates c and returns its schedule; c's errors are returned as Errors.
func New(c Config) (*Schedule, error) {
	if errs := Validate(c); len(errs) > 0 {
		return nil, errs
	}
	loc := Location(c.Zone)
	s := &Schedule{cfg: c, loc: loc, closed: map[string]ClosedDay{}}
	add := func(d ClosedDay) {
		if old, ok := s.closed[d.Date]; ok && !old.Half {
			return
		}
		s.closed[d.Date] = d
	}
	// A week open around the clock (24/7) stays open on the preset's public holidays and eves: the
	// box is ticked on a new hours page, and a business that never closes does not close for them.
	// Days the owner lists as closed, and an away period, still close it.
	if c.Preset != "" && !c.AroundTheClock() {
		for _, d := range presetDays(c.Preset) {
			add(d)
		}
	}
	for _, d := range c.Closed {
		add(d)
	}
	if c.Away != nil {
		s.away = [2]string{c.Away.From, c.Away.Until}
	}
	return s, nil
}

// Config returns the configuration the schedule was made from.
func (s *Schedule) Config() Config { return s.cfg }

// Location is the business's time zone (UTC for a nil schedule).
func (s *Schedule) Location() *time.Location {
	if s == nil {
		return time.UTC
	}
	return s.loc
}

// span is one opening stretch in absolute time, [from, to).
type span struct{ from, to time.Time }

// dayKey is the YYYY-MM-DD of a local calendar day.
func dayKey(y int, m time.Month, d int) string {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// at is the instant of local minute min on the day y-m-d (min may be ≥ 1440: the next days).
func (s *Schedule) at(y int, m time.Month, d, min int) time.Time {
	return time.Date(y, m, d, min/60, min%60, 0, 0, s.loc)
}

// spans are the opening stretches that START on the local day y-m-d, in order.
func (s *Schedule) spans(y int, m time.Month, d int) []span {
	key := dayKey(y, m, d)
	if s.away[0] != "" && key >= s.away[0] && key <= s.away[1] {
		return nil
	}
	cd, isClosed := s.closed[key]
	if isClosed && !cd.Half {
		return nil
	}
	wd := time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Weekday()
	var out []span
	for _, iv := range s.cfg.Week[wd] {
		from, to := iv.From, iv.To
		if to <= from {
			to += 1440 // across midnight
		}
		if isClosed { // a half day: open only until HalfDayEnd
			to = min(to, HalfDayEnd)
			if to <= from {
				continue
			}
		}
		out = append(out, span{s.at(y, m, d, from), s.at(y, m, d, to)})
	}
	return out
}

// spansAround returns the opening stretches that start between the local day before a and the
// local day of b, merged where they touch (22:00–24:00 then 00:00–02:00 is one stretch).
func (s *Schedule) spansAround(a, b time.Time) []span {
	la, lb := a.In(s.loc), b.In(s.loc)
	y, m, d := la.Date()
	day := time.Date(y, m, d-1, 12, 0, 0, 0, time.UTC)
	ey, em, ed := lb.Date()
	end := time.Date(ey, em, ed, 12, 0, 0, 0, time.UTC)
	var all []span
	for ; !day.After(end); day = day.AddDate(0, 0, 1) {
		all = append(all, s.spans(day.Date())...)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].from.Before(all[j].from) })
	var out []span
	for _, sp := range all {
		if n := len(out); n > 0 && !sp.from.After(out[n-1].to) {
			if sp.to.After(out[n-1].to) {
				out[n-1].to = sp.to
			}
			continue
		}
		out = append(out, sp)
	}
	return out
}

// Open reports whether the business is open at t.
func (s *Schedule) Open(t time.Time) bool {
	if s == nil {
		return true
	}
	for _, sp := range s.spansAround(t, t) {
		if !t.Before(sp.from) && t.Before(sp.to) {
			return true
		}
	}
	return false
}

// lookAhead is how far NextOpen searches: a business closed for longer has no next opening.
const lookAhead = 400 * 24 * time.Hour

// NextOpen is the first moment at or after t when the business is open (t itself when it is open
// now); ok is false when it never opens in the next 400 days (no hours set, or away for longer).
func (s *Schedule) NextOpen(t time.Time) (time.Time, bool) {
	if s == nil {
		return t, true
	}
	// Walk a month at a time so a long holiday or out-of-office period costs a few steps.
	for from := t; from.Sub(t) < lookAhead; from = from.Add(31 * 24 * time.Hour) {
		for _, sp := range s.spansAround(from, from.Add(31*24*time.Hour)) {
			if sp.to.After(t) && sp.to.After(from) {
				if sp.from.Before(t) {
					return t, true
				}
				return sp.from, true
			}
		}
	}
	return time.Time{}, false
}

// Between is the business time from a to b: the part of [a, b) when the business is open. It is
// the clock for waiting times, response times and (later) SLA timers. Zero when b is not after a.
func (s *Schedule) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if s == nil {
		return b.Sub(a)
	}
	var total time.Duration
	for _, sp := range s.spansAround(a, b) {
		from, to := sp.from, sp.to
		if from.Before(a) {
			from = a
		}
		if to.After(b) {
			to = b
		}
		if to.After(from) {
			total += to.Sub(from)
		}
	}
	return total
}

// Due is the moment when d of business time has passed since start: what an SLA clock ("answer
// within 4 business hours") counts to. ok is false when the business does not open enough in the
// next 400 days.
func (s *Schedule) Due(start time.Time, d time.Duration) (time.Time, bool) {
	if s == nil {
		return start.Add(d), true
	}
	left := d
	for from := start; from.Sub(start) < lookAhead; from = from.Add(31 * 24 * time.Hour) {
		until := from.Add(31 * 24 * time.Hour)
		for _, sp := range s.spansAround(from, until) {
			if !sp.to.After(from) || !sp.from.Before(until) {
				continue // outside this window (the window before or after takes it)
			}
			a, b := sp.from, sp.to
			if a.Before(from) {
				a = from
			}
			if b.After(until) {
				b = until
			}
			if b.Sub(a) >= left {
				return a.Add(left), true
			}
			left -= b.Sub(a)
		}
	}
	return time.Time{}, false
}

// AwayAt reports whether t falls in the out-of-office period, and its message.
func (s *Schedule) AwayAt(t time.Time) (bool, string) {
	if s == nil || s.away[0] == "" {
		return false, ""
	}
	k := t.In(s.loc).Format(time.DateOnly)
	if k >= s.away[0] && k <= s.away[1] {
		return true, s.cfg.Away.Message
	}
	return false, ""
}

// Holiday returns the closed or half day at t's local date, if any (a custom day or the preset's).
func (s *Schedule) Holiday(t time.Time) (ClosedDay, bool) {
	if s == nil {
		return ClosedDay{}, false
	}
	d, ok := s.closed[t.In(s.loc).Format(time.DateOnly)]
	return d, ok
}

// Span is one stretch of opening time [From, To) in absolute time.
type Span struct{ From, To time.Time }

// OpenSpans lists the opening stretches that overlap [a, b), merged where they touch and clipped
// to [a, b), in order: what a caller that asks many Between and Due questions over one window
// (the SLA job over thousands of tickets) indexes once. A nil schedule is one stretch, [a, b).
func (s *Schedule) OpenSpans(a, b time.Time) []Span {
	if !b.After(a) {
		return nil
	}
	if s == nil {
		return []Span{{a, b}}
	}
	var out []Span
	for _, sp := range s.spansAround(a, b) {
		from, to := sp.from, sp.to
		if from.Before(a) {
			from = a
		}
		if to.After(b) {
			to = b
		}
		if to.After(from) {
			out = append(out, Span{from, to})
		}
	}
	return out
}
