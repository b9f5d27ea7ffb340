package i18n

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Numbers as people type them into the panel: every form that takes an amount, a price or a
// quantity reads it with ParseFixed, so "1.250" is one thousand two hundred and fifty liras on
// every page, whichever language the page speaks.

// ParseFixed reads a non-negative decimal as typed in any of the panel's languages ("1.250,50",
// "1,250.50", "1250.5", "12,5", "١٬٢٥٠٫٥٠" in Arabic digits and separators) into an integer with the given number of decimals. A lone
// separator followed by exactly three digits is a thousands separator when decimals < 3
// ("1.250" is 1250 liras) and a decimal point otherwise ("1.250" m² is 1.25 m²).
func ParseFixed(s string, decimals int) (int64, bool) { return parseFixed(s, decimals, false) }

// parseFixed is ParseFixed; long reads a number of any length (its value then unused), to tell a
// number too large to keep from text that is no number.
func parseFixed(s string, decimals int, long bool) (int64, bool) {
	if !utf8.ValidString(s) {
		// Not text: taking the spaces out could join two stray bytes into a digit ("\xd9 \xa6"
		// would read as ٦, 6).
		return 0, false
	}
	s = strings.TrimSpace(s)
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "₺", "", "%", "", string(arabicPercent), "").Replace(s)
	s = ASCIIDigits(s)
	if s == "" {
		return 0, false
	}
	if hasArabicMarks(s) {
		whole, frac, ok := splitArabicMarks(s)
		if !ok {
			return 0, false
		}
		return fixedParts(whole, frac, decimals, long)
	}
	lastDot, lastComma := strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ',')
	dec := -1
	switch {
	case lastDot >= 0 && lastComma >= 0:
		dec = max(lastDot, lastComma)
	case lastDot >= 0 || lastComma >= 0:
		sep := byte('.')
		if lastComma >= 0 {
			sep = ','
		}
		pos := max(lastDot, lastComma)
		if strings.Count(s, string(sep)) == 1 && !(len(s)-pos-1 == 3 && decimals < 3) {
			dec = pos
		}
	}
	intPart, frac := s, ""
	if dec >= 0 {
		intPart, frac = s[:dec], s[dec+1:]
	}
	return fixedParts(intPart, frac, decimals, long)
}

// fixedParts reads a whole part (thousands grouped by '.' or ',', or not at all) and a fraction
// of ASCII digits into an integer with the given number of decimals.
func fixedParts(intPart, frac string, decimals int, long bool) (int64, bool) {
	if !GroupedWell(intPart) {
		return 0, false
	}
	intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	if intPart == "" {
		intPart = "0"
	}
	if len(frac) > decimals || strings.ContainsAny(frac, ".,") {
		return 0, false
	}
	for len(frac) < decimals {
		frac += "0"
	}
	if long {
		return 0, strings.Trim(intPart+frac, "0123456789") == ""
	}
	if len(intPart) > maxWholeDigits {
		return 0, false
	}
	n, err := strconv.ParseUint(intPart+frac, 10, 63)
	if err != nil {
		return 0, false
	}
	return int64(n), true
}

// GroupedWell reports whether the whole part uses one thousands separator in groups of three
// ("1.250.000", "1,250"), or none.
func GroupedWell(s string) bool {
	hasDot, hasComma := strings.Contains(s, "."), strings.Contains(s, ",")
	if hasDot && hasComma {
		return false
	}
	if !hasDot && !hasComma {
		return true
	}
	sep := "."
	if hasComma {
		sep = ","
	}
	parts := strings.Split(s, sep)
	if len(parts[0]) < 1 || len(parts[0]) > 3 {
		return false
	}
	for _, p := range parts[1:] {
		if len(p) != 3 {
			return false
		}
	}
	return true
}

// QuantityDecimals is how many decimals a quantity keeps: it is counted in thousandths of its
// unit (metres, kilograms, m²).
const QuantityDecimals = 3

// ParseQuantity reads a non-negative quantity as a person whose panel speaks lang types it into
// thousandths, by the rules amounts follow (ParseFixed: "00" and "0,0" are zero, "1.250,5" and
// "1,250.5" are one thousand two hundred fifty and a half) with one difference a quantity needs:
// a lone separator followed by exactly three digits is read the way lang writes numbers, since
// a quantity may have three decimals. In Turkish (and German, Spanish) "1.250" is one thousand two
// hundred fifty and "1,250" is one and a quarter; in English and Arabic the other way round. The
// caller decides whether zero is allowed.
func ParseQuantity(s, lang string) (int64, bool) {
	t := ASCIIDigits(strings.TrimSpace(s)) // the Arabic separators are never ambiguous: ParseFixed reads them
	if group := For(lang).style().group; (group == "." || group == ",") && ReadsBothWays(t) && strings.Contains(t, group) {
		t = strings.Replace(t, group, "", 1) // "1.250" in Turkish: a thousands separator, not a decimal point
	}
	return ParseFixed(t, QuantityDecimals)
}

// ReadsBothWays reports whether s is a number that the two ways of writing numbers read
// differently: one to three digits (not starting with 0), one '.' or ',', then exactly three
// digits. "1.250" is one thousand two hundred fifty where the mark groups thousands and one and a
// quarter where it is the decimal mark.
func ReadsBothWays(s string) bool {
	if strings.Count(s, ".")+strings.Count(s, ",") != 1 {
		return false
	}
	pos := strings.IndexAny(s, ".,")
	whole, frac := s[:pos], s[pos+1:]
	return len(whole) >= 1 && len(whole) <= 3 && whole[0] != '0' && len(frac) == 3 && allDigits(whole) && allDigits(frac)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// QuantityValue writes thousandths back as a form value in lang that ParseQuantity reads back to
// the same number: no thousands separator and lang's decimal separator ("1,25" in Turkish,
// "1.25" in English; "1250", "-2,5").
func QuantityValue(milli int64, lang string) string { return FixedValue(milli, QuantityDecimals, lang) }

// AmountValue writes an amount of money back as a form value in lang that ParseAmount reads back
// to the same cents: no thousands separator, lang's decimal mark, no fraction when the amount is
// whole ("282855", "1250,50" in Turkish; "1250.50" in English). An edit form showed "282855.00"
// on a Turkish page, where a point groups thousands.
func AmountValue(amount float64, lang string) string {
	return CentsValue(int64(math.Round(amount*100)), lang)
}

// CentsValue is AmountValue of an amount kept in cents.
func CentsValue(cents int64, lang string) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	s := strconv.FormatInt(cents/100, 10)
	if frac := cents % 100; frac != 0 {
		s += For(lang).style().decimal + strconv.FormatInt(100+frac, 10)[1:]
	}
	return sign + s
}

// FixedValue writes n, counted in units of 10^-decimals, as a form value in lang that ParseFixed
// reads back: no thousands separator, lang's decimal mark, no trailing zeros ("18", "12,5" in
// Turkish for a rate of 12.50 %).
func FixedValue(n int64, decimals int, lang string) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	s := strconv.FormatInt(n, 10)
	for len(s) <= decimals {
		s = "0" + s
	}
	whole, frac := s[:len(s)-decimals], strings.TrimRight(s[len(s)-decimals:], "0")
	if frac == "" {
		return sign + whole
	}
	return sign + whole + For(lang).style().decimal + frac
}

// ParseAmount reads an amount of money in currency (an ISO code) as typed, with two decimals
// (ParseFixed), also when the person wrote the currency before or after the number the way
// people do: "5000 TL", "5.000 TRY", "€ 1.250,50", "1,250.50 usd", "$1,250". Only the
// currency's own marks are read — its code in any case, its symbol, "TL" for the lira and "US$"
// for the dollar — so
// "5000 $" in a lira quote is refused, never taken as 5000 liras.
func ParseAmount(s, currency string) (int64, bool) { return parseAmount(s, currency, false) }

// maxWholeDigits is how many digits before the decimals ParseFixed reads (999,999,999,999 at most).
const maxWholeDigits = 12

// AmountTooLarge reports whether s, which ParseAmount refused, is an amount written well but with
// more digits before its decimals than any amount is kept with: the form then says the amount is
// too large and its limit, not "enter a number".
func AmountTooLarge(s, currency string) bool {
	if _, ok := parseAmount(s, currency, false); ok {
		return false
	}
	_, ok := parseAmount(s, currency, true)
	return ok
}

func parseAmount(s, currency string, long bool) (int64, bool) {
	s = strings.TrimSpace(s)
	code := strings.ToUpper(strings.TrimSpace(currency))
	marks := []string{}
	if code != "" {
		marks = append(marks, code)
	}
	if code == "USD" { // before "$", which it ends with
		marks = append(marks, "US$")
	}
	if sym, ok := currencySymbols[code]; ok {
		marks = append(marks, sym)
	}
	if code == "TRY" {
		marks = append(marks, "TL")
	}
	for _, m := range marks {
		if len(s) > len(m) && strings.EqualFold(s[:len(m)], m) {
			s = strings.TrimSpace(s[len(m):])
			break
		}
		if len(s) > len(m) && strings.EqualFold(s[len(s)-len(m):], m) {
			s = strings.TrimSpace(s[:len(s)-len(m)])
			break
		}
	}
	return parseFixed(s, 2, long)
}
