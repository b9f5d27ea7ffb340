package msp

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/export"
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

type summaryPage struct {
	views
	Summary    *MonthSummary
	Month      string // YYYY-MM
	Prev, Next string // "" for Next past the current month
	ClosesOn   string // YYYY-MM-DD
	Closed     bool   // by the calendar
	Reopen     *Reopen
	Exports    MonthExports
	Owner      bool
	Week       string // the month's first week, for the timesheet link
	// Charge says a charge in words with its amounts kept whole on a line ("aylık ücret
	// 22.000,00 ₺" never leaves the lira sign alone on the next line).
	Charge func(Charge) string
}

// summaryMonth reads ?month= (YYYY-MM); without it, last month (the one an owner bills at the
// start of a month). ok false when it is not a month.
func summaryMonth(r *http.Request, today string) (string, bool) {
	v := r.URL.Query().Get("month")
	if v == "" {
		return PrevMonth(today[:7]), true
	}
	return ParseMonth(i18n.ASCIIDigits(v))
}

// MonthSummary is GET /app/msp/time/summary (ExportData): the month's summary for billing, one
// row per client with time or tickets that month (SummarizeMonth), with its billing state and
// the link to the month's billing page.
func (h *TimeHandler) MonthSummary(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	v := viewsOf(c)
	m, ok := summaryMonth(r, v.Today)
	if !ok {
		// A month the address cannot read shows last month, and says the address was ignored.
		c.IgnoreFilter("month", c.T("msp_time.summary.month"), r.URL.Query().Get("month"))
		m = PrevMonth(v.Today[:7])
	}
	d := &summaryPage{views: v, Month: m, Prev: PrevMonth(m), ClosesOn: MonthCloses(m), Owner: c.Can(auth.ReopenBillingMonth),
		Week: WeekOf(mustDay(m + "-01")), Charge: func(ch Charge) string { return ch.words(c.P, true) }}
	if n := NextMonth(m); n <= v.Today[:7] {
		d.Next = n
	}
	d.Closed = MonthClosed(m+"-01", v.Today)
	var err error
	if d.Reopen, err = reopenOf(ctx, c.DB.Read, m); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Exports, err = ExportsOfMonth(ctx, c.DB.Read, m); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Summary, err = SummarizeMonth(ctx, c.DB.Read, m); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "time_summary", c.T("msp_time.summary.title", c.P.YearMonth(m)), d, nil)
}

// ExportSummary is GET /app/msp/time/summary/export (ExportData): the month's summary
// (?month=, last month without it) as CSV or XLSX, one row per client and a totals row: the
// page's columns, hours as decimal numbers — among them the part of the time beyond the included
// hours that is over an included-hours contract's allowance, the page's red figure — and amounts
// as numbers with their currency beside them (a client billed in two currencies has a second row
// for the second). The month counts as exported (RecordExports).
func (h *TimeHandler) ExportSummary(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	m, ok := summaryMonth(r, viewsOf(c).Today)
	if !ok {
		h.Render.Fail(w, r, fault.Malformed("export.err.filters"))
		return
	}
	s, err := SummarizeMonth(r.Context(), c.DB.Read, m)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	hours := func(min int) float64 { return float64(min) / 60 }
	cols := []string{c.T("msp_time.summary.month"), c.T("msp_time.contract.client"), c.T("msp_time.summary.billable_h"),
		c.T("msp_time.summary.non_billable_h"), c.T("msp_time.summary.included_h"), c.T("msp_time.summary.covered_h"),
		c.T("msp_time.summary.beyond_h"), c.T("msp_time.summary.over_h"), c.T("msp_time.summary.amount"), c.T("msp_time.summary.currency"),
		c.T("msp_time.summary.charges"), c.T("msp_time.summary.opened"), c.T("msp_time.summary.resolved"), c.T("msp_time.summary.breaches")}
	q := url.Values{"month": {m}}
	export.Send(w, r, h.Render, export.Table{List: "msp-month-summary", Columns: cols, Filters: q}, func(ctx context.Context, emit export.Emit) error {
		line := func(name string, x *ClientMonth) error {
			var first Money
			if len(x.Amounts) > 0 {
				first = x.Amounts[0]
			}
			amount := any("")
			if first.Currency != "" {
				amount = first.Value()
			}
			if err := emit(m, name, hours(x.Billable), hours(x.NonBillable), hours(x.Included), hours(x.Covered), hours(x.Beyond),
				hours(x.Over), amount, first.Currency, chargesText(c.P, x.Charges), x.Opened, x.Resolved, x.Breaches); err != nil {
				return err
			}
			for _, a := range x.Amounts[min(1, len(x.Amounts)):] {
				if err := emit(m, name, "", "", "", "", "", "", a.Value(), a.Currency, "", "", "", ""); err != nil {
					return err
				}
			}
			return nil
		}
		for _, x := range s.Clients {
			name := x.Name
			if x.ClientID == 0 {
				name = c.T("msp_time.summary.no_client")
			}
			if err := line(name, x); err != nil {
				return err
			}
		}
		if err := line(c.T("msp_time.summary.total"), &s.Total); err != nil {
			return err
		}
		return RecordExports(ctx, c.DB, []string{m}, timeActor(c))
	})
}

// chargesText says a row's charges in words: "Managed service: ₺18,500.00; 3 × ₺1,750.00 (per
// incident)".
func chargesText(p *i18n.Printer, cs []Charge) string {
	var parts []string
	for _, ch := range cs {
		parts = append(parts, ch.words(p, false))
	}
	return strings.Join(parts, "; ")
}

// words is the charge in words: the contract's kind with its price, times the incidents; whole
// keeps each amount on one line (no-break spaces, for the page: the lira sign never ends up alone
// on the next line). The page keeps the catalog's isolates around the figures (Arabic: the price
// and count read as one left-to-right run); a file's cell (not whole) goes without them.
func (ch Charge) words(p *i18n.Printer, whole bool) string {
	unit := p.Money(float64(ch.UnitCents)/100, ch.Currency)
	if whole {
		unit = strings.ReplaceAll(unit, " ", "\u00a0")
	}
	var s string
	if ch.Kind == ContractPerIncident {
		s = p.T("msp_time.summary.charge_incidents", p.Number(float64(ch.Count), 0), unit)
	} else {
		s = p.T("msp_time.summary.charge_"+ch.Kind, unit)
	}
	if !whole {
		s = strings.NewReplacer("\u2066", "", "\u2069", "").Replace(s)
	}
	return s
}
