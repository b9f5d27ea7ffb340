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

// A ticket opened in a hurry without its client (a phone call), worked on, and given its client
// afterwards: its time counts against that client's contract from then on, as its time card
// says; a running timer follows too. Time of a month already closed for billing stays with the
// client it was billed to. Taking the client off takes the open months' time off the contract.
func TestTicketTimeFollowsItsClient(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	thisMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, hours.DefaultLocation())
	old := thisMonth.AddDate(0, -3, 0)
	id := te.addContract(t, url.Values{"kind": {"managed"}, "starts_on": {day(old.AddDate(0, -1, 0))},
		"ends_on": {day(now.AddDate(1, 0, 0))}, "hours": {"10"}, "price": {"9000"}, "currency": {"TRY"}})
	tk := strconv.FormatInt(te.other.ID, 10)

	// Three months ago, while that month was open: 1 h; it is closed for billing now.
	if _, err := msp.AddEntry(ctx, te.db, msp.EntryInput{TicketID: te.other.ID, Day: day(old), Hours: "1", Billable: true,
		Now: old, Loc: hours.DefaultLocation()}, tech); err != nil {
		t.Fatal(err)
	}
	// Today: 2 h by hand and a timer running.
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {tk}, "day": {day(now)}, "hours": {"2"},
		"billable": {"1"}}), http.StatusSeeOther, "log time")
	wantStatus(t, te.oper.Post("/app/msp/time/timer/start", url.Values{"ticket_id": {tk}, "billable": {"1"}}),
		http.StatusSeeOther, "start timer")

	row := func(month string) string {
		t.Helper()
		r := te.viewer.Get("/app/msp/contracts/" + strconv.FormatInt(id, 10) + "/")
		wantStatus(t, r, http.StatusOK, "contract page")
		i := strings.Index(r.Body, `data-month="`+month+`"`)
		if i < 0 {
			t.Fatalf("no row for %s", month)
		}
		return r.Body[i : i+strings.Index(r.Body[i:], "</tr>")]
	}
	edit := func(client int64) {
		t.Helper()
		f := url.Values{"subject": {te.other.Subject}, "priority": {te.other.Priority}, "category": {te.other.Category},
			"client": {strconv.FormatInt(client, 10)}}
		if client == 0 {
			f.Set("client", "")
		}
		wantStatus(t, te.oper.Post("/app/msp/tickets/"+tk+"/edit", f), http.StatusSeeOther, "edit ticket")
	}
	if r := row(day(now)[:7]); !strings.Contains(r, "0 min of 10 h") {
		t.Fatalf("before the ticket has a client: %s", r)
	}

	edit(te.client)
	if r := row(day(now)[:7]); !strings.Contains(r, "2 h of 10 h") {
		t.Fatalf("the ticket's time does not count against its new client's contract: %s", r)
	}
	if r := row(day(old)[:7]); !strings.Contains(r, "0 min of 10 h") {
		t.Fatalf("time of a closed month moved to another client: %s", r)
	}
	if n := te.count(t, `SELECT count(*) FROM msp_timers WHERE ticket_id = ? AND client_id = ?`, te.other.ID, te.client); n != 1 {
		t.Fatalf("the running timer kept the old client (%d timers with the new one)", n)
	}
	if n := te.count(t, `SELECT count(*) FROM action_logs WHERE action_type = 'ticket_edited'
		AND json_extract(payload, '$.time_entries_moved') = 1 AND json_extract(payload, '$.time_entries_kept') = 1`); n != 1 {
		t.Fatalf("the action log does not say which time moved (%d rows)", n)
	}

	edit(0)
	if r := row(day(now)[:7]); !strings.Contains(r, "0 min of 10 h") {
		t.Fatalf("time of a ticket without a client still counts: %s", r)
	}
}
