package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/hours"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
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
	// AssigneeName is the username of the member AssignedUserID names, when the caller knows it:
	// the action log's row then says who the conversation went to.
	AssigneeName string
	AIMode       *string
	Tags         *[]string
	// TagsWas, when set, are the tags the sender's box showed: Tags then adds and removes only
	// what the sender added and removed, and tags someone else gave meanwhile stay (tagsOn).
	TagsWas *[]string
	// Drawn, when set, is the next step's form as posted (its was_ boxes say what it showed) and
	// Zone the zone its due time was typed in: a next step changed here and by someone else too
	// since the page was drawn is refused (web.KeepUntouched's ChangedMeanwhile), nothing stored.
	Drawn     url.Values
	Zone      *time.Location
	ActorID   int64
	ActorName string
	// Mentions are the members an internal note (Direction "system") names with @username: they
	// are recorded with the note and told (app/notify).
	Mentions []int64
	// Once: the save comes from the composer, whose one-time token is spent with the message it
	// writes, in the same transaction (web.SpendOnce): a second post of the same form writes —
	// and sends — nothing.
	Once bool
}

// changedMeanwhile refuses a next step (words or due time) the sender changed while someone else
// changed it too, to something else, since the sender's page was drawn: c is the conversation as
// stored, read in the save's transaction.
func (ch Change) changedMeanwhile(c *Conversation) error {
	if ch.Drawn == nil {
		return nil
	}
	f, stored := url.Values{}, map[string]any{}
	if ch.NextAction != nil {
		stored["next_action"] = c.NextAction
	}
	if ch.NextActionDueAt != nil {
		stored["next_action_due_at"] = DueValue(c.NextActionDueAt, ch.Zone)
	}
	for name := range stored {
		if w, ok := ch.Drawn["was_"+name]; ok {
			f[name], f["was_"+name] = ch.Drawn[name], w
		}
	}
	return web.KeepUntouched(f, stored)
}

// DueValue is a next step's due time as its box draws it in loc (0: none; nil loc: the
// product's default zone, hours.DefaultLocation).
func DueValue(ms int64, loc *time.Location) string {
	if ms == 0 {
		return ""
	}
	if loc == nil {
		loc = hours.DefaultLocation()
	}
	return time.UnixMilli(ms).In(loc).Format("2006-01-02T15:04")
}

// tagsOn is the conversation's tags after the change, now being its tags: Tags, or, when the
// change knows what its box showed, now less the tags taken out of the box and with the ones
// typed into it, in the order parseChange gives them.
func (ch Change) tagsOn(now []string) []string {
	if ch.TagsWas == nil {
		return *ch.Tags
	}
	was, tags := *ch.TagsWas, *ch.Tags
	out := []string{}
	for _, t := range now {
		if !slices.Contains(was, t) || slices.Contains(tags, t) {
			out = append(out, t)
		}
	}
	for _, t := range tags {
		if !slices.Contains(was, t) && !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, t) }) {
			out = append(out, t)
		}
	}
	return sortedTags(out)
}

// ErrConflict says a scheduled message can no longer be withdrawn: it was already sent.
var ErrConflict = fault.Sentinel(fault.KindConflict, "inbox.error.already_sent", "inbox: scheduled message already sent")

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
	_, err := db.Exec(ctx, `UPDATE conversations SET unread_count = 0 WHERE id = ? AND unread_count > 0`, convID)
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

// SendScheduled is the JobSendScheduled job: at the scheduled time the message enters the normal
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
		switch s.Channels.OutboundOf(m.Channel) {
		case channel.Deliver:
			status = "queued"
			if _, err := jobs.Enqueue(ctx, tx, JobDeliver, map[string]int64{"message_id": m.ID}, jobs.Options{}); err != nil {
				return err
			}
		case channel.Local:
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
		if status != "queued" {
			// Shown in the widget, or recorded on a call: with the customer now (a delivered
			// channel's reply when the channel has sent it, SetDelivery).
			if err := replyReached(ctx, tx, m.ID); err != nil {
				return err
			}
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
	Words            string // kind and parameters the page words (app/words.Rec)
}

// Assignable reports whether a member of role can be given a conversation to look after: owners
// and operators (a viewer reads the panel but answers nobody).
func Assignable(role string) bool { return role == platform.RoleOwner || role == platform.RoleOperator }
