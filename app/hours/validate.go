package hours

import (
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"highvibe/app/i18n"
)

// Errors maps a form field to the catalog key of what is wrong with it (keys under "hours.err.").
// Field names: zone, day0..day6 (by time.Weekday), preset, closed, away, after_hours, ack_message.
type Errors map[string]string

func (e Errors) Error() string {
	keys := make([]string, 0, len(e))
	for k := range e {
		keys = append(keys, k+": "+e[k])
	}
	sort.Strings(keys)
	return "hours: invalid: " + strings.Join(keys, "; ")
}

// Limits of what an owner may store.
const (
	MaxIntervals  = 4    // per weekday
	MaxClosedDays = 200  // custom closed days
	MaxMessage    = 1000 // characters of the acknowledgement and out-of-office messages
	MaxDayName    = 100  // characters of a closed day's name
)

// Validate checks every field of c and returns what is wrong, field by field (nil: valid).
func Validate(c Config) Errors {
	errs := Errors{}
	if Location(c.Zone) == nil {
		errs["zone"] = "hours.err.zone"
	}
	for d, ivs := range c.Week {
		field := "day" + strconv.Itoa(d)
		if len(ivs) > MaxIntervals {
			errs[field] = "hours.err.too_many"
			continue
		}
		for _, iv := range ivs {
			if iv.From < 0 || iv.From >= 1440 || iv.To <= 0 || iv.To > 1440 || iv.From == iv.To {
				errs[field] = "hours.err.interval"
			}
		}
		if _, ok := errs[field]; !ok && overlapping(ivs) {
			errs[field] = "hours.err.overlap"
		}
	}
	if c.Preset != "" && !contains(Presets, c.Preset) {
		errs["preset"] = "hours.err.choice"
	}
	if len(c.Closed) > MaxClosedDays {
		errs["closed"] = "hours.err.too_many_days"
	}
	seen := map[string]bool{}
	for _, d := range c.Closed {
		if !isDate(d.Date) {
			errs["closed"] = "hours.err.date"
		} else if seen[d.Date] {
			errs["closed"] = "hours.err.duplicate_day"
		} else if len([]rune(d.Name)) > MaxDayName {
			errs["closed"] = "hours.err.name_long"
		}
		seen[d.Date] = true
	}
	if a := c.Away; a != nil {
		switch {
		case !isDate(a.From) || !isDate(a.Until):
			errs["away"] = "hours.err.date"
		case a.Until < a.From:
			errs["away"] = "hours.err.away_order"
		case len([]rune(a.Message)) > MaxMessage:
			errs["away"] = "hours.err.message_long"
		}
	}
	if !contains(Modes, c.AfterHours) {
		errs["after_hours"] = "hours.err.choice"
	}
	if len([]rune(c.AckMessage)) > MaxMessage {
		errs["ack_message"] = "hours.err.message_long"
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// BadDay is the first of the owner's closed and half days that Validate refuses for its date —
// not a real day (hours.err.date) or one given before (hours.err.duplicate_day) — as typed, so
// the form can name it among a long list; "" when every date is right.
func BadDay(days []ClosedDay) (date, key string) {
	seen := map[string]bool{}
	for _, d := range days {
		switch {
		case !isDate(d.Date):
			return d.Date, "hours.err.date"
		case seen[d.Date]:
			return d.Date, "hours.err.duplicate_day"
		}
		seen[d.Date] = true
	}
	return "", ""
}

// WithBreaks reads a day whose intervals overlap as an opening with breaks written inside it:
// "09:00-18:00, 12:00-13:00" is how an owner writes "open 9 to 6, lunch 12 to 1". When one
// interval holds every other, and those others neither touch each other nor either end of it, it
// returns the opening without them ("09:00-12:00, 13:00-18:00"), for the form to offer; ok is
// false for any other overlap. Intervals across midnight are not read this way.
func WithBreaks(ivs []Interval) ([]Interval, bool) {
	if len(ivs) < 2 {
		return nil, false
	}
	outer := -1
	for i, iv := range ivs {
		if iv.Overnight() {
			return nil, false
		}
		if outer < 0 || iv.To-iv.From > ivs[outer].To-ivs[outer].From {
			outer = i
		}
	}
	o := ivs[outer]
	var breaks []Interval
	for i, iv := range ivs {
		if i == outer {
			continue
		}
		if iv.From <= o.From || iv.To >= o.To {
			return nil, false // not inside the opening with time on both sides
		}
		breaks = append(breaks, iv)
	}
	sort.Slice(breaks, func(i, j int) bool { return breaks[i].From < breaks[j].From })
	out := []Interval{}
	from := o.From
	for _, b := range breaks {
		if b.From <= from { // touches the previous break (or its start): not two breaks
			return nil, false
		}
		out = append(out, Interval{from, b.From})
		from = b.To
	}
	return append(out, Interval{from, o.To}), true
}

// overlapping reports whether two intervals of one day share a minute (an interval across
// midnight counts up to 24:00 on its own day).
func overlapping(ivs []Interval) bool {
	type r struct{ a, b int }
	rs := make([]r, 0, len(ivs))
	for _, iv := range ivs {
		to := iv.To
		if to < iv.From {
			to = 1440
		}
		rs = append(rs, r{iv.From, to})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].a < rs[j].a })
	for i := 1; i < len(rs); i++ {
		if rs[i].a < rs[i-1].b {
			return true
		}
	}
	return false
}

// isDate reports whether s is a YYYY-MM-DD day of the years 2000–2100, as every other date field
// of the product bounds it: 9999-12-31 is a slip on the year, not a holiday.
func isDate(s string) bool {
	d, err := time.Parse(time.DateOnly, s)
	return err == nil && d.Year() >= 2000 && d.Year() <= 2100
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ParseClock reads a time of day as minutes after midnight (00:00–24:00), in the forms an owner
// types: "09:00" and "9:00", with a dot as Turkish writes it ("09.00", "9.30"), the hour alone
// ("9", "18") and four digits without a separator ("0900", "1830"); ASCII or Arabic digits
// ("٠٩:٣٠"). The form stores what it read as "HH:MM" (Clock).
func ParseClock(s string) (int, bool) {
	s = i18n.ASCIIDigits(strings.TrimSpace(s))
	h, m, ok := strings.Cut(s, ":")
	if !ok {
		h, m, ok = strings.Cut(s, ".")
	}
	switch {
	case ok:
	case len(s) <= 2:
		h, m = s, "00" // the hour alone
	case len(s) == 4:
		h, m = s[:2], s[2:] // 0900
	}
	if len(h) == 0 || len(h) > 2 || len(m) != 2 || strings.ContainsAny(h+m, "+-") { // Atoi takes a sign
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, false
	}
	return hh*60 + mm, true
}

// Clock writes minutes after midnight as "HH:MM" (1440 is "24:00").
func Clock(min int) string {
	return pad2(min/60) + ":" + pad2(min%60)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// ParseIntervals reads a weekday's intervals as typed: "09:00-12:30, 13:30-18:00", the times in
// any form ParseClock reads ("9-18", "09.00-18.00"); empty is a closed day. ok is false when the text cannot be read. Arabic digits and the Arabic comma read
// as their ASCII forms ("٠٩:٠٠-١٢:٣٠، ١٣:٣٠-١٨:٠٠").
func ParseIntervals(s string) ([]Interval, bool) {
	s = strings.ReplaceAll(i18n.ASCIIDigits(strings.TrimSpace(s)), "،", ",")
	if s == "" || strings.EqualFold(s, "-") {
		return nil, true
	}
	var out []Interval
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		a, b, ok := strings.Cut(part, "-")
		if !ok {
			if a, b, ok = strings.Cut(part, "–"); !ok {
				return nil, false
			}
		}
		from, ok1 := ParseClock(a)
		to, ok2 := ParseClock(b)
		if !ok1 || !ok2 || from == 1440 {
			return nil, false
		}
		if to == 0 {
			to = 1440 // "18:00-00:00" is until midnight
		}
		out = append(out, Interval{from, to})
	}
	return out, true
}

// FormatIntervals writes a weekday's intervals the way ParseIntervals reads them.
func FormatIntervals(ivs []Interval) string {
	parts := make([]string, len(ivs))
	for i, iv := range ivs {
		parts[i] = Clock(iv.From) + "-" + Clock(iv.To)
	}
	return strings.Join(parts, ", ")
}

// ParseDays reads a box of closed (or half) days as typed: each day's date, then an optional
// name, the days separated by new lines, spaces, tabs, commas or semicolons (Arabic ones too) —
// a column pasted from a spreadsheet arrives tab-separated. A word beginning with a digit and
// holding a date's separator ("2026-12-31", "31.12.2026") starts a day; other words, up to the
// next day on the same line, are its name, kept as typed; a line's first word always starts a
// day, so "ABC" or "31" alone is refused as a date by name. Dates are read in ASCII digits.
func ParseDays(text string, half bool) []ClosedDay {
	var out []ClosedDay
	for _, line := range strings.Split(text, "\n") {
		var cur *ClosedDay
		nameFrom := 0
		closeName := func(end int) {
			if cur != nil {
				cur.Name = strings.TrimFunc(line[nameFrom:end], isDaySep)
			}
		}
		for i := 0; i < len(line); {
			start := strings.IndexFunc(line[i:], func(r rune) bool { return !isDaySep(r) })
			if start < 0 {
				break
			}
			start += i
			end := strings.IndexFunc(line[start:], isDaySep)
			if end < 0 {
				end = len(line)
			} else {
				end += start
			}
			if word := line[start:end]; cur == nil || looksLikeDate(word) {
				closeName(start)
				out = append(out, ClosedDay{Date: i18n.ASCIIDigits(word), Half: half})
				cur, nameFrom = &out[len(out)-1], end
			}
			i = end
		}
		closeName(len(line))
	}
	return out
}

// isDaySep separates the days of a box: white space (tabs, new lines), commas and semicolons,
// Latin and Arabic.
func isDaySep(r rune) bool {
	return unicode.IsSpace(r) || r == ',' || r == ';' || r == '،' || r == '؛'
}

// looksLikeDate says whether a word is meant as a date: it begins with a digit and is made of
// digits and at least one of "-./" ("2026-12-31", "31.12.2026", "2026/12/31"), so a number in a
// day's name ("23 Nisan") stays in the name.
func looksLikeDate(w string) bool {
	w = i18n.ASCIIDigits(w)
	if w == "" || w[0] < '0' || w[0] > '9' || !strings.ContainsAny(w, "-./") {
		return false
	}
	return strings.Trim(w, "0123456789-./") == ""
}
