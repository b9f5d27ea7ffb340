package visits

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Limits of a booking, as the schema checks them.
const (
	MinDuration = 15
	MaxDuration = 720
	maxAddress  = 500
	maxNote     = 2000
)

// Errors a person can act on.
var (
	// ErrNotOpen: the visit is done, a no-show or cancelled; it no longer changes.
	ErrNotOpen = fault.Sentinel(fault.KindConflict, "visits.err.not_open", "visits: visit is closed")
)

// Booking is what the booking form (or the assistant) asks for.
type Booking struct {
	ConversationID int64
	Start          time.Time
	DurationMin    int
	Address, Note  string
	Assignees      []int64
	ProposedBy     string // "" a person, "assistant"
	// Members are the user ids that may be assigned (the tenant's active members); nil skips the check.
	Members []int64
}

// validate returns the booking's field errors in the user's language (nothing is stored then).
func (b *Booking) validate(now time.Time) error {
	var f fault.Fields
	b.Address, b.Note = strings.TrimSpace(b.Address), strings.TrimSpace(b.Note)
	if key := startProblem(b.Start, now); key != "" {
		f.Add("start", key)
	}
	if b.DurationMin < MinDuration || b.DurationMin > MaxDuration {
		f.Add("duration", "visits.err.duration", MinDuration, MaxDuration)
	}
	if len([]rune(b.Address)) > maxAddress {
		f.Add("address", "validation.too_long", maxAddress)
	}
	if len([]rune(b.Note)) > maxNote {
		f.Add("note", "validation.too_long", maxNote)
	}
	slices.Sort(b.Assignees)
	b.Assignees = slices.Compact(b.Assignees)
	if len(b.Assignees) == 0 {
		f.Add("assignees", "visits.err.assignees")
	}
	if b.Members != nil {
		for _, a := range b.Assignees {
			if !slices.Contains(b.Members, a) {
				f.Add("assignees", "visits.err.assignee_not_listed")
			}
		}
	}
	return f.Err()
}

// MapURL is a map search for an address (empty for an empty address): it opens the map app on a
// phone and the map site on a computer.
func MapURL(address string) string {
	address = strings.TrimSpace(address)
	if address == "" {
		return ""
	}
	return "https://www.google.com/maps/search/?api=1&query=" + url.QueryEscape(address)
}

// newToken is the secret part of a customer's link: 120 random bits.
func newToken() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Book stores a proposed visit for a conversation's lead and puts its date in the approval queue
// (proposeTx), in one transaction with its action log. Bad input returns field errors and stores
// nothing; an unknown conversation is tenantdb.ErrNotFound.
func Book(ctx context.Context, db *tenantdb.DB, b Booking, a Actor) (*Visit, error) {
	if err := b.validate(time.Now()); err != nil {
		return nil, err
	}
	var v *Visit
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		v, err = bookTx(ctx, tx, b, a)
		return err
	})
	return v, err
}

func bookTx(ctx context.Context, tx *sql.Tx, b Booking, a Actor) (*Visit, error) {
	c, err := inbox.ConversationByID(ctx, tx, b.ConversationID)
	if err != nil {
		return nil, err
	}
	// The free times a booking form chose from were read before this transaction: a colleague
	// may have booked the same person at the same time meanwhile. Checked again here, as the
	// calendar's move is, so one person never gets two open visits on top of each other.
	clash, err := busy(ctx, tx, b.Assignees, b.Start, b.Start.Add(time.Duration(b.DurationMin)*time.Minute), 0)
	if err != nil {
		return nil, err
	}
	if len(clash) > 0 {
		return nil, fault.InvalidField("start", "visits.err.slot_taken")
	}
	v := &Visit{LeadID: c.LeadID, ConversationID: c.ID, Status: StatusProposed, StartsAt: b.Start.UnixMilli(), DurationMin: b.DurationMin,
		Address: b.Address, MapURL: MapURL(b.Address), Note: b.Note, ProposedBy: b.ProposedBy, Token: newToken(),
		CreatedByName: a.Name, Assignees: b.Assignees}
	if err := insertTx(ctx, tx, v); err != nil {
		return nil, err
	}
	// The booking form, sent once: a resend books no second visit and lands where the first did.
	if err := web.SpendOnce(ctx, tx, v.ID, "/app/inbox/"+strconv.FormatInt(v.ConversationID, 10)+"/"); err != nil {
		return nil, err
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_booked", Summary: v.Address,
		ModelName: modelOf(v), ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
		Payload: map[string]any{"visit_id": v.ID, "starts_at": v.StartsAt, "duration_min": v.DurationMin, "assignees": v.Assignees,
			"address": v.Address, "proposed_by": v.ProposedBy}}); err != nil {
		return nil, err
	}
	if err := proposeTx(ctx, tx, v, a); err != nil {
		return nil, err
	}
	return v, nil
}

// ErrAnswered: the customer's link no longer takes an answer (the visit is not confirmed).
var ErrAnswerClosed = fault.Sentinel(fault.KindConflict, "visits.err.answer_closed", "visits: visit not open for an answer")

// ErrAnswerPast: the visit's time has come (it started or is over): accepting it or asking for
// another time from the link means nothing any more; the customer is asked to contact the business.
var ErrAnswerPast = fault.Sentinel(fault.KindConflict, "visits.public.past", "visits: visit time has passed")

// Answer records the customer's answer from their page (accepted, or reschedule with an optional
// message) in one transaction: stored on the visit, a system event in the conversation (their
// message as its text), the assignees notified, an action log. Only a confirmed visit whose start
// is after now takes one (ErrAnswerClosed, ErrAnswerPast).
func Answer(ctx context.Context, db *tenantdb.DB, token, answer, message string, now time.Time) (*Visit, int64, error) {
	message = strings.TrimSpace(message)
	if answer != AnswerAccepted && answer != AnswerReschedule {
		return nil, 0, fault.InvalidField("answer", "visits.err.answer")
	}
	if len([]rune(message)) > maxNote {
		return nil, 0, fault.InvalidField("message", "validation.too_long", maxNote)
	}
	var v *Visit
	var msgID int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = ByToken(ctx, tx, token); err != nil {
			return err
		}
		if v.Status != StatusConfirmed {
			return ErrAnswerClosed
		}
		if !v.Start().After(now) {
			return ErrAnswerPast
		}
		if answer == AnswerAccepted && v.CustomerAnswer == AnswerAccepted {
			return nil // accepted again (a second click): told once
		}
		if answer == AnswerReschedule && v.CustomerAnswer == AnswerReschedule {
			same, err := sameRequest(ctx, tx, v, message)
			if err != nil || same {
				return err // the same request again (a double tap, a resent form): told once
			}
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET customer_answer = ?, customer_answer_at = ?, updated_at = ? WHERE id = ?`,
			answer, now, now, v.ID); err != nil {
			return fmt.Errorf("visits: answer: %w", err)
		}
		before := v.CustomerAnswer
		v.CustomerAnswer, v.CustomerAnswerAt = answer, now
		name := ""
		if lead, err := inbox.LeadByID(ctx, tx, v.LeadID); err == nil {
			name = lead.Name
		}
		event := "visit_accepted"
		if answer == AnswerReschedule {
			event = "visit_reschedule"
		}
		if v.ConversationID != 0 {
			if msgID, err = inbox.AddMessageTx(ctx, tx, nil, v.ConversationID, inbox.Outgoing{Direction: "system", AuthorKind: "system",
				AuthorName: name, Body: message, Event: event, Params: map[string]string{"actor": name}}); err != nil {
				return err
			}
		}
		if err := notify.Raise(ctx, tx, notify.Event{Kind: notify.KindVisitAnswer, ConversationID: v.ConversationID, UserIDs: v.Assignees,
			MessageID: msgID, Name: name, Text: message}); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_" + answer, Summary: name, Input: message,
			ModelName: "customer", ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": v.ID, "answer_before": before, "answer_after": answer, "message_id": msgID}})
		return err
	})
	return v, msgID, err
}

// change runs f on an open visit inside a transaction and writes its action log with the status
// before → after; a closed visit refuses (ErrNotOpen).
func change(ctx context.Context, db *tenantdb.DB, id int64, a Actor, action string, f func(tx *sql.Tx, v *Visit) (map[string]any, error)) (*Visit, error) {
	var v *Visit
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if v, err = ByID(ctx, tx, id); err != nil {
			return err
		}
		if !v.Open() {
			return ErrNotOpen
		}
		before := v.Status
		payload, err := f(tx, v)
		if err != nil {
			return err
		}
		if payload == nil {
			payload = map[string]any{}
		}
		payload["visit_id"], payload["status_before"], payload["status_after"] = v.ID, before, v.Status
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: action, Summary: before + " → " + v.Status,
			ModelName: modelHuman, ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID, Payload: payload})
		return err
	})
	return v, err
}

// setStatusTx moves a visit to status (the reminders planned for it then find it changed).
func setStatusTx(ctx context.Context, tx *sql.Tx, v *Visit, status string) error {
	now := tenantdb.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET status = ?, updated_at = ? WHERE id = ?`, status, now, v.ID); err != nil {
		return fmt.Errorf("visits: status: %w", err)
	}
	v.Status, v.UpdatedAt = status, now
	return nil
}

// Cancel cancels a proposed or confirmed visit; a date still waiting in the approval queue is
// withdrawn there too (rejected with the reason "cancelled"), so nobody approves a dead date.
func Cancel(ctx context.Context, db *tenantdb.DB, id int64, reason string, a Actor) (*Visit, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 1000 {
		return nil, fault.InvalidField("reason", "validation.too_long", 1000)
	}
	return change(ctx, db, id, a, "visit_cancelled", func(tx *sql.Tx, v *Visit) (map[string]any, error) {
		if err := setStatusTx(ctx, tx, v, StatusCancelled); err != nil {
			return nil, err
		}
		if err := withdrawTx(ctx, tx, v.RecommendationID, a); err != nil {
			return nil, err
		}
		return map[string]any{"reason": reason, "starts_at": v.StartsAt}, nil
	})
}

// NoShow records that the customer was not there (only a confirmed visit whose time has come).
func NoShow(ctx context.Context, db *tenantdb.DB, id int64, a Actor, now time.Time) (*Visit, error) {
	return change(ctx, db, id, a, "visit_no_show", func(tx *sql.Tx, v *Visit) (map[string]any, error) {
		if v.Status != StatusConfirmed {
			return nil, ErrNotConfirmed
		}
		if now.Before(v.Start()) {
			return nil, ErrNotYet
		}
		return map[string]any{"starts_at": v.StartsAt}, setStatusTx(ctx, tx, v, StatusNoShow)
	})
}

// More errors a person can act on.
var (
	// ErrNotConfirmed: only a confirmed visit can be a no-show.
	ErrNotConfirmed = fault.Sentinel(fault.KindConflict, "visits.err.not_confirmed", "visits: visit not confirmed")
	// ErrNotYet: a visit cannot be a no-show before its time.
	ErrNotYet = fault.Sentinel(fault.KindConflict, "visits.err.not_yet", "visits: visit has not started")
)

// Reschedule gives an open visit a new start (and, when durationMin > 0, a new length): a new
// date is a new commitment, so the visit goes (back) to proposed with a NEW recommendation in the
// approval queue; the old date's recommendation, if still open, is withdrawn, and the reminders
// planned for the old date find the visit changed and do nothing. The calendar's drag calls it.
func Reschedule(ctx context.Context, db *tenantdb.DB, id int64, start time.Time, durationMin int, a Actor) (*Visit, error) {
	if key := startProblem(start, time.Now()); key != "" {
		return nil, fault.InvalidField("start", key)
	}
	if durationMin != 0 && (durationMin < MinDuration || durationMin > MaxDuration) {
		return nil, fault.InvalidField("duration", "visits.err.duration", MinDuration, MaxDuration)
	}
	return change(ctx, db, id, a, "visit_rescheduled", func(tx *sql.Tx, v *Visit) (map[string]any, error) {
		payload := map[string]any{"starts_at_before": v.StartsAt, "starts_at_after": start.UnixMilli(),
			"duration_before": v.DurationMin, "recommendation_before": v.RecommendationID}
		if durationMin == 0 {
			durationMin = v.DurationMin
		}
		if start.UnixMilli() == v.StartsAt && durationMin == v.DurationMin {
			return payload, nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET starts_at = ?, duration_min = ?, confirmed_message_id = NULL,
			reminded_customer_at = NULL, reminded_assignee_at = NULL WHERE id = ?`, start.UnixMilli(), durationMin, v.ID); err != nil {
			return nil, fmt.Errorf("visits: reschedule: %w", err)
		}
		v.StartsAt, v.DurationMin, v.ConfirmedMessageID, v.RemindedCustomerAt, v.RemindedAssigneeAt = start.UnixMilli(), durationMin, 0, 0, 0
		if err := proposeTx(ctx, tx, v, a); err != nil {
			return nil, err
		}
		payload["duration_after"], payload["recommendation_after"] = durationMin, v.RecommendationID
		return payload, nil
	})
}

// withdrawTx rejects a visit's former recommendation when it is still waiting (its date is gone).
func withdrawTx(ctx context.Context, tx *sql.Tx, recID int64, a Actor) error {
	if recID == 0 {
		return nil
	}
	return approvals.WithdrawTx(ctx, tx, recID, approvals.Actor{UserID: a.UserID, Name: a.Name})
}

// startProblem is the catalog key of what is wrong with a visit's start on its own (none, passed,
// past the year 2100), or "". Every form that takes a start asks it before looking for a clash
// with other visits, so a slip on the year (9999) reads as one, not as "that time is taken".
func startProblem(start, now time.Time) string {
	switch {
	case start.IsZero():
		return "visits.err.start_required"
	case start.Before(now.Add(-time.Minute)):
		return "visits.err.start_past"
	case yearSlip(start):
		return "visits.err.start_year"
	}
	return ""
}

// yearSlip reports whether a visit's time lies past the year 2100: a slip on the year of the date
// field (20270, 9999), refused as the quotes' and records' dates are.
func yearSlip(t time.Time) bool { return t.Year() > 2100 }

// sameRequest reports whether v's latest "ask for another time" carried message: the request's
// event in the conversation (written at the answer's time) holds the customer's message.
func sameRequest(ctx context.Context, tx *sql.Tx, v *Visit, message string) (bool, error) {
	if v.ConversationID == 0 {
		return false, nil
	}
	msgs, _, err := inbox.Latest(ctx, tx, v.ConversationID, 0, 50)
	if err != nil {
		return false, err
	}
	for i := len(msgs) - 1; i >= 0; i-- { // newest first
		m := msgs[i]
		var a inbox.Annotations
		if m.CreatedAt < v.CustomerAnswerAt || json.Unmarshal([]byte(m.Annotations), &a) != nil || a.Event != "visit_reschedule" {
			continue
		}
		return m.Body == message, nil
	}
	return false, nil
}
