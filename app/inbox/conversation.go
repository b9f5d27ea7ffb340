package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
)

// Change is one save of the conversation form; nil fields were absent from the post and stay as
// they are.
type Change struct {
	Body            string
	Direction       string    // inbound outbound system (with Body)
	SendAt          time.Time // non-zero: outbound Body is scheduled
	State           *string
	NextAction      *string
	NextActionDueAt *int64 // 0 clears
	Handoff         *bool
	AssignedUserID  *int64 // 0 unassigns
	AIMode          *string
	Tags            *[]string
	ActorID         int64
	ActorName       string
}

// ErrConflict says a scheduled message can no longer be withdrawn: it was already sent.
var ErrConflict = fault.Sentinel(fault.KindConflict, "inbox.error.already_sent", "inbox: scheduled message already sent")

// Update applies one validated form save in one transaction with one action log (provider
// conversation_inbox) carrying the before→after values of every changed field. A new state moves
// the lead's stage along in the same transaction (see followLeadStage), recorded in the same log.
func (s *Service) Update(ctx context.Context, slug string, db *tenantdb.DB, convID int64, ch Change) error {
	var msgID int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		c, err := ConversationByID(ctx, tx, convID)
		if err != nil {
			return err
		}
		before, after := map[string]any{}, map[string]any{}
		var sets []string
		var args []any
		set := func(col string, old, nv any) {
			if old == nv {
				return
			}
			before[col], after[col] = old, nv
			sets, args = append(sets, col+" = ?"), append(args, nv)
		}
		if ch.State != nil {
			set("state", c.State, *ch.State)
		}
		if ch.NextAction != nil {
			set("next_action", c.NextAction, *ch.NextAction)
		}
		if ch.NextActionDueAt != nil && *ch.NextActionDueAt != c.NextActionDueAt {
			before["next_action_due_at"], after["next_action_due_at"] = c.NextActionDueAt, *ch.NextActionDueAt
			var v any
			if *ch.NextActionDueAt != 0 {
				v = *ch.NextActionDueAt
			}
			sets, args = append(sets, "next_action_due_at = ?"), append(args, v)
		}
		if ch.Handoff != nil && *ch.Handoff != c.HandoffRequired {
			before["handoff_required"], after["handoff_required"] = c.HandoffRequired, *ch.Handoff
			sets, args = append(sets, "handoff_required = ?"), append(args, boolInt(*ch.Handoff))
			if !*ch.Handoff {
				sets, args = append(sets, "handoff_reason = ?"), append(args, "")
			}
		}
		if ch.AssignedUserID != nil && *ch.AssignedUserID != c.AssignedUserID {
			before["assigned_user_id"], after["assigned_user_id"] = c.AssignedUserID, *ch.AssignedUserID
			var v any
			if *ch.AssignedUserID != 0 {
				v = *ch.AssignedUserID
			}
			sets, args = append(sets, "assigned_user_id = ?"), append(args, v)
		}
		if ch.AIMode != nil {
			set("ai_mode", c.AIMode, *ch.AIMode)
		}
		if len(sets) > 0 {
			sets, args = append(sets, "updated_at = ?"), append(args, tenantdb.Now())
			if _, err := tx.ExecContext(ctx, `UPDATE conversations SET `+strings.Join(sets, ", ")+` WHERE id = ?`, append(args, convID)...); err != nil {
				return fmt.Errorf("inbox: updating conversation: %w", err)
			}
		}
		if ch.State != nil && *ch.State != c.State {
			from, to, err := followLeadStage(ctx, tx, c.LeadID, convID, *ch.State)
			if err != nil {
				return err
			}
			if from != to {
				before["lead_stage"], after["lead_stage"] = from, to
			}
			// The internal note saved with "lost" is why the deal was lost: it goes on the lead,
			// where reports and the lead card read it.
			if to == "lost" && ch.Direction == "system" && strings.TrimSpace(ch.Body) != "" {
				var old string
				if err := tx.QueryRowContext(ctx, `SELECT lost_reason FROM leads WHERE id = ?`, c.LeadID).Scan(&old); err != nil {
					return fmt.Errorf("inbox: lost reason: %w", err)
				}
				reason := clip(strings.TrimSpace(ch.Body), 500)
				if reason != old {
					if _, err := tx.ExecContext(ctx, `UPDATE leads SET lost_reason = ? WHERE id = ?`, reason, c.LeadID); err != nil {
						return fmt.Errorf("inbox: lost reason: %w", err)
					}
					before["lost_reason"], after["lost_reason"] = old, reason
				}
			}
		}
		if ch.Tags != nil {
			old, err := TagsOf(ctx, tx, convID)
			if err != nil {
				return err
			}
			if !slices.Equal(old, *ch.Tags) {
				if err := setTags(ctx, tx, convID, *ch.Tags); err != nil {
					return err
				}
				before["tags"], after["tags"] = old, *ch.Tags
			}
		}
		if ch.Body != "" {
			kind := "user"
			if ch.Direction == "system" {
				kind = "system"
			}
			msgID, err = addMessageTx(ctx, tx, convID, Outgoing{Direction: ch.Direction, AuthorKind: kind, AuthorUserID: ch.ActorID,
				AuthorName: ch.ActorName, Body: ch.Body, ScheduledAt: ch.SendAt}, "", false)
			if err != nil {
				return err
			}
			after["message_id"] = msgID
			after["direction"] = ch.Direction
			if !ch.SendAt.IsZero() {
				after["scheduled_at"] = ch.SendAt.UnixMilli()
			}
		}
		if len(after) == 0 {
			return nil
		}
		if err := reindex(ctx, tx, convID); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "conversation_update",
			Summary: "conversation updated", Output: ch.Body, ModelName: "human-review", ActorUserID: ch.ActorID, ActorName: ch.ActorName,
			ConversationID: convID, Payload: map[string]any{"conversation_id": convID, "updated_by_user_id": ch.ActorID, "before": before, "after": after}})
		return err
	})
	if err == nil {
		s.publish(slug, live.Event{Kind: "conversation", ConversationID: convID, MessageID: msgID})
	}
	return err
}

// TagsOf lists a conversation's tag names in alphabetical order.
func TagsOf(ctx context.Context, q Querier, convID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.conversation_id = ? ORDER BY t.name`, convID)
	if err != nil {
		return nil, fmt.Errorf("inbox: reading tags: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func setTags(ctx context.Context, tx *sql.Tx, convID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_tags WHERE conversation_id = ?`, convID); err != nil {
		return fmt.Errorf("inbox: setting tags: %w", err)
	}
	for _, t := range tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO tags(name) VALUES(?) ON CONFLICT DO NOTHING`, t); err != nil {
			return fmt.Errorf("inbox: setting tags: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO conversation_tags(conversation_id, tag_id) SELECT ?, id FROM tags WHERE name = ?`, convID, t); err != nil {
			return fmt.Errorf("inbox: setting tags: %w", err)
		}
	}
	return nil
}

// MarkRead clears the unread counter (opening the conversation); no log row: reading changes nothing.
func MarkRead(ctx context.Context, db *tenantdb.DB, convID int64) error {
	_, err := db.Write.ExecContext(ctx, `UPDATE conversations SET unread_count = 0 WHERE id = ? AND unread_count > 0`, convID)
	if err != nil {
		return fmt.Errorf("inbox: marking read: %w", err)
	}
	return nil
}

// MarkUnread sets the unread counter back to at least one so the conversation stands out again.
func (s *Service) MarkUnread(ctx context.Context, slug string, db *tenantdb.DB, convID, actorID int64, actorName string) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE conversations SET unread_count = max(unread_count, 1), updated_at = ? WHERE id = ?`, tenantdb.Now(), convID)
		if err != nil {
			return fmt.Errorf("inbox: marking unread: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "mark_unread", Summary: "marked unread",
			ModelName: "human-review", ActorUserID: actorID, ActorName: actorName, ConversationID: convID,
			Payload: map[string]any{"conversation_id": convID, "updated_by_user_id": actorID}})
		return err
	})
	if err == nil {
		s.publish(slug, live.Event{Kind: "conversation", ConversationID: convID})
	}
	return err
}

// CancelScheduled withdraws a scheduled message that has not been sent yet (ErrConflict otherwise).
func (s *Service) CancelScheduled(ctx context.Context, slug string, db *tenantdb.DB, convID, msgID, actorID int64, actorName string) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		m, err := MessageByID(ctx, tx, msgID)
		if err != nil {
			return err
		}
		if m.ConversationID != convID {
			return tenantdb.ErrNotFound
		}
		if m.ScheduledAt == 0 || m.DeliveryStatus != "queued" {
			return ErrConflict
		}
		ok, err := jobs.Cancel(ctx, tx, m.Notes().JobID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrConflict
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_status = 'failed', delivery_error = 'cancelled' WHERE id = ?`, msgID); err != nil {
			return fmt.Errorf("inbox: cancelling: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "scheduled_cancelled", Summary: "scheduled message cancelled",
			Input: m.Body, ModelName: "human-review", ActorUserID: actorID, ActorName: actorName, ConversationID: convID,
			Payload: map[string]any{"conversation_id": convID, "message_id": msgID, "updated_by_user_id": actorID}})
		return err
	})
	if err == nil {
		s.publish(slug, live.Event{Kind: "conversation", ConversationID: convID, MessageID: msgID})
	}
	return err
}

// SendScheduled is the "send_scheduled" job: at the scheduled time the message enters the normal
// delivery path (deliver_message job on WhatsApp/Telegram, sent at once on web chat, recorded
// elsewhere). A cancelled message is left alone.
func (s *Service) SendScheduled(ctx context.Context, j *jobs.Job) error {
	var p struct {
		MessageID int64 `json:"message_id"`
	}
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	var convID int64
	err := j.DB.InTx(ctx, func(tx *sql.Tx) error {
		m, err := MessageByID(ctx, tx, p.MessageID)
		if errors.Is(err, tenantdb.ErrNotFound) {
			return jobs.Permanent(err)
		}
		if err != nil {
			return err
		}
		if m.DeliveryStatus != "queued" || m.ScheduledAt == 0 {
			return nil
		}
		convID = m.ConversationID
		now := tenantdb.Now()
		status := ""
		switch m.Channel {
		case "whatsapp", "telegram":
			status = "queued"
			if _, err := jobs.Enqueue(ctx, tx, "deliver_message", map[string]int64{"message_id": m.ID}, jobs.Options{}); err != nil {
				return err
			}
		case "webchat":
			status = "sent"
		}
		var st any
		if status != "" {
			st = status
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_status = ?, created_at = ? WHERE id = ?`, st, now, m.ID); err != nil {
			return fmt.Errorf("inbox: sending scheduled: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET last_message_at = max(last_message_at, ?), waiting_since = NULL, updated_at = ? WHERE id = ?`,
			now, now, m.ConversationID); err != nil {
			return fmt.Errorf("inbox: sending scheduled: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "scheduled_sent", Summary: "scheduled message released",
			Output: m.Body, ConversationID: m.ConversationID, Payload: map[string]any{"conversation_id": m.ConversationID, "message_id": m.ID}})
		return err
	})
	if err == nil && convID != 0 {
		s.publish(j.Tenant, live.Event{Kind: "message", ConversationID: convID, MessageID: p.MessageID})
	}
	return err
}

// Siblings lists the lead's other conversations (other channels or earlier threads).
func Siblings(ctx context.Context, q Querier, c *Conversation) ([]*Conversation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+convCols+` FROM conversations c WHERE c.lead_id = ? AND c.id <> ? ORDER BY c.last_message_at DESC LIMIT 20`, c.LeadID, c.ID)
	if err != nil {
		return nil, fmt.Errorf("inbox: siblings: %w", err)
	}
	defer rows.Close()
	var out []*Conversation
	for rows.Next() {
		s, err := scanConv(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: siblings: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Recommendation is the part of a decision recommendation the conversation page shows.
type Recommendation struct {
	ID               int64
	Title, Summary   string
	Priority, Status string
	ActionType       string
	Confidence       float64
	ConversationID   int64
	CreatedAt        int64
}

// LeadRecommendations lists the newest recommendations about a lead (any conversation of it).
func LeadRecommendations(ctx context.Context, q Querier, leadID, convID int64) ([]Recommendation, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title, summary, priority, status, action_type, confidence, coalesce(conversation_id,0), created_at
		FROM decision_recommendations WHERE lead_id = ? OR conversation_id = ? ORDER BY id DESC LIMIT 20`, leadID, convID)
	if err != nil {
		return nil, fmt.Errorf("inbox: recommendations: %w", err)
	}
	defer rows.Close()
	var out []Recommendation
	for rows.Next() {
		var r Recommendation
		if err := rows.Scan(&r.ID, &r.Title, &r.Summary, &r.Priority, &r.Status, &r.ActionType, &r.Confidence, &r.ConversationID, &r.CreatedAt); err != nil {
			return nil, fmt.Errorf("inbox: recommendations: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
