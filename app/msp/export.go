package msp

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"highvibe/app/export"
	"highvibe/app/fault"
	"highvibe/app/web"
)

// exportPage is how many tickets or time entries one read of an export takes.
const exportPage = 500

// ExportTickets is GET /app/msp/tickets/export (ExportData): every ticket the list shows with the
// same filters (status, priority, client, assignee, search), newest first, as CSV or XLSX.
func (h *Handler) ExportTickets(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q := r.URL.Query()
	f, _ := filterOf(c, q)
	if len(c.IgnoredFilters()) > 0 {
		// A hand-made export address with a filter the list cannot read: no file of everything.
		h.Render.Fail(w, r, fault.Malformed("export.err.filters"))
		return
	}
	f.Before, f.Limit = 0, exportPage
	if err := resolveSLA(r.Context(), c.DB.Read, &f, time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_, _, names, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc := c.Zone()
	at := export.Moments(loc)
	cols := []string{c.T("msp.ticket.number"), c.T("msp.ticket.subject"), c.T("msp.ticket.client"), c.T("msp.ticket.category"),
		c.T("msp.ticket.priority"), c.T("msp.ticket.status"), c.T("msp.ticket.assignee"), c.T("export.col.created"),
		c.T("export.col.resolved"), c.T("export.col.description")}
	export.Send(w, r, h.Render, export.Table{List: "tickets", Columns: cols, Filters: q}, func(ctx context.Context, emit export.Emit) error {
		g := f
		for {
			p, err := List(ctx, c.DB.Read, g)
			if err != nil {
				return err
			}
			for _, t := range p.Tickets {
				if err := emit(t.Ref(), t.Subject, t.ClientName, c.T("msp.category_"+t.Category), c.T("msp.priority."+t.Priority),
					c.T("msp.status."+t.Status), names[t.AssigneeID], at(t.CreatedAt), at(t.ResolvedAt), t.Description); err != nil {
					return err
				}
			}
			if p.Next == 0 {
				return nil
			}
			g.Before = p.Next
		}
	})
}

// ExportTime is GET /app/msp/time/export (ExportData): time entries as CSV or XLSX — of the person
// and week the timesheet shows (?user=, ?week=), or, without them, of everyone and every week; a
// person or week that cannot be read is refused (400), not read as "everyone, every week".
// The months the file holds are counted as exported (RecordExports).
func (h *TimeHandler) ExportTime(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q := r.URL.Query()
	var where string
	var args []any
	// A person or week that cannot be read is refused: read as "everyone, every week", the file
	// would hold far more than was asked and count every month as exported.
	user, week := strings.TrimSpace(q.Get("user")), strings.TrimSpace(q.Get("week"))
	monday, weekOK := ParseWeek(week)
	if (user != "" && numID(user) == 0) || (week != "" && !weekOK) {
		h.Render.Fail(w, r, fault.Malformed("export.err.filters"))
		return
	}
	if u := numID(user); u > 0 {
		where, args = where+` AND e.user_id = ?`, append(args, u)
	}
	if week != "" {
		where, args = where+` AND e.work_day BETWEEN ? AND ?`, append(args, monday.Format(time.DateOnly), monday.AddDate(0, 0, 6).Format(time.DateOnly))
	}
	loc := c.Zone()
	clock := func(ms int64) string {
		if ms == 0 {
			return ""
		}
		return time.UnixMilli(ms).In(loc).Format("15:04")
	}
	cols := []string{c.T("export.col.day"), c.T("export.col.person"), c.T("msp.ticket.number"), c.T("msp.ticket.subject"),
		c.T("msp.ticket.client"), c.T("export.col.start"), c.T("export.col.end"), c.T("export.col.minutes"), c.T("export.col.billable"),
		c.T("export.col.note")}
	yes, no := c.T("export.yes"), c.T("export.no")
	export.Send(w, r, h.Render, export.Table{List: "time-entries", Columns: cols, Filters: q}, func(ctx context.Context, emit export.Emit) error {
		var after int64
		// The months whose time the file holds: counted once it is written whole, so that
		// reopening one of them warns that what was made from the file must be issued again.
		months := map[string]bool{}
		for {
			es, err := listEntries(ctx, c.DB.Read, `e.id IN (SELECT e.id FROM msp_time_entries e WHERE e.id > ?`+where+` ORDER BY e.id LIMIT ?)`,
				append(append([]any{after}, args...), exportPage)...)
			if err != nil {
				return err
			}
			for _, e := range es {
				after = max(after, e.ID)
				months[e.Day[:7]] = true
				b := no
				if e.Billable {
					b = yes
				}
				if err := emit(export.Day(e.Day), e.UserName, e.Ref(), e.TicketSubject, e.ClientName, clock(e.StartedAt), clock(e.EndedAt), e.Minutes, b, e.Note); err != nil {
					return err
				}
			}
			if len(es) < exportPage {
				return RecordExports(ctx, c.DB, slices.Collect(maps.Keys(months)), timeActor(c))
			}
		}
	})
}
