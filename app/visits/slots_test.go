package visits_test

import (
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/visits"
)

func TestFreeSlots(t *testing.T) {
	t.Parallel()
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Fatal(err)
	}
	sched := func(mod func(c *hours.Config)) *hours.Schedule {
		c := hours.Default() // Mon–Fri 09–18, Sat 10–14, Istanbul, Turkish holidays
		c.Enabled = true
		if mod != nil {
			mod(&c)
		}
		s, err := hours.New(c)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	at := func(day, clock string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, ist)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	long := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	const mon = "2026-12-07"
	for _, c := range []struct {
		name     string
		s        *hours.Schedule
		from, to string
		dur      time.Duration
		busy     []visits.Span
		buffer   time.Duration
		now      time.Time
		want     string // local starts "MM-DD HH:MM", space separated; "" none
	}{
		{name: "a working day on the half-hour grid", s: sched(nil), from: mon, to: mon, dur: time.Hour, now: long,
			want: "12-07 09:00 12-07 09:30 12-07 10:00 12-07 10:30 12-07 11:00 12-07 11:30 12-07 12:00 12-07 12:30 12-07 13:00 12-07 13:30 12-07 14:00 12-07 14:30 12-07 15:00 12-07 15:30 12-07 16:00 12-07 16:30 12-07 17:00"},
		{name: "a long visit ends by closing time", s: sched(nil), from: mon, to: mon, dur: 150 * time.Minute, now: long, buffer: 30 * time.Minute,
			busy: []visits.Span{{From: at(mon, "10:00"), To: at(mon, "15:00")}},
			want: "12-07 15:30"},
		{name: "Saturday is short, Sunday closed", s: sched(nil), from: "2026-12-05", to: "2026-12-06", dur: time.Hour, now: long,
			want: "12-05 10:00 12-05 10:30 12-05 11:00 12-05 11:30 12-05 12:00 12-05 12:30 12-05 13:00"},
		{name: "Republic Day closed, its eve a half day until 13:00", s: sched(nil), from: "2026-10-28", to: "2026-10-29", dur: time.Hour, now: long,
			want: "10-28 09:00 10-28 09:30 10-28 10:00 10-28 10:30 10-28 11:00 10-28 11:30 10-28 12:00"},
		{name: "an existing visit keeps the travel buffer both sides", s: sched(nil), from: mon, to: mon, dur: time.Hour, now: long, buffer: 30 * time.Minute,
			busy: []visits.Span{{From: at(mon, "11:00"), To: at(mon, "12:00")}, {From: at(mon, "15:00"), To: at(mon, "17:00")}},
			want: "12-07 09:00 12-07 09:30 12-07 12:30 12-07 13:00 12-07 13:30"},
		{name: "no buffer: back to back", s: sched(nil), from: mon, to: mon, dur: time.Hour, now: long,
			busy: []visits.Span{{From: at(mon, "09:00"), To: at(mon, "17:00")}},
			want: "12-07 17:00"},
		{name: "nothing before now", s: sched(nil), from: mon, to: mon, dur: time.Hour, now: at(mon, "14:10"),
			want: "12-07 14:30 12-07 15:00 12-07 15:30 12-07 16:00 12-07 16:30 12-07 17:00"},
		{name: "out of office", s: sched(func(c *hours.Config) { c.Away = &hours.Away{From: mon, Until: "2026-12-08"} }), from: mon, to: "2026-12-09", dur: 4 * time.Hour, now: long,
			want: "12-09 09:00 12-09 09:30 12-09 10:00 12-09 10:30 12-09 11:00 12-09 11:30 12-09 12:00 12-09 12:30 12-09 13:00 12-09 13:30 12-09 14:00"},
		{name: "a custom closed day", s: sched(func(c *hours.Config) { c.Closed = []hours.ClosedDay{{Date: mon, Name: "inventory"}} }), from: mon, to: mon, dur: time.Hour, now: long},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := visits.FreeSlots(visits.SlotQuery{Schedule: c.s, Loc: ist, FromDay: at(c.from, "00:00"), ToDay: at(c.to, "00:00"), Duration: c.dur,
				Buffer: c.buffer, Busy: c.busy, Now: c.now})
			var words []string
			for _, g := range got {
				if g.Location() != ist {
					t.Fatalf("slot %v not in the tenant's zone", g)
				}
				words = append(words, g.Format("01-02 15:04"))
			}
			if s := strings.Join(words, " "); s != c.want {
				t.Errorf("slots\n got %q\nwant %q", s, c.want)
			}
		})
	}
}

// Istanbul keeps UTC+3 all year: 09:00 is 06:00 UTC in winter and after Europe's spring change,
// while a zone with summer time moves its grid with the clocks.
func TestFreeSlotsZones(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		zone, day string
		utcHour   int
	}{
		{"Europe/Istanbul", "2026-12-07", 6}, {"Europe/Istanbul", "2027-03-29", 6}, {"Europe/Istanbul", "2027-07-05", 6},
		{"Europe/Berlin", "2026-12-07", 8}, {"Europe/Berlin", "2027-03-29", 7},
	} {
		loc, err := time.LoadLocation(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		cfg := hours.Default()
		cfg.Enabled, cfg.Zone, cfg.Preset = true, c.zone, ""
		s, err := hours.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		day, _ := time.ParseInLocation(time.DateOnly, c.day, loc)
		got := visits.FreeSlots(visits.SlotQuery{Schedule: s, Loc: loc, FromDay: day, ToDay: day, Duration: time.Hour})
		if len(got) != 17 || got[0].UTC().Hour() != c.utcHour || got[0].Hour() != 9 {
			t.Errorf("%s %s: %d slots, first %v", c.zone, c.day, len(got), got)
		}
	}
}

// TestFreeSlotsWithoutZone: a query that names no zone read its days and 30-minute grid in UTC,
// three hours off from a business that saved no zone (it lives in hours.DefaultLocation); it now
// reads them there, so the first slot of a 09:00 opening is 09:00 on the business's clock.
func TestFreeSlotsWithoutZone(t *testing.T) {
	loc := hours.DefaultLocation()
	cfg := hours.Default()
	cfg.Enabled, cfg.Zone, cfg.Preset = true, loc.String(), ""
	s, err := hours.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	day, _ := time.ParseInLocation(time.DateOnly, "2026-12-07", loc) // a Monday
	got := visits.FreeSlots(visits.SlotQuery{Schedule: s, FromDay: day, ToDay: day, Duration: time.Hour})
	if len(got) != 17 || !got[0].Equal(day.Add(9*time.Hour)) {
		t.Errorf("%d slots, first %v; want 17 from 09:00 %s", len(got), got, loc)
	}
}
