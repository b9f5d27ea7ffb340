package visits_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/visits"
)

// A visit's time in a year past 2100 (a slip on the year of the date field: 20270, 9999) is refused
// next to the field in the person's language, as the quotes' and records' dates are; such a visit
// used to be booked or moved, and went to the approval queue and to the customer's page.
func TestVisitTimeYearSlipRefused(t *testing.T) {
	t.Parallel()
	f := calSetup(t)
	mon := nextMonday10()
	v := f.book(t, f.conv, mon, f.op.UserID)
	path := fmt.Sprintf("/app/visits/%d/reschedule", v.ID)
	for _, start := range []string{"9999-12-31T10:00", "2101-01-01T10:00"} {
		r := f.op.Post(path+"?lang=tr", url.Values{"start": {start}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("move to %s: %d, want 422", start, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find("#move-start-error").Text(); !strings.Contains(got, "2100") {
			t.Errorf("move to %s: field error %q", start, got)
		}
	}
	if got := f.visit(t, v.ID); got.StartsAt != mon.UnixMilli() {
		t.Errorf("a refused move changed the visit: %v", time.UnixMilli(got.StartsAt))
	}
	far := time.Date(2101, 3, 2, 10, 0, 0, 0, time.UTC)
	if _, err := visits.Book(context.Background(), f.e.DB("acme"), visits.Booking{ConversationID: f.conv2, Start: far, DurationMin: 60,
		Assignees: []int64{f.op.UserID}}, visits.Actor{UserID: f.owner.UserID, Name: "talha"}); err == nil {
		t.Error("a visit in 2101 was booked")
	}
	r := f.op.Post("/app/visits/book?lang=tr", url.Values{"conversation_id": {strconv.FormatInt(f.conv2, 10)}, "assignee": {strconv.FormatInt(f.op.UserID, 10)},
		"duration": {"60"}, "start": {"9999-12-31T10:00"}})
	// The year is checked before the free times the form found: 9999 is a slip on the year, and
	// reads as one next to the times ("between 2000 and 2100"), not as "no longer free".
	if got := r.Doc(t).Find("#start-error").Text(); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(got, "2100") || strings.Contains(got, "artık boş değil") {
		t.Errorf("book in 9999: %d %q, want the year's message", r.StatusCode, got)
	}
	for _, lang := range []string{"en", "ar"} {
		r := f.op.Post("/app/visits/book?lang="+lang, url.Values{"conversation_id": {strconv.FormatInt(f.conv2, 10)},
			"assignee": {strconv.FormatInt(f.op.UserID, 10)}, "duration": {"60"}, "start": {"9999-12-31T10:00"}})
		if got := r.Doc(t).Find("#start-error").Text(); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, "2100") {
			t.Errorf("book in 9999 (%s): %d %q, want the year's message", lang, r.StatusCode, got)
		}
	}
	var n int
	if err := f.e.DB("acme").Read.QueryRow(`SELECT count(*) FROM site_visits`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d visits stored (%v), want 1", n, err)
	}
}
