// Package seasonal is the seasonal calendar module's room (guide 46-seasonal-calendar.md): the
// dates a business prepares for — Valentine's Day and Mother's Day for a flower shop, the lunar
// holidays, the start of the building season — each with a lead time (start preparing N days
// before), the demand uplift the business expects in the week of the date, and notes. It owns
// seasonal_campaigns and seasonal_raised.
//
// Its job (job.go) raises a decision recommendation in the approval queue when a campaign's lead
// time starts, once per campaign and year; the KPI room's forecast asks Occurrences for the
// campaign weeks of the months it projects and raises those months by the uplift.
package seasonal

import (
	"fmt"
	"highvibe/app/i18n"
	"slices"
	"strings"
	"time"
)

// The rules a campaign's date follows.
const (
	RuleFixed      = "fixed"       // the same day every year (14 February)
	RuleNthWeekday = "nth_weekday" // the nth weekday of a month (the second Sunday of May); Nth -1 = the last
	RuleDates      = "dates"       // a list of dates (the lunar holidays): no rule, data for the coming years
)

// Rules are the rules in the order the form offers them.
var Rules = []string{RuleFixed, RuleNthWeekday, RuleDates}

// WeekDays is the window the uplift is about: the seven days up to and including the date.
const WeekDays = 7

// Campaign is one date of the seasonal calendar.
type Campaign struct {
	ID        int64
	Name      string
	Rule      string
	Month     int          // 1–12 (fixed, nth_weekday)
	Day       int          // 1–31 (fixed)
	Weekday   time.Weekday // nth_weekday
	Nth       int          // 1–5, or -1 for the last (nth_weekday)
	Dates     []string     // YYYY-MM-DD, sorted (dates)
	LeadDays  int          // start preparing this many days before
	UpliftPct int          // expected demand in the campaign week against a usual week, in % (-100 … 1000)
	Notes     string
	Preset    string // the preset it was added from ("" = the owner's own)
	CreatedAt int64
	UpdatedAt int64
}

// Limits of a campaign's fields.
const (
	MaxName     = 80
	MaxNotes    = 1000
	MaxLeadDays = 120
	MinUplift   = -100
	MaxUplift   = 1000
	MaxDates    = 100
)

// day is a calendar date without a clock or zone: the calendar is about days.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ParseDay reads YYYY-MM-DD (ASCII or Arabic digits) as a calendar day (midnight UTC).
func ParseDay(s string) (time.Time, error) { return i18n.ParseTime(time.DateOnly, s, time.UTC) }

// On returns the campaign's date in year y, and false when it has none that year (a list of
// dates that does not name one, a fifth weekday a month does not have). A fixed 29 February
// falls on 28 February in a year that is not a leap year.
func (c *Campaign) On(y int) (time.Time, bool) {
	switch c.Rule {
	case RuleFixed:
		if c.Month < 1 || c.Month > 12 || c.Day < 1 {
			return time.Time{}, false
		}
		d := min(c.Day, daysIn(y, time.Month(c.Month)))
		return day(y, time.Month(c.Month), d), true
	case RuleNthWeekday:
		return NthWeekday(y, time.Month(c.Month), c.Weekday, c.Nth)
	case RuleDates:
		for _, s := range c.Dates {
			if t, err := ParseDay(s); err == nil && t.Year() == y {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// NthWeekday is the nth wd of month m of year y (n 1–5; -1 the last), false when the month has no
// such day (a fifth Monday).
func NthWeekday(y int, m time.Month, wd time.Weekday, n int) (time.Time, bool) {
	if m < 1 || m > 12 || n == 0 || n < -1 || n > 5 {
		return time.Time{}, false
	}
	if n == -1 {
		last := day(y, m, daysIn(y, m))
		return last.AddDate(0, 0, -((int(last.Weekday()) - int(wd) + 7) % 7)), true
	}
	first := day(y, m, 1)
	d := first.AddDate(0, 0, (int(wd)-int(first.Weekday())+7)%7+7*(n-1))
	if d.Month() != m {
		return time.Time{}, false
	}
	return d, true
}

func daysIn(y int, m time.Month) int { return day(y, m+1, 0).Day() }

// Occurrence is a campaign on one date: the date, the day its lead time starts and the week the
// uplift is about.
type Occurrence struct {
	Campaign  *Campaign
	Date      time.Time // the campaign's day (midnight UTC of that calendar day)
	LeadStart time.Time // Date − LeadDays: the day preparing starts (may fall in the year before)
}

// Year is the campaign-year of the occurrence: the year of its date (its lead time may start in
// December of the year before).
func (o Occurrence) Year() int { return o.Date.Year() }

// WeekStart is the first day of the week the uplift is about (the date is its last day).
func (o Occurrence) WeekStart() time.Time { return o.Date.AddDate(0, 0, -(WeekDays - 1)) }

// Between lists the occurrences of the campaigns whose date falls in [from, to] (days, inclusive),
// sorted by date and then by name.
func Between(cs []*Campaign, from, to time.Time) []Occurrence {
	var out []Occurrence
	add := func(c *Campaign, d time.Time) {
		if !d.Before(from) && !d.After(to) {
			out = append(out, Occurrence{Campaign: c, Date: d, LeadStart: d.AddDate(0, 0, -c.LeadDays)})
		}
	}
	for _, c := range cs {
		if c.Rule == RuleDates { // every date of the list: a lunar holiday can fall twice in one year (2033)
			for _, s := range c.Dates {
				if d, err := ParseDay(s); err == nil {
					add(c, d)
				}
			}
			continue
		}
		for y := from.Year(); y <= to.Year(); y++ {
			if d, ok := c.On(y); ok {
				add(c, d)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return strings.Compare(a.Campaign.Name, b.Campaign.Name)
	})
	return out
}

// Preparing lists the occurrences whose lead time covers today: LeadStart ≤ today ≤ Date. A lead
// time that crosses New Year is found from either side of it.
func Preparing(cs []*Campaign, today time.Time) []Occurrence {
	var out []Occurrence
	for _, o := range Between(cs, today, today.AddDate(0, 0, MaxLeadDays+1)) {
		if !o.LeadStart.After(today) {
			out = append(out, o)
		}
	}
	return out
}

// NextLeadStart is the first day after today on which a campaign's lead time starts (zero when
// no campaign has a date in the coming two years).
func NextLeadStart(cs []*Campaign, today time.Time) time.Time {
	var next time.Time
	for _, o := range Between(cs, today.AddDate(0, 0, 1), today.AddDate(2, 0, 0)) {
		s := o.LeadStart
		if !s.After(today) {
			continue
		}
		if next.IsZero() || s.Before(next) {
			next = s
		}
	}
	return next
}

// Check tells what is wrong with a campaign's fields, as field → catalog key (empty: nothing).
func Check(c *Campaign) map[string]string {
	bad := map[string]string{}
	name := strings.TrimSpace(c.Name)
	switch {
	case name == "":
		bad["name"] = "seasonal.err.name"
	case len([]rune(name)) > MaxName:
		bad["name"] = "seasonal.err.name_long"
	}
	switch c.Rule {
	case RuleFixed:
		if c.Month < 1 || c.Month > 12 {
			bad["month"] = "seasonal.err.month"
		} else if c.Day < 1 || c.Day > daysIn(2028, time.Month(c.Month)) { // 2028: a leap year, so 29 February is a day
			bad["day"] = "seasonal.err.day"
		}
	case RuleNthWeekday:
		if c.Month < 1 || c.Month > 12 {
			bad["month"] = "seasonal.err.month"
		}
		if c.Nth == 0 || c.Nth < -1 || c.Nth > 5 {
			bad["nth"] = "seasonal.err.nth"
		}
		if c.Weekday < 0 || c.Weekday > 6 {
			bad["weekday"] = "seasonal.err.weekday"
		}
	case RuleDates:
		if len(c.Dates) == 0 {
			bad["dates"] = "seasonal.err.dates_none"
		} else if len(c.Dates) > MaxDates {
			bad["dates"] = "seasonal.err.dates_many"
		}
		for _, s := range c.Dates {
			if t, err := ParseDay(s); err != nil || t.Year() < 2000 || t.Year() > 2100 {
				bad["dates"] = "seasonal.err.dates"
			}
		}
	default:
		bad["rule"] = "seasonal.err.rule"
	}
	if c.LeadDays < 0 || c.LeadDays > MaxLeadDays {
		bad["lead_days"] = "seasonal.err.lead_days"
	}
	if c.UpliftPct < MinUplift || c.UpliftPct > MaxUplift {
		bad["uplift_pct"] = "seasonal.err.uplift"
	}
	if len([]rune(c.Notes)) > MaxNotes {
		bad["notes"] = "seasonal.err.notes"
	}
	return bad
}

// ParseDates reads a list of dates written one a line or separated by commas or spaces, in
// YYYY-MM-DD or DD.MM.YYYY; it returns them sorted and without repeats, and the first entry it
// could not read.
func ParseDates(v string) ([]string, string) {
	var out []string
	for _, f := range strings.FieldsFunc(i18n.ASCIIDigits(v), func(r rune) bool {
		return r == ',' || r == '،' || r == ';' || r == '\n' || r == '\r' || r == ' ' || r == '\t'
	}) {
		t, err := ParseDay(f)
		if err != nil {
			t, err = time.Parse("02.01.2006", f)
		}
		if err != nil {
			t, err = time.Parse("2.1.2006", f)
		}
		if err != nil {
			return nil, f
		}
		s := t.Format(time.DateOnly)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out, ""
}

// String is the campaign's rule in English, for logs and the plain-text recommendation.
func (c *Campaign) String() string {
	switch c.Rule {
	case RuleFixed:
		return fmt.Sprintf("%d %s every year", c.Day, time.Month(c.Month))
	case RuleNthWeekday:
		return fmt.Sprintf("weekday %d #%d of %s", c.Weekday, c.Nth, time.Month(c.Month))
	}
	return strings.Join(c.Dates, ", ")
}
