package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
)

// TestHoursAroundTheClock: an owner open 24/7 types 00:00-24:00 on every day and saves with the
// page's defaults (Turkish public holidays ticked). That is hours in use and set: the dashboard's
// first step is ticked, the page says what 24/7 means, and the business is open on every public
// holiday and eve — so the after-hours message, which goes only while closed, never goes. Before,
// the ticked holidays closed a 24/7 business on New Year's Day and from 13:00 on the eves, and
// the assistant told customers it was closed.
func TestHoursAroundTheClock(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "preset": {"tr"}, "after_hours": {"ack"}}
	for d := range 7 {
		form.Set("day"+string(rune('0'+d)), "00:00-24:00")
	}
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body[:min(400, len(r.Body))])
	}
	tr := i18n.For("tr")
	page := owner.Get("/app/settings/hours?lang=tr")
	if !strings.Contains(page.Body, tr.T("hours.now.always")) {
		t.Error("the hours page does not say what 24/7 means")
	}
	if strings.Contains(page.Body, "Yılbaşı") {
		t.Error("the hours page lists New Year's Day as a coming closed day of a 24/7 business")
	}
	if doc := owner.Get("/app/?lang=tr").Doc(t); doc.Find(`#setup [data-step="hours"][data-done]`).Length() == 0 && doc.Find("#setup").Length() > 0 {
		t.Error("the first steps card does not tick business hours set to 24/7")
	}
	s, err := hoursdb.Schedule(t.Context(), e.DB("acme").Read)
	if err != nil || s == nil {
		t.Fatalf("schedule: %v %v", s, err)
	}
	ist, _ := time.LoadLocation("Europe/Istanbul")
	for _, at := range []time.Time{
		time.Date(2027, 1, 1, 12, 0, 0, 0, ist),    // Yılbaşı
		time.Date(2027, 3, 8, 15, 0, 0, 0, ist),    // Ramazan Bayramı arifesi, after 13:00
		time.Date(2027, 3, 10, 3, 0, 0, 0, ist),    // Ramazan Bayramı, at night
		time.Date(2027, 10, 29, 23, 59, 0, 0, ist), // Cumhuriyet Bayramı
		time.Date(2027, 6, 6, 0, 0, 0, 0, ist),     // an ordinary Sunday at midnight
	} {
		if !s.Open(at) {
			t.Errorf("a 24/7 business is closed at %s", at.Format("2006-01-02 15:04"))
		}
	}
	// The owner's own closed day still closes it.
	form.Set("closed_days", "2027-02-03 Sayım")
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if s, _ = hoursdb.Schedule(t.Context(), e.DB("acme").Read); s.Open(time.Date(2027, 2, 3, 12, 0, 0, 0, ist)) {
		t.Error("a 24/7 business's own closed day does not close it")
	}
}
