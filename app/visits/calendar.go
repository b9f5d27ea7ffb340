package visits

import (
	"context"
	"database/sql"
	"html/template"
	"strconv"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
)

// The calendar at /app/visits/: a week (Monday first) or one day, for one member or the whole
// team, laid out in the tenant's time zone on a grid of half-hour rows; on a phone the same
// visits are an agenda list grouped by day (the page carries both; CSS shows one).

// CalVisit is one visit as the calendar draws it.
type CalVisit struct {
	V              *Visit
	ID             int64
	LeadID         int64
	ConversationID int64
	LeadName       string // the customer as every list names them (inbox.Lead.Shown): titles, the feed
	// Name, Phone and Email are the lead's as stored: the page draws the name by the same rule
	// (views/partials/phone.html "who") and the number as a link a phone dials with a tap.
	Name, Phone, Email string
	Status             string
	Start              time.Time // in the tenant's zone
	Duration           time.Duration
	Address            string
	MapURL             string
	Assignees          []string // usernames
	AssigneeIDs        []int64
}

// End is when the visit ends.
func (v CalVisit) End() time.Time { return v.Start.Add(v.Duration) }

// Movable reports whether the visit may be dragged to another time: only open ones.
func (v CalVisit) Movable() bool {
	return v.Status == StatusProposed || v.Status == StatusConfirmed
}

// slotMinutes is the grid's row: visits are dropped on half-hour slots.
const slotMinutes = 30

// Placed is a visit on the grid: its rows in the day's column (1-based, after the header row).
type Placed struct {
	CalVisit
	Row, Span int
	// Lane of Lanes: visits that overlap in time share the column side by side.
	Lane, Lanes int
}

// Style places the visit on the grid (column col of the grid, its rows, its lane).
func (p Placed) Style(col int) template.CSS {
	s := "grid-column:" + strconv.Itoa(col) + ";grid-row:" + strconv.Itoa(p.Row) + " / span " + strconv.Itoa(p.Span)
	if p.Lanes > 1 {
		w := 100 / p.Lanes
		s += ";inline-size:" + strconv.Itoa(w) + "%;margin-inline-start:" + strconv.Itoa(w*p.Lane) + "%"
	}
	return template.CSS(s) // numbers only: made here, never from input
}

// Slot is a drop target: one half hour of one day.
type Slot struct {
	Start time.Time
	Row   int
	Hour  bool // the slot starts a full hour (the grid draws its label)
}

// Style places the slot in column col.
func (s Slot) Style(col int) template.CSS {
	return template.CSS("grid-column:" + strconv.Itoa(col) + ";grid-row:" + strconv.Itoa(s.Row))
}

// Value is the slot's time as the reschedule form reads it (tenant zone, minutes).
func (s Slot) Value() string { return s.Start.Format("2006-01-02T15:04") }

// CalDay is one column of the grid, and one group of the agenda.
type CalDay struct {
	Date    time.Time // midnight, tenant zone
	Today   bool
	Visits  []Placed
	Slots   []Slot
	Weekday int // 1 Monday … 7 Sunday
}

// ISO is the day as a query value.
func (d CalDay) ISO() string { return d.Date.Format("2006-01-02") }

// Layout is the grid of a week or a day.
type Layout struct {
	View      string // week or day
	From, To  time.Time
	Days      []CalDay
	StartHour int
	EndHour   int
	Rows      int // half-hour rows
	Hours     []HourMark
}

// HourMark is a label in the grid's first column.
type HourMark struct {
	Label string // "07:00"
	Row   int
	Hour  int
}

// Style places the label.
func (h HourMark) Style() template.CSS {
	return template.CSS("grid-row:" + strconv.Itoa(h.Row) + " / span 2")
}

// GridStyle gives the grid its columns and rows.
func (l *Layout) GridStyle() template.CSS {
	return template.CSS("--days:" + strconv.Itoa(len(l.Days)) + ";--rows:" + strconv.Itoa(l.Rows))
}

// WeekStart is the Monday 00:00 of the week holding day, in loc.
func WeekStart(day time.Time, loc *time.Location) time.Time {
	d := day.In(loc)
	d = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
	off := (int(d.Weekday()) + 6) % 7 // Monday 0
	return d.AddDate(0, 0, -off)
}

// Range is the span a view shows: [from, to) in loc.
func Range(view string, day time.Time, loc *time.Location) (time.Time, time.Time) {
	if view == "day" {
		d := day.In(loc)
		from := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 0, 1)
	}
	from := WeekStart(day, loc)
	return from, from.AddDate(0, 0, 7)
}

// Lay places visits (any order) on the grid of the view holding day. The grid spans 07:00–20:00
// and grows to hold visits outside those hours.
func Lay(view string, day, now time.Time, loc *time.Location, visits []CalVisit) *Layout {
	from, to := Range(view, day, loc)
	l := &Layout{View: view, From: from, To: to, StartHour: 7, EndHour: 20}
	for _, v := range visits {
		s, e := v.Start.In(loc), v.End().In(loc)
		if s.Before(from) || !s.Before(to) {
			continue
		}
		l.StartHour = min(l.StartHour, s.Hour())
		eh := e.Hour()
		if e.Minute() > 0 {
			eh++
		}
		if e.YearDay() != s.YearDay() || e.Year() != s.Year() {
			eh = 24
		}
		l.EndHour = max(l.EndHour, eh)
	}
	l.Rows = (l.EndHour - l.StartHour) * 60 / slotMinutes
	for h := l.StartHour; h < l.EndHour; h++ {
		l.Hours = append(l.Hours, HourMark{Label: strconv.Itoa(h/10) + strconv.Itoa(h%10) + ":00", Row: (h-l.StartHour)*2 + 2, Hour: h})
	}
	today := now.In(loc)
	for d := from; d.Before(to); d = d.AddDate(0, 0, 1) {
		cd := CalDay{Date: d, Weekday: (int(d.Weekday())+6)%7 + 1,
			Today: d.Year() == today.Year() && d.YearDay() == today.YearDay()}
		for i := range l.Rows {
			st := time.Date(d.Year(), d.Month(), d.Day(), l.StartHour, i*slotMinutes, 0, 0, loc)
			cd.Slots = append(cd.Slots, Slot{Start: st, Row: i + 2, Hour: i%2 == 0})
		}
		next := d.AddDate(0, 0, 1)
		for _, v := range visits {
			s := v.Start.In(loc)
			if s.Before(d) || !s.Before(next) {
				continue
			}
			min0 := (s.Hour()-l.StartHour)*60 + s.Minute()
			span := int((v.Duration + slotMinutes*time.Minute - 1) / (slotMinutes * time.Minute))
			row := min0/slotMinutes + 2
			span = max(1, min(span, l.Rows+2-row))
			cv := v
			cv.Start = s
			cd.Visits = append(cd.Visits, Placed{CalVisit: cv, Row: row, Span: span})
		}
		sortPlaced(cd.Visits)
		lanes(cd.Visits)
		l.Days = append(l.Days, cd)
	}
	return l
}

// lanes gives overlapping visits (in row terms) side-by-side lanes: each cluster of visits that
// overlap one another is split into as many lanes as it needs at once.
func lanes(ps []Placed) {
	for i := 0; i < len(ps); {
		end := ps[i].Row + ps[i].Span
		j := i + 1
		for j < len(ps) && ps[j].Row < end {
			end = max(end, ps[j].Row+ps[j].Span)
			j++
		}
		var laneEnd []int // row where each lane is free again
		for k := i; k < j; k++ {
			placed := false
			for l, e := range laneEnd {
				if e <= ps[k].Row {
					ps[k].Lane, laneEnd[l], placed = l, ps[k].Row+ps[k].Span, true
					break
				}
			}
			if !placed {
				ps[k].Lane = len(laneEnd)
				laneEnd = append(laneEnd, ps[k].Row+ps[k].Span)
			}
		}
		for k := i; k < j; k++ {
			ps[k].Lanes = len(laneEnd)
		}
		i = j
	}
}

func sortPlaced(ps []Placed) {
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Start.Before(ps[j-1].Start); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// ParseSlot reads a reschedule time "2006-01-02T15:04" (also "2006-01-02 15:04") in loc.
func ParseSlot(s string, loc *time.Location) (time.Time, bool) {
	for _, f := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02T15:04:05"} {
		if t, err := i18n.ParseTime(f, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// MoveVisit gives an open visit a new start (the calendar's drag, the visit's reschedule form).
// A new date is a new commitment: the visit goes back to proposed with a NEW recommendation in
// the approval queue (proposeTx), whether it was confirmed or still proposed, and nothing is
// confirmed to the customer before that one is approved. A time in the past, or one that
// overlaps another open visit of the same people, is a field error and nothing changes.
// (Written here on the calendar's side: the core of the room has no reschedule of its own yet.)
func MoveVisit(ctx context.Context, db *tenantdb.DB, id int64, start time.Time, a Actor, now time.Time) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		v, err := ByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if !v.Open() {
			return ErrNotOpen
		}
		if start.UnixMilli() == v.StartsAt {
			return nil
		}
		var f fault.Fields
		if key := startProblem(start, now); key != "" {
			f.Add("start", key)
		} else {
			end := start.Add(time.Duration(v.DurationMin) * time.Minute)
			clash, err := busy(ctx, tx, v.Assignees, start, end, v.ID)
			if err != nil {
				return err
			}
			if len(clash) > 0 {
				f.Add("start", "calendar.err.overlap")
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, status := v.StartsAt, v.Status
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET starts_at = ?, reminded_customer_at = NULL, reminded_assignee_at = NULL,
			updated_at = ? WHERE id = ?`, start.UnixMilli(), now.UnixMilli(), v.ID); err != nil {
			return err
		}
		v.StartsAt = start.UnixMilli()
		if status == StatusProposed {
			// The old date's recommendation is withdrawn, so nobody approves a date no longer meant.
			if err := withdrawTx(ctx, tx, v.RecommendationID, a); err != nil {
				return err
			}
		}
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_rescheduled",
			Summary: "site visit moved", ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": v.ID, "before": map[string]any{"starts_at": before, "status": status},
				"after": map[string]any{"starts_at": v.StartsAt, "status": StatusProposed}}}); err != nil {
			return err
		}
		return proposeTx(ctx, tx, v, a)
	})
}
