package visits

import (
	"context"
	"fmt"
	"time"

	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
)

// Grid is the step of the slots offered: visits start on the hour or the half hour.
const Grid = 30 * time.Minute

// Span is a stretch of time [From, To) an assignee is taken (a visit already planned).
type Span struct{ From, To time.Time }

// SlotQuery is what slot finding needs; it is pure data so table tests can drive it.
type SlotQuery struct {
	// Schedule is the business's opening hours (weekly hours, public holidays and half days,
	// out-of-office); a visit must lie wholly inside them. Nil means open all the time.
	Schedule *hours.Schedule
	Loc      *time.Location // the tenant's zone: days and the grid are local (nil: hours.DefaultLocation)
	// FromDay and ToDay are the first and last local days searched (only their dates count).
	FromDay, ToDay time.Time
	Duration       time.Duration // the visit's length
	Buffer         time.Duration // travel time kept free before and after every other visit
	Busy           []Span        // the chosen assignees' proposed and confirmed visits
	Now            time.Time     // no slot starts before now
}

// FreeSlots lists the start times, on the local 30-minute grid, at which a visit of q.Duration fits
// in the opening hours and stays q.Buffer away from every busy span, in order.
func FreeSlots(q SlotQuery) []time.Time {
	loc := q.Loc
	if loc == nil {
		loc = hours.DefaultLocation() // a business that saved no zone
	}
	if q.Duration <= 0 {
		return nil
	}
	fy, fm, fd := q.FromDay.In(loc).Date()
	ty, tm, td := q.ToDay.In(loc).Date()
	last := time.Date(ty, tm, td, 12, 0, 0, 0, time.UTC)
	var out []time.Time
	for day := time.Date(fy, fm, fd, 12, 0, 0, 0, time.UTC); !day.After(last); day = day.AddDate(0, 0, 1) {
		y, m, d := day.Date()
		for min := 0; min < 24*60; min += int(Grid / time.Minute) {
			t := time.Date(y, m, d, min/60, min%60, 0, 0, loc)
			if t.Hour()*60+t.Minute() != min { // a wall time skipped by a clock change
				continue
			}
			if t.Before(q.Now) {
				continue
			}
			end := t.Add(q.Duration)
			if q.Schedule != nil && q.Schedule.Between(t, end) != q.Duration {
				continue
			}
			if clashes(t, end, q.Busy, q.Buffer) {
				continue
			}
			out = append(out, t)
		}
	}
	return out
}

// clashes reports whether [from, to) comes closer than buffer to any busy span.
func clashes(from, to time.Time, busy []Span, buffer time.Duration) bool {
	for _, b := range busy {
		if from.Before(b.To.Add(buffer)) && to.Add(buffer).After(b.From) {
			return true
		}
	}
	return false
}

// Setting keys and defaults of the tenant's visit planning.
const (
	SettingDuration = "visit_duration_min"
	SettingBuffer   = "visit_travel_buffer_min"
	DefaultDuration = 60
	DefaultBuffer   = 30
)

// PlanningSchedule is the schedule visits are planned in: the business hours when they are
// switched on, else the default working week (Monday–Friday 09:00–18:00, Saturday 10:00–14:00)
// in the tenant's zone, so a visit is never offered at night, with the public holidays the hours
// page holds (Turkish ones for a business that never saved the page, none for a business made
// for another country until its owner chooses).
func PlanningSchedule(ctx context.Context, q Querier) (*hours.Schedule, *time.Location, error) {
	s, err := hoursdb.Schedule(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	if s != nil {
		return s, s.Location(), nil
	}
	loc, err := hoursdb.Zone(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	stored, _, err := hoursdb.Load(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	// hoursdb.Zone gives a zone loaded by its name from the zone database the binary carries
	// (never the server's "Local"), which the hours accept.
	cfg := hours.Default()
	cfg.Zone, cfg.Preset = loc.String(), stored.Preset
	if s, err = hours.New(cfg); err != nil {
		return nil, nil, fmt.Errorf("visits: default week in %s: %w", cfg.Zone, err)
	}
	return s, s.Location(), nil
}

// Slots finds the free slots of users between two local days (see FreeSlots), reading the
// tenant's hours and the users' open visits; skip is a visit being moved (its own time is free).
func Slots(ctx context.Context, q Querier, users []int64, fromDay, toDay time.Time, dur, buffer time.Duration, skip int64, now time.Time) ([]time.Time, *time.Location, error) {
	s, loc, err := PlanningSchedule(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	fy, fm, fd := fromDay.In(loc).Date()
	ty, tm, td := toDay.In(loc).Date()
	from, to := time.Date(fy, fm, fd, 0, 0, 0, 0, loc).Add(-buffer), time.Date(ty, tm, td+1, 0, 0, 0, 0, loc).Add(buffer)
	vs, err := busy(ctx, q, users, from, to, skip)
	if err != nil {
		return nil, nil, err
	}
	spans := make([]Span, 0, len(vs))
	for _, v := range vs {
		spans = append(spans, Span{v.Start(), v.End()})
	}
	return FreeSlots(SlotQuery{Schedule: s, Loc: loc, FromDay: fromDay, ToDay: toDay, Duration: dur, Buffer: buffer, Busy: spans, Now: now}), loc, nil
}
