package hours

import (
	"strconv"
	"strings"
	"time"
)

// Translate is a catalog lookup (i18n.Printer.T): the package stays free of catalogs and requests.
type Translate func(key string, args ...any) string

// DateWords writes a calendar day as the catalog's language does (i18n.Printer.Date: "Jan 7,
// 2027" in English, "07.01.2027" in Turkish, "07/01/2027" in French).
type DateWords func(time.Time) string

// NextOpeningWords says, in the catalog's language lang, when a person will answer after now:
// "today from 14:00", "tomorrow from 09:00", "from Monday 09:00" within a week (Turkish
// "Pazartesi 09:00'dan itibaren"), else the date as date writes it. "" when the business is open
// at now or never opens in sight.
func (s *Schedule) NextOpeningWords(lang string, t Translate, date DateWords, now time.Time) string {
	if s == nil || s.Open(now) {
		return ""
	}
	next, ok := s.NextOpen(now)
	if !ok {
		return ""
	}
	return OpeningWords(lang, t, date, next.In(s.loc), now.In(s.loc))
}

// ClosedFor reports whether the business is closed at now for an away period or a holiday
// rather than by its weekly hours: the opening it names is then a fixed day, not a usual one.
func (s *Schedule) ClosedFor(now time.Time) bool {
	if s == nil || s.Open(now) {
		return false
	}
	if away, _ := s.AwayAt(now); away {
		return true
	}
	_, holiday := s.Holiday(now)
	return holiday
}

// OpeningWords names the moment next (in the business's zone) as seen from now (same zone), in
// the catalog's language lang.
func OpeningWords(lang string, t Translate, date DateWords, next, now time.Time) string {
	clock := ClockFrom(lang, next.Format("15:04"))
	ny, nm, nd := next.Date()
	y, m, d := now.Date()
	days := int(time.Date(ny, nm, nd, 12, 0, 0, 0, time.UTC).Sub(time.Date(y, m, d, 12, 0, 0, 0, time.UTC)).Hours() / 24)
	switch {
	case days == 0:
		return t("hours.when.today", clock)
	case days == 1:
		return t("hours.when.tomorrow", clock)
	case days < 7:
		return t("hours.when.weekday", DayInSentence(lang, t, next.Weekday()), clock)
	}
	return t("hours.when.date", date(next), clock)
}

// DayInSentence is the full name of weekday d as it stands inside a sentence of lang: French and
// Spanish write it in lower case ("à partir de lundi", "desde el lunes").
func DayInSentence(lang string, t Translate, d time.Weekday) string {
	day := t("hours.day." + strconv.Itoa(int(d)))
	if lang == "fr" || lang == "es" {
		day = strings.ToLower(day)
	}
	return day
}

// ClockFrom is a clock time ("09:00") as the catalogs' "from …" sentences take it: in Turkish
// with its ablative suffix ("09:00'dan itibaren"), elsewhere as it is.
func ClockFrom(lang, clock string) string {
	if lang == "tr" {
		return AblativeClockTR(clock)
	}
	return clock
}

// AblativeClockTR writes a clock time in the Turkish ablative, with its apostrophe, as it is read
// aloud: the last number spoken decides (the minutes, or the hour at :00), by vowel harmony of its
// last vowel (a, ı, o, u take -dan; e, i, ö, ü -den) and the d turning t after a hard consonant
// (üç, dört, beş, kırk): 09:00'dan, 10:00'dan, 13:30'dan, 14:00'ten, 08:00'den, 09:45'ten,
// 20:00'den, 00:00'dan.
func AblativeClockTR(clock string) string {
	h, m, ok := parseHM(clock)
	if !ok {
		return clock
	}
	n := m
	if m == 0 {
		n = h
	}
	// The last word spoken of n: its units ("on dört" → dört), or its tens when the units are 0.
	units := [10]string{"dan", "den", "den", "ten", "ten", "ten", "dan", "den", "den", "dan"} // sıfır bir iki üç dört beş altı yedi sekiz dokuz
	tens := [6]string{"dan", "dan", "den", "dan", "tan", "den"}                               // -, on, yirmi, otuz, kırk, elli
	suffix := units[n%10]
	if n%10 == 0 && n >= 10 {
		suffix = tens[n/10]
	}
	return clock + "'" + suffix
}

func parseHM(clock string) (h, m int, ok bool) {
	hs, ms, found := strings.Cut(clock, ":")
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if !found || err1 != nil || err2 != nil || h < 0 || h > 23 || m < 0 || m > 59 {
		return 0, 0, false
	}
	return h, m, true
}

// Business writes a business-time duration short: "40 min", "2 h 15 min", "26 h" (hours, not
// days: a "day" of business time would read as a calendar day). From 10 hours on the minutes are
// left out.
func Business(t Translate, d time.Duration) string {
	mins := int(d.Round(time.Minute) / time.Minute)
	switch {
	case mins < 60:
		return t("hours.dur.min", mins)
	case mins >= 600:
		return t("hours.dur.h", (mins+30)/60)
	case mins%60 == 0:
		return t("hours.dur.h", mins/60)
	}
	return t("hours.dur.h_min", mins/60, mins%60)
}

// Wall writes a clock-time wait: as Business up to two days, then in whole days ("5 days"), so a
// customer forgotten for months reads "124 days", not "2973 h". days words n days in the
// viewer's language (a plural message).
func Wall(t Translate, days func(n int) string, d time.Duration) string {
	if d >= 48*time.Hour {
		return days(int(d / (24 * time.Hour)))
	}
	return Business(t, d)
}

// Overnight reports whether the interval runs past midnight into the next day ("22:00-02:00",
// also "18:00-09:00" typed for "09:00-18:00"): it closes at To on the following weekday.
func (iv Interval) Overnight() bool { return iv.To < iv.From }

// LongOvernight reports whether an overnight interval keeps the business open more than twelve
// hours across midnight ("18:00-09:00"): more likely a daytime opening typed the wrong way
// round than a night's (a bar's "22:00-02:00", a night shift's "22:00-06:00").
func (iv Interval) LongOvernight() bool { return iv.Overnight() && 1440-iv.From+iv.To > 12*60 }

// OvernightWords says in the catalog's language when an overnight interval of weekday day (0 is
// Sunday) opens and closes: "Overnight: opens at 18:00, closes the next day (Tuesday) at 09:00."
func OvernightWords(t Translate, day int, iv Interval) string {
	return t("hours.overnight", Clock(iv.From), Clock(iv.To), t("hours.day."+strconv.Itoa((day+1)%7)))
}
