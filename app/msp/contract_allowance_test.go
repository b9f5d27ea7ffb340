package msp_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/msp"
)

// A contract's hours included are raised from 10 to 20 (an upgrade agreed from this month on): the
// months before keep the 10 hours they had, so their overage still shows (every month of the
// contract showed the new 20 hours, and the overage to invoice was gone); this month counts
// against the new hours. A second change leaves the earlier months alone too.
func TestContractHoursChangeKeepsClosedMonths(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	thisMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, hours.DefaultLocation())
	old := thisMonth.AddDate(0, -3, 0)
	form := url.Values{"kind": {"managed"}, "starts_on": {day(old.AddDate(0, -1, 0))}, "ends_on": {day(now.AddDate(1, 0, 0))},
		"hours": {"10"}, "price": {"9000"}, "currency": {"TRY"}}
	id := te.addContract(t, form)
	// Three months ago, while that month was open: 11 h billable, 1 h over its 10 h.
	if _, err := msp.AddEntry(ctx, te.db, msp.EntryInput{TicketID: te.ticket.ID, Day: day(old), Hours: "11", Billable: true,
		Now: old, Loc: hours.DefaultLocation()}, tech); err != nil {
		t.Fatal(err)
	}
	// Last month, 10 h 30 min: over by 30 min whether or not its time is still open for corrections.
	last := thisMonth.AddDate(0, -1, 0)
	if _, err := msp.AddEntry(ctx, te.db, msp.EntryInput{TicketID: te.ticket.ID, Day: day(last), Hours: "10", Minutes: "30",
		Billable: true, Now: last, Loc: hours.DefaultLocation()}, tech); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {strconv.FormatInt(te.ticket.ID, 10)},
		"day": {day(now)}, "hours": {"12"}, "billable": {"1"}}), http.StatusSeeOther, "log time")

	page := "/app/msp/contracts/" + strconv.FormatInt(id, 10) + "/"
	row := func(month string) string {
		t.Helper()
		r := te.viewer.Get(page)
		wantStatus(t, r, http.StatusOK, "contract page")
		i := strings.Index(r.Body, `data-month="`+month+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", month)
		}
		return r.Body[i : i+strings.Index(r.Body[i:], "</tr>")]
	}
	change := func(hours string) {
		t.Helper()
		form.Set("hours", hours)
		form.Set("client", strconv.FormatInt(te.client, 10))
		wantStatus(t, te.owner.Post(page, form), http.StatusSeeOther, "change contract")
	}
	change("20")
	if r := row(day(old)[:7]); !strings.Contains(r, "11 h of 10 h") || !strings.Contains(r, "Over by 1 h") {
		t.Fatalf("the closed month took the new hours: %s", r)
	}
	if r := row(day(last)[:7]); !strings.Contains(r, "10 h 30 min of 10 h") || !strings.Contains(r, "Over by 30 min") {
		t.Fatalf("last month took the new hours: %s", r)
	}
	if r := row(day(now)[:7]); !strings.Contains(r, "12 h of 20 h") || strings.Contains(r, "data-over") {
		t.Fatalf("this month does not count against the new hours: %s", r)
	}
	change("15")
	if r := row(day(old)[:7]); !strings.Contains(r, "11 h of 10 h") {
		t.Fatalf("a second change moved the closed month: %s", r)
	}
	if r := row(day(now)[:7]); !strings.Contains(r, "12 h of 15 h") {
		t.Fatalf("this month after the second change: %s", r)
	}
}
