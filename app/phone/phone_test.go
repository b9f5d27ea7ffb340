package phone

import "testing"

// TestDisplay: a stored or typed number is shown the way people of its country write it; what is
// no phone number is shown as it was typed.
func TestDisplay(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"+905321234567", "+90 532 123 45 67"},         // TR mobile, as stored
		{"0532 123 45 67", "+90 532 123 45 67"},        // TR mobile, as typed on a Turkish form
		{"+902123456789", "+90 212 345 67 89"},         // TR landline (Istanbul)
		{"+903122345678", "+90 312 234 56 78"},         // TR landline (Ankara)
		{"+4930123456", "+49 30 123456"},               // DE landline (Berlin)
		{"+4915123456789", "+49 1512 3456789"},         // DE mobile
		{"+12125550123", "+1 212-555-0123"},            // US
		{"+442079460958", "+44 20 7946 0958"},          // GB London
		{"+447400123456", "+44 7400 123456"},           // GB mobile
		{"+966501234567", "+966 50 123 4567"},          // SA mobile
		{"+971501234567", "+971 50 123 4567"},          // AE mobile
		{"+97142345678", "+971 4 234 5678"},            // AE landline (Dubai)
		{"+٩٠٥٣٢١٢٣٤٥٦٧", "+90 532 123 45 67"},         // typed with Arabic-Indic digits
		{"12345", "12345"},                             // too short
		{"+90532", "+90532"},                           // too short for its country
		{"Ali Veli", "Ali Veli"},                       // not a number
		{"ara: 0532 123 45 67", "ara: 0532 123 45 67"}, // words around a number: as typed
		{"", ""},
	} {
		if got := Display(c.in); got != c.want {
			t.Errorf("Display(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestDial: a tel: link dials the E.164 form; what is no number is left as it is.
func TestDial(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"0532 123 45 67", "+905321234567"},
		{"+905321234567", "+905321234567"},
		{" 12345 ", "12345"},
	} {
		if got := Dial(c.in); got != c.want {
			t.Errorf("Dial(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
