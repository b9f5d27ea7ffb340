package settings_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
)

// An owner open from 9 to 6 with a lunch hour writes the day as "09:00-18:00, 12:00-13:00": the
// form refused it with "Two intervals of this day overlap", which does not say what to write
// instead. The refusal now offers the day with the break left out, in the owner's own hours and
// language; nothing is stored, and the day written that way saves with the business closed at
// lunch. An overlap that is no break inside an opening keeps the plain refusal.
func TestHoursLunchBreakWrittenInside(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, c := range []struct{ lang, typed, want string }{
		{"tr", "09:00-18:00, 12:00-13:00", i18n.For("tr").T("hours.err.overlap_break", "09:00-12:00, 13:00-18:00")},
		{"en", "12-13, 9-18", i18n.For("en").T("hours.err.overlap_break", "09:00-12:00, 13:00-18:00")},
		{"en", "08:00-20:00, 12:00-13:00, 16:00-16:30", i18n.For("en").T("hours.err.overlap_break", "08:00-12:00, 13:00-16:00, 16:30-20:00")},
		{"tr", "09:00-13:00, 12:00-18:00", i18n.For("tr").T("hours.err.overlap")},
		{"tr", "09:00-18:00, 09:00-12:00", i18n.For("tr").T("hours.err.overlap")}, // no time before the "break"
	} {
		f := hoursForm()
		f.Set("day1", c.typed)
		r := owner.Post("/app/settings/hours?lang="+c.lang, f)
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d, want 422", c.typed, r.StatusCode)
		}
		if msg := strings.TrimSpace(r.Doc(t).Find("#day1").Closest("div, p, li, fieldset").Find(".field-error").First().Text()); msg != c.want {
			t.Errorf("%s (%s): the form says %q, want %q", c.typed, c.lang, msg, c.want)
		}
		if cfg, set, _ := hoursdb.Load(t.Context(), e.DB("acme").Read); set {
			t.Fatalf("%s: stored %+v", c.typed, cfg)
		}
	}
	f := hoursForm()
	f.Set("day1", "09:00-12:00, 13:00-18:00")
	if r := owner.Post("/app/settings/hours", f); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("the day as offered: %d", r.StatusCode)
	}
	s, err := hoursdb.Schedule(t.Context(), e.DB("acme").Read)
	if err != nil || s == nil {
		t.Fatal(err)
	}
	monday := time.Date(2027, 3, 1, 12, 30, 0, 0, s.Location()) // a Monday without a holiday
	if s.Open(monday) || !s.Open(monday.Add(-time.Hour)) || !s.Open(monday.Add(time.Hour)) {
		t.Errorf("Monday 11:30, 12:30, 13:30 open: %v %v %v, want true false true", s.Open(monday.Add(-time.Hour)), s.Open(monday), s.Open(monday.Add(time.Hour)))
	}
}
