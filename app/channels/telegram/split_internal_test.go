package telegram

import (
	"strings"
	"testing"
)

// A text with invalid UTF-8 bytes longer than one message is cut without a panic and without
// losing or doubling any of it: an invalid byte counted as RuneLen(RuneError)'s three bytes cut
// past the end of the string.
func TestSplitTextInvalidBytes(t *testing.T) {
	text := strings.Repeat("ab\xffç", 40) + "\xff"
	pieces := splitText(text, 25)
	if len(pieces) < 2 {
		t.Fatalf("%d pieces, want several", len(pieces))
	}
	for _, p := range pieces {
		if n := utf16Len(p); n > 25 {
			t.Errorf("a piece of %d units, max 25", n)
		}
	}
	if got, want := strings.Join(pieces, ""), strings.ToValidUTF8(text, "\uFFFD"); got != want {
		t.Errorf("joined pieces differ from the text")
	}
}
