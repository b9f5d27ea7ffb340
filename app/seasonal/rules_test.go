package seasonal

import (
	"testing"
	"time"
)

func d(s string) time.Time {
	t, err := ParseDay(s)
	if err != nil {
		panic(err)
	}
	return t
}

// Turkey's Mother's Day is the second Sunday of May: checked against the calendar for years
// where 1 May falls on each weekday (2022 Sunday … 2027 Saturday, 2026 Friday).
func TestSecondSundayOfMay(t *testing.T) {
	t.Parallel()
	mothers, _ := PresetByKey("mothers_day")
	c := mothers.Campaign("Anneler Günü")
	want := map[int]string{2022: "2022-05-08", 2023: "2023-05-14", 2024: "2024-05-12", 2025: "2025-05-11",
		2026: "2026-05-10", 2027: "2027-05-09", 2028: "2028-05-14", 2029: "2029-05-13", 2030: "2030-05-12"}
	for y, w := range want {
		got, ok := c.On(y)
		if !ok || got.Format(time.DateOnly) != w {
			t.Errorf("%d: %v %v, want %s", y, got.Format(time.DateOnly), ok, w)
		}
		if got.Weekday() != time.Sunday {
			t.Errorf("%d: %s is a %s", y, w, got.Weekday())
		}
	}
}

func TestNthWeekday(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		y    int
		m    time.Month
		wd   time.Weekday
		n    int
		want string // "" = none
	}{
		{2027, time.June, time.Sunday, 3, "2027-06-20"},      // Father's Day
		{2026, time.November, time.Friday, -1, "2026-11-27"}, // last Friday
		{2026, time.May, time.Sunday, -1, "2026-05-31"},      // the last day itself
		{2026, time.February, time.Monday, 5, ""},            // February 2026 has four Mondays
		{2026, time.March, time.Sunday, 1, "2026-03-01"},     // the 1st itself
		{2028, time.February, time.Tuesday, 5, "2028-02-29"}, // a fifth Tuesday on 29 February
		{2026, time.May, time.Sunday, 0, ""},
	}
	for _, s := range scenarios {
		got, ok := NthWeekday(s.y, s.m, s.wd, s.n)
		if s.want == "" {
			if ok {
				t.Errorf("%d %s %s #%d: %s, want none", s.y, s.m, s.wd, s.n, got.Format(time.DateOnly))
			}
			continue
		}
		if !ok || got.Format(time.DateOnly) != s.want {
			t.Errorf("%d %s %s #%d: %s %v, want %s", s.y, s.m, s.wd, s.n, got.Format(time.DateOnly), ok, s.want)
		}
	}
}

// A fixed 29 February is the 28th in a year without one, and the 29th in a leap year.
func TestFeb29(t *testing.T) {
	t.Parallel()
	c := &Campaign{Name: "Leap", Rule: RuleFixed, Month: 2, Day: 29, LeadDays: 3}
	if bad := Check(c); len(bad) != 0 {
		t.Fatalf("29 February refused: %v", bad)
	}
	for y, w := range map[int]string{2027: "2027-02-28", 2028: "2028-02-29", 2100: "2100-02-28", 2000: "2000-02-29"} {
		if got, ok := c.On(y); !ok || got.Format(time.DateOnly) != w {
			t.Errorf("%d: %s, want %s", y, got.Format(time.DateOnly), w)
		}
	}
	if bad := Check(&Campaign{Name: "x", Rule: RuleFixed, Month: 2, Day: 30}); bad["day"] == "" {
		t.Error("30 February accepted")
	}
	if bad := Check(&Campaign{Name: "x", Rule: RuleFixed, Month: 4, Day: 31}); bad["day"] == "" {
		t.Error("31 April accepted")
	}
}

// A lead time that crosses New Year: New Year 2028 with 14 days is prepared from 18 December
// 2027, is found from both sides of the year's end, and belongs to year 2028.
func TestLeadTimeAcrossNewYear(t *testing.T) {
	t.Parallel()
	c := &Campaign{ID: 1, Name: "Yılbaşı", Rule: RuleFixed, Month: 1, Day: 1, LeadDays: 14}
	cs := []*Campaign{c}
	scenarios := []struct {
		today string
		want  string // the occurrence being prepared, "" = none
	}{
		{"2027-12-17", ""},
		{"2027-12-18", "2028-01-01"},
		{"2027-12-31", "2028-01-01"},
		{"2028-01-01", "2028-01-01"},
		{"2028-01-02", ""},
	}
	for _, s := range scenarios {
		got := Preparing(cs, d(s.today))
		switch {
		case s.want == "" && len(got) != 0:
			t.Errorf("%s: preparing %s, want nothing", s.today, got[0].Date.Format(time.DateOnly))
		case s.want != "" && (len(got) != 1 || got[0].Date.Format(time.DateOnly) != s.want || got[0].Year() != 2028):
			t.Errorf("%s: %+v, want %s of year 2028", s.today, got, s.want)
		}
	}
	if got := NextLeadStart(cs, d("2027-11-30")); got.Format(time.DateOnly) != "2027-12-18" {
		t.Errorf("next lead start %s, want 2027-12-18", got.Format(time.DateOnly))
	}
	// A 10-day lead time of 5 January starts on 26 December of the year before.
	c2 := &Campaign{ID: 2, Name: "Ocak", Rule: RuleFixed, Month: 1, Day: 5, LeadDays: 10}
	if got := Preparing([]*Campaign{c2}, d("2026-12-26")); len(got) != 1 || got[0].Year() != 2027 {
		t.Errorf("26 Dec 2026: %+v, want 5 Jan 2027", got)
	}
}

func TestLunarPresetsHaveDates(t *testing.T) {
	t.Parallel()
	for _, k := range []string{"ramazan_bayrami", "kurban_bayrami"} {
		p, _ := PresetByKey(k)
		c := p.Campaign(k)
		if len(c.Dates) < 4 {
			t.Fatalf("%s: dates %v", k, c.Dates)
		}
		if bad := Check(c); len(bad) != 0 {
			t.Errorf("%s: %v", k, bad)
		}
	}
	p, _ := PresetByKey("ramazan_bayrami")
	if got, ok := p.Campaign("r").On(2027); !ok || got.Format(time.DateOnly) != "2027-03-09" {
		t.Errorf("Ramazan Bayramı 2027: %s", got.Format(time.DateOnly))
	}
	if _, ok := p.Campaign("r").On(2040); ok {
		t.Error("a lunar date was made up for 2040")
	}
}

func TestEveryPresetIsValid(t *testing.T) {
	t.Parallel()
	for _, p := range Presets {
		if bad := Check(p.Campaign("name")); len(bad) != 0 {
			t.Errorf("%s: %v", p.Key, bad)
		}
	}
	own, other := ForNiche("cicekci")
	if len(own) == 0 || own[0].Key != "valentines" || len(own)+len(other) != len(Presets) {
		t.Errorf("cicekci presets: %d own (first %v), %d other", len(own), own, len(other))
	}
	if own, _ := ForNiche("some-custom-niche"); len(own) == 0 {
		t.Error("a custom niche gets no presets")
	}
}

func TestParseDates(t *testing.T) {
	t.Parallel()
	got, bad := ParseDates("2027-03-09\n09.03.2028, 2027-03-09 ; 1.2.2029")
	if bad != "" || len(got) != 3 || got[0] != "2027-03-09" || got[1] != "2028-03-09" || got[2] != "2029-02-01" {
		t.Errorf("%v %q", got, bad)
	}
	if _, bad := ParseDates("2027-02-30"); bad != "2027-02-30" {
		t.Errorf("30 February read: %q", bad)
	}
}

// A list of dates may hold two dates in one year (Ramazan Bayramı falls on 2 January and 23
// December 2033): the calendar shows both.
func TestDatesTwiceInAYear(t *testing.T) {
	t.Parallel()
	c := &Campaign{Name: "Ramazan Bayramı", Rule: RuleDates, Dates: []string{"2033-01-02", "2033-12-23"}, LeadDays: 10}
	got := Between([]*Campaign{c}, d("2033-01-01"), d("2033-12-31"))
	if len(got) != 2 || got[1].Date.Format(time.DateOnly) != "2033-12-23" {
		t.Errorf("%+v", got)
	}
}
