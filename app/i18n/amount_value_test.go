package i18n

import "testing"

// An amount written back into an edit form is written the way the page's language writes numbers
// (no thousands mark, its decimal mark, no ",00" on a whole amount) and reads back as the same
// cents in every language: an order's total came back as "282855.00" on a Turkish page.
func TestAmountValue(t *testing.T) {
	for _, c := range []struct {
		amount   float64
		lang     string
		want     string
		cents    int64
		currency string
	}{
		{282855, "tr", "282855", 28285500, "TRY"}, {282855, "en", "282855", 28285500, "TRY"},
		{1250.5, "tr", "1250,50", 125050, "TRY"}, {1250.5, "de", "1250,50", 125050, "EUR"}, {1250.5, "fr", "1250,50", 125050, "EUR"},
		{1250.5, "es", "1250,50", 125050, "EUR"}, {1250.5, "en", "1250.50", 125050, "USD"}, {1250.5, "ar", "1250.50", 125050, "USD"},
		{0.05, "tr", "0,05", 5, "TRY"}, {1.25, "tr", "1,25", 125, "TRY"}, {0, "tr", "0", 0, "TRY"}, {340.1, "en", "340.10", 34010, "USD"},
	} {
		got := AmountValue(c.amount, c.lang)
		if got != c.want {
			t.Errorf("AmountValue(%v, %s) = %q, want %q", c.amount, c.lang, got, c.want)
		}
		if n, ok := ParseAmount(got, c.currency); !ok || n != c.cents {
			t.Errorf("%s: %q reads back as %d %v, want %d", c.lang, got, n, ok, c.cents)
		}
	}
	for _, lang := range Langs {
		for _, cents := range []int64{1, 5, 10, 99, 100, 125, 12_550, 100_000, 123_456_789} {
			if n, ok := ParseAmount(CentsValue(cents, lang), "TRY"); !ok || n != cents {
				t.Errorf("%s: %d cents written %q read back as %d %v", lang, cents, CentsValue(cents, lang), n, ok)
			}
		}
	}
}

// A rate written back (a quote line's VAT, percentage, discount) drops trailing zeros and reads
// back as the same number.
func TestFixedValue(t *testing.T) {
	for _, c := range []struct {
		n    int64
		lang string
		want string
	}{{1800, "tr", "18"}, {1250, "tr", "12,5"}, {1250, "en", "12.5"}, {5, "tr", "0,05"}, {0, "en", "0"}, {-250, "de", "-2,5"}} {
		if got := FixedValue(c.n, 2, c.lang); got != c.want {
			t.Errorf("FixedValue(%d, 2, %s) = %q, want %q", c.n, c.lang, got, c.want)
		}
	}
	for _, lang := range Langs {
		for _, n := range []int64{1, 10, 100, 1250, 1800, 9999, 1_000_000} {
			if got, ok := ParseFixed(FixedValue(n, 2, lang), 2); !ok || got != n {
				t.Errorf("%s: %d written %q reads back as %d %v", lang, n, FixedValue(n, 2, lang), got, ok)
			}
		}
	}
}
