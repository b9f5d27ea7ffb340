package msp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// weekMonth is one month of the timesheet's week that is closed for billing, or reopened.
type weekMonth struct {
	Month    string // YYYY-MM
	ClosesOn string // the last day its time changed without a reopening
	Reopen   *Reopen
}

// weekMonths lists the months of the sheet's week that are closed on today (one or two).
func weekMonths(s *Sheet, today string, reopened map[string]*Reopen) []weekMonth {
	var out []weekMonth
	for _, d := range s.Days {
		m := d.Date[:7]
		if (len(out) > 0 && out[len(out)-1].Month == m) || !MonthClosed(d.Date, today) {
			continue
		}
		out = append(out, weekMonth{Month: m, ClosesOn: MonthCloses(m), Reopen: reopened[m]})
	}
	return out
}

// MonthTotals sums the time logged for month (YYYY-MM): billable and non-billable minutes.
func MonthTotals(ctx context.Context, q Querier, month string) (billable, nonBillable int, err error) {
	err = q.QueryRowContext(ctx, `SELECT coalesce(sum(CASE WHEN billable = 1 THEN minutes END),0), coalesce(sum(CASE WHEN billable = 0 THEN minutes END),0)
		FROM msp_time_entries WHERE work_day BETWEEN ? AND ?`, month+"-01", month+"-31").Scan(&billable, &nonBillable)
	if err != nil {
		return 0, 0, fmt.Errorf("msp: month totals: %w", err)
	}
	return billable, nonBillable, nil
}

type monthPage struct {
	views
	Month       string // YYYY-MM
	ClosesOn    string // YYYY-MM-DD
	Closed      bool   // by the calendar
	Reopen      *Reopen
	History     []*Reopen // the reopenings that were closed again, the latest first
	Exports     MonthExports
	Billable    int
	NonBillable int
	Owner       bool
	Reason      string // as typed, after a refusal
	Week        string // the month's first week, for the timesheet link
}

func (h *TimeHandler) monthPage(w http.ResponseWriter, r *http.Request, month string, status int, reason string, errs map[string]string) {
	c := web.From(r)
	ctx := r.Context()
	m, ok := ParseMonth(month)
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	d := &monthPage{views: viewsOf(c), Month: m, ClosesOn: MonthCloses(m), Owner: c.Can(auth.ReopenBillingMonth), Reason: reason,
		Week: WeekOf(mustDay(m + "-01"))}
	d.Closed = MonthClosed(m+"-01", d.Today)
	all, err := MonthReopens(ctx, c.DB.Read, m)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, x := range all {
		if x.Open() {
			d.Reopen = x
		} else {
			d.History = append(d.History, x)
		}
	}
	if d.Exports, err = ExportsOfMonth(ctx, c.DB.Read, m); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Billable, d.NonBillable, err = MonthTotals(ctx, c.DB.Read, m); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, status, "time_month", c.T("msp_time.month_page.title", c.P.YearMonth(m)), d, errs)
}

// Month is GET /app/msp/time/months/{month}: a month's billing state — open (until when),
// closed, or reopened (by whom, when, why) — its time, its exports and its reopenings; for an
// owner, the form that reopens a closed month with a reason, or closes a reopened one again.
func (h *TimeHandler) Month(w http.ResponseWriter, r *http.Request) {
	h.monthPage(w, r, r.PathValue("month"), http.StatusOK, "", nil)
}

// monthURL is the billing page of month.
func monthURL(month string) string { return "/app/msp/time/months/" + month }

// ReopenMonth is POST /app/msp/time/months/{month}/reopen: an owner reopens a closed month with
// a reason (422 at the field without one, nothing stored); anyone else is refused (403).
func (h *TimeHandler) ReopenMonth(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	month, reason := r.PathValue("month"), r.PostFormValue("reason")
	_, x, err := ReopenMonth(r.Context(), c.DB, month, reason, c.Can(auth.ReopenBillingMonth), viewsOf(c).Today, timeActor(c))
	if err != nil {
		h.monthRefused(w, r, month, reason, err)
		return
	}
	msg := []any{i18n.P("msp_time.month.reopened_flash", i18n.Month(month))}
	if x.Times > 0 {
		msg = append(msg, i18n.P("msp_time.month.reissue", x.Times, time.UnixMilli(x.LastAt)))
	}
	web.FlashSay(w, r, true, msg...)
	web.Redirect(w, r, monthURL(month))
}

// CloseMonth is POST /app/msp/time/months/{month}/close: an owner closes a reopened month again.
func (h *TimeHandler) CloseMonth(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	month := r.PathValue("month")
	if _, err := CloseMonth(r.Context(), c.DB, month, c.Can(auth.ReopenBillingMonth), timeActor(c)); err != nil {
		h.monthRefused(w, r, month, "", err)
		return
	}
	web.FlashKey(w, r, true, "msp_time.month.closed_flash", i18n.Month(month))
	web.Redirect(w, r, monthURL(month))
}

// monthRefused answers a refused reopening or closing: the form again with the field's error
// (422), the page with the reason on top for a state that changed meanwhile (a second owner, a
// form sent twice), the error page otherwise (403 for a non-owner).
func (h *TimeHandler) monthRefused(w http.ResponseWriter, r *http.Request, month, reason string, err error) {
	if errs := web.FieldErrors(r, err); errs != nil {
		h.monthPage(w, r, month, http.StatusUnprocessableEntity, reason, errs)
		return
	}
	if fault.KindOf(err) == fault.KindConflict && !web.WantsJSON(r) && (errors.Is(err, ErrMonthReopened) ||
		errors.Is(err, ErrMonthNotReopened) || errors.Is(err, ErrMonthOpen)) {
		web.FlashError(w, r, err)
		web.Redirect(w, r, monthURL(month))
		return
	}
	h.Render.Fail(w, r, err)
}
