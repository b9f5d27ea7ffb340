package msp_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/hours"
	"highvibe/app/msp"
)

// A month is closed for billing with a managed service at 9,000 TRY a month, and the owner then
// raises the price to 12,000 (a new year's price): the closed month's summary and its CSV still say
// 9,000, as it was invoiced (they used to say 12,000), while this month says 12,000. Reopened, the
// month is priced as the contract is now; closed again, it keeps that price through a later change.
func TestMonthSummaryKeepsClosedMonthPrices(t *testing.T) {
	t.Parallel()
	te := newTimeEnv(t, false, "en")
	ctx := context.Background()
	now := time.Now().In(hours.DefaultLocation()) // the business's day
	thisMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, hours.DefaultLocation())
	closed := thisMonth.AddDate(0, -2, 0) // closed for billing on the 5th of last month
	form := url.Values{"kind": {"managed"}, "starts_on": {day(closed.AddDate(0, -1, 0))}, "ends_on": {day(now.AddDate(1, 0, 0))},
		"hours": {"10"}, "price": {"9000"}, "currency": {"TRY"}}
	id := te.addContract(t, form)
	if _, err := msp.AddEntry(ctx, te.db, msp.EntryInput{TicketID: te.ticket.ID, Day: day(closed), Hours: "3", Billable: true,
		Now: closed, Loc: hours.DefaultLocation()}, tech); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, te.oper.Post("/app/msp/time/entries", url.Values{"ticket_id": {strconv.FormatInt(te.ticket.ID, 10)},
		"day": {day(now)}, "hours": {"2"}, "billable": {"1"}}), http.StatusSeeOther, "log time")
	month, current := day(closed)[:7], day(now)[:7]

	amount := func(m string) string {
		t.Helper()
		r := te.owner.Get("/app/msp/time/summary?month=" + m)
		wantStatus(t, r, http.StatusOK, "summary "+m)
		v, _ := r.Doc(t).Find(`#summary tbody tr[data-client="` + strconv.FormatInt(te.client, 10) + `"] [data-amount]`).Attr("data-amount")
		return v
	}
	csvAmount := func(m string) string {
		t.Helper()
		r := te.owner.Get("/app/msp/time/summary/export?month=" + m + "&format=csv")
		wantStatus(t, r, http.StatusOK, "CSV "+m)
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\uFEFF"))).ReadAll()
		if err != nil || len(recs) < 2 {
			t.Fatalf("CSV %s: %v %q", m, err, recs)
		}
		return recs[1][8] + " " + recs[1][9]
	}
	page := "/app/msp/contracts/" + strconv.FormatInt(id, 10) + "/"
	setPrice := func(p string) {
		t.Helper()
		form.Set("price", p)
		form.Set("client", strconv.FormatInt(te.client, 10))
		wantStatus(t, te.owner.Post(page, form), http.StatusSeeOther, "change the price")
	}

	if got := amount(month); got != "900000 TRY" {
		t.Fatalf("the closed month before any change: %q", got)
	}
	setPrice("12000")
	if got := amount(month); got != "900000 TRY" {
		t.Errorf("the closed month took the new price: %q", got)
	}
	if got := csvAmount(month); got != "9000 TRY" {
		t.Errorf("the closed month's CSV took the new price: %q", got)
	}
	if got := amount(current); got != "1200000 TRY" {
		t.Errorf("this month is not priced as the contract is now: %q", got)
	}

	// Reopened for a correction: priced as the contract is now.
	wantStatus(t, te.owner.Post("/app/msp/time/months/"+month+"/reopen", url.Values{"reason": {"new price agreed for it"}}),
		http.StatusSeeOther, "reopen")
	if got := amount(month); got != "1200000 TRY" {
		t.Errorf("the reopened month: %q", got)
	}
	if got := csvAmount(month); got != "12000 TRY" {
		t.Errorf("the reopened month's CSV: %q", got)
	}
	// Closed again, it keeps the price it was closed with, also when the price changes again.
	wantStatus(t, te.owner.Post("/app/msp/time/months/"+month+"/close", nil), http.StatusSeeOther, "close again")
	setPrice("15000")
	if got := amount(month); got != "1200000 TRY" {
		t.Errorf("the month closed again: %q", got)
	}
	if got := amount(current); got != "1500000 TRY" {
		t.Errorf("this month after the second change: %q", got)
	}
	// The contract form says so beside the month from which what is saved counts.
	for lang, words := range map[string]string{"en": "a closed month keeps the price it was billed with",
		"tr": "kapanmış bir ay faturalandığı fiyatı korur"} {
		r := te.owner.Get(page + "edit?lang=" + lang)
		wantStatus(t, r, http.StatusOK, "contract form")
		if hint := r.Doc(t).Find("#closed-months-hint").Text(); !strings.Contains(hint, words) {
			t.Errorf("%s: the contract form's hint: %q", lang, hint)
		}
	}
	// The month before it, closed with no time, still has the first price kept. (Last month is
	// closed too from the 5th on, so it is the month, not a count of kept months, that is checked.)
	before := day(closed.AddDate(0, -1, 0))[:7]
	if n := te.count(t, `SELECT count(*) FROM msp_contract_prices WHERE contract_id = ? AND month = ? AND price_cents = 900000`, id, before); n != 1 {
		t.Errorf("the first price is not kept for %s, the closed month before it", before)
	}
}
