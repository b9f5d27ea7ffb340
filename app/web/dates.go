package web

import (
	"html/template"
	"regexp"
	"strings"
	"unicode"
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

// isolated is a sentence whose quoted values were isolated with Isolate (a filter's value, a date,
// an id in a notice), as HTML: each value is a <bdi>, so a browser keeps it whole and in its own
// order inside an Arabic sentence ({{isolated .Why}}). The first-strong isolate marks alone kept
// the order but not the line: a phone broke "2025-01-01" at a hyphen, and the pieces stood on
// two lines the wrong way round. A value without letters (a date, an id, "hv-12ab") is left to
// right and kept on one line; one with letters takes the direction of its first letter, as typed.
func isolated(s string) template.HTML {
	var b strings.Builder
	for {
		i := strings.Index(s, "\u2068")
		if i < 0 {
			break
		}
		j := strings.Index(s[i:], "\u2069")
		if j < 0 {
			break
		}
		v := s[i+len("\u2068") : i+j]
		b.WriteString(template.HTMLEscapeString(s[:i]))
		if strings.ContainsFunc(v, unicode.IsLetter) {
			b.WriteString("<bdi>" + template.HTMLEscapeString(v) + "</bdi>")
		} else {
			b.WriteString(`<bdi dir="ltr" class="nowrap">` + template.HTMLEscapeString(v) + "</bdi>")
		}
		s = s[i+j+len("\u2069"):]
	}
	b.WriteString(template.HTMLEscapeString(s))
	return template.HTML(b.String())
}
