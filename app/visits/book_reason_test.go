package visits_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// TestBookSaysWhyATimeIsRefused: a start that is not one of the listed free times is refused
// with its real reason at the time field: taken by another visit ("no longer free"), outside the
// opening hours, or off the half-hour grid. A time outside the hours was refused as "no longer
// free", as if a colleague had taken it.
func TestBookSaysWhyATimeIsRefused(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	op := f.e.User("acme", "olga", "operator")
	conv, who := strconv.FormatInt(f.conv, 10), strconv.FormatInt(op.UserID, 10)
	form := op.Get("/app/visits/book?lang=en&conversation_id=" + conv + "&assignee=" + who + "&duration=60")
	var slots []string
	form.Doc(t).Find("[data-slot]").Each(func(_ int, s *goquery.Selection) { slots = append(slots, s.AttrOr("value", "")) })
	if len(slots) < 3 {
		t.Fatalf("%d free slots offered: %d", len(slots), form.StatusCode)
	}
	slot := slots[0]
	// A quarter past a free start whose next half hour is free too lies inside the opening hours.
	quarter := ""
	for i := 1; i+1 < len(slots) && quarter == ""; i++ {
		a, _ := time.Parse("2006-01-02T15:04", slots[i])
		if b, _ := time.Parse("2006-01-02T15:04", slots[i+1]); b.Sub(a) == 30*time.Minute && a.Format("2006-01-02") != slot[:10] {
			quarter = a.Add(15 * time.Minute).Format("2006-01-02T15:04")
		}
	}
	night := slots[len(slots)-1][:10] + "T03:00"
	if quarter == "" {
		t.Fatalf("no two free half hours in a row among %v", slots)
	}
	book := func(start string) *http.Response {
		t.Helper()
		r := op.Post("/app/visits/book?lang=en", url.Values{"conversation_id": {conv}, "assignee": {who}, "duration": {"60"}, "start": {start}})
		return r.Response
	}
	if r := book(slot); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("booking the first slot: %d", r.StatusCode)
	}
	for _, c := range []struct{ start, want string }{
		{slot, "no longer free"},
		{night, "closed for part of that visit"},
		{quarter, "on the hour or the half hour"},
	} {
		r := op.Post("/app/visits/book?lang=en", url.Values{"conversation_id": {conv}, "assignee": {who}, "duration": {"60"}, "start": {c.start}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", c.start, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find(".field-error").Text(); !strings.Contains(got, c.want) {
			t.Errorf("%s: refused with %q, want it to say %q", c.start, got, c.want)
		}
	}
	if n := count(t, f.e.DB("acme"), `SELECT count(*) FROM site_visits`); n != 1 {
		t.Errorf("%d visits stored, want the first one only", n)
	}
}
