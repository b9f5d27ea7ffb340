package i18n

import "testing"

// TestParseAmount: an amount typed with its currency before or after it reads as the number
// ("5000 TL" was refused where "₺ 5.000" was read); another currency's mark is refused, never
// dropped.
func TestParseAmount(t *testing.T) {
	for _, c := range []struct {
		in, cur string
		want    int64
		ok      bool
	}{
		{"5000 TL", "TRY", 500000, true},
		{"5.000 TL", "TRY", 500000, true},
		{"5000TL", "try", 500000, true},
		{"tl 5.000,50", "TRY", 500050, true},
		{"5.000 TRY", "TRY", 500000, true},
		{"₺ 5.000", "TRY", 500000, true},
		{"1.250,50 €", "EUR", 125050, true},
		{"EUR 1.250,50", "EUR", 125050, true},
		{"$1,250", "USD", 125000, true},
		{"1,250.50 usd", "USD", 125050, true},
		{"US$ 5000", "USD", 500000, true},
		{"5.000 us$", "USD", 500000, true},
		{"5,000 USD $", "USD", 0, false},
		{"US$ 5000", "EUR", 0, false},
		{"US$ 5000", "TRY", 0, false},
		{"1250", "", 125000, true},
		{"٥٠٠٠ TL", "TRY", 500000, true},
		// Another currency's mark: refused, not read as this one's.
		{"5000 $", "TRY", 0, false},
		{"5000 USD", "TRY", 0, false},
		{"5000 TL", "EUR", 0, false},
		{"TL", "TRY", 0, false},
		{"5000 TL TL", "TRY", 0, false},
	} {
		got, ok := ParseAmount(c.in, c.cur)
		if ok != c.ok || (ok && got != c.want) {
			t.Errorf("ParseAmount(%q, %q) = %d, %v; want %d, %v", c.in, c.cur, got, ok, c.want, c.ok)
		}
	}
}
