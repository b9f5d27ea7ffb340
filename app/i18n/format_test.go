package i18n

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

const (
	lri = "\u2066" // left-to-right isolate: an Arabic percentage starts with it
	pdi = "\u2069" // pop directional isolate: and ends with it
	sp  = "\u00a0" // no-break space, as in "12,5 %"
	nsp = "\u202f" // narrow no-break space, the French thousands separator
)

func TestInt(t *testing.T) {
	scenarios := []struct {
		lang string
		n    int64
		want string
	}{
		{"en", 1250, "1,250"},
		{"ar", 1250, "1,250"},
		{"tr", 1250, "1.250"},
		{"de", 1250, "1.250"},
		{"es", 1250, "1.250"},
		{"fr", 1250, "1" + nsp + "250"},
		{"tr", 0, "0"},
		{"tr", 999, "999"},
		{"tr", 1000, "1.000"},
		{"en", 1234567, "1,234,567"},
		{"de", -1234567, "-1.234.567"},
		{"ar", -1250, lri + "-1,250" + pdi}, // the minus stays before the digits in an Arabic sentence
		{"en", math.MaxInt64, "9,223,372,036,854,775,807"},
		{"en", math.MinInt64, "-9,223,372,036,854,775,808"},
		{"xx", 1250, "1,250"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Int(s.n); got != s.want {
			t.Errorf("%s Int(%d) = %q, want %q", s.lang, s.n, got, s.want)
		}
	}
}

func TestNumber(t *testing.T) {
	scenarios := []struct {
		lang     string
		f        float64
		decimals int
		want     string
	}{
		{"en", 1250.5, 2, "1,250.50"},
		{"ar", 1250.5, 2, "1,250.50"},
		{"tr", 1250.5, 2, "1.250,50"},
		{"de", 1250.5, 2, "1.250,50"},
		{"es", 1250.5, 2, "1.250,50"},
		{"fr", 1250.5, 2, "1" + nsp + "250,50"},
		{"tr", 1250.5, 0, "1.251"},
		{"en", 0.125, 2, "0.13"},
		{"en", 2.5, 0, "3"},
		{"en", 1e20, 2, "100,000,000,000,000,000,000.00"},
		{"tr", -1234567.891, 2, "-1.234.567,89"},
		{"tr", -0.001, 2, "0,00"},
		{"ar", -1250.5, 2, lri + "-1,250.50" + pdi},
		{"ar", -0.001, 2, "0.00"},
		{"en", 12, -3, "12"},
		{"en", math.NaN(), 2, "NaN"},
		{"en", math.Inf(-1), 2, "-∞"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Number(s.f, s.decimals); got != s.want {
			t.Errorf("%s Number(%v, %d) = %q, want %q", s.lang, s.f, s.decimals, got, s.want)
		}
	}
}

func TestPercent(t *testing.T) {
	scenarios := []struct {
		lang string
		f    float64
		want string
	}{
		{"tr", 12.5, "%12,5"},
		{"en", 12.5, "12.5%"},
		{"ar", 12.5, lri + "12.5%" + pdi}, // laid out as one left-to-right piece in an Arabic sentence
		{"ar", -3.25, lri + "-3.3%" + pdi},
		{"de", 12.5, "12,5" + sp + "%"},
		{"fr", 12.5, "12,5" + sp + "%"},
		{"es", 12.5, "12,5" + sp + "%"},
		{"tr", -3.25, "-%3,3"}, // halves round away from zero
		{"en", 1250, "1,250.0%"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Percent(s.f, 1); got != s.want {
			t.Errorf("%s Percent(%v, 1) = %q, want %q", s.lang, s.f, got, s.want)
		}
	}
}

// TestSignedPercent: a rise or a fall reads naturally in each language, the sign first.
func TestSignedPercent(t *testing.T) {
	for _, s := range []struct {
		lang string
		f    float64
		want string
	}{
		{"tr", 30, "+%30"}, {"tr", -30, "-%30"}, {"en", 30, "+30%"}, {"en", -30, "-30%"},
		{"ar", 30, lri + "+30%" + pdi}, {"ar", -30, lri + "-30%" + pdi}, {"ar", 0, lri + "0%" + pdi}, {"de", -30, "-30" + sp + "%"}, {"tr", 0, "%0"}, {"en", -0.001, "0%"},
	} {
		if got := For(s.lang).SignedPercent(s.f, 0); got != s.want {
			t.Errorf("%s SignedPercent(%v) = %q, want %q", s.lang, s.f, got, s.want)
		}
	}
}

func TestMoney(t *testing.T) {
	scenarios := []struct {
		lang     string
		amount   float64
		currency string
		want     string
	}{
		{"tr", 1250.5, "TRY", "1.250,50 ₺"}, // Turkish grouping: dot for thousands, comma for decimals
		{"en", 1250.5, "TRY", "₺1,250.50"},
		{"de", 1250.5, "EUR", "1.250,50 €"},
		{"tr", 1250.5, "EUR", "1.250,50 €"},
		{"fr", 1250.5, "EUR", "1" + nsp + "250,50 €"},
		{"es", 1250.5, "EUR", "1.250,50 €"},
		{"en", 1250.5, "EUR", "€1,250.50"},
		{"en", 1250.5, "USD", "$1,250.50"},
		{"tr", 1250.5, "USD", "1.250,50 $"},
		{"de", 1250.5, "USD", "1.250,50 $"},
		{"ar", 1250.5, "USD", "1,250.50 $"},
		{"en", 1250.5, "XYZ", "1,250.50 XYZ"},
		{"tr", 1250.5, "xyz", "1.250,50 XYZ"},
		{"en", 1250.5, " usd ", "$1,250.50"},
		{"en", 1250.5, "", "1,250.50"},
		{"en", -1250.5, "TRY", "-₺1,250.50"},
		{"tr", -1250.5, "TRY", "-1.250,50 ₺"},
		{"en", -1250.5, "XYZ", "-1,250.50 XYZ"},
		{"tr", -0.004, "TRY", "0,00 ₺"},
		{"ar", -1250.5, "TRY", lri + "-1,250.50" + pdi + " ₺"}, // the sign with the digits, the symbol where a positive amount has it
		{"ar", -1250.5, "XYZ", lri + "-1,250.50" + pdi + " XYZ"},
		{"ar", -1250.5, "", lri + "-1,250.50" + pdi},
		{"ar", 1250.5, "TRY", "1,250.50 ₺"},
		{"en", 0.005, "GBP", "£0.01"},
	}
	for _, s := range scenarios {
		if got := For(s.lang).Money(s.amount, s.currency); got != s.want {
			t.Errorf("%s Money(%v, %q) = %q, want %q", s.lang, s.amount, s.currency, got, s.want)
		}
	}
}

func TestDate(t *testing.T) {
	at := time.Date(2026, time.November, 22, 14, 5, 9, 0, time.UTC)
	morning := time.Date(2026, time.March, 3, 9, 7, 0, 0, time.UTC)
	scenarios := []struct {
		lang           string
		t              time.Time
		date, dateTime string
	}{
		{"tr", at, "22.11.2026", "22.11.2026 14:05"},
		{"de", at, "22.11.2026", "22.11.2026 14:05"},
		{"en", at, "Nov 22, 2026", "Nov 22, 2026 2:05 PM"},
		{"fr", at, "22/11/2026", "22/11/2026 14:05"},
		{"es", at, "22/11/2026", "22/11/2026 14:05"},
		{"ar", at, "22/11/2026", "22/11/2026 14:05"},
		{"tr", morning, "03.03.2026", "03.03.2026 09:07"},
		{"en", morning, "Mar 3, 2026", "Mar 3, 2026 9:07 AM"},
	}
	for _, s := range scenarios {
		p := For(s.lang)
		if got := p.Date(s.t); got != s.date {
			t.Errorf("%s Date = %q, want %q", s.lang, got, s.date)
		}
		if got := p.DateTime(s.t); got != s.dateTime {
			t.Errorf("%s DateTime = %q, want %q", s.lang, got, s.dateTime)
		}
	}
}

func TestDateUsesTheTimesLocation(t *testing.T) {
	istanbul := time.FixedZone("TRT", 3*60*60)
	late := time.Date(2026, time.November, 22, 22, 30, 0, 0, time.UTC)
	if got := For("tr").DateTime(late.In(istanbul)); got != "23.11.2026 01:30" {
		t.Errorf("DateTime in +03:00 = %q, want the local date and clock", got)
	}
}

// TestYearMonth: a month label ("2026-07" as stored and as charts carry it) is the month's short
// name in the reader's language and the year, on one line; anything else stays as it is.
func TestYearMonth(t *testing.T) {
	scenarios := []struct{ lang, ym, want string }{
		{"tr", "2026-07", "Tem" + sp + "2026"},
		{"tr", "2026-08", "Ağu" + sp + "2026"},
		{"tr", "2027-02", "Şub" + sp + "2027"},
		{"en", "2026-07", "Jul" + sp + "2026"},
		{"de", "2026-03", "März" + sp + "2026"},
		{"fr", "2026-02", "févr." + sp + "2026"},
		{"es", "2026-12", "dic" + sp + "2026"},
		{"ar", "2026-07", "يوليو" + sp + "2026"},
		{"ar", "2026-01", "يناير" + sp + "2026"},
		{"xx", "2026-10", "Oct" + sp + "2026"},
		{"tr", "2026-13", "2026-13"},
		{"tr", "July", "July"},
		{"tr", "", ""},
	}
	for _, s := range scenarios {
		if got := For(s.lang).YearMonth(s.ym); got != s.want {
			t.Errorf("%s YearMonth(%q) = %q, want %q", s.lang, s.ym, got, s.want)
		}
	}
	// Every language names all twelve months, each differently.
	for _, lang := range Langs {
		seen := map[string]bool{}
		for m := 1; m <= 12; m++ {
			name := For(lang).T(fmt.Sprintf("time.month_short.%02d", m))
			if name == "" || strings.HasPrefix(name, "time.") || seen[name] {
				t.Errorf("%s: month %d is %q", lang, m, name)
			}
			seen[name] = true
		}
	}
}

// TestUnit: the units typed without superscripts print as m² and m³; the rest stay as typed.
func TestUnit(t *testing.T) {
	for in, want := range map[string]string{"m2": "m²", " M2 ": "m²", "m²": "m²", "m3": "m³", "adet": "adet", "palet": "palet", "": "", "m22": "m22"} {
		if got := Unit(in); got != want {
			t.Errorf("Unit(%q) = %q, want %q", in, got, want)
		}
	}
}

// The numbers the two ways of writing read differently, and some they read alike.
func TestReadsBothWays(t *testing.T) {
	for s, want := range map[string]bool{"1.250": true, "1,250": true, "12.500": true, "999,999": true,
		"1250": false, "0.125": false, "1.25": false, "1250.000": false, "1.250,50": false, "1.250.000": false, ".250": false, "1.2a0": false} {
		if got := ReadsBothWays(s); got != want {
			t.Errorf("ReadsBothWays(%q) = %v, want %v", s, got, want)
		}
	}
}
