package web

import (
	"strconv"
	"strings"
	"unicode"

	"highvibe/app/channels/channel"
	"highvibe/app/phone"
)

// PersonName is a name a stranger typed (a chat visitor, a landing-page form, a customer accepting
// a quote) as the one line of plain text the panel shows it as: control characters and runs of
// white space (new lines, tabs) become one space, and the Unicode controls that embed, override or
// isolate writing direction (U+202A–U+202E, U+2066–U+2069) are dropped, as are the other invisible
// formatting characters (zero-width spaces, direction marks, a byte-order mark). The panel shows a name
// inside lines of its own words ("Ayşe Kaya · sent · just now"), and an override left open there
// turned the rest of the line around: a visitor named "Ayşe <U+202E>IBAN TR12 0006" made the
// inbox read "abaseh 6000 21RT NABI" and "ecnö za" for "az önce". Names need none of them: Arabic
// and Hebrew names take their direction from their own letters.
func PersonName(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case channel.Invisible(r):
			// Invisible formatting: the direction embeddings, overrides, isolates and marks, zero-width
			// spaces, word joiners, a byte-order mark, a soft hyphen. Only the joiners that shape
			// a word (U+200C in a Persian name) or an emoji (U+200D) stay.
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

// Who is the one rule that names a person (a lead, a customer) to an operator wherever the panel
// lists or heads them: their name, else their phone number as people write it (phone.DisplayIn,
// "+90 532 123 45 67", never the stored "+905321234567"; a number kept without its country code
// is of region, the business's phone_region, as the pages' phone helper reads it), else their
// e-mail address; "" when they gave none of them, and the caller says what the record is ("#340"
// only there). Pages draw the same rule with views/partials/phone.html's "who", which keeps a
// number one left-to-right piece on Arabic pages.
func Who(region, name, number, email string) string {
	for _, s := range []string{strings.TrimSpace(name), phone.DisplayIn(strings.TrimSpace(number), region), strings.TrimSpace(email)} {
		if s != "" {
			return s
		}
	}
	return ""
}

// WhoOrNumber is Who, or the record's number ("#340") for a person who gave none of them: for
// the lines (a list's row, a recommendation's title) that must name someone.
func WhoOrNumber(region string, id int64, name, number, email string) string {
	if s := Who(region, name, number, email); s != "" {
		return s
	}
	return "#" + strconv.FormatInt(id, 10)
}
