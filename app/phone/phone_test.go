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

// TestNormalizeRegion: a number written without its country code is read in the business's
// country; Turkey's reading is the one the product always had, and a number with its code keeps it.
func TestNormalizeRegion(t *testing.T) {
	for _, c := range []struct{ in, region, want string }{
		{"0532 123 45 67", "", "+905321234567"},
		{"0532 123 45 67", "TR", "+905321234567"},
		{"532 123 45 67", "tr", "+905321234567"},
		{"0170 1234567", "TR", "+901701234567"}, // Turkey's rule, unchanged: 11 digits with a 0
		{"030 1234567", "TR", ""},               // refused in Turkey, as before
		{"0170 1234567", "DE", "+491701234567"}, // German mobile
		{"01701234567", "DE", "+491701234567"},
		{"030 1234567", "DE", "+49301234567"}, // Berlin
		{"(030) 123 45 67", "DE", "+49301234567"},
		{"+90 532 123 45 67", "DE", "+905321234567"},  // with its code: kept
		{"0090 532 123 45 67", "DE", "+905321234567"}, // with 00: kept
		{"905321234567", "DE", "+905321234567"},       // a Turkish number without its "+"
		{"06 12 34 56 78", "FR", "+33612345678"},
		{"612 345 678", "ES", "+34612345678"},
		{"07400 123456", "GB", "+447400123456"},
		{"(212) 555-0123", "US", "+12125550123"},
		{"050 123 4567", "SA", "+966501234567"},
		{"٠٥٠ ١٢٣ ٤٥٦٧", "AE", "+971501234567"}, // an Arabic keyboard's digits
		{"010 1234 5678", "EG", "+201012345678"},
		{"12", "DE", ""},
		{"abc", "DE", ""},
		{"", "DE", ""},
	} {
		if got := Normalize(c.in, c.region); got != c.want {
			t.Errorf("Normalize(%q, %q) = %q, want %q", c.in, c.region, got, c.want)
		}
	}
	for _, r := range Regions {
		if CallingCode(r) == 0 {
			t.Errorf("region %s has no calling code", r)
		}
	}
	if got := NationalNumber("+491701234567"); got != "1701234567" {
		t.Errorf("NationalNumber = %q", got)
	}
}

// TestDialLocal: a number that is no valid international number is dialled as typed, never as a
// Turkish number no one has (a German business's 0170 1234567).
func TestDialLocal(t *testing.T) {
	if got := Dial("0170 1234567"); got != "0170 1234567" {
		t.Errorf("Dial = %q", got)
	}
}

// TestDisplayIn: a number is grouped the way its own country writes it, a number typed without
// its country code being the business's country's: a German business's 0212 3456789 (Solingen) is
// no Istanbul number. A number of a known country that is none of its numbers keeps its country
// code apart; a Turkish number is shown exactly as before, whatever the business's country.
func TestDisplayIn(t *testing.T) {
	for _, c := range []struct{ in, region, want, dial string }{
		{"0212 345 67 89", "DE", "+49 212 3456789", "+492123456789"},
		{"0212 345 67 89", "", "+90 212 345 67 89", "+902123456789"},
		{"0212 345 67 89", "TR", "+90 212 345 67 89", "+902123456789"},
		{"030 1234567", "DE", "+49 30 1234567", "+49301234567"},
		{"06 12 34 56 78", "FR", "+33 6 12 34 56 78", "+33612345678"},
		{"+905321234567", "DE", "+90 532 123 45 67", "+905321234567"},
		{"+4912345678", "", "+49 12345678", "+4912345678"},   // Germany's code, no German number
		{"+3531234567", "TR", "+353 1234567", "+3531234567"}, // an Irish number too short for Ireland
		{"+90532", "DE", "+90532", "+90532"},                 // Turkish: as typed, as always
		{"+901701234567", "", "+901701234567", "+901701234567"},
		{"+999123456789", "", "+999123456789", "+999123456789"}, // no country has +999
		{"ruf an: 030 1234567", "DE", "ruf an: 030 1234567", "+49301234567"},
	} {
		if got := DisplayIn(c.in, c.region); got != c.want {
			t.Errorf("DisplayIn(%q, %q) = %q, want %q", c.in, c.region, got, c.want)
		}
		if got := DialIn(c.in, c.region); got != c.dial {
			t.Errorf("DialIn(%q, %q) = %q, want %q", c.in, c.region, got, c.dial)
		}
	}
}
