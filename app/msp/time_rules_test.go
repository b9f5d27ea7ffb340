package msp

import (
	"testing"
	"time"

	"highvibe/app/i18n"
)

func TestCoveringPicksDeviceThenSiteThenManaged(t *testing.T) {
	t.Parallel()
	managed := &Contract{ID: 1, ClientID: 7, Kind: ContractManaged, StartsOn: "2026-01-01", EndsOn: "2026-12-31"}
	bySite := &Contract{ID: 2, ClientID: 7, Kind: ContractBlock, StartsOn: "2026-01-01", EndsOn: "2026-12-31", SiteIDs: []int64{10}}
	byDevice := &Contract{ID: 3, ClientID: 7, Kind: ContractPerIncident, StartsOn: "2026-06-01", EndsOn: "2026-06-30", DeviceIDs: []int64{20}}
	newerManaged := &Contract{ID: 4, ClientID: 7, Kind: ContractManaged, StartsOn: "2026-11-01", EndsOn: "2027-10-31"}
	other := &Contract{ID: 5, ClientID: 8, Kind: ContractManaged, StartsOn: "2026-01-01", EndsOn: "2026-12-31", DeviceIDs: []int64{20}}
	cs := []*Contract{managed, bySite, byDevice, newerManaged, other}
	for _, c := range []struct {
		site, device int64
		day          string
		want         int64
	}{
		{10, 20, "2026-06-15", 3}, // the device's contract first
		{10, 20, "2026-07-01", 2}, // after it ended: the site's
		{0, 0, "2026-03-01", 1},   // nothing named: the managed one
		{0, 0, "2026-11-15", 4},   // two managed running: the one that started last
		{0, 0, "2027-03-01", 4},   // only the newer runs
		{0, 0, "2025-12-31", 0},   // none yet
		{99, 98, "2026-03-01", 1}, // names it does not know: the managed one
		{10, 0, "2026-12-31", 2},  // the last day is included
		{10, 0, "2027-01-01", 4},  // the day after: the site's contract is over
	} {
		got := Covering(cs, 7, c.site, c.device, c.day)
		id := int64(0)
		if got != nil {
			id = got.ID
		}
		if id != c.want {
			t.Errorf("site %d device %d on %s: contract %d, want %d", c.site, c.device, c.day, id, c.want)
		}
	}
}

func TestContractStatus(t *testing.T) {
	t.Parallel()
	c := &Contract{StartsOn: "2026-03-01", EndsOn: "2026-12-31"}
	for day, want := range map[string]string{"2026-02-28": ContractScheduled, "2026-03-01": ContractActive, "2026-11-30": ContractActive,
		"2026-12-01": ContractEndingSoon, "2026-12-31": ContractEndingSoon, "2027-01-01": ContractEnded} {
		if got := c.Status(day); got != want {
			t.Errorf("%s: %s, want %s", day, got, want)
		}
	}
	c.EndedAt = 1
	if c.Status("2026-06-01") != ContractEnded {
		t.Error("an ended contract is not ended")
	}
}

func TestMonthClosedOnTheSixth(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		day, today string
		closed     bool
	}{
		{"2026-11-30", "2026-12-05", false},
		{"2026-11-01", "2026-12-06", true},
		{"2026-12-01", "2026-12-31", false},
		{"2026-12-15", "2027-01-05", false},
		{"2026-12-15", "2027-01-06", true},
		{"2026-10-31", "2026-12-01", true},
	} {
		if got := MonthClosed(c.day, c.today); got != c.closed {
			t.Errorf("%s on %s: closed %v, want %v", c.day, c.today, got, c.closed)
		}
	}
}

func TestWeeksAndDurations(t *testing.T) {
	t.Parallel()
	for w, monday := range map[string]string{"2026-W49": "2026-11-30", "2026-W01": "2025-12-29", "2027-W01": "2027-01-04", "2026-W53": "2026-12-28"} {
		got, ok := ParseWeek(w)
		if !ok || got.Format(time.DateOnly) != monday {
			t.Errorf("%s: %v %v, want %s", w, got, ok, monday)
		}
		if WeekOf(got) != w {
			t.Errorf("WeekOf(%s) = %s", got, WeekOf(got))
		}
	}
	for _, bad := range []string{"", "2026-W54", "2025-W53", "2026-49", "x"} {
		if _, ok := ParseWeek(bad); ok {
			t.Errorf("%q taken as a week", bad)
		}
	}
	for lang, want := range map[string][3]string{"tr": {"1 sa 30 dk", "2 sa", "45 dk"}, "en": {"1 h 30 min", "2 h", "45 min"}} {
		p := i18n.For(lang)
		if got := [3]string{FormatMinutes(p, 90), FormatMinutes(p, 120), FormatMinutes(p, 45)}; got != want {
			t.Errorf("%s: %v, want %v", lang, got, want)
		}
	}
	loc, _ := time.LoadLocation("Europe/Istanbul")
	due, _ := RenewalDue("2027-01-31", loc)
	if due.Format(time.RFC3339) != "2027-01-01T09:00:00+03:00" {
		t.Errorf("renewal due %s", due)
	}
	for in, want := range map[string]float64{"7,5": 7.5, "1.500,50": 1500.5, "1,500.50": 1500.5, "1500": 1500, "": 0} {
		if got, ok := parseAmount(in); !ok || got != want {
			t.Errorf("%q: %v %v", in, got, ok)
		}
	}
	if _, ok := parseAmount("abc"); ok {
		t.Error("abc taken as a number")
	}
}

// A contract's price and hours are read the way the panel writes numbers, in every language:
// "1.500" (Turkish thousands dot) and "1,500" (English thousands comma) are one thousand five
// hundred — both used to be read as 1,5 — and a number no language writes is refused. The hours a
// contract's edit form writes back (minutes / 60) read back as the same minutes.
func TestContractAmountsReadAsTyped(t *testing.T) {
	for in, want := range map[string]float64{"1.500": 1500, "1,500": 1500, "12.500,00": 12500, "12,500.00": 12500, "7.5": 7.5, "0,25": 0.25, "-5": -5, "− 1.500": -1500} {
		if got, ok := parseAmount(in); !ok || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"1.2345", "1,2,3", "1.500.5", "1e3", "--5"} {
		if got, ok := parseAmount(in); ok {
			t.Errorf("%q read as %v", in, got)
		}
	}
	for _, minutes := range []int{1, 7, 100, 440, 599, 44639} {
		in := ContractInput{Kind: ContractManaged, StartsOn: "2026-01-01", EndsOn: "2026-12-31", Hours: hoursValue(minutes), Price: "100", Currency: "TRY", ClientID: 1}
		if f := in.validate(); f.Err() != nil || in.monthlyMin != minutes {
			t.Errorf("%d minutes written as %q read back as %d (%v)", minutes, hoursValue(minutes), in.monthlyMin, f.Err())
		}
	}
}
