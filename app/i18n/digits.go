package i18n

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Digits as an Arabic keyboard types them. The panel speaks Arabic, so an operator may type a
// number, a time, a date or a phone as Arabic-Indic digits (٠١٢٣٤٥٦٧٨٩) or as the Eastern
// Arabic digits Persian and Urdu keyboards give (۰۱۲۳۴۵۶۷۸۹), with the Arabic decimal separator
// ٫ and thousands separator ٬. Every parser of such a field reads them as ASCII, so what is
// stored is always the ASCII form ("09:00", "+90532…", 5000). Free text is never folded.

const (
	arabicDecimal = '\u066b' // ٫
	arabicGroup   = '\u066c' // ٬
	arabicPercent = '\u066a' // ٪
)

// foldDigit returns the ASCII digit a digit of either Arabic family stands for, and whether r
// is one.
func foldDigit(r rune) (rune, bool) {
	switch {
	case r >= '\u0660' && r <= '\u0669':
		return '0' + r - '\u0660', true
	case r >= '\u06f0' && r <= '\u06f9':
		return '0' + r - '\u06f0', true
	}
	return r, false
}

// ASCIIDigits returns s with every Arabic-Indic and Eastern Arabic digit replaced by its ASCII
// digit and nothing else changed; s itself when it has none (the common case costs no
// allocation). Call it on a field that holds a number, a time, a date, a phone or an id before
// reading it with strconv or time; never on free text.
func ASCIIDigits(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { _, ok := foldDigit(r); return ok })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		d, _ := foldDigit(r)
		b.WriteRune(d)
	}
	return b.String()
}

// ASCIINumber is ASCIIDigits that also writes the Arabic decimal separator ٫ as '.', the Arabic
// thousands separator ٬ as ',' and the Arabic percent sign ٪ as '%', for a plain number read with
// strconv ("١٢٫٥" is "12.5"); what a ',' means stays the caller's rule. Amounts and quantities go
// through ParseFixed instead, which tells the two Arabic marks apart by themselves.
func ASCIINumber(s string) string {
	s = ASCIIDigits(s)
	if !strings.ContainsAny(s, string([]rune{arabicDecimal, arabicGroup, arabicPercent})) {
		return s
	}
	return strings.NewReplacer(string(arabicDecimal), ".", string(arabicGroup), ",", string(arabicPercent), "%").Replace(s)
}

// ParseTime is time.ParseInLocation for a time or date a person typed: surrounding spaces are
// ignored and Arabic digits read as ASCII ("٢٠٢٦-٠٣-١٥" is 15 March 2026). loc nil is UTC.
func ParseTime(layout, s string, loc *time.Location) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	return time.ParseInLocation(layout, ASCIIDigits(strings.TrimSpace(s)), loc)
}

// hasArabicMarks reports whether s holds the Arabic decimal or thousands separator.
func hasArabicMarks(s string) bool {
	return strings.ContainsRune(s, arabicDecimal) || strings.ContainsRune(s, arabicGroup)
}

// splitArabicMarks splits a number written with the Arabic separators into its whole part (with
// ',' grouping thousands, for GroupedWell) and its fraction. The Arabic marks say which is which,
// so nothing is guessed; mixing them with '.' or ',' is refused.
func splitArabicMarks(s string) (whole, frac string, ok bool) {
	if strings.ContainsAny(s, ".,") || strings.Count(s, string(arabicDecimal)) > 1 {
		return "", "", false
	}
	whole = s
	if i := strings.IndexRune(s, arabicDecimal); i >= 0 {
		whole, frac = s[:i], s[i+utf8.RuneLen(arabicDecimal):]
		if strings.ContainsRune(frac, arabicGroup) {
			return "", "", false
		}
	}
	return strings.ReplaceAll(whole, string(arabicGroup), ","), frac, true
}
