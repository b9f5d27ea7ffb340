package i18n

import (
	"strings"
	"testing"
	"time"
)

// TestPrinterZone: a printer bound to a time zone shows instants on that clock (date, datetime)
// and calendar days stored as UTC midnight (day) as the same date everywhere.
func TestPrinterZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database")
	}
	p := For("tr").In(ny)
	at := time.Date(2026, 12, 4, 2, 30, 0, 0, time.UTC) // 21:30 on the 3rd in New York
	if got := p.DateTime(at); got != "03.12.2026 21:30" {
		t.Errorf("DateTime in New York = %q", got)
	}
	fm := p.FuncMap()
	day := fm["day"].(func(any) (string, error))
	date := fm["date"].(func(any) (string, error))
	midnight := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	if got, _ := day(midnight); got != "04.12.2026" {
		t.Errorf("day of a stored 4 December = %q, want 04.12.2026", got)
	}
	if got, _ := date(midnight); got != "03.12.2026" {
		t.Errorf("date of UTC midnight in New York = %q, want the 3rd (an instant on the local clock)", got)
	}
	if got := For("tr").DateTime(at.In(ny)); got != "03.12.2026 21:30" {
		t.Errorf("a printer without a zone shows t in its own location: %q", got)
	}
}

// TestZoneNames: a zone the product offers reads in the reader's language by its city, with its
// offset; UTC stays UTC; a zone the catalogs do not name shows its city part; in Arabic the
// offset keeps its sign before the hours.
func TestZoneNames(t *testing.T) {
	ist, err1 := time.LoadLocation("Europe/Istanbul")
	cairo, err2 := time.LoadLocation("Africa/Cairo")
	sp, err3 := time.LoadLocation("America/Sao_Paulo")
	if err1 != nil || err2 != nil || err3 != nil {
		t.Skip("no time zone database")
	}
	at := time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC) // winter: Cairo +02:00, São Paulo −03:00
	for _, c := range []struct {
		lang string
		loc  *time.Location
		want string
	}{
		{"tr", ist, "İstanbul (UTC+03:00)"},
		{"en", ist, "Istanbul (UTC+03:00)"},
		{"es", ist, "Estambul (UTC+03:00)"},
		{"ar", ist, "إسطنبول (" + isolateLTR + "UTC+03:00" + popIsolate + ")"},
		{"tr", cairo, "Kahire (UTC+02:00)"},
		{"fr", cairo, "Le Caire (UTC+02:00)"},
		{"de", time.UTC, "UTC"},
		{"tr", sp, "Sao Paulo (UTC-03:00)"},
		{"en", time.FixedZone("", 3*3600), "UTC+03:00"},
	} {
		if got := For(c.lang).ZoneName(c.loc, at); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.loc, got, c.want)
		}
	}
	// Every offered zone has a name in every language, and no name is the IANA one.
	for _, lang := range Langs {
		for _, k := range Keys("en") {
			if name, ok := strings.CutPrefix(k, "zone."); ok {
				if got := For(lang).ZoneCity(name); got == "" || strings.Contains(got, "/") {
					t.Errorf("%s: %s named %q", lang, name, got)
				}
			}
		}
	}
}
