package api

import (
	"math"
	"net/http"
	"strconv"
	"strings"

	"highvibe/app/i18n"
)

// numberFormat is how an import's numbers are written. A JSON number is machine-written (a
// decimal point, no grouping). A number in CSV or in a JSON string is written as a person or a
// spreadsheet writes it, and the two conventions disagree: "1.250" is one thousand two hundred and
// fifty in Turkish and one and a quarter in English. The import's decimal option settles it;
// without one, a number that reads both ways is refused rather than guessed (a price stored a
// thousand times too small is worse than a refused batch), and every other number is read.
type numberFormat struct {
	json    map[string]bool // the row's fields whose value was a JSON number
	decimal byte            // '.' or ',' from ?decimal=point|comma; 0: not given
}

// decimalParam reads ?decimal= (point or comma; absent is 0).
func decimalParam(r *http.Request) (byte, bool) {
	switch r.URL.Query().Get("decimal") {
	case "":
		return 0, true
	case "point":
		return '.', true
	case "comma":
		return ',', true
	}
	return 0, false
}

// read parses v and answers it, or the row error's catalog key (with its argument after "|").
func (nf numberFormat) read(v string, machine bool) (float64, string) {
	if machine || strings.ContainsAny(v, "eE") {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, "api.row.number"
		}
		return f, ""
	}
	s := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "").Replace(v)
	sign := ""
	if len(s) > 0 && (s[0] == '-' || s[0] == '+') {
		sign, s = s[:1], s[1:]
	}
	dec := nf.decimal
	wrong := "api.row.number"
	switch dec {
	case '.':
		wrong = "api.row.number_point"
	case ',':
		wrong = "api.row.number_comma"
	}
	if dec == 0 {
		dots, commas := strings.Count(s, "."), strings.Count(s, ",")
		switch {
		case dots > 0 && commas > 0: // the last separator is the decimal one
			dec = s[max(strings.LastIndexByte(s, '.'), strings.LastIndexByte(s, ','))]
		case i18n.ReadsBothWays(s):
			return 0, "api.row.number_ambiguous|" + v
		case dots+commas == 1:
			dec = s[strings.IndexAny(s, ".,")]
		case dots > 1:
			dec = ',' // "1.250.000": dots group, there is no decimal part
		default:
			dec = '.'
		}
	}
	group := byte('.')
	if dec == '.' {
		group = ','
	}
	whole, frac, hasFrac := strings.Cut(s, string(dec))
	if hasFrac && (frac == "" || !digits(frac)) {
		return 0, wrong
	}
	// The whole part: digits, grouped in threes by the one mark that is not the decimal one.
	if !i18n.GroupedWell(whole) {
		return 0, wrong
	}
	if whole = strings.ReplaceAll(whole, string(group), ""); !digits(whole) {
		return 0, wrong
	}
	if whole == "" && !hasFrac {
		return 0, wrong
	}
	f, err := strconv.ParseFloat(sign+"0"+whole+"."+frac+"0", 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, wrong
	}
	return f, ""
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
