package i18n

import (
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
