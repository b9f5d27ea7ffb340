package inbox

import (
	"context"
	"time"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
)

// NotifyView answers what the notification job needs of a conversation when it runs (who is
// assigned now, who it is with, its next action's due time, whether it is open). The notify room
// is given this function at start-up, so it never reads the inbox's tables.
func NotifyView(ctx context.Context, db *tenantdb.DB, id int64, region string) (notify.Conv, error) {
	c, err := ConversationByID(ctx, db.Read, id)
	if err != nil {
		return notify.Conv{}, err
	}
	v := notify.Conv{AssignedUserID: c.AssignedUserID, DueAt: c.NextActionDueAt, NextAction: c.NextAction, Open: c.Open()}
	if l, err := LeadByID(ctx, db.Read, c.LeadID); err == nil {
		v.Name = l.Shown(region) // a nameless customer by their number as people write it, else e-mail
	}
	return v, nil
}

// ReminderAt is when the team is reminded of a next action due at due: then, or — when the
// business is closed at that time (business hours on) — at its next opening, so nobody's phone
// rings on a Sunday for a call that can only be made on Monday. The due time itself stays as typed.
func ReminderAt(ctx context.Context, q hoursdb.Querier, due time.Time) (time.Time, error) {
	s, err := hoursdb.Schedule(ctx, q)
	if err != nil || s == nil {
		return due, err
	}
	if next, ok := s.NextOpen(due); ok {
		return next, nil
	}
	return due, nil
}

// raiseInbound tells the team of a customer's message, in the ingest transaction: a new
// conversation reaches owners and operators, a message on an assigned one its assignee.
func raiseInbound(ctx context.Context, q querier, res IngestResult, assigned int64, a arrival) error {
	switch {
	case res.NewConversation:
		return notify.Raise(ctx, q, notify.Event{Kind: notify.KindNewConversation, ConversationID: res.ConversationID,
			MessageID: res.MessageID, Name: a.Name, Text: a.Body})
	case assigned != 0:
		return notify.Raise(ctx, q, notify.Event{Kind: notify.KindAssignedMessage, ConversationID: res.ConversationID,
			MessageID: res.MessageID, Name: a.Name, Text: a.Body})
	}
	return nil
}

// raiseUpdate tells the team what an operator's save changed: a handoff turned on, a next action
// due at a new time (checked at that time), an internal note that mentions teammates.
func raiseUpdate(ctx context.Context, q querier, c *Conversation, ch Change, msgID int64, mentioned []int64) error {
	if ch.Handoff != nil && *ch.Handoff && !c.HandoffRequired {
		if err := notify.Raise(ctx, q, notify.Event{Kind: notify.KindHandoff, ConversationID: c.ID, ActorID: ch.ActorID,
			MessageID: msgID}); err != nil {
			return err
		}
	}
	// Given a conversation by a teammate: the new assignee hears of it (who assigns themselves
	// knows; the notification job leaves the actor out).
	if ch.AssignedUserID != nil && *ch.AssignedUserID != 0 && *ch.AssignedUserID != c.AssignedUserID {
		if err := notify.Raise(ctx, q, notify.Event{Kind: notify.KindAssigned, ConversationID: c.ID, ActorID: ch.ActorID,
			UserIDs: []int64{*ch.AssignedUserID}}); err != nil {
			return err
		}
	}
	if ch.NextActionDueAt != nil && *ch.NextActionDueAt != 0 && *ch.NextActionDueAt != c.NextActionDueAt {
		action := c.NextAction
		if ch.NextAction != nil {
			action = *ch.NextAction
		}
		due := time.UnixMilli(*ch.NextActionDueAt)
		remind, err := ReminderAt(ctx, q, due)
		if err != nil {
			return err
		}
		if err := notify.ScheduleOverdue(ctx, q, c.ID, due, remind, "", action); err != nil {
			return err
		}
	}
	if len(mentioned) > 0 {
		return notify.Raise(ctx, q, notify.Event{Kind: notify.KindMention, ConversationID: c.ID, ActorID: ch.ActorID,
			UserIDs: mentioned, MessageID: msgID, Text: ch.Body})
	}
	return nil
}
