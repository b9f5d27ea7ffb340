package quotes

import (
	"strconv"
	"strings"

	"highvibe/app/i18n"
)

// Units of the quote arithmetic: every amount is an integer of minor units (kuruş, cent), every
// quantity thousandths of its unit, every rate basis points (2000 = 20 %). Nothing is a float, so
// a total is the same on the page, in the PDF and in a test.
const (
	qtyScale  = 1000
	rateScale = 10000
	// DefaultVAT is the KDV rate a new line gets (20 %).
	DefaultVAT = 2000
	// maxQuantity and maxUnitPrice keep qty × price inside int64 (1e8 × 1e10 = 1e18).
	maxQuantity  = 100_000 * qtyScale
	maxUnitPrice = 100_000_000 * 100
)

// mulDiv is a×b÷d rounded half up, for the non-negative values of a quote.
func mulDiv(a, b, d int64) int64 { return (a*b + d/2) / d }

// Line kinds: a catalog product, the free lines, and a percentage line (waste or fire allowance).
var LineKinds = []string{"product", "labour", "subbase", "transport", "other", "allowance"}

// Line is one line of a quote; Gross, Net and VAT are computed by Compute.
type Line struct {
	ID        int64
	Position  int
	Kind      string
	ProductID int64
	Name      string
	Unit      string
	Quantity  int64 // thousandths of Unit
	UnitPrice int64 // minor units
	Percent   int64 // allowance lines: basis points of the product lines' net
	Reason    string
	Discount  int64 // basis points
	VATRate   int64 // basis points
	Gross     int64 // before discount
	Net       int64 // after discount, before KDV
	VAT       int64
}

// Totals are a quote's sums, all minor units.
type Totals struct {
	Subtotal, Discount, Net, VAT, Grand int64
}

// Less is the discount as the amount it takes off the subtotal (negative, minor units): pages and
// the PDF format it with i18n's Money like every other amount, so the minus stands where the
// language writes it (in Arabic isolated with the digits, the currency on the side a positive
// amount has it) instead of a "-" put before the formatted amount by hand.
func (t Totals) Less() int64 { return -t.Discount }

// Less is the line's discount as the amount it takes off the line's Gross (negative, minor units,
// zero without a discount): the pages show it on the line, so a customer adding up the lines as
// shown (their Gross) reaches the subtotal, and the lines' discounts reach the discount total.
func (l Line) Less() int64 { return l.Net - l.Gross }

// Compute fills each line's Gross, Net and VAT and returns the totals. Rounding happens once per
// line and per step (gross, discount, KDV), half up, and the totals are sums of the rounded
// lines, so the figures printed on a line always add up to the printed total. An allowance line
// is a percentage of the net of the product lines above it.
func Compute(lines []Line) Totals {
	var t Totals
	var productNet int64
	for i := range lines {
		l := &lines[i]
		if l.Kind == "allowance" {
			l.Gross = mulDiv(productNet, l.Percent, rateScale)
		} else {
			l.Gross = mulDiv(l.Quantity, l.UnitPrice, qtyScale)
		}
		disc := mulDiv(l.Gross, l.Discount, rateScale)
		l.Net = l.Gross - disc
		l.VAT = mulDiv(l.Net, l.VATRate, rateScale)
		if l.Kind == "product" {
			productNet += l.Net
		}
		t.Subtotal += l.Gross
		t.Discount += disc
		t.Net += l.Net
		t.VAT += l.VAT
	}
	t.Grand = t.Net + t.VAT
	return t
}

// ParseMoney reads an amount in major units of currency ("1.250,50", "5.000 TL") as minor units
// (125050), the currency's own marks allowed before or after it (i18n.ParseAmount).
func ParseMoney(s, currency string) (int64, bool) { return i18n.ParseAmount(s, currency) }

// ParseQuantity reads a quantity typed in the panel language lang ("12,5"; "1.250" in Turkish is
// one thousand two hundred fifty) as thousandths (12500), by the amounts' rules (i18n.ParseQuantity).
func ParseQuantity(s, lang string) (int64, bool) { return i18n.ParseQuantity(s, lang) }

// ParseRate reads a percentage ("20", "7,5") as basis points (2000, 750).
func ParseRate(s string) (int64, bool) { return i18n.ParseFixed(s, 2) }

// fixed writes n with the given decimals and no grouping ("1250.50"), the form inputs' value.
func fixed(n int64, decimals int) string {
	neg := n < 0
	if neg {
		n = -n
	}
	s := strconv.FormatInt(n, 10)
	for len(s) <= decimals {
		s = "0" + s
	}
	out := s
	if decimals > 0 {
		out = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
		out = strings.TrimRight(strings.TrimRight(out, "0"), ".")
		if decimals == 2 && strings.Contains(out, ".") && len(out)-strings.IndexByte(out, '.') == 2 {
			out += "0"
		}
	}
	if neg {
		out = "-" + out
	}
	return out
}

// Major is minor units as a float of major units, for the catalog's money formatter (exact for
// every amount a quote can hold: two decimals of a value below 2^53).
func Major(minor int64) float64 { return float64(minor) / 100 }
