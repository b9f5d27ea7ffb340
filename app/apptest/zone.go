package apptest

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"highvibe/app/hours"
)

// FarZone is a time zone whose clock differs by at least three hours now from the server's and
// from the one a business has before it saves its own (hours.DefaultLocation), so a time shown in
// the wrong zone cannot pass for the right one. Without a zone database the test skips.
func FarZone(t testing.TB) *time.Location {
	t.Helper()
	far := func(a, b int) bool { return a-b >= 3*3600 || b-a >= 3*3600 }
	_, local := time.Now().Zone()
	_, def := time.Now().In(hours.DefaultLocation()).Zone()
	for _, name := range []string{"Europe/Istanbul", "America/New_York", "Asia/Tokyo"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			continue
		}
		if _, off := time.Now().In(loc).Zone(); far(off, local) && far(off, def) {
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
