package web

import (
	"html/template"
	"regexp"
	"strings"
)

// dateRun is a date's format hint in any panel language ("YYYY-MM-DD", "AAAA-MM-JJ",
// "JJJJ-MM-TT", "YYYY-AA-GG"), an ISO date ("2026-12-31") or a clock interval of opening hours
// ("09:00-18:00", "09:00–18:00"), also as the hours form reads them typed ("09.00-18.00", "9-18").
var dateRun = regexp.MustCompile(`\b(?:[A-Z]{4}-[A-Z]{2}-[A-Z]{2}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}[:.][0-9]{2}[-–][0-9]{2}[:.][0-9]{2}|[0-9]{1,2}[-–][0-9]{1,2})\b`)

// datesLTR is a sentence — a field's hint or error, already in the reader's words — with every
// date format hint, ISO date and opening-hours interval in it kept on one line and left to right ({{dates (t "…")}},
// {{dates .}}): a 390 px phone would otherwise break "YYYY-MM-DD" at a hyphen, and in Arabic the
// pieces of "2026-12-31" would stand right to left. The text is escaped first; the marks are
// app.css's .nowrap and the dir attribute (an isolate), so the words copied stay the words shown.
func datesLTR(s string) template.HTML {
	esc := template.HTMLEscapeString(s)
	var b strings.Builder
	last := 0
	for _, m := range dateRun.FindAllStringIndex(esc, -1) {
		// "9-18" alone is an interval; "00-18" of "9:00-18:00" is not.
		if run := esc[m[0]:m[1]]; len(run) <= 5 && (m[0] > 0 && strings.ContainsRune(":.", rune(esc[m[0]-1])) ||
			m[1] < len(esc) && strings.ContainsRune(":.", rune(esc[m[1]]))) {
			continue
		}
		b.WriteString(esc[last:m[0]])
		b.WriteString(`<span class="nowrap" dir="ltr">` + esc[m[0]:m[1]] + `</span>`)
		last = m[1]
	}
	b.WriteString(esc[last:])
	return template.HTML(b.String())
}
