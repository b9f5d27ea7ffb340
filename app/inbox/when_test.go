package inbox

import (
	"testing"
	"time"
)

// TestParseWhenReadsBusinessWallTime: a datetime-local value is the wall time of the business's
// zone, so 10:00 typed in Istanbul is 07:00 UTC; dates outside 2000–2200 and junk are refused.
func TestParseWhenReadsBusinessWallTime(t *testing.T) {
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Fatal(err)
	}
	got, ok := parseWhen("2030-01-02T10:00", ist)
	if !ok || !got.Equal(time.Date(2030, 1, 2, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("Istanbul 10:00 = %v (%v), want 07:00 UTC", got.UTC(), ok)
	}
	if got, ok := parseWhen("2030-01-02", time.UTC); !ok || !got.Equal(time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("date only: %v %v", got, ok)
	}
	for _, bad := range []string{"tomorrow", "1999-12-31T10:00", "2201-01-01", "2030-13-01T10:00"} {
		if _, ok := parseWhen(bad, ist); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}
