package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// MaxEntryMinutes is the longest one time entry may be: a day.
const MaxEntryMinutes = 24 * 60

// CloseDay is the day of the following month at whose end a month closes for billing: time for
// November can be logged, and removed, until the end of 5 December (the tenant's zone); after
// that the month's invoices are out and its time no longer changes, unless an owner reopens the
// month to correct it (ReopenMonth) until closing it again (CloseMonth).
const CloseDay = 5

// Entry is one stretch of time worked.
type Entry struct {
	ID, TicketID, ClientID int64 // TicketID 0: for the client, without a ticket
	UserID                 int64
	UserName               string
	Day                    string // YYYY-MM-DD, the tenant's zone
	StartedAt, EndedAt     int64  // 0: a duration typed in
	Minutes                int
	Billable               bool
	Note                   string
	CreatedAt              int64
	TicketNumber           int64  // filled by the lists
	TicketSubject          string // filled by the lists
	ClientName             string // filled by the lists
}

// Ref is the entry's ticket as people say it ("" without a ticket).
func (e *Entry) Ref() string {
	if e.TicketNumber == 0 {
		return ""
	}
	return FormatNumber(e.TicketNumber)
}

// Timer is a person's running timer.
type Timer struct {
	UserID, TicketID, ClientID int64
	UserName                   string
	StartedAt                  int64
	Billable                   bool
	Note                       string
	TicketNumber               int64
	TicketSubject              string
}

// Ref is the timer's ticket as people say it ("" without a ticket).
func (t *Timer) Ref() string {
	if t.TicketNumber == 0 {
		return ""
	}
	return FormatNumber(t.TicketNumber)
}

// Errors a person can act on.
var (
	// ErrTimerRunning: a person has one running timer; stop it before starting another.
	ErrTimerRunning = fault.Sentinel(fault.KindConflict, "msp_time.err.timer_running", "msp: a timer is already running")
	// ErrNoTimer: there is no running timer to stop.
	ErrNoTimer = fault.Sentinel(fault.KindConflict, "msp_time.err.no_timer", "msp: no timer running")
	// ErrNotYours: only the person who logged time, or an owner, removes it.
	ErrNotYours = fault.Sentinel(fault.KindForbidden, "msp_time.err.not_yours", "msp: not your time entry")
)

// FormatMinutes writes a duration in p's language: "1 h 30 min", "1 sa 30 dk", "45 min".
func FormatMinutes(p *i18n.Printer, m int) string { return p.Say(MinutesPhrase(m)) }

// MinutesPhrase is FormatMinutes's catalog key and arguments, for words said later (a banner).
func MinutesPhrase(m int) i18n.Phrase {
	h, mm := m/60, m%60
	switch {
	case h > 0 && mm > 0:
		return i18n.P("msp_time.dur.hm", h, mm)
	case h > 0:
		return i18n.P("msp_time.dur.h", h)
	}
	return i18n.P("msp_time.dur.m", mm)
}

// MonthClosed reports whether the month holding day (YYYY-MM-DD) is closed for billing on today
// by the calendar. Whether its time still changes also depends on a reopening: decisions use
// monthLocked (in the writing transaction) or LockedFunc (pages).
func MonthClosed(day, today string) bool {
	closes := closesOn(day)
	return closes != "" && today > closes
}

// FirstOpenMonth is the first month (YYYY-MM) not closed for billing on today by the calendar:
// last month until its CloseDay has passed, then this month. (An owner may reopen earlier ones.)
func FirstOpenMonth(today string) string {
	d, err := time.Parse(time.DateOnly, today)
	if err != nil || len(today) < 7 {
		return ""
	}
	last := time.Date(d.Year(), d.Month()-1, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	if !MonthClosed(last, today) {
		return last[:7]
	}
	return today[:7]
}

// MonthClosedError is the refusal of a change to time of a month closed for billing (Month,
// "2006-01"): its form says which month, since when, and that only an owner reopens it, beside the day;
// callers outside the panel get the conflict with its short message.
type MonthClosedError struct{ Month string }

func (e *MonthClosedError) Error() string { return "msp: month " + e.Month + " is closed for billing" }

// Fault is the conflict the APIs and the error page answer.
func (e *MonthClosedError) Fault() *fault.Error {
	return fault.Conflict("msp_time.err.month_closed", CloseDay).WithCode("month_closed")
}

// ClosedOn is the last day (YYYY-MM-DD) time of the month could still be changed.
func (e *MonthClosedError) ClosedOn() string { return closesOn(e.Month + "-01") }

// monthClosed is the refusal for an entry of day.
func monthClosed(day string) error {
	if len(day) < 7 {
		return &MonthClosedError{Month: day}
	}
	return &MonthClosedError{Month: day[:7]}
}

// closesOn is the last day time of day's month can be changed: CloseDay of the next month.
func closesOn(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	return time.Date(d.Year(), d.Month()+1, CloseDay, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// EntryInput is what the manual entry form sends, as typed. A start and an end (HH:MM on Day)
// win over a duration; without them Hours and Minutes give the duration.
type EntryInput struct {
	Ticket          string // "T-000123", "123" or ""
	TicketID        int64  // the ticket page's own ticket
	ClientID        int64  // for time without a ticket
	Day             string // YYYY-MM-DD
	Start, End      string // HH:MM
	Hours, Minutes  string
	Billable        bool
	Note            string
	Now             time.Time      // zero: time.Now()
	Loc             *time.Location // nil: the business's zone
	ticket          *Ticket
	start, end      time.Time
	minutes         int
	clientForTicket int64
	// overnight: the entry being changed ends on the day after its own (a timer that ran past
	// midnight), so an end clock before the start clock is read on that next day.
	overnight bool
	form      url.Values // the edit form with its was_ boxes, merged with the stored entry in ChangeEntry
}

// keepUntouched gives the boxes of the edit form (in.form) sent as the page drew them the stored
// entry's values: the day with its times or duration as one (they only mean something together),
// billable and the note each on its own, so a change keeps what someone else changed meanwhile.
func (in *EntryInput) keepUntouched(e *Entry) error {
	f := in.form
	if f == nil {
		return nil
	}
	cur := entryInputOf(e, in.Loc)
	stored := map[string]any{"note": cur.Note, "billable": ""}
	if cur.Billable {
		stored["billable"] = "1"
	}
	group := map[string]any{"day": cur.Day, "start": cur.Start, "end": cur.End, "hours": web.Number{Value: cur.Hours, Read: readCount},
		"minutes": web.Number{Value: cur.Minutes, Read: readCount}}
	err := web.JoinMeanwhile(web.KeepUntouchedGroup(f, group), web.KeepUntouched(f, stored))
	in.Day, in.Start, in.End, in.Hours, in.Minutes = f.Get("day"), f.Get("start"), f.Get("end"), f.Get("hours"), f.Get("minutes")
	in.Billable, in.Note = f.Get("billable") == "1", f.Get("note")
	return err
}

func parseClock(s string) (int, int, bool) {
	t, err := i18n.ParseTime("15:04", s, nil)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// readCount is parseCount as web.Number compares whole numbers ("02", "٢" and "2" are one).
func readCount(s string) (int64, bool) {
	n, ok := parseCount(s)
	return int64(n), ok
}

func parseCount(s string) (int, bool) {
	s = i18n.ASCIIDigits(strings.TrimSpace(s))
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// ticketOf resolves the ticket the form names; nil when none is named.
func ticketOf(ctx context.Context, q Querier, ref string, id int64) (*Ticket, bool, error) {
	if id == 0 {
		ref = strings.TrimSpace(ref)
		if ref == "" {
			return nil, true, nil
		}
		m := refMatch(ref)
		if m == nil {
			return nil, false, nil
		}
		n, _ := strconv.ParseInt(m[1], 10, 64)
		err := q.QueryRowContext(ctx, `SELECT id FROM msp_tickets WHERE number = ?`, n).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		}
		if err != nil {
			return nil, false, fmt.Errorf("msp: find ticket: %w", err)
		}
	}
	t, err := TicketByID(ctx, q, id)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil, false, nil
	}
	return t, err == nil, err
}

// check validates the input against the tenant's data (the ticket, the client, the closed
// months) and works out the entry's times; it returns the field errors.
func (in *EntryInput) check(ctx context.Context, q Querier) (fault.Fields, error) {
	var f fault.Fields
	if in.Now.IsZero() {
		in.Now = time.Now()
	}
	if in.Loc == nil {
		loc, err := hoursdb.Zone(ctx, q) // the business's days
		if err != nil {
			return f, err
		}
		in.Loc = loc
	}
	today := in.Now.In(in.Loc).Format(time.DateOnly)
	t, ok, err := ticketOf(ctx, q, in.Ticket, in.TicketID)
	if err != nil {
		return f, err
	}
	switch {
	case !ok:
		f.Add("ticket", "msp_time.err.ticket")
	case t != nil:
		in.ticket = t
		in.clientForTicket = t.ClientID
	case in.ClientID != 0:
		if _, err := ClientByID(ctx, q, in.ClientID); errors.Is(err, tenantdb.ErrNotFound) {
			f.Add("client", "msp_time.err.client")
		} else if err != nil {
			return f, err
		}
	default:
		f.Add("ticket", "msp_time.err.ticket_or_client")
	}
	in.Day = i18n.ASCIIDigits(strings.TrimSpace(in.Day))
	day, dayErr := time.ParseInLocation(time.DateOnly, in.Day, in.Loc)
	switch {
	case in.Day == "":
		f.Add("day", "validation.required")
	case dayErr != nil:
		f.Add("day", "validation.date")
	case in.Day > today:
		f.Add("day", "msp_time.err.future")
	}
	if dayErr == nil && in.Day <= today {
		locked, err := monthLocked(ctx, q, in.Day, today)
		if err != nil {
			return f, err
		}
		if locked {
			f.Add("day", "msp_time.err.month_closed", CloseDay)
		}
	}
	if strings.TrimSpace(in.Start) != "" || strings.TrimSpace(in.End) != "" {
		sh, sm, okS := parseClock(in.Start)
		eh, em, okE := parseClock(in.End)
		if !okS {
			f.Add("start", "msp_time.err.clock")
		}
		if !okE {
			f.Add("end", "msp_time.err.clock")
		}
		if okS && okE && dayErr == nil {
			in.start = time.Date(day.Year(), day.Month(), day.Day(), sh, sm, 0, 0, in.Loc)
			in.end = time.Date(day.Year(), day.Month(), day.Day(), eh, em, 0, 0, in.Loc)
			// An end before the start is the next day's clock when it is midnight (a time field
			// cannot hold 24:00: 22:00–00:00 is two hours) or the entry already ended the next day.
			if in.end.Before(in.start) && ((eh == 0 && em == 0) || in.overnight) {
				in.end = time.Date(day.Year(), day.Month(), day.Day()+1, eh, em, 0, 0, in.Loc)
			}
			switch {
			case !in.end.After(in.start):
				f.Add("end", "msp_time.err.end_before_start")
			case in.end.After(in.Now):
				f.Add("end", "msp_time.err.future")
			default:
				in.minutes = int(in.end.Sub(in.start).Minutes())
			}
		}
	} else {
		h, okH := parseCount(in.Hours)
		m, okM := parseCount(in.Minutes)
		switch {
		case !okH:
			f.Add("hours", "msp_time.err.whole")
		case !okM:
			f.Add("minutes", "msp_time.err.whole")
		case h < 0:
			f.Add("hours", "msp_time.err.negative")
		case m < 0:
			f.Add("minutes", "msp_time.err.negative")
		case h*60+m == 0:
			f.Add("hours", "msp_time.err.duration_required")
		case h*60+m > MaxEntryMinutes:
			f.Add("hours", "msp_time.err.too_long")
		default:
			in.minutes = h*60 + m
		}
	}
	in.Note = strings.TrimSpace(in.Note)
	if len([]rune(in.Note)) > 2000 {
		f.Add("note", "validation.too_long", 2000)
	}
	return f, nil
}

// checkDay checks a checked entry against the person's other entries of its day (self: the entry
// being changed, which does not collide with itself): a stretch with a start and an end may not
// overlap another such stretch, and one person's day holds at most MaxEntryMinutes. Entries typed
// as a duration only count toward the day's total. It runs in the writing transaction, so two
// saves at once cannot both slip past it.
func (in *EntryInput) checkDay(ctx context.Context, q Querier, userID, self int64) (fault.Fields, error) {
	var f fault.Fields
	others, err := listEntries(ctx, q, `e.user_id = ? AND e.work_day = ? AND e.id <> ?`, userID, in.Day, self)
	if err != nil {
		return f, err
	}
	logged, overlapped := 0, false
	for _, o := range others {
		logged += o.Minutes
		if in.start.IsZero() || o.StartedAt == 0 {
			continue
		}
		if in.start.UnixMilli() < o.EndedAt && o.StartedAt < in.end.UnixMilli() {
			from := time.UnixMilli(o.StartedAt).In(in.Loc).Format("15:04")
			to := time.UnixMilli(o.EndedAt).In(in.Loc).Format("15:04")
			if o.TicketNumber != 0 {
				f.Add("start", "msp_time.err.overlap_ticket", from, to, o.Ref())
			} else {
				f.Add("start", "msp_time.err.overlap_client", from, to, o.ClientName)
			}
			f.Add("end", "msp_time.err.overlap_end")
			overlapped = true
		}
	}
	// A timer that ran past midnight counts on the day it started, with its clock times: its
	// stretch reaches into the next day, where it must not be logged a second time (and a
	// stretch of the day before may reach into this one).
	if !in.start.IsZero() && !overlapped {
		d, err := time.Parse(time.DateOnly, in.Day)
		if err != nil {
			return f, fmt.Errorf("msp: entry day: %w", err)
		}
		near, err := listEntries(ctx, q, `e.user_id = ? AND e.work_day IN (?, ?) AND e.id <> ? AND e.started_at < ? AND e.ended_at > ?`,
			userID, d.AddDate(0, 0, -1).Format(time.DateOnly), d.AddDate(0, 0, 1).Format(time.DateOnly), self,
			in.end.UnixMilli(), in.start.UnixMilli())
		if err != nil {
			return f, err
		}
		if len(near) > 0 { // the first stretch it overlaps is named
			o := near[0]
			from := time.UnixMilli(o.StartedAt).In(in.Loc).Format("15:04")
			to := time.UnixMilli(o.EndedAt).In(in.Loc).Format("15:04")
			if o.TicketNumber != 0 {
				f.Add("start", "msp_time.err.overlap_ticket", from, to, o.Ref())
			} else {
				f.Add("start", "msp_time.err.overlap_client", from, to, o.ClientName)
			}
			f.Add("end", "msp_time.err.overlap_end")
		}
	}
	if logged+in.minutes > MaxEntryMinutes {
		field := "hours"
		if !in.start.IsZero() {
			field = "end"
		}
		f.Add(field, "msp_time.err.day_full", logged/60, logged%60)
	}
	return f, nil
}

// AddEntry stores one time entry typed in by hand (see EntryInput), with its action log. Bad
// input returns field errors and stores nothing.
func AddEntry(ctx context.Context, db *tenantdb.DB, in EntryInput, a Actor) (*Entry, error) {
	var e *Entry
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		f, err := in.check(ctx, tx)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if f, err = in.checkDay(ctx, tx, a.UserID, 0); err != nil {
			return err
		} else if err := f.Err(); err != nil {
			return err
		}
		e = &Entry{ClientID: in.ClientID, UserID: a.UserID, UserName: a.Name, Day: in.Day, Minutes: in.minutes,
			Billable: in.Billable, Note: in.Note}
		if in.ticket != nil {
			e.TicketID, e.ClientID = in.ticket.ID, in.clientForTicket
		}
		if !in.start.IsZero() {
			e.StartedAt, e.EndedAt = in.start.UnixMilli(), in.end.UnixMilli()
		}
		if err := insertEntry(ctx, tx, e, "time_logged", a); err != nil {
			return err
		}
		// The time form, sent once: a resend logs the time once, and shows the first entry's page.
		to := "/app/msp/time?week=" + url.QueryEscape(WeekOf(mustDay(e.Day)))
		if e.TicketID != 0 {
			to = "/app/msp/tickets/" + strconv.FormatInt(e.TicketID, 10) + "/time"
		}
		return web.SpendOnce(ctx, tx, e.ID, to)
	})
	return e, err
}

func insertEntry(ctx context.Context, tx *sql.Tx, e *Entry, action string, a Actor) error {
	now := tenantdb.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO msp_time_entries(ticket_id, client_id, user_id, user_name, work_day, started_at, ended_at,
		minutes, billable, note, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`, nullID(e.TicketID), nullID(e.ClientID),
		e.UserID, e.UserName, e.Day, nullID(e.StartedAt), nullID(e.EndedAt), e.Minutes, e.Billable, e.Note, now, now)
	if err != nil {
		return fmt.Errorf("msp: insert time entry: %w", err)
	}
	e.ID, _ = res.LastInsertId()
	e.CreatedAt = now
	if err := countEntry(ctx, tx, e.ID); err != nil { // the contract its time counts against
		return err
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: action, Summary: fmt.Sprintf("%d min %s", e.Minutes, e.Day),
		ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"entry_id": e.ID,
			"ticket_id": e.TicketID, "client_id": e.ClientID, "minutes": e.Minutes, "billable": e.Billable, "work_day": e.Day}})
	return err
}

// DeleteEntry removes a time entry: the person's own, or anyone's for an owner; never in a
// closed month.
func DeleteEntry(ctx context.Context, db *tenantdb.DB, id int64, owner bool, loc *time.Location, a Actor) (*Entry, error) {
	var e *Entry
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if e, err = EntryByID(ctx, tx, id); err != nil {
			return err
		}
		if e.UserID != a.UserID && !owner {
			return ErrNotYours
		}
		if locked, err := monthLocked(ctx, tx, e.Day, time.Now().In(loc).Format(time.DateOnly)); err != nil {
			return err
		} else if locked {
			return monthClosed(e.Day)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM msp_time_entries WHERE id = ?`, id); err != nil {
			return fmt.Errorf("msp: delete time entry: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "time_removed", Summary: fmt.Sprintf("%d min %s", e.Minutes, e.Day),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"entry_id": e.ID,
				"ticket_id": e.TicketID, "client_id": e.ClientID, "user_id": e.UserID, "minutes": e.Minutes, "work_day": e.Day,
				"before": entryLog(e)}})
		return err
	})
	return e, err
}

// ChangeEntry changes a time entry's day, times or duration, billable flag and note (its ticket or
// client stays): the person's own, or anyone's for an owner; never in a closed month, neither the
// day it had nor the day it gets. Bad input returns field errors and changes nothing; the action
// log keeps the entry before and after.
func ChangeEntry(ctx context.Context, db *tenantdb.DB, id int64, in EntryInput, owner bool, a Actor) (*Entry, *Entry, error) {
	var before, after *Entry
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if before, err = EntryByID(ctx, tx, id); err != nil {
			return err
		}
		if before.UserID != a.UserID && !owner {
			return ErrNotYours
		}
		if in.Now.IsZero() {
			in.Now = time.Now()
		}
		if in.Loc == nil {
			if in.Loc, err = hoursdb.Zone(ctx, tx); err != nil {
				return err
			}
		}
		if err := in.keepUntouched(before); err != nil {
			return err // changed meanwhile by someone else too: nothing stored, the form says what
		}
		if locked, err := monthLocked(ctx, tx, before.Day, in.Now.In(in.Loc).Format(time.DateOnly)); err != nil {
			return err
		} else if locked {
			return monthClosed(before.Day)
		}
		in.Ticket, in.TicketID, in.ClientID = "", before.TicketID, before.ClientID
		in.overnight = before.EndedAt != 0 && time.UnixMilli(before.EndedAt).In(in.Loc).Format(time.DateOnly) > before.Day
		f, err := in.check(ctx, tx)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		if f, err = in.checkDay(ctx, tx, before.UserID, before.ID); err != nil {
			return err
		} else if err := f.Err(); err != nil {
			return err
		}
		e := *before
		after = &e
		after.Day, after.Minutes, after.Billable, after.Note = in.Day, in.minutes, in.Billable, in.Note
		after.StartedAt, after.EndedAt = 0, 0
		if !in.start.IsZero() {
			after.StartedAt, after.EndedAt = in.start.UnixMilli(), in.end.UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE msp_time_entries SET work_day = ?, started_at = ?, ended_at = ?, minutes = ?, billable = ?,
			note = ?, updated_at = ? WHERE id = ?`, after.Day, nullID(after.StartedAt), nullID(after.EndedAt), after.Minutes, after.Billable,
			after.Note, tenantdb.Now(), id); err != nil {
			return fmt.Errorf("msp: change time entry: %w", err)
		}
		if err := countEntry(ctx, tx, id); err != nil { // its day may fall under another contract
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "time_changed",
			Summary:   fmt.Sprintf("%d min %s → %d min %s", before.Minutes, before.Day, after.Minutes, after.Day),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"entry_id": id,
				"ticket_id": before.TicketID, "client_id": before.ClientID, "user_id": before.UserID,
				"before": entryLog(before), "after": entryLog(after)}})
		return err
	})
	return before, after, err
}

// entryLog is what the action log keeps of an entry's changeable parts.
func entryLog(e *Entry) map[string]any {
	return map[string]any{"work_day": e.Day, "minutes": e.Minutes, "billable": e.Billable, "note": e.Note,
		"started_at": e.StartedAt, "ended_at": e.EndedAt}
}

const entryCols = `e.id, coalesce(e.ticket_id,0), coalesce(e.client_id,0), e.user_id, e.user_name, e.work_day, coalesce(e.started_at,0),
	coalesce(e.ended_at,0), e.minutes, e.billable, e.note, e.created_at, coalesce(t.number,0), coalesce(t.subject,'')`

func listEntries(ctx context.Context, q Querier, where string, args ...any) ([]*Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+entryCols+` FROM msp_time_entries e LEFT JOIN msp_tickets t ON t.id = e.ticket_id
		WHERE `+where+` ORDER BY e.work_day, coalesce(e.started_at, e.created_at), e.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("msp: time entries: %w", err)
	}
	defer rows.Close()
	var out []*Entry
	var clients []int64
	for rows.Next() {
		e := &Entry{}
		if err := rows.Scan(&e.ID, &e.TicketID, &e.ClientID, &e.UserID, &e.UserName, &e.Day, &e.StartedAt, &e.EndedAt, &e.Minutes,
			&e.Billable, &e.Note, &e.CreatedAt, &e.TicketNumber, &e.TicketSubject); err != nil {
			return nil, fmt.Errorf("msp: time entries: %w", err)
		}
		out = append(out, e)
		clients = append(clients, e.ClientID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: time entries: %w", err)
	}
	names, err := clientNames(ctx, q, clients)
	if err != nil {
		return nil, err
	}
	for _, e := range out {
		e.ClientName = names[e.ClientID]
	}
	return out, nil
}

// EntryByID reads one entry; tenantdb.ErrNotFound when absent.
func EntryByID(ctx context.Context, q Querier, id int64) (*Entry, error) {
	es, err := listEntries(ctx, q, `e.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, tenantdb.ErrNotFound
	}
	return es[0], nil
}

// TicketEntries lists a ticket's time entries, oldest first.
func TicketEntries(ctx context.Context, q Querier, ticketID int64) ([]*Entry, error) {
	return listEntries(ctx, q, `e.ticket_id = ?`, ticketID)
}

// Day is one day of a timesheet.
type Day struct {
	Date                  string // YYYY-MM-DD
	Entries               []*Entry
	Billable, NonBillable int // minutes
}

// Total is the day's minutes.
func (d Day) Total() int { return d.Billable + d.NonBillable }

// Sheet is one person's week.
type Sheet struct {
	UserID                int64
	Week                  string // ISO week, 2026-W49
	Monday                string
	Days                  []Day // Monday to Sunday
	Billable, NonBillable int
}

// Total is the week's minutes.
func (s Sheet) Total() int { return s.Billable + s.NonBillable }

// ParseWeek reads an ISO week ("2026-W49") and returns its Monday; ok false when it is not one.
func ParseWeek(s string) (time.Time, bool) {
	var y, w int
	if n, err := fmt.Sscanf(i18n.ASCIIDigits(strings.TrimSpace(s)), "%4d-W%2d", &y, &w); n != 2 || err != nil || w < 1 || w > 53 || y < 2000 || y > 2200 {
		return time.Time{}, false
	}
	jan4 := time.Date(y, 1, 4, 0, 0, 0, 0, time.UTC)
	monday := jan4.AddDate(0, 0, -((int(jan4.Weekday())+6)%7)+(w-1)*7)
	if yy, ww := monday.ISOWeek(); yy != y || ww != w {
		return time.Time{}, false
	}
	return monday, true
}

// WeekOf is the ISO week ("2026-W49") holding day.
func WeekOf(day time.Time) string {
	y, w := day.ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

// Timesheet reads a person's week starting on monday (a UTC midnight).
func Timesheet(ctx context.Context, q Querier, userID int64, monday time.Time) (*Sheet, error) {
	s := &Sheet{UserID: userID, Week: WeekOf(monday), Monday: monday.Format(time.DateOnly)}
	idx := map[string]int{}
	for i := range 7 {
		d := monday.AddDate(0, 0, i).Format(time.DateOnly)
		s.Days = append(s.Days, Day{Date: d})
		idx[d] = i
	}
	es, err := listEntries(ctx, q, `e.user_id = ? AND e.work_day BETWEEN ? AND ?`, userID, s.Days[0].Date, s.Days[6].Date)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		d := &s.Days[idx[e.Day]]
		d.Entries = append(d.Entries, e)
		if e.Billable {
			d.Billable += e.Minutes
			s.Billable += e.Minutes
		} else {
			d.NonBillable += e.Minutes
			s.NonBillable += e.Minutes
		}
	}
	return s, nil
}

// RunningTimer reads a person's running timer; nil when none runs.
func RunningTimer(ctx context.Context, q Querier, userID int64) (*Timer, error) {
	t := &Timer{}
	err := q.QueryRowContext(ctx, `SELECT r.user_id, r.user_name, coalesce(r.ticket_id,0), coalesce(r.client_id,0), r.started_at, r.billable,
		r.note, coalesce(t.number,0), coalesce(t.subject,'') FROM msp_timers r LEFT JOIN msp_tickets t ON t.id = r.ticket_id
		WHERE r.user_id = ?`, userID).Scan(&t.UserID, &t.UserName, &t.TicketID, &t.ClientID, &t.StartedAt, &t.Billable, &t.Note,
		&t.TicketNumber, &t.TicketSubject)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("msp: timer: %w", err)
	}
	return t, nil
}

// StartTimer starts a person's timer on a ticket; a person has one running timer
// (ErrTimerRunning while another runs).
func StartTimer(ctx context.Context, db *tenantdb.DB, ticketID int64, billable bool, note string, a Actor) (*Timer, error) {
	var out *Timer
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := TicketByID(ctx, tx, ticketID)
		if errors.Is(err, tenantdb.ErrNotFound) {
			return fault.InvalidField("ticket", "msp_time.err.ticket")
		}
		if err != nil {
			return err
		}
		note = strings.TrimSpace(note)
		if len([]rune(note)) > 2000 {
			return fault.InvalidField("note", "validation.too_long", 2000)
		}
		if running, err := RunningTimer(ctx, tx, a.UserID); err != nil {
			return err
		} else if running != nil {
			return ErrTimerRunning
		}
		now := tenantdb.Now()
		// The person is the key: a second timer started at the same moment finds the row taken.
		res, err := tx.ExecContext(ctx, `INSERT INTO msp_timers(user_id, user_name, ticket_id, client_id, started_at, billable, note)
			VALUES(?,?,?,?,?,?,?) ON CONFLICT(user_id) DO NOTHING`, a.UserID, a.Name, t.ID, nullID(t.ClientID), now, billable, note)
		if err != nil {
			return fmt.Errorf("msp: start timer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrTimerRunning
		}
		out = &Timer{UserID: a.UserID, UserName: a.Name, TicketID: t.ID, ClientID: t.ClientID, StartedAt: now, Billable: billable,
			Note: note, TicketNumber: t.Number, TicketSubject: t.Subject}
		return nil
	})
	return out, err
}

// StopTimer stops a person's timer and writes its time entry (whole minutes, at least one),
// counted on the day it started in loc. A timer that ran longer than a day is refused: discard it
// and type the time in.
func StopTimer(ctx context.Context, db *tenantdb.DB, loc *time.Location, a Actor) (*Entry, error) {
	var e *Entry
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		t, err := RunningTimer(ctx, tx, a.UserID)
		if err != nil {
			return err
		}
		if t == nil {
			return ErrNoTimer
		}
		now := tenantdb.Now()
		minutes := int((now - t.StartedAt + 59_999) / 60_000)
		if minutes > MaxEntryMinutes {
			return fault.InvalidField("timer", "msp_time.err.timer_too_long")
		}
		minutes = max(1, minutes)
		e = &Entry{TicketID: t.TicketID, ClientID: t.ClientID, UserID: a.UserID, UserName: a.Name,
			Day: time.UnixMilli(t.StartedAt).In(loc).Format(time.DateOnly), StartedAt: t.StartedAt, EndedAt: max(now, t.StartedAt+1),
			Minutes: minutes, Billable: t.Billable, Note: t.Note}
		// The clocked stretch meets the same day rules as a typed one. A collision is refused and
		// the timer keeps running: which of the two stretches is right only the person knows, and
		// trimming would silently change billed time.
		in := EntryInput{Day: e.Day, Loc: loc, start: time.UnixMilli(e.StartedAt), end: time.UnixMilli(e.EndedAt), minutes: minutes}
		f, err := in.checkDay(ctx, tx, a.UserID, 0)
		if err != nil {
			return err
		}
		for _, fe := range f {
			switch fe.Key {
			case "msp_time.err.overlap_ticket", "msp_time.err.overlap_client", "msp_time.err.day_full":
				return fault.Conflict("msp_time.err.timer_"+strings.TrimPrefix(fe.Key, "msp_time.err."), fe.Args...)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM msp_timers WHERE user_id = ?`, a.UserID); err != nil {
			return fmt.Errorf("msp: stop timer: %w", err)
		}
		return insertEntry(ctx, tx, e, "time_clocked", a)
	})
	return e, err
}

// DiscardTimer throws a person's running timer away without writing time.
func DiscardTimer(ctx context.Context, db *tenantdb.DB, a Actor) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM msp_timers WHERE user_id = ?`, a.UserID)
		if err != nil {
			return fmt.Errorf("msp: discard timer: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNoTimer
		}
		return nil
	})
}
