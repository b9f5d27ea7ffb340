package visits_test

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
)

// Two people booking the same member at the same free time at once (both saw it free): one
// visit is booked, the other form comes back with the time marked as taken, never two visits
// on top of each other for one person. The free times the form lists are read before the
// booking's transaction, so the booking checks again inside it.
func TestTheSameTimeBookedAtOnceIsBookedOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, false)
	db := f.e.DB("acme")
	op := f.e.User("acme", "olga", "operator")
	owner := f.e.User("acme", "talha", "owner")
	conv := strconv.FormatInt(f.conv, 10)
	assignee := strconv.FormatInt(op.UserID, 10)
	form := op.Get("/app/visits/book?conversation_id=" + conv + "&assignee=" + assignee + "&duration=60")
	slot, ok := form.Doc(t).Find("[data-slot]").First().Attr("value")
	if form.StatusCode != http.StatusOK || !ok {
		t.Fatalf("booking form: %d, first slot %q", form.StatusCode, slot)
	}
	const n = 8
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := op
			if i%2 == 1 {
				c = owner
			}
			r := c.Post("/app/visits/book?lang=tr", url.Values{"conversation_id": {conv}, "assignee": {assignee}, "duration": {"60"},
				"start": {slot}, "address": {"Bağdat Cad. " + strconv.Itoa(i)}})
			codes[i] = r.StatusCode
		}()
	}
	wg.Wait()
	booked := 0
	for i, c := range codes {
		switch c {
		case http.StatusSeeOther:
			booked++
		case http.StatusUnprocessableEntity:
		default:
			t.Errorf("booking %d: %d, want 303 or 422", i, c)
		}
	}
	if v := count(t, db, `SELECT count(*) FROM site_visits`); booked != 1 || v != 1 {
		t.Errorf("%d bookings answered as booked, %d visits stored; want one of each", booked, v)
	}
}
