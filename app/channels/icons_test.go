package channels

import (
	"testing"
	"unicode/utf8"
)

// TestChannelIconsAreTextGlyphs: a channel's badge symbol is one character of the Basic
// Multilingual Plane that text fonts carry (DejaVu, Arial, Noto Sans); emoji (🟢 💬) showed as
// empty boxes where no emoji font is installed.
func TestChannelIconsAreTextGlyphs(t *testing.T) {
	icons := Registry().Icons()
	if len(icons) == 0 {
		t.Fatal("no icons")
	}
	for ch, icon := range icons {
		r, n := utf8.DecodeRuneInString(icon)
		if n != len(icon) || r >= 0x2B00 || r == 0xFE0F {
			t.Errorf("%s: icon %q (U+%04X) is not a single text glyph", ch, icon, r)
		}
	}
}
