package msp

// Importing tickets of the past (the demo's six months, a move from another helpdesk): a ticket
// with its whole story — status changes, public replies, notes and time worked — written in one
// go with the times it really had. The live paths (CreateTx, SetStatusTx, Reply, AddEntry) stamp
// "now" and refuse closed months, so they cannot write history; this file writes the same rows
// (ticket, timeline, SLA history and pauses, time entries) from the story's own times. There is
// no action log row per ticket (the importer writes one for the batch) and no assistant work.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"highvibe/app/fault"
	"highvibe/app/inbox"
)

// HistoricTicket is one past ticket: what the ticket form would have held, when it was opened,
// and what happened to it, oldest first.
type HistoricTicket struct {
	NewTicket
	CreatedAt time.Time
	CreatedBy Actor
	Steps     []HistoricStep
	Time      []HistoricTime
}

// HistoricStep is one thing that happened to a ticket: a status change (Kind "status", To the
// new status), a public reply ("reply", Body) or an internal note ("note", Body).
type HistoricStep struct {
	At    time.Time
	Kind  string
	To    string
	Body  string
	Actor Actor
}

// HistoricTime is time worked on the ticket: Day is the day it counts for (YYYY-MM-DD in the
// tenant's zone), StartedAt when it was clocked (zero: a duration typed in).
type HistoricTime struct {
	Day       string
	StartedAt time.Time
	Minutes   int
	Billable  bool
	Note      string
	Actor     Actor
}

// InsertHistoryTx writes a past ticket with its story inside tx and returns it. The story must
// be possible (each status move allowed by the status graph, times not going back, replies and
// notes not empty); bad input returns field errors and the caller's transaction rolls back.
// The SLA history (opened, first reply, pauses while waiting on the customer, resolved) comes
// from the steps; the SLA job is asked to look at the running tickets once now.
func InsertHistoryTx(ctx context.Context, tx *sql.Tx, h *HistoricTicket) (*Ticket, error) {
	n := h.NewTicket
	f := n.validate()
	if err := checkRefs(ctx, tx, nil, &n.ClientID, &n.SiteID, &n.DeviceID, &f); err != nil {
		return nil, err
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Walk the story first: the ticket's final state and its SLA history.
	status, last := StatusNew, h.CreatedAt
	statusAt := h.CreatedAt
	var resolvedAt, closedAt, firstReply time.Time
	type pause struct {
		reason   string
		from, to time.Time
	}
	var pauses []pause
	for i, s := range h.Steps {
		if s.At.Before(last) {
			return nil, fmt.Errorf("msp: history step %d goes back in time", i)
		}
		last = s.At
		switch s.Kind {
		case "status":
			if status == StatusClosed || !CanMove(status, s.To) {
				return nil, fmt.Errorf("msp: history step %d: %s → %s: %w", i, status, s.To, ErrTransition)
			}
			if status == StatusWaitingCustomer {
				pauses[len(pauses)-1].to = s.At
			}
			if status == StatusResolved && s.To != StatusClosed {
				pauses = append(pauses, pause{PauseResolved, resolvedAt, s.At})
				resolvedAt = time.Time{}
			}
			switch s.To {
			case StatusWaitingCustomer:
				pauses = append(pauses, pause{reason: PauseWaitingCustomer, from: s.At})
			case StatusResolved:
				resolvedAt = s.At
			case StatusClosed:
				closedAt = s.At
				if resolvedAt.IsZero() {
					resolvedAt = s.At
				}
			}
			status, statusAt = s.To, s.At
		case "reply", "note":
			if s.Body == "" || len([]rune(s.Body)) > maxText {
				return nil, fault.InvalidField("steps", "validation.required")
			}
			if s.Kind == "reply" && firstReply.IsZero() {
				firstReply = s.At
			}
		default:
			return nil, fmt.Errorf("msp: history step %d: unknown kind %q", i, s.Kind)
		}
	}
	// A ticket that came from a conversation has its lead as the requester, as a live one does.
	var leadID int64
	if n.ConversationID != 0 {
		c, err := inbox.ConversationByID(ctx, tx, n.ConversationID)
		if err != nil {
			return nil, fmt.Errorf("msp: past ticket's conversation: %w", err)
		}
		leadID = c.LeadID
	}
	num, err := nextNumber(ctx, tx)
	if err != nil {
		return nil, err
	}
	created := h.CreatedAt.UnixMilli()
	res, err := tx.ExecContext(ctx, `INSERT INTO msp_tickets(number, subject, description, client_id, site_id, device_id, lead_id,
		conversation_id, category, priority, status, assignee_user_id, created_by_name, created_at, updated_at, status_at, resolved_at,
		closed_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, num, n.Subject, n.Description, nullID(n.ClientID), nullID(n.SiteID),
		nullID(n.DeviceID), nullID(leadID), nullID(n.ConversationID), n.Category, n.Priority, status, nullID(n.AssigneeID), h.CreatedBy.Name,
		created, last.UnixMilli(), statusAt.UnixMilli(), msOrNil(resolvedAt), msOrNil(closedAt))
	if err != nil {
		return nil, fmt.Errorf("msp: insert past ticket: %w", err)
	}
	id, _ := res.LastInsertId()
	t := &Ticket{ID: id, Number: num, Subject: n.Subject, Description: n.Description, ClientID: n.ClientID, SiteID: n.SiteID,
		DeviceID: n.DeviceID, LeadID: leadID, ConversationID: n.ConversationID, Category: n.Category, Priority: n.Priority, Status: status,
		AssigneeID: n.AssigneeID, CreatedByName: h.CreatedBy.Name, CreatedAt: created, UpdatedAt: last.UnixMilli(),
		StatusAt: statusAt.UnixMilli(), ResolvedAt: resolvedAt.UnixMilli(), ClosedAt: closedAt.UnixMilli()}
	if resolvedAt.IsZero() {
		t.ResolvedAt = 0
	}
	if closedAt.IsZero() {
		t.ClosedAt = 0
	}
	by := h.CreatedBy
	if err := addEvent(ctx, tx, Event{TicketID: id, Kind: "created", To: StatusNew, Body: n.Subject, ActorID: by.UserID, ActorName: by.Name}, created); err != nil {
		return nil, err
	}
	if n.AssigneeID != 0 {
		if err := addEvent(ctx, tx, Event{TicketID: id, Kind: "assigned", To: fmt.Sprint(n.AssigneeID), ActorID: by.UserID, ActorName: by.Name}, created); err != nil {
			return nil, err
		}
	}
	from := StatusNew
	for _, s := range h.Steps {
		e := Event{TicketID: id, Kind: s.Kind, Body: s.Body, ActorID: s.Actor.UserID, ActorName: s.Actor.Name}
		if s.Kind == "status" {
			e.From, e.To, e.Body = from, s.To, ""
			from = s.To
		}
		if err := addEvent(ctx, tx, e, s.At.UnixMilli()); err != nil {
			return nil, err
		}
	}
	running := t.Open()
	if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_sla (ticket_id, policy_id, opened_at, first_response_at, resolved_at, running)
		VALUES (?, (SELECT id FROM msp_sla_policies WHERE is_default = 1), ?, ?, ?, ?)`, id, created, msOrNil(firstReply),
		msOrNil(resolvedAt), running); err != nil {
		return nil, fmt.Errorf("msp: past ticket sla: %w", err)
	}
	if err := freezeSLATargets(ctx, tx, id); err != nil { // a resolved one keeps its targets
		return nil, err
	}
	for _, p := range pauses {
		if _, err := tx.ExecContext(ctx, `INSERT INTO msp_ticket_sla_pauses (ticket_id, reason, from_at, to_at) VALUES (?, ?, ?, ?)`,
			id, p.reason, p.from.UnixMilli(), msOrNil(p.to)); err != nil {
			return nil, fmt.Errorf("msp: past ticket sla pause: %w", err)
		}
	}
	if err := freezeSLAElapsed(ctx, tx, id, last); err != nil { // ... and the business time it took
		return nil, err
	}
	for _, w := range h.Time {
		if w.Minutes < 1 || w.Minutes > MaxEntryMinutes || !validDay(w.Day) {
			return nil, fault.InvalidField("time", "msp_time.err.number")
		}
		e := &Entry{TicketID: id, ClientID: n.ClientID, UserID: w.Actor.UserID, UserName: w.Actor.Name, Day: w.Day,
			Minutes: w.Minutes, Billable: w.Billable, Note: w.Note}
		at := created
		if !w.StartedAt.IsZero() {
			e.StartedAt = w.StartedAt.UnixMilli()
			e.EndedAt = w.StartedAt.Add(time.Duration(w.Minutes) * time.Minute).UnixMilli()
			at = e.EndedAt
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO msp_time_entries(ticket_id, client_id, user_id, user_name, work_day, started_at,
			ended_at, minutes, billable, note, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)`, id, nullID(e.ClientID),
			e.UserID, e.UserName, e.Day, nullID(e.StartedAt), nullID(e.EndedAt), e.Minutes, e.Billable, e.Note, at, at)
		if err != nil {
			return nil, fmt.Errorf("msp: past time entry: %w", err)
		}
		// Counted against the contract covering it by the contracts as they are (the import's).
		entryID, _ := res.LastInsertId()
		if err := countEntry(ctx, tx, entryID); err != nil {
			return nil, err
		}
	}
	if running {
		if err := kickSLA(ctx, tx, time.Now()); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// msOrNil is t in Unix ms, or NULL for the zero time.
func msOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}
