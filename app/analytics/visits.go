package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"highvibe/app/tenantdb"
)

// VisitFigures are the site visits' KPIs (app/visits), over every visit booked.
type VisitFigures struct {
	Booked int // visits booked, whatever became of them
	Done   int // closed as done
	NoShow int // closed as "customer not there"
	// LeadHours is, per lead with a done visit, the time from the lead's first inbound message to
	// the start of its first done visit, in hours (leads without an inbound message left out). A
	// lead merged into another counts as that one.
	LeadHours    []float64
	VisitedLeads int // leads with a done visit
	VisitedWon   int // … of them at stage won
}

// loadVisits reads the site visits (read model: the visits room owns the table).
func loadVisits(ctx context.Context, q *sql.DB) (VisitFigures, error) {
	var f VisitFigures
	type lead struct {
		first   int64 // first done visit's start
		inbound sql.NullInt64
		won     bool
	}
	leads := map[int64]*lead{}
	// A visit belongs to the person: the lead it was booked on, or the lead that one was merged
	// into (inbox.MergeLeads moves the conversations there and leaves the visits), whose stage
	// and first message count.
	err := tenantdb.EachRow(ctx, q, `SELECT p.id, v.status, v.starts_at, p.stage,
			(SELECT min(m.created_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id
				WHERE c.lead_id = p.id AND m.direction = 'inbound')
		FROM site_visits v JOIN leads l ON l.id = v.lead_id JOIN leads p ON p.id = coalesce(l.merged_into, l.id)`, nil, func(rs *sql.Rows) error {
		var leadID, start int64
		var status, stage string
		var inbound sql.NullInt64
		if err := rs.Scan(&leadID, &status, &start, &stage, &inbound); err != nil {
			return err
		}
		f.Booked++
		switch status {
		case "done":
			f.Done++
			l, ok := leads[leadID]
			if !ok {
				l = &lead{first: start, inbound: inbound, won: stage == "won"}
				leads[leadID] = l
			}
			l.first = min(l.first, start)
		case "no_show":
			f.NoShow++
		}
		return nil
	})
	if err != nil {
		return f, fmt.Errorf("analytics: load visits: %w", err)
	}
	for _, l := range leads {
		f.VisitedLeads++
		if l.won {
			f.VisitedWon++
		}
		if l.inbound.Valid && l.first >= l.inbound.Int64 {
			f.LeadHours = append(f.LeadHours, float64(l.first-l.inbound.Int64)/3_600_000)
		}
	}
	return f, nil
}

// visitKPI fills the site visit fields of k.
func visitKPI(k *KPI, f VisitFigures) {
	k.VisitsBooked = f.Booked
	k.VisitsDone = f.Done
	k.VisitNoShowRate = pctOf(f.NoShow, f.Done+f.NoShow)
	k.VisitLeadHours = math.Round(median(f.LeadHours)*10) / 10
	k.VisitWonRate = pctOf(f.VisitedWon, f.VisitedLeads)
}
