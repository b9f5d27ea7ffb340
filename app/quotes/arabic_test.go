package quotes

import "testing"

// TestArabicShaping: letters take their joined forms (initial, medial, final, isolated), lam-alef
// becomes one ligature, and a right-to-left line is laid out in visual order with numbers, signs
// and Latin words kept left to right.
func TestArabicShaping(t *testing.T) {
	for _, s := range []struct{ in, want string }{
		// عرض: ain initial, ra final (ra does not join forward), dad isolated.
		{"عرض", "\uFECB\uFEAE\uFEBD"},
		// سعر: seen initial, ain medial, ra final.
		{"سعر", "\uFEB3\uFECC\uFEAE"},
		// لا alone: the isolated lam-alef ligature; بلا: ba initial + the final ligature.
		{"لا", "\uFEFB"},
		{"بلا", "\uFE91\uFEFC"},
	} {
		if got := shapeArabic(s.in); got != s.want {
			t.Errorf("shape(%q) = %q, want %q", s.in, got, s.want)
		}
	}
	for _, s := range []struct{ in, want string }{
		// Arabic words reversed, the number and the quote number kept as written.
		{"عرض TKL-2026-0042", "TKL-2026-0042 \uFEBD\uFEAE\uFECB"},
		{"المجموع -1,080.00", "-1,080.00 \uFEC9\uFEEE\uFEE4\uFEA0\uFEE4\uFEDF\uFE8D"},
		{"(نص)", "(\uFEBA\uFEE7)"},
		// An isolated percentage (i18n's Arabic "20%") is one left-to-right run, its marks not drawn.
		{"عرض \u206620%\u2069", "20% \uFEBD\uFEAE\uFECB"},
		{"\u2066+30%\u2069", "+30%"},
		// A negative amount (i18n's Arabic Money: the signed number isolated, then the symbol) is
		// drawn as a positive one is, the minus before the digits.
		{"المجموع \u2066-1,080.00\u2069 ₺", "₺ -1,080.00 \uFEC9\uFEEE\uFEE4\uFEA0\uFEE4\uFEDF\uFE8D"},
		{"المجموع 1,080.00 ₺", "₺ 1,080.00 \uFEC9\uFEEE\uFEE4\uFEA0\uFEE4\uFEDF\uFE8D"},
	} {
		if got := visualRTL(s.in); got != s.want {
			t.Errorf("visual(%q) = %q, want %q", s.in, got, s.want)
		}
	}
}
