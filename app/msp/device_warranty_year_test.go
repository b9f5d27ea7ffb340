package msp_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// A device's warranty end in a year such as 0001 or 9999 (a slip on the year of the date field) is
// refused next to the field, as a contract's days are; it used to be stored, and the device then
// read as out of warranty since the year 1.
func TestDeviceWarrantyYearSlipRefused(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	for _, day := range []string{"0001-05-01", "1999-12-31", "2101-01-01", "9999-12-31"} {
		r := te.owner.Post("/app/msp/devices/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"laptop"}, "name": {"Dizüstü " + day}, "warranty_end": {day}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("warranty %s: %d, want 422", day, r.StatusCode)
			continue
		}
		if got := strings.TrimSpace(r.Doc(t).Find("#warranty_end").Parent().Find(".field-error").Text()); got == "" {
			t.Errorf("warranty %s: no message next to the field", day)
		}
	}
	if n := te.count(t, `SELECT count(*) FROM msp_devices WHERE name LIKE 'Dizüstü %'`); n != 0 {
		t.Errorf("stored %d", n)
	}
	if r := te.owner.Post("/app/msp/devices/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"laptop"}, "name": {"Dizüstü iyi"}, "warranty_end": {"2028-06-30"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a good warranty end: %d", r.StatusCode)
	}
}

// The devices list writes a warranty's last day as the page's language writes dates
// ("30.06.2028" in Turkish, like the contracts' days), not as the stored "2028-06-30".
func TestDeviceListWarrantyDayInTheReadersLanguage(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "tr")
	wantStatus(t, te.owner.Post("/app/msp/devices/new", url.Values{"client": {strconv.FormatInt(te.client, 10)}, "kind": {"laptop"},
		"name": {"Dizüstü"}, "warranty_end": {"2028-06-30"}}), http.StatusSeeOther, "device with a warranty")
	for lang, want := range map[string]string{"tr": "30.06.2028", "en": "Jun 30, 2028"} {
		cell := te.owner.Get("/app/msp/devices/?lang=" + lang).Doc(t).Find("#devices bdi").FilterFunction(func(_ int, s *goquery.Selection) bool {
			return strings.Contains(s.Text(), "2028")
		})
		if got := strings.TrimSpace(cell.Text()); got != want {
			t.Errorf("%s: warranty end written %q, want %q", lang, got, want)
		}
	}
}
