package apptest

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// FarZone is a time zone whose clock differs from the server's by at least three hours now, so a
// time shown in the wrong zone cannot pass for the right one. Without a zone database the test skips.
func FarZone(t testing.TB) *time.Location {
	t.Helper()
	_, local := time.Now().Zone()
	for _, name := range []string{"Europe/Istanbul", "America/New_York", "Asia/Tokyo"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		if _, off := time.Now().In(loc).Zone(); off-local >= 3*3600 || local-off >= 3*3600 {
			return loc
		}
	}
	t.Skip("no time zone database")
	return nil
}

// SetZone saves the business hours page with only the time zone chosen (hours off), through the
// owner's form, as an owner would.
func SetZone(t testing.TB, owner *Client, zone string) {
	t.Helper()
	r := owner.Post("/app/settings/hours", url.Values{"zone": {zone}, "after_hours": {"ack"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the time zone: %d %s", r.StatusCode, r.Body)
	}
}
