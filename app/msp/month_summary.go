package msp

// The month's summary for billing (guide 44-msp-contracts-and-time.md, "Month summary"): what an
// IT provider's owner invoices each client for a calendar month. One row per client with time or
// tickets that month: the time logged, the hours the client's contracts include and the billable
// time beyond them, the contracts' own prices (a managed service's monthly fee, a block's price,
// a per-incident contract's price for each incident it covered), the tickets opened and resolved
// and the SLA targets missed. Reads only; the time is counted against the contract it counts
// against (msp_time_entries.contract_id, as the contract pages and the dashboard count), so a
// month closed for billing keeps its figures; it keeps its contracts' prices too (contract_price.go).

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"highvibe/app/hours/hoursdb"
)

// Money is an amount in a currency, in cents.
type Money struct {
	Cents    int64
	Currency string
}

// Value is the amount in currency units.
func (m Money) Value() float64 { return float64(m.Cents) / 100 }

// Charge is what one contract brings to a client's invoice for the month: its price once (a
// managed service's month, a block of hours) or once per incident it covered.
type Charge struct {
	ContractID int64
	Kind       string
	Count      int   // 1, or the incidents (per incident)
	UnitCents  int64 // the contract's price
	Currency   string
}

// Cents is the charge's amount.
func (c Charge) Cents() int64 { return int64(c.Count) * c.UnitCents }

// ClientMonth is one client's row of the month's summary.
type ClientMonth struct {
	ClientID              int64
	Name                  string
	Billable, NonBillable int // minutes logged
	// Included is the minutes the client's contracts include in the month; Covered the billable
	// minutes within them; Beyond the billable minutes no contract's hours include: time over a
	// contract's hours, time counted against a contract without hours (per incident) or against
	// none. Billable = Covered + Beyond. Over is the part of Beyond that is over an included-hours
	// contract's allowance, worked out contract by contract: a client with a block of hours and a
	// per-incident contract has its per-incident time in Beyond, billed as usual, not in Over.
	Included, Covered, Beyond, Over int
	Charges                         []Charge
	Amounts                         []Money // Charges summed per currency, by currency
	Opened, Resolved                int     // tickets opened, and resolved (or closed), in the month
	Breaches                        int     // SLA targets (first response, resolution) missed in the month
}

// MonthSummary is the month's summary for billing.
type MonthSummary struct {
	Month   string // YYYY-MM
	Clients []*ClientMonth
	Total   ClientMonth // the sums; Amounts per currency
}

// addAmount adds cents in currency to ms, kept by currency.
func addAmount(ms []Money, cents int64, currency string) []Money {
	for i := range ms {
		if ms[i].Currency == currency {
			ms[i].Cents += cents
			return ms
		}
	}
	ms = append(ms, Money{cents, currency})
	sort.Slice(ms, func(i, j int) bool { return ms[i].Currency < ms[j].Currency })
	return ms
}

// monthSpan is month's first and last day (YYYY-MM-DD) and its bounds in Unix ms in loc.
func monthSpan(month string, loc *time.Location) (first, last string, from, to int64) {
	t, _ := time.ParseInLocation("2006-01", month, loc)
	next := t.AddDate(0, 1, 0)
	return t.Format(time.DateOnly), next.AddDate(0, 0, -1).Format(time.DateOnly), t.UnixMilli(), next.UnixMilli()
}

// SummarizeMonth computes the summary of month (YYYY-MM). A client with neither time nor tickets
// in the month is left out; the rows are by client name.
func SummarizeMonth(ctx context.Context, q Querier, month string) (*MonthSummary, error) {
	loc, err := hoursdb.Zone(ctx, q)
	if err != nil {
		return nil, err
	}
	first, last, from, to := monthSpan(month, loc)
	s := &MonthSummary{Month: month}
	rows := map[int64]*ClientMonth{}
	row := func(id int64) *ClientMonth {
		if r := rows[id]; r != nil {
			return r
		}
		r := &ClientMonth{ClientID: id}
		rows[id] = r
		return r
	}

	// Time, per client and the contract it counts against.
	used := map[int64]int{} // billable minutes per contract
	rs, err := q.QueryContext(ctx, `SELECT coalesce(client_id, 0), coalesce(contract_id, 0), billable, sum(minutes) FROM msp_time_entries
		WHERE work_day BETWEEN ? AND ? GROUP BY 1, 2, 3`, first, last)
	if err != nil {
		return nil, fmt.Errorf("msp: month summary time: %w", err)
	}
	for rs.Next() {
		var client, contract int64
		var billable bool
		var minutes int
		if err := rs.Scan(&client, &contract, &billable, &minutes); err != nil {
			rs.Close()
			return nil, fmt.Errorf("msp: month summary time: %w", err)
		}
		r := row(client)
		if !billable {
			r.NonBillable += minutes
			continue
		}
		r.Billable += minutes
		if contract == 0 {
			r.Beyond += minutes
		} else {
			used[contract] += minutes
		}
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("msp: month summary time: %w", err)
	}

	// Tickets opened in the month, with what the per-incident contracts charge for them.
	type opened struct{ client, site, device int64 }
	var tickets []opened
	rs, err = q.QueryContext(ctx, `SELECT coalesce(client_id, 0), coalesce(site_id, 0), coalesce(device_id, 0), created_at FROM msp_tickets
		WHERE created_at >= ? AND created_at < ?`, from, to)
	if err != nil {
		return nil, fmt.Errorf("msp: month summary tickets: %w", err)
	}
	var openedDays []string
	for rs.Next() {
		var t opened
		var at int64
		if err := rs.Scan(&t.client, &t.site, &t.device, &at); err != nil {
			rs.Close()
			return nil, fmt.Errorf("msp: month summary tickets: %w", err)
		}
		tickets = append(tickets, t)
		openedDays = append(openedDays, time.UnixMilli(at).In(loc).Format(time.DateOnly))
		row(t.client).Opened++
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("msp: month summary tickets: %w", err)
	}
	// Tickets resolved (or closed) in the month and not reopened since.
	rs, err = q.QueryContext(ctx, `SELECT coalesce(client_id, 0), count(*) FROM msp_tickets WHERE status IN ('resolved', 'closed')
		AND resolved_at >= ? AND resolved_at < ? GROUP BY 1`, from, to)
	if err != nil {
		return nil, fmt.Errorf("msp: month summary tickets: %w", err)
	}
	for rs.Next() {
		var client int64
		var n int
		if err := rs.Scan(&client, &n); err != nil {
			rs.Close()
			return nil, fmt.Errorf("msp: month summary tickets: %w", err)
		}
		row(client).Resolved += n
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("msp: month summary tickets: %w", err)
	}

	// SLA targets missed in the month: on the day each was due, as the job stamped it when it
	// told the team, else as the ticket's clocks say (the same clocks as the ticket pages and the
	// KPI page: a ticket resolved late between two runs of the job, or imported, has no stamp).
	if err := monthBreaches(ctx, q, from, to, row); err != nil {
		return nil, err
	}

	// The contracts: hours included against the time counted against each, and their prices.
	cs, err := Contracts(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	// A month closed for billing (and not reopened) is priced as it was closed; an open one by the
	// contracts' prices now.
	today, _, err := Today(ctx, q, time.Now())
	if err != nil {
		return nil, err
	}
	closed, err := monthLocked(ctx, q, first, today)
	if err != nil {
		return nil, err
	}
	known := map[int64]bool{}
	for _, c := range cs {
		known[c.ID] = true
	}
	// A contract counted against in the month that the list left out (more than its 1,000 rows).
	for id := range used {
		if !known[id] {
			c, err := ContractByID(ctx, q, id)
			if err != nil {
				return nil, err
			}
			cs = append(cs, c)
		}
	}
	for _, c := range cs {
		runs := c.StartsOn <= last && c.EndsOn >= first
		m, counted := used[c.ID]
		if !runs && !counted {
			continue
		}
		// The hours it included that month (a closed month keeps the hours it was billed with,
		// also when the contract has since become per incident); a per-incident one includes none.
		changes, err := allowances(ctx, q, c)
		if err != nil {
			return nil, err
		}
		included := includedIn(c, changes, month)
		r := row(c.ClientID)
		r.Included += included
		r.Covered += min(m, included)
		r.Beyond += max(0, m-included)
		if included > 0 {
			r.Over += max(0, m-included)
		}
		if !runs {
			continue
		}
		unit, currency := c.PriceCents, c.Currency
		if closed {
			kept, err := prices(ctx, q, c)
			if err != nil {
				return nil, err
			}
			unit, currency = priceIn(c, kept, month)
		}
		switch c.Kind {
		case ContractManaged, ContractBlock:
			r.Charges = append(r.Charges, Charge{ContractID: c.ID, Kind: c.Kind, Count: 1, UnitCents: unit, Currency: currency})
		case ContractPerIncident:
			n := 0
			for i, t := range tickets {
				if t.client == c.ClientID && Covering(cs, t.client, t.site, t.device, openedDays[i]) == c {
					n++
				}
			}
			if n > 0 {
				r.Charges = append(r.Charges, Charge{ContractID: c.ID, Kind: c.Kind, Count: n, UnitCents: unit, Currency: currency})
			}
		}
	}

	// The rows worth a line: time or tickets in the month.
	var ids []int64
	for id, r := range rows {
		if r.Billable+r.NonBillable+r.Opened+r.Resolved+r.Breaches == 0 {
			continue
		}
		ids = append(ids, id)
		s.Clients = append(s.Clients, r)
	}
	slices.Sort(ids)
	names, err := clientNames(ctx, q, ids)
	if err != nil {
		return nil, err
	}
	t := &s.Total
	for _, r := range s.Clients {
		r.Name = names[r.ClientID]
		sort.SliceStable(r.Charges, func(i, j int) bool { return r.Charges[i].ContractID < r.Charges[j].ContractID })
		for _, ch := range r.Charges {
			r.Amounts = addAmount(r.Amounts, ch.Cents(), ch.Currency)
			t.Amounts = addAmount(t.Amounts, ch.Cents(), ch.Currency)
		}
		t.Billable += r.Billable
		t.NonBillable += r.NonBillable
		t.Included += r.Included
		t.Covered += r.Covered
		t.Beyond += r.Beyond
		t.Over += r.Over
		t.Opened += r.Opened
		t.Resolved += r.Resolved
		t.Breaches += r.Breaches
	}
	// By name; the time and tickets of no client last.
	sort.SliceStable(s.Clients, func(i, j int) bool {
		a, b := s.Clients[i], s.Clients[j]
		if (a.ClientID == 0) != (b.ClientID == 0) {
			return b.ClientID == 0
		}
		if x, y := strings.ToLower(a.Name), strings.ToLower(b.Name); x != y {
			return x < y
		}
		return a.ClientID < b.ClientID
	})
	return s, nil
}

// PrevMonth and NextMonth are the months before and after month (YYYY-MM).
func PrevMonth(month string) string { return shiftMonth(month, -1) }

// NextMonth is the month after month (YYYY-MM).
func NextMonth(month string) string { return shiftMonth(month, 1) }

func shiftMonth(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return ""
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// monthBreaches adds to each client's row (row) the SLA targets its tickets missed between from
// and to (Unix ms): a target counts once, at the moment it was due.
func monthBreaches(ctx context.Context, q Querier, from, to int64, row func(int64) *ClientMonth) error {
	env, err := loadSLAEnv(ctx, q)
	if err != nil {
		return err
	}
	// A ticket opened after the month, or resolved before it, missed nothing in it.
	const window = `opened_at < ? AND (resolved_at IS NULL OR resolved_at >= ?)`
	ts, err := loadSLA(ctx, q, env, `s.`+strings.ReplaceAll(window, "resolved_at", "s.resolved_at"), []any{to, from},
		`ticket_id IN (SELECT ticket_id FROM msp_ticket_sla WHERE `+window+`)`, time.Now())
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		return nil
	}
	clients := map[int64]int64{}
	rs, err := q.QueryContext(ctx, `SELECT t.id, coalesce(t.client_id, 0) FROM msp_ticket_sla s JOIN msp_tickets t ON t.id = s.ticket_id
		WHERE s.`+strings.ReplaceAll(window, "resolved_at", "s.resolved_at"), to, from)
	if err != nil {
		return fmt.Errorf("msp: month summary sla: %w", err)
	}
	for rs.Next() {
		var id, client int64
		if err := rs.Scan(&id, &client); err != nil {
			rs.Close()
			return fmt.Errorf("msp: month summary sla: %w", err)
		}
		clients[id] = client
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return fmt.Errorf("msp: month summary sla: %w", err)
	}
	for _, t := range ts {
		for _, target := range []struct {
			c       SLAClock
			stamped int64
		}{{t.Response, t.ResponseBreachedAt}, {t.Resolution, t.ResolutionBreachedAt}} {
			at := target.stamped
			if at == 0 && target.c.State == ClockBreached && target.c.DueOK {
				at = target.c.Due.UnixMilli()
			}
			if at != 0 && at >= from && at < to {
				row(clients[t.TicketID]).Breaches++
			}
		}
	}
	return nil
}
