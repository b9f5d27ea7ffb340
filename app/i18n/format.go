package i18n

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Separators used in numbers. All languages write Western digits (0–9); Arabic business
// software in the region mostly does too, and it keeps numbers comparable across users.
const (
	nbsp       = "\u00a0" // no-break space: keeps "12,5 %" on one line
	narrowNbsp = "\u202f" // narrow no-break space: the French thousands separator
)

// numberStyle is how a language writes a number: thousands and decimal separators.
type numberStyle struct{ group, decimal string }

func (p *Printer) style() numberStyle {
	switch p.lang() {
	case "tr", "de", "es":
		return numberStyle{".", ","}
	case "fr":
		return numberStyle{narrowNbsp, ","}
	}
	return numberStyle{",", "."} // en, ar
}

// DecimalComma reports whether the language writes decimals after a comma ("12,5"): where it
// does, spreadsheets set up in it separate a CSV file's cells with ";" (app/export).
func (p *Printer) DecimalComma() bool { return p.style().decimal == "," }

// currencySymbols are the currencies a HighVibe tenant is expected to bill in; any other ISO
// code is shown as the code itself after the amount.
var currencySymbols = map[string]string{
	"TRY": "₺",
	"EUR": "€",
	"USD": "$",
	"GBP": "£",
}

// maxDecimals bounds the decimals argument; more is never meaningful for display and a huge
// value would make strconv build a huge string.
const maxDecimals = 12

// Int formats a whole number with the language's thousands separator: "1,250" (en, ar),
// "1.250" (tr, de, es), "1 250" with a narrow no-break space (fr). A negative number in Arabic
// keeps its minus before it inside a sentence (isolate).
func (p *Printer) Int(n int64) string {
	u := uint64(n)
	if n < 0 {
		u = uint64(-(n + 1)) + 1 // safe for math.MinInt64
		return p.isolate("-" + group(strconv.FormatUint(u, 10), p.style().group))
	}
	return group(strconv.FormatUint(u, 10), p.style().group)
}

// Number formats f rounded to decimals places: "1,250.50" (en, ar), "1.250,50" (tr, de, es),
// "1 250,50" (fr). A value that rounds to zero has no minus sign; a negative one in Arabic keeps
// its minus before it inside a sentence (isolate).
func (p *Printer) Number(f float64, decimals int) string {
	s, neg := p.unsigned(f, decimals)
	if neg {
		return p.isolate("-" + s)
	}
	return s
}

// Percent formats a value that is already in percent units (12.5 means 12.5 %): "12.5%"
// (en, ar), "%12,5" (tr), "12,5 %" with a no-break space (de, fr, es). Arabic keeps the
// number, its sign and its percent sign in that order inside a sentence (isolateLTR).
func (p *Printer) Percent(f float64, decimals int) string {
	return p.isolate(p.percent(f, decimals))
}

func (p *Printer) percent(f float64, decimals int) string {
	s, neg := p.unsigned(f, decimals)
	sign := ""
	if neg {
		sign = "-"
	}
	switch p.lang() {
	case "tr":
		return sign + "%" + s
	case "de", "fr", "es":
		return sign + s + nbsp + "%"
	}
	return sign + s + "%"
}

// SignedPercent is Percent with a plus before a positive change, for a rise or a fall:
// "+%30" and "-%30" (tr), "+30%" (en, ar), "+30 %" (de, fr, es); zero has no sign.
func (p *Printer) SignedPercent(f float64, decimals int) string {
	s := p.percent(f, decimals)
	if u, neg := p.unsigned(f, decimals); !neg && strings.Trim(u, "0.,") != "" {
		s = "+" + s
	}
	return p.isolate(s)
}

// Unicode's isolates (what <bdi dir="ltr"> does in HTML): inside a right-to-left sentence the
// text between them is laid out left to right as one piece, so "+30%" stays "+30%". Without
// them the Arabic around it carries the plus and the percent sign to the number's other side
// ("%30+"), and a minus likewise ("1,250-"): Int, Number and Money isolate a negative value. They are invisible, and work in HTML, in a chart's SVG text and in plain text alike.
const (
	isolateLTR = "\u2066" // LEFT-TO-RIGHT ISOLATE
	popIsolate = "\u2069" // POP DIRECTIONAL ISOLATE
)

// isolate wraps s in isolateLTR and popIsolate for a right-to-left language (Arabic).
func (p *Printer) isolate(s string) string {
	if Dir(p.lang()) != "rtl" {
		return s
	}
	return isolateLTR + s + popIsolate
}

// Unit shows a unit of measure as it is printed: "m2" and "m3" (typed on a keyboard without
// superscripts, the catalog's default and every importer's) read "m²" and "m³", in any case; any
// other unit ("adet", "palet", "kg") is returned as typed, trimmed. Only what is shown changes: the
// stored unit and the form's field keep what was typed.
func Unit(s string) string {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "m2":
		return "m²"
	case "m3":
		return "m³"
	}
	return s
}

// Money formats an amount with two decimals and its currency: "1.250,50 ₺" (tr), "₺1,250.50"
// (en), "1.250,50 €" (de), "$1,250.50" (en), and "1,250.50 XYZ" for a code without a known
// symbol. English puts a known symbol first; the other languages put it after the amount.
// A negative amount starts with a minus: "-₺1,250.50", "-1.250,50 ₺". An empty currency gives
// the bare amount. In Arabic a negative amount is "-1,250.50" isolated (as a negative Number)
// and then its currency, so the minus stays before the digits inside a sentence and the symbol
// stands where a positive amount has it.
func (p *Printer) Money(amount float64, currency string) string { return p.money(amount, currency, 2) }

// WholeMoney formats an amount kept in whole units (a lead's expected value) as Money does, without
// the decimals it never has: "174.000 ₺" (tr), "₺174,000" (en).
func (p *Printer) WholeMoney(amount int64, currency string) string {
	return p.money(float64(amount), currency, 0)
}

func (p *Printer) money(amount float64, currency string, decimals int) string {
	s, neg := p.unsigned(amount, decimals)
	sign := ""
	if neg && Dir(p.lang()) == "rtl" {
		s = p.isolate("-" + s)
	} else if neg {
		sign = "-"
	}
	code := strings.ToUpper(strings.TrimSpace(currency))
	sym, known := currencySymbols[code]
	switch {
	case code == "":
		return sign + s
	case !known:
		return sign + s + " " + code
	case p.lang() == "en":
		return sign + sym + s
	}
	return sign + s + " " + sym
}

// Date formats the calendar date of t in the printer's zone (Loc; t's own location when it has
// none): "Nov 22, 2026" (en), "22.11.2026" (tr, de), "22/11/2026" (fr, es, ar).
func (p *Printer) Date(t time.Time) string {
	t = p.local(t)
	switch p.lang() {
	case "en":
		return t.Format("Jan 2, 2006")
	case "tr", "de":
		return t.Format("02.01.2006")
	}
	return t.Format("02/01/2006")
}

// DateTime formats date and clock time of t in the printer's zone (as Date): "22.11.2026 14:05",
// and the 12-hour clock only in English: "Nov 22, 2026 2:05 PM".
func (p *Printer) DateTime(t time.Time) string {
	return p.Date(t) + " " + p.Clock(t)
}

// Clock formats the clock time of t in the printer's zone (as Date): "14:05", and the 12-hour
// clock only in English: "2:05 PM".
func (p *Printer) Clock(t time.Time) string {
	t = p.local(t)
	if p.lang() == "en" {
		return t.Format("3:04 PM")
	}
	return t.Format("15:04")
}

// YearMonth writes a calendar month given as "2006-01" with the month's short name in the
// printer's language and the year: "Tem 2026" (tr), "Jul 2026" (en), "Juli 2026" (de),
// "juil. 2026" (fr), "jul 2026" (es), "يوليو 2026" (ar). Anything that is not such a month is
// returned as it is.
func (p *Printer) YearMonth(ym string) string {
	t, err := time.Parse("2006-01", ym)
	if err != nil {
		return ym
	}
	return p.T(fmt.Sprintf("time.month_short.%02d", int(t.Month()))) + nbsp + strconv.Itoa(t.Year())
}

// unsigned formats |f| with the language's separators and reports whether the rounded value
// is negative (so "-0,00" never appears).
func (p *Printer) unsigned(f float64, decimals int) (string, bool) {
	switch {
	case math.IsNaN(f):
		return "NaN", false
	case math.IsInf(f, 0):
		return "∞", f < 0
	}
	decimals = max(0, min(decimals, maxDecimals))
	s := strconv.FormatFloat(math.Abs(roundHalfAway(f, decimals)), 'f', decimals, 64)
	neg := f < 0 && strings.Trim(s, "0.") != ""
	st := p.style()
	intPart, frac, hasFrac := strings.Cut(s, ".")
	out := group(intPart, st.group)
	if hasFrac {
		out += st.decimal + frac
	}
	return out, neg
}

// roundHalfAway rounds f to decimals places with halves away from zero (1250.5 → 1251,
// 3.25 → 3.3), the way invoices and spreadsheets do; strconv alone rounds exact halves to
// even, which reads as a bug on a price. Beyond 2^52 a float has no fractional digits left.
func roundHalfAway(f float64, decimals int) float64 {
	pow := math.Pow10(decimals)
	x := f * pow
	if math.Abs(x) >= 1<<52 {
		return f
	}
	return math.Round(x) / pow
}

// group inserts sep between every three digits of an unsigned decimal string, from the right.
func group(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	b.Grow(len(digits) + (len(digits)-1)/3*len(sep))
	first := len(digits) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(digits[:first])
	for i := first; i < len(digits); i += 3 {
		b.WriteString(sep)
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}
