package msp

// The MSP figures of the KPI page (app/analytics builds its snapshot from them; guide:
// 11-kpi-center.md): SLA compliance by month and priority, mean first-response and resolution
// times, tickets by client and category, hours worked by client and the contracts' hours used
// against the hours included. Reads only; months are calendar months in the tenant's zone.

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"highvibe/app/hours/hoursdb"
)

// ReportMonths is how many calendar months the report looks back, the current one included.
const ReportMonths = 6

// SLACount is how many tickets' SLA outcome is known, and how many met every target.
type SLACount struct {
	Decided int // resolved or closed, or already past a target
	Met     int // of those, no target missed
}

// Percent is the share met, 0–100 (0 when nothing is decided).
func (c SLACount) Percent() float64 {
	if c.Decided == 0 {
		return 0
	}
	return float64(c.Met) * 100 / float64(c.Decided)
}

// NamedCount is one bar of a "tickets by …" chart.
type NamedCount struct {
	ID    int64  // client id (0: no client)
	Key   string // category
	Name  string // client name
	Count int
}

// ClientHours is the time worked for one client in the report's months.
type ClientHours struct {
	ClientID              int64
	Name                  string
	Billable, NonBillable int // minutes
}

// ContractUse is a running contract with hours included, and one month's hours against them
// (last month's and this month's, in that order).
type ContractUse struct {
	ContractID, ClientID int64
	Name                 string // the client's
	Kind                 string
	Month                string // YYYY-MM
	Used, Included       int    // billable minutes counted against it, minutes included
}

// Report is the MSP part of a KPI snapshot.
type Report struct {
	Zone   string
	Months []string // YYYY-MM, oldest first
	// SLA per month (index into Months) and priority; All is the months summed per priority and
	// Total everything.
	SLA      map[string][]SLACount
	ByMonth  []SLACount
	Total    SLACount
	Tickets  int                 // tickets opened in the months
	Open     int                 // of those, still open
	Priority map[string]SLACount // per priority over the months
	// Mean business time to the first public reply (tickets answered) and to the resolution
	// (tickets resolved), waiting on the customer left out, as the SLA clocks count.
	MeanFirstResponse time.Duration
	MeanResolution    time.Duration
	Responded         int
	Resolved          int
	ByClient          []NamedCount // most first
	ByCategory        []NamedCount // in Categories order, empty ones left out
	Hours             []ClientHours
	Contracts         []ContractUse // per contract, last month then this month
}

// BuildReport computes the report at now from the tenant database.
func BuildReport(ctx context.Context, q Querier, now time.Time) (*Report, error) {
	loc, err := hoursdb.Zone(ctx, q)
	if err != nil {
		return nil, err
	}
	local := now.In(loc)
	start := time.Date(local.Year(), local.Month()-ReportMonths+1, 1, 0, 0, 0, 0, loc)
	rep := &Report{Zone: loc.String(), SLA: map[string][]SLACount{}, Priority: map[string]SLACount{}}
	idx := map[string]int{}
	for i := range ReportMonths {
		m := start.AddDate(0, i, 0).Format("2006-01")
		idx[m] = i
		rep.Months = append(rep.Months, m)
	}
	rep.ByMonth = make([]SLACount, ReportMonths)
	for _, p := range Priorities {
		rep.SLA[p] = make([]SLACount, ReportMonths)
	}
	since := start.UnixMilli()

	// SLA outcomes and the mean times, from the same clocks the ticket pages show.
	env, err := loadSLAEnv(ctx, q)
	if err != nil {
		return nil, err
	}
	ts, err := loadSLA(ctx, q, env, `s.opened_at >= ?`, []any{since},
		`ticket_id IN (SELECT ticket_id FROM msp_ticket_sla WHERE opened_at >= ?)`, now)
	if err != nil {
		return nil, err
	}
	var respSum, resSum time.Duration
	for _, t := range ts {
		i, ok := idx[t.History.OpenedAt.In(loc).Format("2006-01")]
		if !ok {
			continue
		}
		rep.Tickets++
		if t.Status != StatusResolved && t.Status != StatusClosed {
			rep.Open++
		}
		if t.Response.Stopped {
			rep.Responded++
			respSum += t.Response.Elapsed
		}
		if t.Resolution.Stopped {
			rep.Resolved++
			resSum += t.Resolution.Elapsed
		}
		missed := t.Response.State == ClockBreached || t.Resolution.State == ClockBreached
		if !missed && !t.Resolution.Stopped {
			continue // still running within its targets: no outcome yet
		}
		add := func(c *SLACount) {
			c.Decided++
			if !missed {
				c.Met++
			}
		}
		add(&rep.ByMonth[i])
		add(&rep.Total)
		if s, ok := rep.SLA[t.Priority]; ok {
			add(&s[i])
			p := rep.Priority[t.Priority]
			add(&p)
			rep.Priority[t.Priority] = p
		}
	}
	if rep.Responded > 0 {
		rep.MeanFirstResponse = respSum / time.Duration(rep.Responded)
	}
	if rep.Resolved > 0 {
		rep.MeanResolution = resSum / time.Duration(rep.Resolved)
	}

	// Tickets by client and by category.
	rows, err := q.QueryContext(ctx, `SELECT coalesce(client_id, 0), category, count(*) FROM msp_tickets WHERE created_at >= ?
		GROUP BY 1, 2`, since)
	if err != nil {
		return nil, fmt.Errorf("msp: report tickets: %w", err)
	}
	byClient, byCat := map[int64]int{}, map[string]int{}
	for rows.Next() {
		var client int64
		var cat string
		var n int
		if err := rows.Scan(&client, &cat, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("msp: report tickets: %w", err)
		}
		byClient[client] += n
		byCat[cat] += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: report tickets: %w", err)
	}
	for _, c := range Categories {
		if n := byCat[c]; n > 0 {
			rep.ByCategory = append(rep.ByCategory, NamedCount{Key: c, Count: n})
		}
	}

	// Hours worked per client in the months (the day an entry counts for, in the tenant's zone).
	rows, err = q.QueryContext(ctx, `SELECT coalesce(client_id, 0), sum(CASE WHEN billable = 1 THEN minutes ELSE 0 END),
		sum(CASE WHEN billable = 0 THEN minutes ELSE 0 END) FROM msp_time_entries WHERE work_day >= ? GROUP BY 1`,
		start.Format(time.DateOnly))
	if err != nil {
		return nil, fmt.Errorf("msp: report hours: %w", err)
	}
	for rows.Next() {
		var h ClientHours
		if err := rows.Scan(&h.ClientID, &h.Billable, &h.NonBillable); err != nil {
			rows.Close()
			return nil, fmt.Errorf("msp: report hours: %w", err)
		}
		rep.Hours = append(rep.Hours, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: report hours: %w", err)
	}

	// Last month's and this month's hours of every running contract, in the months it includes hours.
	today := local.Format(time.DateOnly)
	months := []string{time.Date(local.Year(), local.Month()-1, 1, 0, 0, 0, 0, loc).Format("2006-01"), today[:7]}
	cs, err := Contracts(ctx, q, 0)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		if c.EndedAt != 0 || !c.runsOn(today) {
			continue
		}
		us, err := Usage(ctx, q, c, months)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			// A month without hours included has no bar: before the contract started, or since it
			// became per incident (last month keeps the hours it was billed with).
			if u.Month < c.StartsOn[:7] || u.Included == 0 {
				continue
			}
			rep.Contracts = append(rep.Contracts, ContractUse{ContractID: c.ID, ClientID: c.ClientID, Kind: c.Kind, Month: u.Month,
				Used: u.Billable, Included: u.Included})
		}
	}

	// Client names, once.
	var ids []int64
	for id := range byClient {
		ids = append(ids, id)
	}
	for _, h := range rep.Hours {
		ids = append(ids, h.ClientID)
	}
	for _, c := range rep.Contracts {
		ids = append(ids, c.ClientID)
	}
	slices.Sort(ids)
	names, err := clientNames(ctx, q, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	for id, n := range byClient {
		rep.ByClient = append(rep.ByClient, NamedCount{ID: id, Name: names[id], Count: n})
	}
	sort.Slice(rep.ByClient, func(i, j int) bool {
		a, b := rep.ByClient[i], rep.ByClient[j]
		return a.Count > b.Count || (a.Count == b.Count && a.Name < b.Name)
	})
	for i := range rep.Hours {
		rep.Hours[i].Name = names[rep.Hours[i].ClientID]
	}
	sort.Slice(rep.Hours, func(i, j int) bool {
		a, b := rep.Hours[i], rep.Hours[j]
		return a.Billable > b.Billable || (a.Billable == b.Billable && a.Name < b.Name)
	})
	for i := range rep.Contracts {
		rep.Contracts[i].Name = names[rep.Contracts[i].ClientID]
	}
	return rep, nil
}
