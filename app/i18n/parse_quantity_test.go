package i18n

import "testing"

// Quantities read as amounts do ("00" is zero, grouped thousands, either decimal mark), except
// that "1.250" — a lone separator and three digits — is read the way the person's language writes
// numbers: one thousand two hundred fifty in Turkish, one and a quarter in English.
func TestParseQuantity(t *testing.T) {
	scenarios := []struct {
		in, lang string
		want     int64
		ok       bool
	}{
		{"00", "tr", 0, true}, {"0,0", "tr", 0, true}, {"0.0", "en", 0, true}, {"000", "ar", 0, true}, {" 0 ", "fr", 0, true},
		{"1.250", "tr", 1_250_000, true}, {"1.250", "de", 1_250_000, true}, {"1.250", "es", 1_250_000, true},
		{"1.250", "en", 1_250, true}, {"1.250", "ar", 1_250, true}, {"1.250", "fr", 1_250, true},
		{"1,250", "tr", 1_250, true}, {"1,250", "en", 1_250_000, true}, {"1,250", "ar", 1_250_000, true}, {"1,250", "fr", 1_250, true},
		{"12,5", "en", 12_500, true}, {"12.5", "tr", 12_500, true}, {"12,5", "tr", 12_500, true},
		{"0.250", "tr", 250, true}, {"0,250", "en", 250, true},
		{"1.250,5", "tr", 1_250_500, true}, {"1,250.5", "tr", 1_250_500, true}, {"1.250.000", "tr", 1_250_000_000, true},
		{"1 250,5", "fr", 1_250_500, true}, {"12345", "tr", 12_345_000, true}, {"1234.567", "tr", 1_234_567, true},
		{"", "tr", 0, false}, {"-1", "tr", 0, false}, {"abc", "en", 0, false}, {"1,2345", "tr", 0, false}, {"1.2.3", "en", 0, false},
		{"12.50", "tr", 12_500, true}, {"1.2500", "tr", 0, false},
	}
	for _, s := range scenarios {
		got, ok := ParseQuantity(s.in, s.lang)
		if ok != s.ok || (ok && got != s.want) {
			t.Errorf("ParseQuantity(%q, %s) = %d %v, want %d %v", s.in, s.lang, got, ok, s.want, s.ok)
		}
	}
}

// A quantity written back into a form reads back as the same number in the same language.
func TestQuantityValueRoundTrip(t *testing.T) {
	for _, lang := range Langs {
		for _, milli := range []int64{0, 1, 250, 1_000, 1_125, 1_250, 12_500, 1_250_000, 1_234_567, 999_999_999} {
			v := QuantityValue(milli, lang)
			if got, ok := ParseQuantity(v, lang); !ok || got != milli {
				t.Errorf("%s: %d written %q reads back as %d %v", lang, milli, v, got, ok)
			}
		}
	}
	if got := QuantityValue(1_250, "tr"); got != "1,25" {
		t.Errorf("tr: %q", got)
	}
	if got := QuantityValue(-2_500, "en"); got != "-2.5" {
		t.Errorf("en: %q", got)
	}
}
