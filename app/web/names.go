package web

import (
	"strings"
	"unicode"
)

// PersonName is a name a stranger typed (a chat visitor, a landing-page form, a customer accepting
// a quote) as the one line of plain text the panel shows it as: control characters and runs of
// white space (new lines, tabs) become one space, and the Unicode controls that embed, override or
// isolate writing direction (U+202A–U+202E, U+2066–U+2069) are dropped. The panel shows a name
// inside lines of its own words ("Ayşe Kaya · sent · just now"), and an override left open there
// turned the rest of the line around: a visitor named "Ayşe <U+202E>IBAN TR12 0006" made the
// inbox read "abaseh 6000 21RT NABI" and "ecnö za" for "az önce". Names need none of them: Arabic
// and Hebrew names take their direction from their own letters.
func PersonName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069:
			continue
		case unicode.IsSpace(r), unicode.IsControl(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}
