package hours

import "testing"

// TestAblativeClockTR: the customer read "Pzt 09:00 itibarıyla"; the clock takes its ablative by
// how it is read aloud ("dokuz" → 09:00'dan, "on dört" → 14:00'ten, "otuz" → 13:30'dan).
func TestAblativeClockTR(t *testing.T) {
	for in, want := range map[string]string{"09:00": "09:00'dan", "10:00": "10:00'dan", "13:30": "13:30'dan", "14:00": "14:00'ten",
		"08:00": "08:00'den", "09:45": "09:45'ten", "20:00": "20:00'den", "00:00": "00:00'dan", "12:00": "12:00'den", "16:00": "16:00'dan",
		"13:00": "13:00'ten", "09:40": "09:40'tan", "08:50": "08:50'den", "07:15": "07:15'ten", "18:00": "18:00'den", "11:00": "11:00'den",
		"bad": "bad"} {
		if got := AblativeClockTR(in); got != want {
			t.Errorf("AblativeClockTR(%q) = %q, want %q", in, got, want)
		}
	}
	if ClockFrom("en", "09:00") != "09:00" || ClockFrom("tr", "14:00") != "14:00'ten" {
		t.Error("ClockFrom adds the suffix in Turkish only")
	}
}
