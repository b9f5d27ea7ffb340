package msp

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Limits of a ticket's texts, as the schema checks them.
const (
	maxSubject = 200
	maxText    = 8000
)

// Errors a person can act on.
var (
	// ErrTransition: the ticket cannot move from its status to the one asked for.
	ErrTransition = fault.Sentinel(fault.KindConflict, "msp.err.transition", "msp: status transition not allowed")
	// ErrClosed: a closed ticket no longer changes.
	ErrClosed = fault.Sentinel(fault.KindConflict, "msp.err.closed", "msp: ticket is closed")
	// ErrNoConversation: a public reply needs a conversation linked to the ticket.
	ErrNoConversation = fault.Sentinel(fault.KindConflict, "msp.err.no_conversation", "msp: ticket has no conversation")
)

// NewTicket is what the ticket form (or "turn this conversation into a ticket") asks for.
type NewTicket struct {
	Subject, Description       string
	ClientID, SiteID, DeviceID int64
	ConversationID             int64 // the conversation it came from (its lead becomes the requester)
	Category, Priority         string
	AssigneeID                 int64
	// Members are the user ids that may be assigned (the tenant's active members); nil skips the check.
	Members []int64
}

func (n *NewTicket) validate() fault.Fields {
	var f fault.Fields
	n.Subject, n.Description = strings.TrimSpace(n.Subject), strings.TrimSpace(n.Description)
	switch l := len([]rune(n.Subject)); {
	case l == 0:
		f.Add("subject", "validation.required")
	case l > maxSubject:
		f.Add("subject", "validation.too_long", maxSubject)
	}
	if len([]rune(n.Description)) > maxText {
		f.Add("description", "validation.too_long", maxText)
	}
	if n.Category == "" {
		n.Category = "other"
	}
	if !slices.Contains(Categories, n.Category) {
		f.Add("category", "msp.err.category")
	}
	if n.Priority == "" {
		n.Priority = P3
	}
	if !slices.Contains(Priorities, n.Priority) {
		f.Add("priority", "msp.err.priority")
	}
	if n.AssigneeID != 0 && n.Members != nil && !slices.Contains(n.Members, n.AssigneeID) {
		f.Add("assignee", "msp.err.assignee")
	}
	return f
}

// checkRefs checks that the client, site and device exist and belong together; a site or device
// without a client gives the ticket their client. was is the ticket being changed (nil for a new
// one): the device and the site it already has with the same client are kept as they are, even
// when that device or site went to another client since (moved on its own form or by an import),
// so the ticket's other details can still be changed.
func checkRefs(ctx context.Context, tx *sql.Tx, was *Ticket, clientID, siteID, deviceID *int64, f *fault.Fields) error {
	keptDevice := was != nil && *clientID == was.ClientID && *deviceID == was.DeviceID
	if *deviceID != 0 && !keptDevice {
		d, err := DeviceByID(ctx, tx, *deviceID)
		switch {
		case err == tenantdb.ErrNotFound:
			f.Add("device", "msp.err.device")
		case err != nil:
			return err
		default:
			if *clientID == 0 {
				*clientID = d.ClientID
			}
			if d.ClientID != *clientID {
				f.Add("device", "msp.err.device_client")
			}
			if *siteID == 0 {
				*siteID = d.SiteID
			}
		}
	}
	keptSite := was != nil && *clientID == was.ClientID && *siteID == was.SiteID
	if *siteID != 0 && !keptSite {
		s, err := SiteByID(ctx, tx, *siteID)
		switch {
		case err == tenantdb.ErrNotFound:
			f.Add("site", "msp.err.site")
		case err != nil:
			return err
		default:
			if *clientID == 0 {
				*clientID = s.ClientID
			}
			if s.ClientID != *clientID {
				f.Add("site", "msp.err.site_client")
			}
		}
	}
	if *clientID != 0 {
		if _, err := ClientByID(ctx, tx, *clientID); err == tenantdb.ErrNotFound {
			f.Add("client", "msp.err.client")
		} else if err != nil {
			return err
		}
	}
	return nil
}

// nextNumber takes the tenant's next ticket number inside tx: a rollback gives it back.
func nextNumber(ctx context.Context, tx *sql.Tx) (int64, error) {
	var n int64
	if err := tx.QueryRowContext(ctx, `UPDATE msp_ticket_numbers SET last = last + 1 WHERE id = 1 RETURNING last`).Scan(&n); err != nil {
		return 0, fmt.Errorf("msp: ticket number: %w", err)
	}
	return n, nil
}

// Create stores a new ticket with its number, its "created" timeline line (and "assigned" when it
// has an assignee), an action log and the status hooks ("" → new), in one transaction. Bad input
// returns field errors and stores nothing (the number is not used up).
func Create(ctx context.Context, db *tenantdb.DB, n NewTicket, a Actor) (*Ticket, error) {
	var t *Ticket
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		t, err = CreateTx(ctx, tx, n, a)
		return err
	})
	return t, err
}

// CreateTx is Create inside the caller's transaction.
func CreateTx(ctx context.Context, tx *sql.Tx, n NewTicket, a Actor) (*Ticket, error) {
	f := n.validate()
	if err := checkRefs(ctx, tx, nil, &n.ClientID, &n.SiteID, &n.DeviceID, &f); err != nil {
		return nil, err
	}
	var leadID int64
	if n.ConversationID != 0 {
		c, err := inbox.ConversationByID(ctx, tx, n.ConversationID)
		if err == tenantdb.ErrNotFound {
			f.Add("conversation", "msp.err.conversation")
		} else if err != nil {
			return nil, err
		} else {
			leadID = c.LeadID
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	num, err := nextNumber(ctx, tx)
	if err != nil {
		return nil, err
	}
	now := tenantdb.Now()
	res, err := tx.ExecContext(ctx, `INSERT INTO msp_tickets(number, subject, description, client_id, site_id, device_id, lead_id,
		conversation_id, category, priority, status, assignee_user_id, created_by_name, created_at, updated_at, status_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, num, n.Subject, n.Description, nullID(n.ClientID), nullID(n.SiteID),
		nullID(n.DeviceID), nullID(leadID), nullID(n.ConversationID), n.Category, n.Priority, StatusNew, nullID(n.AssigneeID),
		a.Name, now, now, now)
	if err != nil {
		return nil, fmt.Errorf("msp: insert ticket: %w", err)
	}
	id, _ := res.LastInsertId()
	// The new-ticket form, sent once: a resend opens the first ticket (its number not used twice).
	if err := web.SpendOnce(ctx, tx, id, "/app/msp/tickets/"+strconv.FormatInt(id, 10)+"/"); err != nil {
		return nil, err
	}
	t := &Ticket{ID: id, Number: num, Subject: n.Subject, Description: n.Description, ClientID: n.ClientID, SiteID: n.SiteID,
		DeviceID: n.DeviceID, LeadID: leadID, ConversationID: n.ConversationID, Category: n.Category, Priority: n.Priority,
		Status: StatusNew, AssigneeID: n.AssigneeID, CreatedByName: a.Name, CreatedAt: now, UpdatedAt: now, StatusAt: now}
	if err := addEvent(ctx, tx, Event{TicketID: id, Kind: "created", To: StatusNew, Body: t.Subject, ActorID: a.UserID,
		ActorName: a.Name}, now); err != nil {
		return nil, err
	}
	if t.AssigneeID != 0 {
		if err := addEvent(ctx, tx, Event{TicketID: id, Kind: "assigned", To: fmt.Sprint(t.AssigneeID), ActorID: a.UserID,
			ActorName: a.Name}, now); err != nil {
			return nil, err
		}
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_created", Summary: t.Ref() + " " + t.Subject,
		ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: t.ConversationID,
		Payload: map[string]any{"ticket_id": id, "number": num, "priority": t.Priority, "category": t.Category,
			"client_id": t.ClientID, "assignee_user_id": t.AssigneeID}}); err != nil {
		return nil, err
	}
	if err := runStatusHooks(ctx, tx, StatusChange{Ticket: t, From: "", To: StatusNew, At: now, Actor: a}); err != nil {
		return nil, err
	}
	return t, nil
}

// change runs f on a ticket read inside a transaction; a closed ticket refuses (ErrClosed)
// unless f is allowed on closed ones.
func change(ctx context.Context, db *tenantdb.DB, id int64, f func(tx *sql.Tx, t *Ticket) error) (*Ticket, error) {
	var t *Ticket
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if t, err = TicketByID(ctx, tx, id); err != nil {
			return err
		}
		return f(tx, t)
	})
	return t, err
}

// SetStatus moves a ticket to status to (see SetStatusTx) in its own transaction.
func SetStatus(ctx context.Context, db *tenantdb.DB, id int64, to string, a Actor) (*Ticket, error) {
	return change(ctx, db, id, func(tx *sql.Tx, t *Ticket) error { return SetStatusTx(ctx, tx, t, to, a) })
}

// SetStatusTx is THE way a ticket's status changes: it checks the move against the status graph
// (CanMove), writes the status with its time (resolved_at / closed_at on those moves; reopening
// clears resolved_at), the timeline line and the action log, and runs the OnStatusChange hooks,
// all inside tx. Moving to the status a ticket already has is no change and returns nil.
func SetStatusTx(ctx context.Context, tx *sql.Tx, t *Ticket, to string, a Actor) error {
	if t.Status == to {
		return nil
	}
	if !ValidStatus(to) {
		return fault.InvalidField("status", "msp.err.status")
	}
	if t.Status == StatusClosed {
		return ErrClosed
	}
	if !CanMove(t.Status, to) {
		return ErrTransition
	}
	from, now := t.Status, tenantdb.Now()
	resolved, closed := any(nil), any(nil)
	switch to {
	case StatusResolved:
		resolved = now
	case StatusClosed:
		closed = now
		if t.ResolvedAt != 0 {
			resolved = t.ResolvedAt
		} else {
			resolved = now
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET status = ?, status_at = ?, updated_at = ?, resolved_at = ?, closed_at = ?
		WHERE id = ? AND status = ?`, to, now, now, resolved, closed, t.ID, from); err != nil {
		return fmt.Errorf("msp: status: %w", err)
	}
	t.Status, t.StatusAt, t.UpdatedAt = to, now, now
	t.ResolvedAt, t.ClosedAt = 0, 0
	if v, ok := resolved.(int64); ok {
		t.ResolvedAt = v
	}
	if v, ok := closed.(int64); ok {
		t.ClosedAt = v
	}
	if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "status", From: from, To: to, ActorID: a.UserID, ActorName: a.Name}, now); err != nil {
		return err
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_status", Summary: t.Ref() + " " + from + " → " + to,
		ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: t.ConversationID,
		Payload: map[string]any{"ticket_id": t.ID, "status_before": from, "status_after": to}}); err != nil {
		return err
	}
	return runStatusHooks(ctx, tx, StatusChange{Ticket: t, From: from, To: to, At: now, Actor: a})
}

// Assign gives a ticket to a member (0: nobody). members, when not nil, are who may be assigned.
func Assign(ctx context.Context, db *tenantdb.DB, id, userID int64, members []int64, a Actor) (*Ticket, error) {
	if userID != 0 && members != nil && !slices.Contains(members, userID) {
		return nil, fault.InvalidField("assignee", "msp.err.assignee")
	}
	return change(ctx, db, id, func(tx *sql.Tx, t *Ticket) error {
		if t.Status == StatusClosed {
			return ErrClosed
		}
		if t.AssigneeID == userID {
			return nil
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET assignee_user_id = ?, updated_at = ? WHERE id = ?`, nullID(userID), now, t.ID); err != nil {
			return fmt.Errorf("msp: assign: %w", err)
		}
		before := t.AssigneeID
		t.AssigneeID, t.UpdatedAt = userID, now
		if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "assigned", From: idText(before), To: idText(userID), ActorID: a.UserID,
			ActorName: a.Name}, now); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_assigned", Summary: t.Ref(),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: t.ConversationID,
			Payload: map[string]any{"ticket_id": t.ID, "assignee_before": before, "assignee_after": userID}})
		return err
	})
}

func idText(id int64) string {
	if id == 0 {
		return ""
	}
	return fmt.Sprint(id)
}

// Details are the fields of a ticket the ticket page edits besides status and assignee.
type Details struct {
	Subject                    string
	Category, Priority         string
	ClientID, SiteID, DeviceID int64
	// Drawn, when set, are the fields as the sender's page showed them: a field sent as drawn
	// was not touched and keeps what is stored, which someone else may have changed since the
	// page was drawn (only what the sender changed is saved).
	Drawn *Details
	form  url.Values // the edit form Drawn came from, told what is stored when refused
}

// touched is d with every field sent as the page drew it replaced by the ticket's stored value
// (web.KeepUntouched); a field the sender changed that someone else changed too since the page was
// drawn refuses the edit (ChangedMeanwhile), and d.form, the edit form, then says what is stored.
func (d Details) touched(ctx context.Context, q Querier, t *Ticket) (Details, error) {
	w := d.Drawn
	if w == nil {
		return d, nil
	}
	f := d.form
	if f == nil {
		f = url.Values{}
		for name, v := range map[string][2]string{"subject": {d.Subject, w.Subject}, "category": {d.Category, w.Category},
			"priority": {d.Priority, w.Priority}, "client": {formIDValue(d.ClientID), formIDValue(w.ClientID)},
			"site": {formIDValue(d.SiteID), formIDValue(w.SiteID)}, "device": {formIDValue(d.DeviceID), formIDValue(w.DeviceID)}} {
			f.Set(name, v[0])
			f.Set("was_"+name, v[1])
		}
	}
	err := web.KeepUntouched(f, map[string]any{"subject": t.Subject, "category": web.Choice{Value: t.Category, Prefix: "msp.category_"},
		"priority": web.Choice{Value: t.Priority, Prefix: "msp.priority."}, "client": pick(ctx, q, t.ClientID, clientNames), "site": pick(ctx, q, t.SiteID, siteNames),
		"device": pick(ctx, q, t.DeviceID, deviceOptionNames)})
	return Details{Subject: f.Get("subject"), Category: f.Get("category"), Priority: f.Get("priority"), ClientID: formID(f.Get("client")),
		SiteID: formID(f.Get("site")), DeviceID: formID(f.Get("device"))}, err
}

// formIDValue is id as its select sends it (0: the empty option, "").
func formIDValue(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// Edit changes a ticket's subject, category, priority, client, site and device; a priority change
// gets its own timeline line, the rest one "edited" line naming the fields.
func Edit(ctx context.Context, db *tenantdb.DB, id int64, d Details, a Actor) (*Ticket, error) {
	t, _, err := EditRecounted(ctx, db, id, d, a)
	return t, err
}

// EditRecounted is Edit, saying what it did to the ticket's time when its client, site or device
// changed: the time of months open for billing counts by the ticket as it is now; the time of
// months closed for billing stays counted as it was billed, and Recount.Kept says how much of it
// would count elsewhere now.
func EditRecounted(ctx context.Context, db *tenantdb.DB, id int64, d Details, a Actor) (*Ticket, Recount, error) {
	var rc Recount
	t, err := change(ctx, db, id, func(tx *sql.Tx, t *Ticket) error {
		var err error
		rc, err = editTx(ctx, tx, t, d, a)
		return err
	})
	return t, rc, err
}

// EditTx is Edit on a ticket read inside the caller's transaction (an applied assistant proposal).
func EditTx(ctx context.Context, tx *sql.Tx, t *Ticket, d Details, a Actor) error {
	_, err := editTx(ctx, tx, t, d, a)
	return err
}

func editTx(ctx context.Context, tx *sql.Tx, t *Ticket, d Details, a Actor) (Recount, error) {
	d, merr := d.touched(ctx, tx, t)
	if merr != nil {
		return Recount{}, merr // changed meanwhile by someone else too: nothing stored, the form says what
	}
	n := NewTicket{Subject: d.Subject, Category: d.Category, Priority: d.Priority}
	f := n.validate()
	var rc Recount
	err := func() error {
		if t.Status == StatusClosed {
			return ErrClosed
		}
		if err := checkRefs(ctx, tx, t, &d.ClientID, &d.SiteID, &d.DeviceID, &f); err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		var changed []string
		if n.Subject != t.Subject {
			changed = append(changed, "subject")
		}
		if n.Category != t.Category {
			changed = append(changed, "category")
		}
		if d.ClientID != t.ClientID {
			changed = append(changed, "client")
		}
		if d.SiteID != t.SiteID {
			changed = append(changed, "site")
		}
		if d.DeviceID != t.DeviceID {
			changed = append(changed, "device")
		}
		prio := n.Priority != t.Priority
		if len(changed) == 0 && !prio {
			return nil
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET subject = ?, category = ?, priority = ?, client_id = ?, site_id = ?,
			device_id = ?, updated_at = ? WHERE id = ?`, n.Subject, n.Category, n.Priority, nullID(d.ClientID), nullID(d.SiteID),
			nullID(d.DeviceID), now, t.ID); err != nil {
			return fmt.Errorf("msp: edit: %w", err)
		}
		before, clientBefore, siteBefore, deviceBefore := t.Priority, t.ClientID, t.SiteID, t.DeviceID
		t.Subject, t.Category, t.Priority, t.ClientID, t.SiteID, t.DeviceID, t.UpdatedAt = n.Subject, n.Category, n.Priority,
			d.ClientID, d.SiteID, d.DeviceID, now
		// The ticket's time is the client's: it moves with the ticket to its new client (or to
		// none), so it counts against the contract the ticket's time card names.
		var moved, kept int
		if clientBefore != t.ClientID {
			var err error
			if moved, kept, err = moveTicketTime(ctx, tx, t.ID, t.ClientID); err != nil {
				return err
			}
		}
		// Another client, site or device may put its time under another contract: the time of open
		// months follows; closed months keep the contract they were billed under.
		if clientBefore != t.ClientID || siteBefore != t.SiteID || deviceBefore != t.DeviceID {
			var err error
			if rc, err = recountTicket(ctx, tx, t.ID); err != nil {
				return err
			}
		}
		if prio {
			if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "priority", From: before, To: t.Priority, ActorID: a.UserID,
				ActorName: a.Name}, now); err != nil {
				return err
			}
			// Another priority has other SLA targets: the SLA job looks again now (sla_job.go).
			if err := kickSLA(ctx, tx, time.UnixMilli(now)); err != nil {
				return err
			}
		}
		if len(changed) > 0 {
			if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "edited", To: strings.Join(changed, ","), ActorID: a.UserID,
				ActorName: a.Name}, now); err != nil {
				return err
			}
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_edited", Summary: t.Ref(),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: t.ConversationID,
			Payload: map[string]any{"ticket_id": t.ID, "fields": changed, "priority_before": before, "priority_after": t.Priority,
				"client_before": clientBefore, "client_after": t.ClientID, "time_entries_moved": moved, "time_entries_kept": kept,
				"time_entries_recounted": rc.Moved, "time_entries_kept_closed": rc.Kept}})
		return err
	}()
	return rc, err
}

// moveTicketTime gives a ticket's time entries and running timers its new client (0: none), in
// the caller's transaction. Entries of a month closed for billing stay with the client they were
// billed to (see monthLocked); it returns how many entries moved and how many stayed.
func moveTicketTime(ctx context.Context, tx *sql.Tx, ticketID, clientID int64) (moved, kept int, err error) {
	today, _, err := Today(ctx, tx, time.Now())
	if err != nil {
		return 0, 0, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, work_day FROM msp_time_entries WHERE ticket_id = ? AND coalesce(client_id, 0) <> ?`,
		ticketID, clientID)
	if err != nil {
		return 0, 0, fmt.Errorf("msp: ticket time: %w", err)
	}
	type entry struct {
		id  int64
		day string
	}
	var es []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.id, &e.day); err != nil {
			rows.Close()
			return 0, 0, fmt.Errorf("msp: ticket time: %w", err)
		}
		es = append(es, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, 0, fmt.Errorf("msp: ticket time: %w", err)
	}
	now := tenantdb.Now()
	for _, e := range es {
		locked, err := monthLocked(ctx, tx, e.day, today)
		if err != nil {
			return 0, 0, err
		}
		if locked {
			kept++
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE msp_time_entries SET client_id = ?, updated_at = ? WHERE id = ?`,
			nullID(clientID), now, e.id); err != nil {
			return 0, 0, fmt.Errorf("msp: move ticket time: %w", err)
		}
		moved++
	}
	if _, err := tx.ExecContext(ctx, `UPDATE msp_timers SET client_id = ? WHERE ticket_id = ?`, nullID(clientID), ticketID); err != nil {
		return 0, 0, fmt.Errorf("msp: move ticket timers: %w", err)
	}
	return moved, kept, nil
}

// AddNote writes an internal note on the ticket's timeline (never sent to the customer).
func AddNote(ctx context.Context, db *tenantdb.DB, id int64, body string, a Actor) (*Ticket, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, fault.InvalidField("note", "validation.required")
	}
	if len([]rune(body)) > maxText {
		return nil, fault.InvalidField("note", "validation.too_long", maxText)
	}
	return change(ctx, db, id, func(tx *sql.Tx, t *Ticket) error {
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET updated_at = ? WHERE id = ?`, now, t.ID); err != nil {
			return fmt.Errorf("msp: note: %w", err)
		}
		if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "note", Body: body, ActorID: a.UserID, ActorName: a.Name}, now); err != nil {
			return err
		}
		// The note form, sent once: a resend adds no second note.
		if err := web.SpendOnce(ctx, tx, t.ID, "/app/msp/tickets/"+strconv.FormatInt(t.ID, 10)+"/"); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_note", Summary: t.Ref(), Input: body,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: t.ConversationID,
			Payload: map[string]any{"ticket_id": t.ID}})
		return err
	})
}

// SendReply sends a public reply on the ticket's conversation through the inbox's outgoing path
// (inbox.AddMessageTx with the channel registry: WhatsApp, Telegram… queue a delivery job, the
// web chat shows it at once), in one transaction with the timeline line, the action log and the
// OnReply hooks. A new ticket moves to open with its first reply; a ticket waiting on the
// customer stays waiting (the reply is usually the question). Returns the message id.
func SendReply(ctx context.Context, db *tenantdb.DB, reg *channel.Registry, id int64, body string, a Actor) (*Ticket, int64, error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return nil, 0, fault.InvalidField("reply", "validation.required")
	}
	if len([]rune(body)) > maxText {
		return nil, 0, fault.InvalidField("reply", "validation.too_long", maxText)
	}
	var msgID int64
	t, err := change(ctx, db, id, func(tx *sql.Tx, t *Ticket) error {
		var err error
		if msgID, err = SendReplyTx(ctx, tx, reg, t, body, a); err != nil {
			return err
		}
		// The reply form, sent once: a resend sends the customer no second reply.
		return web.SpendOnce(ctx, tx, msgID, "/app/msp/tickets/"+strconv.FormatInt(t.ID, 10)+"/")
	})
	return t, msgID, err
}

// SendReplyTx is SendReply on a ticket read inside the caller's transaction (an approved
// assistant reply draft goes out this way, in the approval's transaction). Returns the message id.
func SendReplyTx(ctx context.Context, tx *sql.Tx, reg *channel.Registry, t *Ticket, body string, a Actor) (msgID int64, err error) {
	body = strings.TrimSpace(body)
	if body == "" {
		return 0, fault.InvalidField("reply", "validation.required")
	}
	if len([]rune(body)) > maxText {
		return 0, fault.InvalidField("reply", "validation.too_long", maxText)
	}
	err = func() error {
		if t.Status == StatusClosed {
			return ErrClosed
		}
		if t.ConversationID == 0 {
			return ErrNoConversation
		}
		var err error
		if msgID, err = inbox.AddMessageTx(ctx, tx, reg, t.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user",
			AuthorUserID: a.UserID, AuthorName: a.Name, Body: body}); err != nil {
			return err
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET updated_at = ? WHERE id = ?`, now, t.ID); err != nil {
			return fmt.Errorf("msp: reply: %w", err)
		}
		if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "reply", Body: body, MessageID: msgID, ActorID: a.UserID,
			ActorName: a.Name}, now); err != nil {
			return err
		}
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_reply", Summary: t.Ref(), Output: body,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: t.ConversationID,
			Payload: map[string]any{"ticket_id": t.ID, "message_id": msgID}}); err != nil {
			return err
		}
		if err := runReplyHooks(ctx, tx, Reply{Ticket: t, MessageID: msgID, At: now, Actor: a}); err != nil {
			return err
		}
		if t.Status == StatusNew {
			return SetStatusTx(ctx, tx, t, StatusOpen, a)
		}
		return nil
	}()
	return msgID, err
}

// LinkConversation makes convID the ticket's conversation (public replies go there from now on);
// a ticket without a requester takes the conversation's lead.
func LinkConversation(ctx context.Context, db *tenantdb.DB, id, convID int64, a Actor) (*Ticket, error) {
	return change(ctx, db, id, func(tx *sql.Tx, t *Ticket) error {
		if t.Status == StatusClosed {
			return ErrClosed
		}
		if t.ConversationID == convID {
			return nil
		}
		c, err := inbox.ConversationByID(ctx, tx, convID)
		if err != nil {
			return err
		}
		lead := t.LeadID
		if lead == 0 {
			lead = c.LeadID
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_tickets SET conversation_id = ?, lead_id = ?, updated_at = ? WHERE id = ?`,
			convID, nullID(lead), now, t.ID); err != nil {
			return fmt.Errorf("msp: link: %w", err)
		}
		before := t.ConversationID
		t.ConversationID, t.LeadID, t.UpdatedAt = convID, lead, now
		if err := addEvent(ctx, tx, Event{TicketID: t.ID, Kind: "linked", From: idText(before), To: idText(convID), ActorID: a.UserID,
			ActorName: a.Name}, now); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "ticket_linked", Summary: t.Ref(),
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: convID,
			Payload: map[string]any{"ticket_id": t.ID, "conversation_before": before, "conversation_after": convID}})
		return err
	})
}
