package msp

import (
	"math/rand/v2"
	"testing"
	"time"

	"highvibe/app/hours"
)

// The index gives the schedule's own answers, inside its window and outside, for moments in and
// out of opening hours, across weekends, holidays (Kurban Bayramı 2026, 29 October) and half days.
func TestSLACalendarAgreesWithSchedule(t *testing.T) {
	t.Parallel()
	c := hours.Config{Enabled: true, Zone: ist, Preset: "tr", AfterHours: hours.ModeAck}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []hours.Interval{{From: 9 * 60, To: 12 * 60}, {From: 13 * 60, To: 18 * 60}}
	}
	c.Week[time.Saturday] = []hours.Interval{{From: 22 * 60, To: 2 * 60}} // across midnight
	s, err := hours.New(c)
	if err != nil {
		t.Fatal(err)
	}
	lo := tm(t, ist, "2026-05-01 00:00")
	hi := tm(t, ist, "2026-11-30 00:00")
	cal := newSLACalendar(s, lo, hi)
	rng := rand.New(rand.NewPCG(3, 4))
	at := func() time.Time { // mostly inside the window, sometimes before or after it
		return lo.Add(-30 * 24 * time.Hour).Add(time.Duration(rng.Int64N(int64(hi.Sub(lo) + 60*24*time.Hour))).Truncate(time.Minute))
	}
	for i := 0; i < 3000; i++ {
		a, b := at(), at()
		if got, want := cal.Between(a, b), s.Between(a, b); got != want {
			t.Fatalf("Between(%v, %v) = %v, schedule says %v", a, b, got, want)
		}
		d := time.Duration(rng.Int64N(int64(60 * time.Hour))).Truncate(time.Minute)
		if i%10 == 0 {
			d = 0
		}
		got, gok := cal.Due(a, d)
		want, wok := s.Due(a, d)
		if !got.Equal(want) || gok != wok {
			t.Fatalf("Due(%v, %v) = %v %v, schedule says %v %v", a, d, got, gok, want, wok)
		}
	}
	// Exactly at the end of a stretch: 3 hours from Monday 09:00 is 12:00, not 13:00.
	mon := tm(t, ist, "2026-06-01 09:00")
	if got, _ := cal.Due(mon, 3*time.Hour); !got.Equal(tm(t, ist, "2026-06-01 12:00")) {
		t.Fatalf("exact fit: %v", got)
	}
}
