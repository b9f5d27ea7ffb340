package quotes

import (
	"testing"

	"highvibe/app/i18n"
)

// TestComputeGolden: per-line rounding (half up, at gross, discount and KDV), allowance lines as a
// percentage of the product lines above them, totals as sums of the rounded lines, and the
// Turkish money format of the result.
func TestComputeGolden(t *testing.T) {
	lines := []Line{
		// 120,5 m² × 1.250,50 ₺ = 150.685,25 ₺, 7,5 % discount = 11.301,39375 → 11.301,39 ₺.
		{Kind: "product", Quantity: 120_500, UnitPrice: 125_050, Discount: 750, VATRate: 2000},
		// 3,333 × 0,10 ₺ = 0,3333 → 0,33 ₺; KDV 20 % = 0,066 → 0,07 ₺.
		{Kind: "product", Quantity: 3_333, UnitPrice: 10, VATRate: 2000},
		// 1 × 0,05 ₺ with 10 % discount: discount 0,005 → 0,01 (half up), net 0,04; KDV 0,008 → 0,01.
		{Kind: "labour", Quantity: 1_000, UnitPrice: 5, Discount: 1000, VATRate: 2000},
		// 8 % of the product lines' net (139.383,86 + 0,33 = 139.384,19) = 11.150,7352 → 11.150,74 ₺.
		{Kind: "allowance", Percent: 800, Reason: "diagonal", VATRate: 2000},
		// Transport at 10 % KDV: 2 × 1.750,00 ₺.
		{Kind: "transport", Quantity: 2_000, UnitPrice: 175_000, VATRate: 1000},
	}
	got := Compute(lines)
	want := []struct{ gross, net, vat int64 }{
		{15_068_525, 13_938_386, 2_787_677},
		{33, 33, 7},
		{5, 4, 1},
		{1_115_074, 1_115_074, 223_015},
		{350_000, 350_000, 35_000},
	}
	for i, w := range want {
		if l := lines[i]; l.Gross != w.gross || l.Net != w.net || l.VAT != w.vat {
			t.Errorf("line %d: gross %d net %d vat %d, want %d %d %d", i+1, l.Gross, l.Net, l.VAT, w.gross, w.net, w.vat)
		}
	}
	wantT := Totals{Subtotal: 16_533_637, Discount: 1_130_140, Net: 15_403_497, VAT: 3_045_700, Grand: 18_449_197}
	if got != wantT {
		t.Fatalf("totals %+v, want %+v", got, wantT)
	}
	if s := i18n.For("tr").Money(Major(got.Grand), "TRY"); s != "184.491,97 ₺" {
		t.Errorf("tr money %q", s)
	}
	if s := i18n.For("tr").Money(Major(125_050), "TRY"); s != "1.250,50 ₺" {
		t.Errorf("tr money %q", s)
	}
	if s := i18n.For("en").Money(Major(got.Grand), "TRY"); s != "₺184,491.97" {
		t.Errorf("en money %q", s)
	}
}

func TestParseNumbers(t *testing.T) {
	for _, s := range []struct {
		in    string
		money int64
		ok    bool
	}{
		{"1.250,50", 125_050, true}, {"1,250.50", 125_050, true}, {"1250.5", 125_050, true}, {"1250,5", 125_050, true},
		{"1.250", 125_000, true}, {"1 250,50 ₺", 125_050, true}, {"0", 0, true}, {"12,345", 1_234_500, true},
		{"5.000 TL", 500_000, true}, {"tl 5000", 500_000, true}, {"5.000 TRY", 500_000, true}, {"5000 $", 0, false},
		{"", 0, false}, {"-3", 0, false}, {"1,2,3.4.5", 0, false}, {"abc", 0, false}, {"1.2345", 0, false},
	} {
		got, ok := ParseMoney(s.in, "TRY")
		if ok != s.ok || (ok && got != s.money) {
			t.Errorf("ParseMoney(%q) = %d %v, want %d %v", s.in, got, ok, s.money, s.ok)
		}
	}
	for in, want := range map[string]int64{"12,5": 12_500, "120": 120_000, "1.250": 1_250, "0,001": 1} {
		if got, ok := ParseQuantity(in, "en"); !ok || got != want {
			t.Errorf("ParseQuantity(%q) = %d %v, want %d", in, got, ok, want)
		}
	}
	if got := fixed(125_050, 2); got != "1250.50" {
		t.Errorf("fixed %q", got)
	}
	if got := fixed(12_500, 3); got != "12.5" {
		t.Errorf("fixed qty %q", got)
	}
}
