package msp

import (
	"testing"
	"time"

	"highvibe/app/hours"
)

// weekdays is Monday–Friday 09:00–18:00 in zone, with the Turkish public holidays and the given
// extra closed days.
func weekdays(t *testing.T, zone string, closed ...string) *hours.Schedule {
	t.Helper()
	c := hours.Config{Enabled: true, Zone: zone, Preset: "tr", AfterHours: hours.ModeAck}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []hours.Interval{{From: 9 * 60, To: 18 * 60}}
	}
	for _, d := range closed {
		c.Closed = append(c.Closed, hours.ClosedDay{Date: d, Name: "kapalı"})
	}
	s, err := hours.New(c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tm(t *testing.T, zone, v string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	x, err := time.ParseInLocation("2006-01-02 15:04", v, loc)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

const ist = "Europe/Istanbul"

func TestSLAClock(t *testing.T) {
	t.Parallel()
	I := func(v string) time.Time { return tm(t, ist, v) }
	office := weekdays(t, ist)
	mondayOff := weekdays(t, ist, "2026-12-07")
	berlin := func() *hours.Schedule {
		c := hours.Config{Enabled: true, Zone: "Europe/Berlin", AfterHours: hours.ModeAck}
		for d := time.Monday; d <= time.Friday; d++ {
			c.Week[d] = []hours.Interval{{From: 9 * 60, To: 17 * 60}}
		}
		s, err := hours.New(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}()
	B := func(v string) time.Time { return tm(t, "Europe/Berlin", v) }
	h := time.Hour
	m := time.Minute

	cases := []struct {
		name       string
		s          *hours.Schedule
		hist       SLAHistory
		resolution bool // the resolution clock; else the response clock
		target     time.Duration
		now        time.Time
		elapsed    time.Duration
		due        time.Time
		percent    int
		state      SLAState
		paused     bool
	}{
		{name: "opened Friday 17:55, business day ends 18:00: 5 minutes on Friday, the rest on Monday",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-04 17:55")}, target: 4 * h,
			now: I("2026-12-07 10:00"), elapsed: 65 * m, due: I("2026-12-07 12:55"), percent: 27, state: ClockOK},
		{name: "the weekend counts nothing",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-04 17:55")}, target: 4 * h,
			now: I("2026-12-06 23:00"), elapsed: 5 * m, due: I("2026-12-07 12:55"), percent: 2, state: ClockOK},
		{name: "Friday 17:55 with Monday a holiday: due on Tuesday",
			s: mondayOff, hist: SLAHistory{OpenedAt: I("2026-12-04 17:55")}, target: 4 * h,
			now: I("2026-12-07 17:00"), elapsed: 5 * m, due: I("2026-12-08 12:55"), percent: 2, state: ClockOK},
		{name: "Turkish holiday preset: Kurban Bayramı eve is open until 13:00, the bayram days are closed",
			s: office, hist: SLAHistory{OpenedAt: I("2026-05-26 12:00")}, target: 4 * h,
			now: I("2026-05-29 12:00"), elapsed: 1 * h, due: I("2026-06-01 12:00"), percent: 25, state: ClockOK},
		{name: "paused twice while waiting on the customer",
			s: office, resolution: true, target: 8 * h, now: I("2026-12-07 16:00"),
			hist: SLAHistory{OpenedAt: I("2026-12-07 09:00"), Paused: []SLAPause{
				{I("2026-12-07 13:00"), I("2026-12-07 15:00")}, // given out of order on purpose
				{I("2026-12-07 10:00"), I("2026-12-07 11:00")},
			}},
			elapsed: 4 * h, due: I("2026-12-08 11:00"), percent: 50, state: ClockOK},
		{name: "paused now: the clock stands still and the due time is where it would be if the pause ended now",
			s: office, resolution: true, target: 8 * h, now: I("2026-12-07 16:00"),
			hist:    SLAHistory{OpenedAt: I("2026-12-07 09:00"), Paused: []SLAPause{{From: I("2026-12-07 13:00")}}},
			elapsed: 4 * h, due: I("2026-12-08 11:00"), percent: 50, state: ClockOK, paused: true},
		{name: "a pause over the weekend changes nothing the weekend would not",
			s: office, resolution: true, target: 2 * h, now: I("2026-12-07 10:00"),
			hist:    SLAHistory{OpenedAt: I("2026-12-04 17:00"), Paused: []SLAPause{{I("2026-12-05 10:00"), I("2026-12-06 10:00")}}},
			elapsed: 2 * h, due: I("2026-12-07 10:00"), percent: 100, state: ClockBreached},
		{name: "opened outside hours: the clock starts when the business opens",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-05 22:00")}, target: 1 * h,
			now: I("2026-12-06 12:00"), elapsed: 0, due: I("2026-12-07 10:00"), percent: 0, state: ClockOK},
		{name: "amber at 75 %",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00")}, target: 4 * h,
			now: I("2026-12-07 12:00"), elapsed: 3 * h, due: I("2026-12-07 13:00"), percent: 75, state: ClockAmber},
		{name: "just under 75 % is still green",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00")}, target: 4 * h,
			now: I("2026-12-07 11:59"), elapsed: 179 * m, due: I("2026-12-07 13:00"), percent: 74, state: ClockOK},
		{name: "breached at the due minute",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00")}, target: 4 * h,
			now: I("2026-12-07 13:00"), elapsed: 4 * h, due: I("2026-12-07 13:00"), percent: 100, state: ClockBreached},
		{name: "breached and still running",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00")}, target: 4 * h,
			now: I("2026-12-08 10:00"), elapsed: 10 * h, due: I("2026-12-07 13:00"), percent: 250, state: ClockBreached},
		{name: "answered in time: met, the clock stops at the reply",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00"), FirstResponseAt: I("2026-12-07 12:30")}, target: 4 * h,
			now: I("2026-12-09 10:00"), elapsed: 210 * m, due: I("2026-12-07 13:00"), percent: 87, state: ClockMet},
		{name: "answered late: breached stays breached",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00"), FirstResponseAt: I("2026-12-07 14:00")}, target: 4 * h,
			now: I("2026-12-09 10:00"), elapsed: 5 * h, due: I("2026-12-07 13:00"), percent: 125, state: ClockBreached},
		{name: "resolved before any reply: the resolution stops the response clock too",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00"), ResolvedAt: I("2026-12-07 10:00")}, target: 4 * h,
			now: I("2026-12-07 12:00"), elapsed: 1 * h, due: I("2026-12-07 13:00"), percent: 25, state: ClockMet},
		{name: "replied after the resolution: the resolution stopped the response clock first",
			s: office, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00"), ResolvedAt: I("2026-12-07 10:00"), FirstResponseAt: I("2026-12-07 11:00")},
			target: 4 * h, now: I("2026-12-07 12:00"), elapsed: 1 * h, due: I("2026-12-07 13:00"), percent: 25, state: ClockMet},
		{name: "resolved: the resolution clock stops",
			s: office, resolution: true, hist: SLAHistory{OpenedAt: I("2026-12-07 09:00"), ResolvedAt: I("2026-12-07 10:00")}, target: 4 * h,
			now: I("2026-12-07 12:00"), elapsed: 1 * h, due: I("2026-12-07 13:00"), percent: 25, state: ClockMet},
		{name: "another zone: Berlin hours, the due time crosses the start of summer time",
			s: berlin, hist: SLAHistory{OpenedAt: B("2027-03-26 16:00")}, target: 2 * h,
			now: B("2027-03-29 09:30"), elapsed: 90 * m, due: B("2027-03-29 10:00"), percent: 75, state: ClockAmber},
		{name: "the zone is honoured: 09:00 in Istanbul is 06:00 UTC",
			s: office, hist: SLAHistory{OpenedAt: time.Date(2026, 12, 7, 5, 0, 0, 0, time.UTC)}, target: 1 * h,
			now: time.Date(2026, 12, 7, 6, 30, 0, 0, time.UTC), elapsed: 30 * m, due: time.Date(2026, 12, 7, 7, 0, 0, 0, time.UTC), percent: 50, state: ClockOK},
		{name: "24/7 policy: no schedule, wall-clock time, holidays and weekends count",
			s: nil, hist: SLAHistory{OpenedAt: I("2026-12-04 17:55")}, target: 4 * h,
			now: I("2026-12-04 21:00"), elapsed: 185 * m, due: I("2026-12-04 21:55"), percent: 77, state: ClockAmber},
		{name: "24/7 policy paused twice",
			s: nil, resolution: true, target: 10 * h, now: I("2026-12-05 03:00"),
			hist:    SLAHistory{OpenedAt: I("2026-12-04 17:00"), Paused: []SLAPause{{I("2026-12-04 18:00"), I("2026-12-04 20:00")}, {I("2026-12-04 22:00"), I("2026-12-05 01:00")}}},
			elapsed: 5 * h, due: I("2026-12-05 08:00"), percent: 50, state: ClockOK},
		{name: "overlapping pauses and a pause before the ticket opened count once",
			s: nil, resolution: true, target: 10 * h, now: I("2026-12-04 22:00"),
			hist:    SLAHistory{OpenedAt: I("2026-12-04 17:00"), Paused: []SLAPause{{I("2026-12-04 16:00"), I("2026-12-04 17:30")}, {I("2026-12-04 18:00"), I("2026-12-04 20:00")}, {I("2026-12-04 19:00"), I("2026-12-04 21:00")}}},
			elapsed: 90 * m, due: I("2026-12-05 06:30"), percent: 15, state: ClockOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got SLAClock
			if c.resolution {
				got = ResolutionClock(c.s, c.hist, c.target, c.now)
			} else {
				got = ResponseClock(c.s, c.hist, c.target, c.now)
			}
			if got.Elapsed != c.elapsed || !got.Due.Equal(c.due) || got.Percent != c.percent || got.State != c.state || got.Paused != c.paused || !got.DueOK {
				t.Errorf("got elapsed %v due %v (ok %v) %d%% %s paused %v;\nwant elapsed %v due %v %d%% %s paused %v",
					got.Elapsed, got.Due.In(c.now.Location()), got.DueOK, got.Percent, got.State, got.Paused,
					c.elapsed, c.due, c.percent, c.state, c.paused)
			}
			if got.Left != c.target-c.elapsed {
				t.Errorf("left %v, want %v", got.Left, c.target-c.elapsed)
			}
		})
	}
}

func TestSLAClockNoTarget(t *testing.T) {
	t.Parallel()
	c := ResponseClock(nil, SLAHistory{OpenedAt: time.Unix(0, 0)}, 0, time.Unix(3600, 0))
	if c.State != ClockNone || c.DueOK {
		t.Fatalf("no target: %+v", c)
	}
}

// A business that never opens has no due time: the clock says so instead of inventing one.
func TestSLAClockNeverOpen(t *testing.T) {
	t.Parallel()
	s, err := hours.New(hours.Config{Enabled: true, Zone: ist, AfterHours: hours.ModeAck})
	if err != nil {
		t.Fatal(err)
	}
	c := ResponseClock(s, SLAHistory{OpenedAt: tm(t, ist, "2026-12-07 09:00")}, time.Hour, tm(t, ist, "2026-12-08 09:00"))
	if c.DueOK || c.State != ClockOK || c.Elapsed != 0 {
		t.Fatalf("never open: %+v", c)
	}
}
