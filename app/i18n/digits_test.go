package i18n

import (
	"strings"
	"testing"
	"time"
)

// arabicIndic and easternArabic write the ASCII digits of s in one of the two Arabic families.
func arabicIndic(s string) string   { return inFamily(s, '\u0660') }
func easternArabic(s string) string { return inFamily(s, '\u06f0') }

func inFamily(s string, zero rune) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return zero + r - '0'
		}
		return r
	}, s)
}

// Each Arabic digit is its ASCII digit; everything else is left exactly as it was.
func TestASCIIDigits(t *testing.T) {
	scenarios := []struct{ in, want string }{
		{"٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"٠٩:٠٠-١٨:٠٠", "09:00-18:00"},
		{"+٩٠ ۵۳۲ 123 ٤٥ ٦٧", "+90 532 123 45 67"}, // both families and ASCII in one field
		{"Ahmet ٣", "Ahmet 3"},
		{"٥٠٠٠٫٥", "5000٫5"}, // separators are ParseFixed's and ASCIINumber's business
		{"plain 42", "plain 42"},
		{"", ""},
	}
	for _, s := range scenarios {
		if got := ASCIIDigits(s.in); got != s.want {
			t.Errorf("ASCIIDigits(%q) = %q, want %q", s.in, got, s.want)
		}
	}
	if got := ASCIINumber("١٢٫٥٪"); got != "12.5%" {
		t.Errorf("ASCIINumber: %q", got)
	}
	if got := ASCIINumber("٥٬٠٠٠"); got != "5,000" {
		t.Errorf("ASCIINumber: %q", got)
	}
}

// Amounts and quantities typed in either Arabic digit family, with or without the Arabic
// separators, read as the same numbers as in ASCII; the Arabic marks are never ambiguous, so
// "١٫٢٥٠" is one and a quarter and "١٬٢٥٠" one thousand two hundred fifty in every language.
func TestParseFixedArabicDigits(t *testing.T) {
	scenarios := []struct {
		in       string
		decimals int
		want     int64
		ok       bool
	}{
		{"٥٠٠٠", 2, 500_000, true}, {"۵۰۰۰", 2, 500_000, true},
		{"١٢٫٥", 2, 1250, true}, {"۱۲٫۵۰", 2, 1250, true}, {"٫٥", 2, 50, true},
		{"١٬٢٥٠", 2, 125_000, true}, {"١٬٢٥٠", 3, 1_250_000, true},
		{"١٫٢٥٠", 3, 1250, true}, {"١٫٢٥", 2, 125, true},
		{"١٬٢٥٠٬٠٠٠٫٥", 2, 125_000_050, true},
		{"١٢٫٥٪", 2, 1250, true}, {"١٢,٥%", 2, 1250, true}, // percent sign in either script
		{"١.٢٥٠,٥٠", 2, 125_050, true}, {"1,2٥0.5", 2, 125_050, true}, // Arabic digits with Latin marks
		{"٥ ٠٠٠ ₺", 2, 500_000, true},
		// still refused
		{"١٬٢٥", 2, 0, false}, {"١٫٢٫٣", 2, 0, false}, {"١٬٢٥٠.٥", 2, 0, false}, {"١٫٥٬٠٠٠", 2, 0, false},
		{"١٢٫٥٦٧", 2, 0, false}, {"abc", 2, 0, false}, {"٥x", 2, 0, false}, {"-٥", 2, 0, false},
		{"٫", 2, 0, true}, {"", 2, 0, false}, {"٬", 2, 0, false},
	}
	for _, s := range scenarios {
		got, ok := ParseFixed(s.in, s.decimals)
		if ok != s.ok || (ok && got != s.want) {
			t.Errorf("ParseFixed(%q, %d) = %d %v, want %d %v", s.in, s.decimals, got, ok, s.want, s.ok)
		}
	}
}

// A quantity in Arabic digits follows the page language's rule for "1.250" exactly as in ASCII;
// with the Arabic marks it needs no rule.
func TestParseQuantityArabicDigits(t *testing.T) {
	scenarios := []struct {
		in, lang string
		want     int64
		ok       bool
	}{
		{"١.٢٥٠", "tr", 1_250_000, true}, {"١.٢٥٠", "en", 1_250, true}, {"۱,۲۵۰", "ar", 1_250_000, true},
		{"١٫٢٥٠", "tr", 1_250, true}, {"١٫٢٥٠", "en", 1_250, true}, {"١٬٢٥٠", "en", 1_250_000, true}, {"١٬٢٥٠", "tr", 1_250_000, true},
		{"١٢٫٥", "ar", 12_500, true}, {"٣", "ar", 3_000, true},
		{"١٫٢٥٠٠", "ar", 0, false}, {"٣ كغ", "ar", 0, false},
	}
	for _, s := range scenarios {
		got, ok := ParseQuantity(s.in, s.lang)
		if ok != s.ok || (ok && got != s.want) {
			t.Errorf("ParseQuantity(%q, %s) = %d %v, want %d %v", s.in, s.lang, got, ok, s.want, s.ok)
		}
	}
}

// Times and dates in Arabic digits read as in ASCII; junk is still junk.
func TestParseTimeArabicDigits(t *testing.T) {
	d, err := ParseTime(time.DateOnly, " ٢٠٢٦-٠٣-١٥ ", nil)
	if err != nil || d.Format(time.DateOnly) != "2026-03-15" {
		t.Errorf("date: %v %v", d, err)
	}
	ist, _ := time.LoadLocation("Europe/Istanbul")
	d, err = ParseTime("2006-01-02T15:04", "۲۰۲۶-۰۳-۱۵T۰۹:۳۰", ist)
	if err != nil || d.Format(time.RFC3339) != "2026-03-15T09:30:00+03:00" {
		t.Errorf("datetime: %v %v", d, err)
	}
	for _, junk := range []string{"٢٠٢٦-١٣-٠١", "٢٠٢٦/٠٣/١٥", "أمس", ""} {
		if _, err := ParseTime(time.DateOnly, junk, nil); err == nil {
			t.Errorf("%q read as a date", junk)
		}
	}
}

// FuzzParseFixedDigitFamilies: a number written in either Arabic digit family reads exactly as
// the same number in ASCII digits, whatever the text.
func FuzzParseFixedDigitFamilies(f *testing.F) {
	for _, s := range []string{"1.250,50", "12,5", "1250", "0", "1,250.5", "5000", "1.2.3", "x9"} {
		f.Add(s, uint8(2))
	}
	f.Fuzz(func(t *testing.T, s string, dec uint8) {
		decimals := int(dec % 4)
		want, wantOK := ParseFixed(s, decimals)
		for _, v := range []string{arabicIndic(s), easternArabic(s)} {
			if got, ok := ParseFixed(v, decimals); got != want || ok != wantOK {
				t.Fatalf("ParseFixed(%q) = %d %v, but %q reads %d %v", v, got, ok, s, want, wantOK)
			}
		}
		for _, lang := range []string{"tr", "en"} {
			want, wantOK := ParseQuantity(s, lang)
			if got, ok := ParseQuantity(arabicIndic(s), lang); got != want || ok != wantOK {
				t.Fatalf("ParseQuantity(%q, %s) = %d %v, want %d %v", arabicIndic(s), lang, got, ok, want, wantOK)
			}
		}
	})
}
