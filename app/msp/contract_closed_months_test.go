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

// A month closed for billing keeps the time counted against each contract, and so its overage,
// when a contract's coverage, days or kind change later or a ticket moves to another device:
// changing what a block of hours covers, moving a ticket onto a covered device, moving a managed
// contract's first day past the month and turning the block into per-incident each rewrote the
// closed month's figures on the contract pages (November's 1 h over the managed contract became
// 4 h, then nothing; the block's 3 h became 0, then 14 h). The current month follows every edit.
// The owner is told which time stayed; a refused edit changes nothing; once the month is
// reopened, saving the contract counts its time again by the contracts as they are.
func TestClosedMonthsKeepTheirTimeWhenContractsAndTicketsChange(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	thisMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, hours.DefaultLocation())
	old := thisMonth.AddDate(0, -3, 0) // closed for billing whatever today is
	oldM, nowM := day(old)[:7], day(now)[:7]
	dev := strconv.FormatInt(te.device, 10)
	managed := url.Values{"kind": {"managed"}, "starts_on": {day(old.AddDate(0, -1, 0))}, "ends_on": {day(now.AddDate(1, 0, 0))},
		"hours": {"10"}, "price": {"9000"}, "currency": {"TRY"}}
	block := url.Values{"kind": {"block"}, "starts_on": {day(old.AddDate(0, -1, 0))}, "ends_on": {day(now.AddDate(0, 6, 0))},
		"hours": {"4"}, "price": {"3000"}, "currency": {"TRY"}, "device": {dev}}
	m := te.addContract(t, managed)
	b := te.addContract(t, block)

	// Three months ago, while that month was open: 3 h on the device (the block's) and 11 h on the
	// other ticket (the managed contract's: 1 h over its 10 h). This month: 2 h and 1 h.
	for _, in := range []msp.EntryInput{
		{TicketID: te.onDevice.ID, Day: day(old), Hours: "3", Billable: true, Now: old},
		{TicketID: te.ticket.ID, Day: day(old.AddDate(0, 0, 1)), Hours: "11", Billable: true, Now: old.AddDate(0, 0, 1)},
	} {
		in.Loc = hours.DefaultLocation()
		if _, err := msp.AddEntry(ctx, te.db, in, tech); err != nil {
			t.Fatal(err)
		}
	}
	for tk, h := range map[int64]string{te.onDevice.ID: "2", te.ticket.ID: "1"} {
		wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {strconv.FormatInt(tk, 10)}, "day": {day(now)},
			"hours": {h}, "billable": {"1"}}), http.StatusSeeOther, "log time")
	}

	page := func(id int64) string { return "/app/msp/contracts/" + strconv.FormatInt(id, 10) + "/" }
	row := func(id int64, month string) string {
		t.Helper()
		r := te.viewer.Get(page(id))
		wantStatus(t, r, http.StatusOK, "contract page")
		i := strings.Index(r.Body, `data-month="`+month+`"`)
		if i < 0 {
			t.Fatalf("contract %d has no row for %s", id, month)
		}
		return r.Body[i : i+strings.Index(r.Body[i:], "</tr>")]
	}
	want := func(step string, id int64, month string, parts ...string) {
		t.Helper()
		r := row(id, month)
		for _, p := range parts {
			if strings.HasPrefix(p, "!") {
				if strings.Contains(r, p[1:]) {
					t.Errorf("%s: contract %d, %s has %q: %s", step, id, month, p[1:], r)
				}
			} else if !strings.Contains(r, p) {
				t.Errorf("%s: contract %d, %s lacks %q: %s", step, id, month, p, r)
			}
		}
	}
	closedAsBilled := func(step string) {
		t.Helper()
		want(step, m, oldM, "11 h of 10 h", "Over by 1 h")
		want(step, b, oldM, "3 h of 4 h", "!data-over")
	}
	saveContract := func(id int64, f url.Values, status int) {
		t.Helper()
		f.Set("client", strconv.FormatInt(te.client, 10))
		wantStatus(t, te.owner.Post(page(id), f), status, "save contract")
	}
	closedAsBilled("before any change")
	want("before any change", m, nowM, "1 h of 10 h")
	want("before any change", b, nowM, "2 h of 4 h")

	// 1. The block no longer names the device: this month's device time goes to the managed
	// contract; the closed month keeps it where it was billed, and the owner is told so.
	block.Del("device")
	saveContract(b, block, http.StatusSeeOther)
	closedAsBilled("block covers nothing")
	want("block covers nothing", m, nowM, "3 h of 10 h")
	want("block covers nothing", b, nowM, "0 min of 4 h")
	if f := te.owner.Get(page(b)).Doc(t).Find(".flash-ok").Text(); !strings.Contains(f, "Contract saved.") ||
		!strings.Contains(f, "1 time entry (3 h)") || !strings.Contains(f, "closed for billing") {
		t.Errorf("the owner is not told which closed time stayed: %q", f)
	}

	// 2. The block names the device again, and the other ticket moves onto the device: its time
	// of this month counts against the block; its 11 h of the closed month stay on the managed one.
	block.Set("device", dev)
	saveContract(b, block, http.StatusSeeOther)
	closedAsBilled("block covers the device again")
	tk := strconv.FormatInt(te.ticket.ID, 10)
	wantStatus(t, te.oper.Post("/app/msp/tickets/"+tk+"/edit", url.Values{"subject": {te.ticket.Subject}, "priority": {te.ticket.Priority},
		"category": {te.ticket.Category}, "client": {strconv.FormatInt(te.client, 10)}, "device": {dev}}), http.StatusSeeOther, "move ticket")
	closedAsBilled("ticket moved to the device")
	want("ticket moved to the device", b, nowM, "3 h of 4 h")
	want("ticket moved to the device", m, nowM, "0 min of 10 h")
	if f := te.oper.Get("/app/msp/tickets/" + tk + "/").Doc(t).Find(".flash-ok").Text(); !strings.Contains(f, "1 time entry (11 h)") ||
		!strings.Contains(f, "closed for billing") {
		t.Errorf("the ticket's page does not say its closed time stayed: %q", f)
	}

	// A refused edit changes nothing (a last day before the first; a subject left empty).
	stamps := func() string {
		t.Helper()
		rows, err := te.db.Read.Query(`SELECT id, coalesce(client_id,0), coalesce(contract_id,0) FROM msp_time_entries ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id, client, contract int64
			if err := rows.Scan(&id, &client, &contract); err != nil {
				t.Fatal(err)
			}
			out = append(out, strconv.FormatInt(id, 10)+":"+strconv.FormatInt(client, 10)+":"+strconv.FormatInt(contract, 10))
		}
		return strings.Join(out, " ")
	}
	before := stamps()
	bad := url.Values{"kind": {"block"}, "starts_on": {day(thisMonth)}, "ends_on": {day(old)}, "hours": {"10"}, "price": {"9000"},
		"currency": {"TRY"}}
	saveContract(m, bad, http.StatusUnprocessableEntity)
	wantStatus(t, te.oper.Post("/app/msp/tickets/"+tk+"/edit", url.Values{"subject": {" "}, "priority": {te.ticket.Priority},
		"category": {te.ticket.Category}, "client": {strconv.FormatInt(te.client, 10)}}), http.StatusUnprocessableEntity, "bad ticket edit")
	if after := stamps(); after != before {
		t.Fatalf("a refused edit changed the time's counting: %s → %s", before, after)
	}

	// 3. The managed contract becomes a block starting this month, and the block becomes
	// per-incident: both pages still show the closed month as it was billed.
	managed.Set("kind", "block")
	managed.Set("starts_on", day(thisMonth))
	saveContract(m, managed, http.StatusSeeOther)
	block.Set("kind", "per_incident")
	block.Set("hours", "")
	saveContract(b, block, http.StatusSeeOther)
	closedAsBilled("dates and kinds changed")
	want("dates and kinds changed", b, nowM, "3 h", "!of 0 min", "!data-over")

	// 4. The owner reopens the closed month and saves the block again: the month is open, so its
	// time is counted by the contracts as they are now (the managed contract no longer runs then;
	// both tickets are on the device the block covers). Closed again, it stays so.
	wantStatus(t, te.owner.Post("/app/msp/time/months/"+oldM+"/reopen", url.Values{"reason": {"contract corrected"}}),
		http.StatusSeeOther, "reopen")
	saveContract(b, block, http.StatusSeeOther)
	want("reopened and saved", b, oldM, "14 h of 4 h", "Over by 10 h")
	wantStatus(t, te.owner.Post("/app/msp/time/months/"+oldM+"/close", nil), http.StatusSeeOther, "close again")
	block.Set("device", "")
	saveContract(b, block, http.StatusSeeOther)
	want("closed again", b, oldM, "14 h of 4 h")

	// The contract form says, in the reader's language, from which month on what is saved counts.
	for lang, words := range map[string]string{"en": "closed for billing stays counted as it was billed",
		"tr": "faturalandığı gibi sayılmaya devam eder", "ar": "محتسبًا كما فُوتر"} {
		r := te.owner.Get(page(m) + "edit?lang=" + lang)
		wantStatus(t, r, http.StatusOK, "contract form")
		if hint := r.Doc(t).Find("#closed-months-hint").Text(); !strings.Contains(hint, words) {
			t.Errorf("%s: the contract form's hint on closed months: %q", lang, hint)
		}
	}
}
