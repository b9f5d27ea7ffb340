package hours

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"highvibe/app/i18n"
)

func mustNew(t *testing.T, c Config) *Schedule {
	t.Helper()
	s, err := New(c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

// office is Monday–Friday 09:00–18:00 and Saturday 10:00–14:00 with the Turkish holidays.
func office(zone string) Config {
	c := Default()
	c.Zone = zone
	return c
}

func at(t *testing.T, zone, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const ist = "Europe/Istanbul"

func TestOpen(t *testing.T) {
	night := office(ist)
	night.Week[time.Friday] = []Interval{{9 * 60, 18 * 60}, {22 * 60, 2 * 60}} // Friday night across midnight
	night.Week[time.Monday] = []Interval{{20 * 60, 1440}}                      // Monday evening until 24:00
	night.Week[time.Tuesday] = []Interval{{0, 60}}                             // ... and on past midnight
	berlin := office("Europe/Berlin")
	berlin.Preset = ""
	berlin.Week[time.Sunday] = []Interval{{1 * 60, 4 * 60}}
	scenarios := []struct {
		name string
		cfg  Config
		zone string
		at   string
		want bool
	}{
		{"weekday before opening", office(ist), ist, "2026-12-07 08:59", false},
		{"weekday at opening", office(ist), ist, "2026-12-07 09:00", true},
		{"weekday last minute", office(ist), ist, "2026-12-07 17:59", true},
		{"weekday at closing", office(ist), ist, "2026-12-07 18:00", false},
		{"sunday closed", office(ist), ist, "2026-12-06 11:00", false},
		{"saturday open", office(ist), ist, "2026-12-05 11:00", true},
		{"holiday on a weekday (29 October)", office(ist), ist, "2026-10-29 11:00", false},
		{"holiday on a saturday (Kurban Bayramı 4th day)", office(ist), ist, "2026-05-30 11:00", false},
		{"holiday on a saturday (Ramazan Bayramı 2nd day)", office(ist), ist, "2026-03-21 11:00", false},
		{"eve morning is open", office(ist), ist, "2026-05-26 10:00", true},
		{"eve afternoon is closed", office(ist), ist, "2026-05-26 13:30", false},
		{"28 October afternoon is closed", office(ist), ist, "2026-10-28 14:00", false},
		{"friday night before midnight", night, ist, "2026-12-04 23:30", true},
		{"friday night after midnight (saturday)", night, ist, "2026-12-05 01:59", true},
		{"friday night ends at 02:00", night, ist, "2026-12-05 02:00", false},
		{"monday until 24:00", night, ist, "2026-12-07 23:59", true},
		{"tuesday after midnight", night, ist, "2026-12-08 00:30", true},
		{"tuesday at 01:00", night, ist, "2026-12-08 01:00", false},
		{"same instant in UTC", office(ist), "UTC", "2026-12-07 06:00", true}, // 09:00 in Istanbul
		{"a minute before in UTC", office(ist), "UTC", "2026-12-07 05:59", false},
		{"DST zone, summer time", berlin, "Europe/Berlin", "2026-07-06 09:30", true},
		{"DST zone, summer time, UTC clock", berlin, "UTC", "2026-07-06 07:00", true},   // 09:00 CEST
		{"DST zone, winter time, UTC clock", berlin, "UTC", "2026-12-07 07:59", false},  // 08:59 CET
		{"DST zone, the spring-forward night", berlin, "UTC", "2026-03-29 00:30", true}, // 01:30 CET
		{"DST zone, after the skipped hour", berlin, "UTC", "2026-03-29 01:30", true},   // 03:30 CEST
		{"DST zone, closed after 04:00", berlin, "UTC", "2026-03-29 02:00", false},      // 04:00 CEST
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := mustNew(t, sc.cfg)
			if got := s.Open(at(t, sc.zone, sc.at)); got != sc.want {
				t.Errorf("Open(%s %s) = %v, want %v", sc.at, sc.zone, got, sc.want)
			}
		})
	}
}

func TestNextOpen(t *testing.T) {
	away := office(ist)
	away.Away = &Away{From: "2026-08-10", Until: "2026-08-14", Message: "On holiday"}
	night := office(ist)
	night.Week[time.Monday] = []Interval{{20 * 60, 1440}}
	none := office(ist)
	none.Week = [7][]Interval{}
	scenarios := []struct {
		name, from, want string
		cfg              Config
	}{
		{"open now is now", "2026-12-07 10:15", "2026-12-07 10:15", office(ist)},
		{"early morning", "2026-12-07 07:00", "2026-12-07 09:00", office(ist)},
		{"friday evening to saturday", "2026-12-04 18:30", "2026-12-05 10:00", office(ist)},
		{"saturday afternoon to monday", "2026-12-05 14:00", "2026-12-07 09:00", office(ist)},
		{"eve afternoon across Ramazan Bayramı to monday", "2026-03-19 13:00", "2026-03-23 09:00", office(ist)},
		{"out of office to the saturday after", "2026-08-10 08:00", "2026-08-15 10:00", away},
		{"evening interval ending at 24:00", "2026-12-07 19:00", "2026-12-07 20:00", night},
		{"new year's eve to 2 January", "2026-12-31 18:00", "2027-01-02 10:00", office(ist)},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			got, ok := mustNew(t, sc.cfg).NextOpen(at(t, ist, sc.from))
			if want := at(t, ist, sc.want); !ok || !got.Equal(want) {
				t.Errorf("NextOpen(%s) = %v %v, want %v", sc.from, got.In(want.Location()), ok, want)
			}
		})
	}
	if _, ok := mustNew(t, none).NextOpen(at(t, ist, "2026-12-07 10:00")); ok {
		t.Error("a week without hours has a next opening")
	}
}

func TestBetweenAndDue(t *testing.T) {
	night := office(ist)
	night.Week[time.Monday] = []Interval{{18 * 60, 1440}}
	night.Week[time.Tuesday] = []Interval{{0, 2 * 60}}
	berlin := Config{Zone: "Europe/Berlin", AfterHours: ModeAck}
	for d := range berlin.Week {
		berlin.Week[d] = []Interval{{0, 1440}}
	}
	scenarios := []struct {
		name, zone, from, to string
		cfg                  Config
		want                 time.Duration
	}{
		{"inside one day", ist, "2026-12-07 10:00", "2026-12-07 12:30", office(ist), 150 * time.Minute},
		{"overnight counts nothing", ist, "2026-12-07 17:00", "2026-12-08 10:00", office(ist), 2 * time.Hour},
		{"friday to monday", ist, "2026-12-04 17:00", "2026-12-07 10:00", office(ist), 6 * time.Hour},
		{"across midnight, 18:00-24:00 then 00:00-02:00", ist, "2026-12-07 23:00", "2026-12-08 01:00", night, 2 * time.Hour},
		{"a whole holiday weekend", ist, "2026-05-29 00:00", "2026-05-31 23:59", office(ist), 0},
		{"eve counts until 13:00", ist, "2026-05-26 09:00", "2026-05-26 18:00", office(ist), 4 * time.Hour},
		{"reversed is zero", ist, "2026-12-07 12:00", "2026-12-07 10:00", office(ist), 0},
		{"DST spring day has 23 hours", "Europe/Berlin", "2026-03-29 00:00", "2026-03-30 00:00", berlin, 23 * time.Hour},
		{"DST autumn day has 25 hours", "Europe/Berlin", "2026-10-25 00:00", "2026-10-26 00:00", berlin, 25 * time.Hour},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s := mustNew(t, sc.cfg)
			a, b := at(t, sc.zone, sc.from), at(t, sc.zone, sc.to)
			if got := s.Between(a, b); got != sc.want {
				t.Errorf("Between = %v, want %v", got, sc.want)
			}
			if sc.want > 0 && sc.cfg.Zone == sc.zone {
				// Due is Between's inverse: the business time from a, counted forward, ends no later than b.
				due, ok := s.Due(a, sc.want)
				if !ok || due.After(b) || s.Between(a, due) != sc.want {
					t.Errorf("Due(%v) = %v %v", sc.want, due, ok)
				}
			}
		})
	}
	s := mustNew(t, office(ist))
	due, ok := s.Due(at(t, ist, "2026-12-04 17:00"), 4*time.Hour) // 1 h on Friday, 3 h on Saturday
	if want := at(t, ist, "2026-12-05 13:00"); !ok || !due.Equal(want) {
		t.Errorf("Due = %v, want %v", due, want)
	}
	var none *Schedule
	if none.Between(at(t, ist, "2026-12-07 00:00"), at(t, ist, "2026-12-08 00:00")) != 24*time.Hour || !none.Open(time.Now()) {
		t.Error("a business without hours is not always open")
	}
}

func TestValidate(t *testing.T) {
	ok := office(ist)
	if errs := Validate(ok); errs != nil {
		t.Fatalf("default config invalid: %v", errs)
	}
	scenarios := []struct {
		name, field, key string
		change           func(*Config)
	}{
		{"unknown zone", "zone", "hours.err.zone", func(c *Config) { c.Zone = "Mars/Olympus" }},
		{"empty zone", "zone", "hours.err.zone", func(c *Config) { c.Zone = "" }},
		{"empty interval", "day1", "hours.err.interval", func(c *Config) { c.Week[1] = []Interval{{600, 600}} }},
		{"past 24:00", "day2", "hours.err.interval", func(c *Config) { c.Week[2] = []Interval{{600, 1500}} }},
		{"overlap", "day3", "hours.err.overlap", func(c *Config) { c.Week[3] = []Interval{{540, 780}, {720, 1080}} }},
		{"overnight overlaps a later one", "day4", "hours.err.overlap", func(c *Config) { c.Week[4] = []Interval{{1200, 120}, {1260, 1320}} }},
		{"bad preset", "preset", "hours.err.choice", func(c *Config) { c.Preset = "xx" }},
		{"bad closed date", "closed", "hours.err.date", func(c *Config) { c.Closed = []ClosedDay{{Date: "2026-02-30"}} }},
		{"closed twice", "closed", "hours.err.duplicate_day", func(c *Config) { c.Closed = []ClosedDay{{Date: "2026-02-03"}, {Date: "2026-02-03"}} }},
		{"away backwards", "away", "hours.err.away_order", func(c *Config) { c.Away = &Away{From: "2026-08-10", Until: "2026-08-01"} }},
		{"mode", "after_hours", "hours.err.choice", func(c *Config) { c.AfterHours = "shout" }},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			c := office(ist)
			sc.change(&c)
			errs := Validate(c)
			if errs[sc.field] != sc.key || len(errs) != 1 {
				t.Errorf("Validate = %v, want only %s=%s", errs, sc.field, sc.key)
			}
			if _, err := New(c); err == nil {
				t.Error("New accepted an invalid config")
			}
		})
	}
}

func TestParseIntervals(t *testing.T) {
	scenarios := []struct {
		in   string
		want []Interval
		ok   bool
	}{
		{"", nil, true},
		{"09:00-18:00", []Interval{{540, 1080}}, true},
		{"9:00-12:30, 13:30-18:00", []Interval{{540, 750}, {810, 1080}}, true},
		{"20:00-24:00", []Interval{{1200, 1440}}, true},
		{"20:00-00:00", []Interval{{1200, 1440}}, true},
		{"22:00-02:00", []Interval{{1320, 120}}, true},
		{"09:00–18:00", []Interval{{540, 1080}}, true},
		// as a Turkish owner types them: the hour alone, a dot, four digits; stored as HH:MM
		{"9-18", []Interval{{540, 1080}}, true},
		{"09.00-18.00", []Interval{{540, 1080}}, true},
		{"9.30 - 12, 13:30-18.00", []Interval{{570, 720}, {810, 1080}}, true},
		{"0900-1830", []Interval{{540, 1110}}, true},
		{"18-24", []Interval{{1080, 1440}}, true},
		{"9 to 5", nil, false},
		{"900-1800", nil, false},
		{"9:5-18", nil, false},
		{"09.00.00-18", nil, false},
		{"25-26", nil, false},
		{"25:00-26:00", nil, false},
		{"09:60-10:00", nil, false},
		{"nine to five", nil, false},
		// typed on an Arabic keyboard: either digit family, the Arabic comma between intervals
		{"٠٩:٠٠-١٨:٠٠", []Interval{{540, 1080}}, true},
		{"۰۹:۳۰-۱۲:۳۰، ١٣:٣٠-18:00", []Interval{{570, 750}, {810, 1080}}, true},
		{"٢٥:٠٠-٢٦:٠٠", nil, false},
		{"٠٩:٠-١٨:٠٠", nil, false},
	}
	for _, sc := range scenarios {
		got, ok := ParseIntervals(sc.in)
		gj, _ := json.Marshal(got)
		wj, _ := json.Marshal(sc.want)
		if ok != sc.ok || (ok && string(gj) != string(wj)) {
			t.Errorf("ParseIntervals(%q) = %s %v, want %s %v", sc.in, gj, ok, wj, sc.ok)
		}
		if ok && FormatIntervals(got) != "" {
			back, _ := ParseIntervals(FormatIntervals(got))
			if bj, _ := json.Marshal(back); string(bj) != string(gj) {
				t.Errorf("round trip of %q: %s", sc.in, bj)
			}
		}
	}
}

// TestTurkishPreset checks the embedded data: every date real, each religious holiday's days
// consecutive after its eve, and a full holiday wins over an eve on the same date.
func TestTurkishPreset(t *testing.T) {
	var f presetFile
	if err := json.Unmarshal(holidaysTR, &f); err != nil {
		t.Fatal(err)
	}
	for _, r := range f.Religious {
		prev, err := time.Parse(time.DateOnly, r.Eve)
		if err != nil {
			t.Fatalf("%s eve %q: %v", r.Name, r.Eve, err)
		}
		want := map[string]int{"Ramazan Bayramı": 3, "Kurban Bayramı": 4}[r.Name]
		if len(r.Days) != want {
			t.Errorf("%s %s: %d days, want %d", r.Name, r.Eve, len(r.Days), want)
		}
		for _, d := range r.Days {
			day, err := time.Parse(time.DateOnly, d)
			if err != nil || day.Sub(prev) != 24*time.Hour {
				t.Errorf("%s: %s does not follow %s", r.Name, d, prev.Format(time.DateOnly))
			}
			prev = day
		}
	}
	days := PresetDays("tr")
	byDate := map[string]ClosedDay{}
	for _, d := range days {
		byDate[d.Date] = d
	}
	if d := byDate["2029-04-23"]; d.Half || d.Name != "Ulusal Egemenlik ve Çocuk Bayramı" {
		t.Errorf("23 April 2029 (also Kurban Bayramı eve) = %+v, want the full national holiday", d)
	}
	if d := byDate["2027-03-08"]; !d.Half {
		t.Errorf("Ramazan Bayramı eve 2027 = %+v, want a half day", d)
	}
	if PresetUntil("tr") != 2029 || len(days) < 4*(8+7) {
		t.Errorf("preset covers until %d with %d days", PresetUntil("tr"), len(days))
	}
}

func TestBusinessWords(t *testing.T) {
	tr := func(key string, args ...any) string {
		return map[string]string{"hours.dur.min": "%d min", "hours.dur.h": "%d h", "hours.dur.h_min": "%d h %d min"}[key] + "|" + fmtArgs(args)
	}
	for d, want := range map[time.Duration]string{
		40 * time.Minute:                "%d min|40",
		2*time.Hour + 15*time.Minute:    "%d h %d min|2,15",
		3 * time.Hour:                   "%d h|3",
		1001*time.Hour + 38*time.Minute: "%d h|1002",
	} {
		if got := Business(tr, d); got != want {
			t.Errorf("Business(%v) = %q, want %q", d, got, want)
		}
	}
	days := func(n int) string { return "days|" + fmtArgs([]any{n}) }
	for d, want := range map[time.Duration]string{
		47*time.Hour + 59*time.Minute: "%d h|48",
		48 * time.Hour:                "days|2",
		2973 * time.Hour:              "days|123",
	} {
		if got := Wall(tr, days, d); got != want {
			t.Errorf("Wall(%v) = %q, want %q", d, got, want)
		}
	}
}

func fmtArgs(args []any) string {
	s := ""
	for i, a := range args {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(a)
	}
	return s
}

// OpenSpans adds up to Between over any window, and its stretches are ordered, disjoint and
// clipped to the window.
func TestOpenSpansAgreeWithBetween(t *testing.T) {
	t.Parallel()
	s := mustNew(t, office(ist))
	from := at(t, ist, "2026-12-01 07:30")
	for _, d := range []time.Duration{0, time.Hour, 40 * time.Hour, 9 * 24 * time.Hour, 200 * 24 * time.Hour} {
		to := from.Add(d)
		var sum time.Duration
		prev := from
		for _, sp := range s.OpenSpans(from, to) {
			if sp.From.Before(prev) || !sp.To.After(sp.From) || sp.To.After(to) {
				t.Fatalf("window %v: bad stretch %v–%v after %v", d, sp.From, sp.To, prev)
			}
			sum += sp.To.Sub(sp.From)
			prev = sp.To
		}
		if want := s.Between(from, to); sum != want {
			t.Fatalf("window %v: stretches add up to %v, Between says %v", d, sum, want)
		}
	}
	var none *Schedule
	if sp := none.OpenSpans(from, from.Add(time.Hour)); len(sp) != 1 || sp[0].To.Sub(sp[0].From) != time.Hour {
		t.Fatalf("nil schedule: %v", sp)
	}
}

// TestPresetDaysNamedInEveryLanguage: every day of the Turkish preset has a catalog name in all
// six languages; the Turkish one is the file's official name, and no other language shows the
// Turkish words.
func TestPresetDaysNamedInEveryLanguage(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, d := range PresetDays("tr") {
		if d.Key == "" {
			t.Fatalf("%s %s has no catalog key", d.Date, d.Name)
		}
		if seen[d.Key] {
			continue
		}
		seen[d.Key] = true
		for _, lang := range i18n.Langs {
			p := i18n.For(lang)
			if !p.Has(d.Key) {
				t.Errorf("%s: %s lacks %s", d.Name, lang, d.Key)
				continue
			}
			got := p.T(d.Key)
			if lang == "tr" && got != d.Name {
				t.Errorf("%s in tr reads %q, want the official name %q", d.Key, got, d.Name)
			}
			if lang != "tr" && got == d.Name {
				t.Errorf("%s in %s is the Turkish name %q", d.Key, lang, got)
			}
		}
	}
	if len(seen) != 12 {
		t.Errorf("%d named days, want 12 (8 fixed, 2 feasts and their eves)", len(seen))
	}
}

// A clock typed in Arabic digits is the same minute as in ASCII.
func TestParseClockArabicDigits(t *testing.T) {
	for in, want := range map[string]int{"٠٩:٣٠": 570, "۲۴:۰۰": 1440, " ٠:٠٥ ": 5} {
		if got, ok := ParseClock(in); !ok || got != want {
			t.Errorf("ParseClock(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	for _, junk := range []string{"٢٤:٠١", "٠٩٣", "٠٩:٣", "+٩:٠٠"} {
		if _, ok := ParseClock(junk); ok {
			t.Errorf("ParseClock(%q) read", junk)
		}
	}
}

// TestParseDays: a box of days pasted from a spreadsheet column (tabs, CRLF) or typed with commas
// and semicolons reads as the same days as one per line; a day's name, numbers in it too, is kept
// as typed; a wrong date stays a day of its own, to be refused by name.
func TestParseDays(t *testing.T) {
	show := func(ds []ClosedDay) string {
		var parts []string
		for _, d := range ds {
			parts = append(parts, d.Date+"="+d.Name)
		}
		return strings.Join(parts, "|")
	}
	for _, c := range []struct{ in, want string }{
		{"2026-12-31 Sayım\n2027-01-02", "2026-12-31=Sayım|2027-01-02="},
		{"2026-12-31\t2027-01-02\t2027-01-03", "2026-12-31=|2027-01-02=|2027-01-03="},
		{"2026-12-31\r\n2027-01-02\r\n", "2026-12-31=|2027-01-02="},
		{"2026-12-31, 2027-01-02;2027-01-03 ;  2027-01-04", "2026-12-31=|2027-01-02=|2027-01-03=|2027-01-04="},
		{"2026-12-31 Yıl sonu, sayım\t2027-04-23 23 Nisan", "2026-12-31=Yıl sonu, sayım|2027-04-23=23 Nisan"},
		{"٢٠٢٦-١٢-٣١، ٢٠٢٧-٠١-٠٢ جرد", "2026-12-31=|2027-01-02=جرد"},
		{"2026-12-31\t31.12.2027\tYıl sonu", "2026-12-31=|31.12.2027=Yıl sonu"},
		{"Sayım 2026-12-31", "Sayım=|2026-12-31="},
		{"  \n\t\n", ""},
	} {
		if got := show(ParseDays(c.in, false)); got != c.want {
			t.Errorf("ParseDays(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if ds := ParseDays("2026-12-24\t2026-12-31", true); len(ds) != 2 || !ds[0].Half || !ds[1].Half {
		t.Errorf("half days: %+v", ds)
	}
}
