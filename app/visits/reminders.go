package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"highvibe/app/audit"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
)

// CustomerReminderClock is the local time of the day before a visit when the customer is
// reminded (minutes after midnight): 10:00, neither early in the morning nor late in the evening.
const CustomerReminderClock = 10 * 60

// AssigneeLead is how long before a visit its assignees are told.
const AssigneeLead = time.Hour

// CustomerReminderAt is when the customer hears of a visit starting at start: the day before at
// 10:00 in loc, or now when that moment has passed (a visit confirmed late); ok is false when the
// visit has started.
func CustomerReminderAt(start time.Time, loc *time.Location, now time.Time) (time.Time, bool) {
	if !start.After(now) {
		return time.Time{}, false
	}
	l := start.In(loc)
	at := time.Date(l.Year(), l.Month(), l.Day()-1, CustomerReminderClock/60, CustomerReminderClock%60, 0, 0, loc)
	if at.Before(now) {
		at = now
	}
	return at, true
}

// AssigneeReminderAt is when the assignees hear of a visit starting at start: an hour before, or
// now when that has passed; ok is false when the visit has started.
func AssigneeReminderAt(start, now time.Time) (time.Time, bool) {
	if !start.After(now) {
		return time.Time{}, false
	}
	at := start.Add(-AssigneeLead)
	if at.Before(now) {
		at = now
	}
	return at, true
}

// remindJob names the visit and the date a reminder was planned for: a reminder that finds the
// visit moved, cancelled or re-proposed does nothing (the plan for the new date has its own job).
type remindJob struct {
	VisitID          int64  `json:"visit_id"`
	StartsAt         int64  `json:"starts_at"`
	RecommendationID int64  `json:"recommendation_id"`
	Origin           string `json:"origin,omitempty"` // the approving request's origin (links without a base URL)
}

// planRemindersTx queues a confirmed visit's two reminders as durable jobs in the caller's
// transaction (they survive a restart: the runner finds them in the tenant's file).
func planRemindersTx(ctx context.Context, tx *sql.Tx, v *Visit, now time.Time, origin string) error {
	loc, err := hoursdb.Zone(ctx, tx)
	if err != nil {
		return err
	}
	p := remindJob{VisitID: v.ID, StartsAt: v.StartsAt, RecommendationID: v.RecommendationID, Origin: origin}
	if at, ok := CustomerReminderAt(v.Start(), loc, now); ok && v.ConversationID != 0 {
		if _, err := jobs.Enqueue(ctx, tx, JobRemindCustomer, p, jobs.Options{RunAt: at,
			DedupeKey: fmt.Sprintf("%s:%d:%d:%d", JobRemindCustomer, v.ID, v.StartsAt, v.RecommendationID)}); err != nil {
			return err
		}
	}
	if at, ok := AssigneeReminderAt(v.Start(), now); ok && len(v.Assignees) > 0 {
		if _, err := jobs.Enqueue(ctx, tx, JobRemindAssignee, p, jobs.Options{RunAt: at,
			DedupeKey: fmt.Sprintf("%s:%d:%d:%d", JobRemindAssignee, v.ID, v.StartsAt, v.RecommendationID)}); err != nil {
			return err
		}
	}
	return nil
}

// current reads the visit a reminder is for; nil when it no longer stands as planned.
func current(ctx context.Context, tx *sql.Tx, p remindJob) (*Visit, error) {
	v, err := ByID(ctx, tx, p.VisitID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if v.Status != StatusConfirmed || v.StartsAt != p.StartsAt || v.RecommendationID != p.RecommendationID {
		return nil, nil
	}
	return v, nil
}

// HandleRemindCustomer is the JobRemindCustomer handler: one reminder on the conversation's
// channel (outside WhatsApp's 24 hours as the visit_reminder template), once per planned date.
func (s *Service) HandleRemindCustomer(ctx context.Context, j *jobs.Job) error {
	var p remindJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var msgID, convID int64
	err := j.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := current(ctx, tx, p)
		if err != nil || v == nil || v.RemindedCustomerAt != 0 || v.ConversationID == 0 {
			return err
		}
		var conv *inbox.Conversation
		if msgID, conv, err = s.tell(ctx, tx, j.Tenant, v, p.Origin, "visits.msg.reminder", inbox.PurposeVisitReminder, ""); err != nil {
			return err
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET reminded_customer_at = ?, updated_at = ? WHERE id = ?`, now, now, v.ID); err != nil {
			return fmt.Errorf("visits: reminded: %w", err)
		}
		convID = v.ConversationID
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_reminder_sent", Summary: conv.Channel,
			ModelName: "system", ConversationID: v.ConversationID, Payload: map[string]any{"visit_id": v.ID, "message_id": msgID, "starts_at": v.StartsAt}})
		return err
	})
	if err == nil && msgID != 0 && s.Live != nil {
		s.Live.Publish(j.Tenant, live.Event{Kind: "message", ConversationID: convID, MessageID: msgID})
	}
	return err
}

// HandleRemindAssignee is the JobRemindAssignee handler: each assignee gets a "visit soon"
// notification (app/notify: their phone, e-mail or digest as they chose), once per planned date.
func (s *Service) HandleRemindAssignee(ctx context.Context, j *jobs.Job) error {
	var p remindJob
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return j.DB.InTx(ctx, func(tx *sql.Tx) error {
		v, err := current(ctx, tx, p)
		if err != nil || v == nil || v.RemindedAssigneeAt != 0 {
			return err
		}
		name := ""
		if lead, err := inbox.LeadByID(ctx, tx, v.LeadID); err == nil {
			name = lead.Name
		}
		if err := notify.Raise(ctx, tx, notify.Event{Kind: notify.KindVisitSoon, ConversationID: v.ConversationID, UserIDs: v.Assignees,
			Name: name, Text: v.Address, DueAt: v.StartsAt}); err != nil {
			return err
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET reminded_assignee_at = ?, updated_at = ? WHERE id = ?`, now, now, v.ID); err != nil {
			return fmt.Errorf("visits: reminded: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_assignees_reminded", Summary: name,
			ModelName: "system", ConversationID: v.ConversationID, Payload: map[string]any{"visit_id": v.ID, "assignees": v.Assignees, "starts_at": v.StartsAt}})
		return err
	})
}
