// Package phone holds the product's two rules for phone numbers: how a number a person typed
// becomes the one international form stored, searched, exported and dialled (Normalize, E.164:
// "+905321234567"), and how a stored number is shown to a person (Display: "+90 532 123 45 67",
// each country's own grouping, from libphonenumber's metadata).
//
// That metadata is loaded when the binary starts, used or not: measured with 50 idle tenants it
// holds about 2.3 MB of resident memory (the idle budget is 60 MB; the server sits near 51) and
// adds 17–20 ms to each start, and the binary grows by 2.5 MB. A table of our own would have
// covered a dozen countries and guessed at German and British area codes.
package phone

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"highvibe/app/i18n"
)

// DefaultRegion is the country a number written without its country code is read in when the
// business chose none (the phone_region setting's default): Turkey, the product's home.
const DefaultRegion = "TR"

// Regions are the countries a business may read numbers written without a country code in (the
// phone_region setting, Settings): Turkey, the countries of the panel's other languages and their
// neighbours, as ISO 3166 codes.
var Regions = []string{"TR", "DE", "AT", "CH", "NL", "BE", "FR", "ES", "GB", "US", "SA", "AE", "QA", "KW", "EG", "MA"}

// CallingCode is the international calling code of region (49 for DE), 0 for none.
func CallingCode(region string) int { return phonenumbers.GetCountryCodeForRegion(region) }

// Normalize returns E.164-style digits ("+905321234567") or "" for s, a number as a person typed
// it. A number with its country code ("+49 170 1234567", "0049 170 1234567") keeps it; one
// without is read in region, the business's country (phone_region; "" is DefaultRegion): for
// Turkey 0532... and 532... get +90, for Germany 0170 1234567 is +491701234567 and 030 1234567
// +49301234567. It exists so the same person typed two ways is one lead.
func Normalize(s, region string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if region = strings.ToUpper(strings.TrimSpace(region)); region == "" || region == DefaultRegion {
		return turkish(s)
	}
	d := Digits(s)
	switch {
	case strings.HasPrefix(s, "+"):
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case d == "":
		return ""
	default:
		d = national(d, region)
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return ""
	}
	return "+" + d
}

// national reads the digits d, written without a "+", in region: as that country's number (its
// trunk 0 dropped), or as a whole international number when only that is a number any country
// has ("905321234567" on a German form: a Turkish customer who left out the "+"). A number no
// country has is kept as the country's own reading, as the Turkish rule keeps it.
func national(d, region string) string {
	n, err := phonenumbers.Parse(d, region)
	if err != nil {
		return ""
	}
	if !phonenumbers.IsValidNumber(n) {
		if in, err := phonenumbers.Parse("+"+d, ""); err == nil && phonenumbers.IsValidNumber(in) {
			return d
		}
	}
	return strconv.Itoa(int(n.GetCountryCode())) + phonenumbers.GetNationalSignificantNumber(n)
}

// turkish is Normalize for a Turkish business: 0532... and 532... get +90.
func turkish(s string) string {
	plus := strings.HasPrefix(s, "+")
	d := Digits(s)
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case len(d) == 11 && d[0] == '0':
		d = "90" + d[1:]
	case len(d) == 10 && d[0] != '0':
		d = "90" + d
	case len(d) == 12 && strings.HasPrefix(d, "90"):
	default:
		if len(d) < 8 {
			return ""
		}
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return ""
	}
	return "+" + d
}

// NationalNumber is the national significant number of the E.164 number e ("1701234567" for
// +491701234567, "5321234567" for +905321234567): the digits a person of its country writes after
// the trunk 0. "" when e is no number.
func NationalNumber(e string) string {
	n, err := phonenumbers.Parse(e, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetNationalSignificantNumber(n)
}

// Digits returns the ASCII digits of s, in order (a number typed on an Arabic keyboard is the
// same number).
func Digits(s string) string {
	var b strings.Builder
	for _, r := range i18n.ASCIIDigits(s) {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Display returns the phone number s (stored E.164, or as a person typed it) the way people of
// its country write it: "+90 532 123 45 67", "+49 30 1234567", "+1 212-555-0123",
// "+966 50 123 4567". A number typed without its country code is read as Turkish (DisplayIn
// reads it in the business's country). Anything that is no phone number (too short, letters)
// comes back unchanged, so a person still reads what was typed.
func Display(s string) string { return DisplayIn(s, "") }

// DisplayIn is Display for a business whose numbers written without a country code are of region
// (the phone_region setting; "" is DefaultRegion): a German business's customer typed as
// 0212 3456789 is "+49 212 3456789", never the Istanbul number its digits also make. A number of
// a country the metadata knows but does not recognise as one of its numbers (a new range, an
// extension) is its E.164 form with a space after the country code ("+49 12345678"), so the code
// still stands apart; a Turkish one is shown as it was typed, as always.
func DisplayIn(s, region string) string {
	e := Normalize(s, region)
	if e == "" || !plausible(s) {
		return s
	}
	n, err := phonenumbers.Parse(e, "")
	if err != nil {
		return s
	}
	if !phonenumbers.IsValidNumber(n) {
		cc := int(n.GetCountryCode())
		code := strconv.Itoa(cc)
		if cc == 0 || cc == CallingCode(DefaultRegion) || phonenumbers.GetRegionCodeForCountryCode(cc) == "ZZ" || !strings.HasPrefix(e, "+"+code) {
			return s
		}
		return "+" + code + " " + strings.TrimPrefix(e, "+"+code)
	}
	return phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
}

// Dial returns the number to put after tel: for s: its E.164 form when s is a number its country
// has, else s itself — a number a German business's customer typed as 0170 1234567 is dialled as
// written, never as a Turkish +90 170… that no one has.
func Dial(s string) string { return DialIn(s, "") }

// DialIn is Dial for a business whose numbers written without a country code are of region
// (phone_region): its customer's 0212 3456789 is dialled as +492123456789.
func DialIn(s, region string) string {
	if e := Normalize(s, region); e != "" && valid(e) {
		return e
	}
	return strings.TrimSpace(s)
}

// valid: the E.164 number e is one its country has.
func valid(e string) bool {
	n, err := phonenumbers.Parse(e, "")
	return err == nil && phonenumbers.IsValidNumber(n)
}

// plausible: s is written with digits and the separators people type into a phone number
// (spaces, dots, dashes, brackets, a leading plus, slashes), nothing else — "call 0532…" or a
// number with an extension in words is shown as typed.
func plausible(s string) bool {
	for _, r := range i18n.ASCIIDigits(strings.TrimSpace(s)) {
		switch {
		case r >= '0' && r <= '9', r == ' ', r == '.', r == '-', r == '(', r == ')', r == '/', r == '+', r == '\u00a0':
		default:
			return false
		}
	}
	return true
}
