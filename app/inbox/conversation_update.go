package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Update applies one validated form save in one transaction with one action log (provider
// conversation_inbox) carrying the before→after values of every changed field. A new state moves
// the lead's stage along in the same transaction (see followLeadStage), recorded in the same log.
// What changes on the conversation row is decided by planUpdate without the database; this
// function only reads the current row and writes the plan.
func (s *Service) Update(ctx context.Context, slug string, db *tenantdb.DB, convID int64, ch Change) error {
	var msgID int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		c, err := ConversationByID(ctx, tx, convID)
		if err != nil {
			return err
		}
		if err := ch.changedMeanwhile(c); err != nil {
			return err // the next step changed by someone else too: nothing stored, the form says what
		}
		p := planUpdate(c, ch)
		if err := p.writeConversation(ctx, tx, convID); err != nil {
			return err
		}
		if p.stateChanged {
			if err := p.followState(ctx, tx, c); err != nil {
				return err
			}
		}
		if ch.Tags != nil {
			if err := p.writeTags(ctx, tx, convID, ch); err != nil {
				return err
			}
		}
		if msgID, err = p.writeMessage(ctx, tx, s.Channels, convID, ch); err != nil {
			return err
		}
		if msgID != 0 && ch.Once {
			if err := web.SpendOnce(ctx, tx, msgID, conversationPage(convID)); err != nil {
				return err
			}
		}
		var mentioned []int64
		if msgID != 0 && ch.Direction == "system" && len(ch.Mentions) > 0 {
			if err := writeMentions(ctx, tx, msgID, convID, ch.Mentions); err != nil {
				return err
			}
			mentioned = ch.Mentions
		}
		if err := raiseUpdate(ctx, tx, c, ch, msgID, mentioned); err != nil {
			return err
		}
		if len(p.after) == 0 {
			return nil
		}
		if err := reindex(ctx, tx, convID); err != nil {
			return err
		}
		payload := map[string]any{"conversation_id": convID, "updated_by_user_id": ch.ActorID, "before": p.before, "after": p.after}
		if p.firstReply {
			payload["reason"] = "first_reply"
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "conversation_update",
			Summary: "conversation updated", Output: ch.Body, ModelName: "human-review", ActorUserID: ch.ActorID, ActorName: ch.ActorName,
			ConversationID: convID, Payload: payload})
		return err
	})
	if err == nil {
		s.publish(slug, live.Event{Kind: "conversation", ConversationID: convID, MessageID: msgID})
	}
	return err
}

// updatePlan is what one save does to a conversation, decided from the row as it is and the
// change: the columns to set, the before→after values for the action log (filled further by
// the writes that depend on other rows: lead stage, lost reason, tags, message), and whether
// the state moved.
type updatePlan struct {
	sets          []string
	args          []any
	before, after map[string]any
	stateChanged  bool
	state         string
	lostNote      string // the internal note saved with the state, the lost reason when the stage becomes "lost"
	firstReply    bool   // the save's reply made a New conversation Contacted (contactedTx)
}

// planUpdate decides, without the database, which columns of c the change ch alters. A value
// equal to the stored one is no change; 0 clears a due date or an assignee; turning the handoff
// off also clears its reason.
func planUpdate(c *Conversation, ch Change) *updatePlan {
	p := &updatePlan{before: map[string]any{}, after: map[string]any{}}
	col := func(name string, old, nv, stored any) {
		p.before[name], p.after[name] = old, nv
		p.sets, p.args = append(p.sets, name+" = ?"), append(p.args, stored)
	}
	if ch.State != nil && *ch.State != c.State {
		col("state", c.State, *ch.State, *ch.State)
	}
	if ch.NextAction != nil && *ch.NextAction != c.NextAction {
		col("next_action", c.NextAction, *ch.NextAction, *ch.NextAction)
	}
	if ch.NextActionDueAt != nil && *ch.NextActionDueAt != c.NextActionDueAt {
		col("next_action_due_at", c.NextActionDueAt, *ch.NextActionDueAt, zeroNull(*ch.NextActionDueAt))
	}
	if ch.Handoff != nil && *ch.Handoff != c.HandoffRequired {
		col("handoff_required", c.HandoffRequired, *ch.Handoff, boolInt(*ch.Handoff))
		if !*ch.Handoff {
			p.sets, p.args = append(p.sets, "handoff_reason = ?"), append(p.args, "")
		}
	}
	if ch.AssignedUserID != nil && *ch.AssignedUserID != c.AssignedUserID {
		col("assigned_user_id", c.AssignedUserID, *ch.AssignedUserID, zeroNull(*ch.AssignedUserID))
		if *ch.AssignedUserID != 0 && ch.AssigneeName != "" {
			p.after["assigned_name"] = ch.AssigneeName
		}
	}
	if ch.AIMode != nil && *ch.AIMode != c.AIMode {
		col("ai_mode", c.AIMode, *ch.AIMode, *ch.AIMode)
	}
	if ch.State != nil && *ch.State != c.State {
		p.stateChanged, p.state = true, *ch.State
		if ch.Direction == "system" {
			p.lostNote = clip(strings.TrimSpace(ch.Body), 500)
		}
	}
	return p
}

// zeroNull stores 0 as NULL (no due date, nobody assigned).
func zeroNull(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// writeConversation sets the planned columns (and updated_at) on the conversation row.
func (p *updatePlan) writeConversation(ctx context.Context, tx *sql.Tx, convID int64) error {
	if len(p.sets) == 0 {
		return nil
	}
	sets, args := append(p.sets, "updated_at = ?"), append(p.args, tenantdb.Now())
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, convID)...); err != nil {
		return fmt.Errorf("inbox: updating conversation: %w", err)
	}
	return nil
}

// followState moves the lead's stage with the new state; the internal note saved with "lost" is
// why the deal was lost: it goes on the lead, where reports and the lead card read it.
func (p *updatePlan) followState(ctx context.Context, tx *sql.Tx, c *Conversation) error {
	from, to, err := followLeadStage(ctx, tx, c.LeadID, c.ID, p.state)
	if err != nil {
		return err
	}
	if from != to {
		p.before["lead_stage"], p.after["lead_stage"] = from, to
	}
	if to != "lost" || p.lostNote == "" {
		return nil
	}
	var old string
	if err := tx.QueryRowContext(ctx, `SELECT lost_reason FROM leads WHERE id = ?`, c.LeadID).Scan(&old); err != nil {
		return fmt.Errorf("inbox: lost reason: %w", err)
	}
	if p.lostNote == old {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE leads SET lost_reason = ? WHERE id = ?`, p.lostNote, c.LeadID); err != nil {
		return fmt.Errorf("inbox: lost reason: %w", err)
	}
	p.before["lost_reason"], p.after["lost_reason"] = old, p.lostNote
	return nil
}

// writeTags replaces the conversation's tags when the change's tags differ from them.
func (p *updatePlan) writeTags(ctx context.Context, tx *sql.Tx, convID int64, ch Change) error {
	old, err := TagsOf(ctx, tx, convID)
	if err != nil {
		return err
	}
	tags := ch.tagsOn(old)
	if slices.Equal(sortedTags(old), tags) {
		return nil
	}
	if err := setTags(ctx, tx, convID, tags); err != nil {
		return err
	}
	p.before["tags"], p.after["tags"] = old, tags
	return nil
}

// writeMessage adds the save's message (a reply, a scheduled reply, a note or a logged customer
// message), if it has one.
func (p *updatePlan) writeMessage(ctx context.Context, tx *sql.Tx, reg *channel.Registry, convID int64, ch Change) (int64, error) {
	if ch.Body == "" {
		return 0, nil
	}
	kind := "user"
	if ch.Direction == "system" {
		kind = "system"
	}
	msgID, mv, err := addMessage(ctx, tx, reg, convID, Outgoing{Direction: ch.Direction, AuthorKind: kind, AuthorUserID: ch.ActorID,
		AuthorName: ch.ActorName, Body: ch.Body, ScheduledAt: ch.SendAt, keepState: p.stateChanged}, "", false)
	if err != nil {
		return 0, err
	}
	if mv != nil {
		// The reply made a New conversation Contacted: recorded in the save's one log row, which
		// says why (the action log reads "Marked Contacted after the first reply").
		mv.into(p.before, p.after)
		p.firstReply = true
	}
	p.after["message_id"] = msgID
	p.after["direction"] = ch.Direction
	if !ch.SendAt.IsZero() {
		p.after["scheduled_at"] = ch.SendAt.UnixMilli()
	}
	return msgID, nil
}
