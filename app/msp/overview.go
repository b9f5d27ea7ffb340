package msp

// The MSP module's part of the dashboard (app/dashboard, guide 05-dashboard.md): what an IT
// provider's owner looks at first — the open tickets by priority, the tickets whose SLA clock is
// amber or red with the time left, the billable hours of this month not yet invoiced and the
// contracts ending soon. Reads only, with the room's own queries and clocks, so the dashboard
// and the MSP pages give one set of numbers.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// SLAAtRisk is the ticket list's SLA filter value (sla=risk): the open tickets whose running
// clock is amber (75 % or more of a target used) or already past its due time.
const SLAAtRisk = "risk"

// OverviewRisk is how many at-risk tickets the dashboard lists (the filtered list has them all).
const OverviewRisk = 8

// OverviewContracts is how many ending contracts the dashboard lists.
const OverviewContracts = 5

// Overview is the MSP figures of the dashboard at a moment.
type Overview struct {
	Open      map[string]int // open tickets (new, open, waiting) per priority
	OpenTotal int
	// AtRisk are the open tickets whose most urgent running clock is amber or breached, the most
	// overdue first, then the least time left (business time, as the ticket's policy counts);
	// at most OverviewRisk of RiskTotal.
	AtRisk    []*TicketSLA
	RiskTotal int
	Breached  int // of RiskTotal, past their due time
	// Month is this calendar month (YYYY-MM, the tenant's zone); its time is invoiced once it
	// closes on CloseDay of the next month (ClosesOn).
	Month    string
	ClosesOn string // YYYY-MM-DD
	Billable int    // billable minutes logged for the month
	// Reopened are the past months an owner reopened for corrections and has not closed again
	// (YYYY-MM, oldest first): until then their time still changes, and their invoices wait.
	Reopened []string
	// Beyond is the part of Billable that no contract's hours include: time covered by no
	// contract (or by a per-incident one) and time over a contract's monthly allowance.
	Beyond int
	// Last is last month while its time is still open, from the 1st to the CloseDay of this
	// month — when the owner invoices it (nil once it has closed).
	Last *MonthBill
	// Ending are the contracts ending within RenewalLead, soonest first (at most
	// OverviewContracts of EndingTotal); DaysLeft is by contract id.
	Ending      []*Contract
	EndingTotal int
	DaysLeft    map[int64]int
}

// MonthBill is a month's billable minutes and the part no contract's hours include, and the
// last day (YYYY-MM-DD) its time changes without a reopening.
type MonthBill struct {
	Month            string // YYYY-MM
	ClosesOn         string
	Billable, Beyond int
}

// Ref is the ticket's number as people say it (T-000123).
func (t *TicketSLA) Ref() string { return FormatNumber(t.Number) }

// atRisk reports whether a ticket's most urgent clock runs amber or past its due time.
func atRisk(t *TicketSLA) bool {
	w := t.Worst().C
	return !w.Stopped && (w.State == ClockAmber || w.State == ClockBreached)
}

// AtRiskTickets lists the open tickets whose running SLA clock is amber or breached at now, the
// most overdue first, then the least business time left.
func AtRiskTickets(ctx context.Context, q Querier, now time.Time) ([]*TicketSLA, error) {
	env, err := loadSLAEnv(ctx, q)
	if err != nil {
		return nil, err
	}
	ts, err := loadSLA(ctx, q, env, `s.running = 1 AND t.status IN ('new','open','waiting_customer','waiting_third_party')`, nil,
		`ticket_id IN (SELECT s.ticket_id FROM msp_ticket_sla s JOIN msp_tickets t ON t.id = s.ticket_id
			WHERE s.running = 1 AND t.status IN ('new','open','waiting_customer','waiting_third_party'))`, now)
	if err != nil {
		return nil, err
	}
	var out []*TicketSLA
	for _, t := range ts {
		if atRisk(t) {
			out = append(out, t)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Worst().C, out[j].Worst().C
		if a.Left != b.Left {
			return a.Left < b.Left
		}
		return out[i].Number < out[j].Number
	})
	return out, nil
}

// atRiskIDs is the SLA filter's ticket ids (see AtRiskTickets).
func atRiskIDs(ctx context.Context, q Querier, now time.Time) ([]int64, error) {
	ts, err := AtRiskTickets(ctx, q, now)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ts))
	for i, t := range ts {
		ids[i] = t.TicketID
	}
	return ids, nil
}

// idList writes ids as an SQL list of integers ("0" when empty, which matches no ticket).
func idList(ids []int64) string {
	if len(ids) == 0 {
		return "0"
	}
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

// DashboardOverview gathers the MSP figures of the dashboard at now.
func DashboardOverview(ctx context.Context, q Querier, now time.Time) (*Overview, error) {
	o := &Overview{Open: map[string]int{}, DaysLeft: map[int64]int{}}
	rows, err := q.QueryContext(ctx, `SELECT priority, count(*) FROM msp_tickets INDEXED BY msp_tickets_active
		WHERE status IN ('new','open','waiting_customer','waiting_third_party') GROUP BY priority`)
	if err != nil {
		return nil, fmt.Errorf("msp: overview: %w", err)
	}
	for rows.Next() {
		var p string
		var n int
		if err := rows.Scan(&p, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("msp: overview: %w", err)
		}
		o.Open[p] = n
		o.OpenTotal += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: overview: %w", err)
	}

	risk, err := AtRiskTickets(ctx, q, now)
	if err != nil {
		return nil, err
	}
	o.RiskTotal = len(risk)
	for _, t := range risk {
		if t.Worst().C.State == ClockBreached {
			o.Breached++
		}
	}
	o.AtRisk = risk[:min(len(risk), OverviewRisk)]

	today, _, err := Today(ctx, q, now)
	if err != nil {
		return nil, err
	}
	o.Month = today[:7]
	first, _ := time.Parse(time.DateOnly, o.Month+"-01")
	o.ClosesOn = time.Date(first.Year(), first.Month()+1, CloseDay, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	reopened, err := ReopenedMonths(ctx, q)
	if err != nil {
		return nil, err
	}
	for m := range reopened {
		o.Reopened = append(o.Reopened, m)
	}
	sort.Strings(o.Reopened)
	cs, err := Contracts(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	if o.Billable, o.Beyond, err = monthBillable(ctx, q, cs, o.Month); err != nil {
		return nil, err
	}
	if last := PrevMonth(o.Month); !MonthClosed(last+"-01", today) {
		o.Last = &MonthBill{Month: last, ClosesOn: MonthCloses(last)}
		if o.Last.Billable, o.Last.Beyond, err = monthBillable(ctx, q, cs, last); err != nil {
			return nil, err
		}
	}
	for _, c := range cs {
		if c.Status(today) == ContractEndingSoon {
			o.Ending = append(o.Ending, c)
			o.DaysLeft[c.ID] = daysBetween(today, c.EndsOn)
		}
	}
	sort.SliceStable(o.Ending, func(i, j int) bool {
		if o.Ending[i].EndsOn != o.Ending[j].EndsOn {
			return o.Ending[i].EndsOn < o.Ending[j].EndsOn
		}
		return o.Ending[i].ID < o.Ending[j].ID
	})
	o.EndingTotal = len(o.Ending)
	o.Ending = o.Ending[:min(len(o.Ending), OverviewContracts)]
	return o, nil
}

// monthBillable sums the billable minutes logged for month (YYYY-MM), and the part of them that
// no contract's hours include: each entry counts against the contract it was counted against
// (msp_time_entries.contract_id, as the contract pages count); time counted against none, or
// against a contract without hours that month, and a contract's time beyond its monthly hours
// are beyond.
func monthBillable(ctx context.Context, q Querier, cs []*Contract, month string) (billable, beyond int, err error) {
	rows, err := q.QueryContext(ctx, `SELECT coalesce(contract_id, 0), sum(minutes) FROM msp_time_entries
		WHERE billable = 1 AND work_day BETWEEN ? AND ? GROUP BY 1`, month+"-01", month+"-31")
	if err != nil {
		return 0, 0, fmt.Errorf("msp: month billable: %w", err)
	}
	used := map[int64]int{}
	for rows.Next() {
		var contract int64
		var minutes int
		if err := rows.Scan(&contract, &minutes); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("msp: month billable: %w", err)
		}
		billable += minutes
		used[contract] += minutes
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("msp: month billable: %w", err)
	}
	byID := map[int64]*Contract{}
	for _, c := range cs {
		byID[c.ID] = c
	}
	for id, m := range used {
		if id == 0 {
			beyond += m
			continue
		}
		c := byID[id]
		if c == nil {
			if c, err = ContractByID(ctx, q, id); err != nil {
				return 0, 0, err
			}
		}
		changes, err := allowances(ctx, q, c)
		if err != nil {
			return 0, 0, err
		}
		beyond += max(0, m-includedIn(c, changes, month))
	}
	return billable, beyond, nil
}
