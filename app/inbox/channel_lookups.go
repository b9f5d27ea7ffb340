package inbox

// Look-ups and small writes other rooms (channels, the CRM) ask of the inbox instead of reading
// or writing its tables.

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

// Reaction is an emoji a person put on a message in their messenger; an empty Emoji takes their
// reaction back.
type Reaction struct {
	From, Emoji string
	At          time.Time
}

// AddReaction records a reaction on the message a channel knows by its provider message id, in
// the message's annotations (one reaction per sender: a new emoji replaces theirs, an empty one
// removes it). It returns the message's id and its conversation's, or zeros when the channel's
// message is unknown.
func AddReaction(ctx context.Context, tx *sql.Tx, channel, providerMessageID string, r Reaction) (id, convID int64, err error) {
	var ann string
	err = tx.QueryRowContext(ctx, `SELECT id, conversation_id, annotations FROM messages WHERE channel = ? AND provider_message_id = ?`,
		channel, providerMessageID).Scan(&id, &convID, &ann)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("inbox: reaction target: %w", err)
	}
	var a map[string]any
	if json.Unmarshal([]byte(ann), &a) != nil || a == nil {
		a = map[string]any{}
	}
	list, _ := a["reactions"].([]any)
	kept := list[:0]
	for _, x := range list {
		if m, ok := x.(map[string]any); ok && m["from"] == r.From {
			continue
		}
		kept = append(kept, x)
	}
	if r.Emoji != "" {
		kept = append(kept, map[string]any{"from": r.From, "emoji": r.Emoji, "at": r.At.UnixMilli()})
	}
	a["reactions"] = kept
	b, _ := json.Marshal(a)
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET annotations = ? WHERE id = ?`, string(b), id); err != nil {
		return 0, 0, fmt.Errorf("inbox: add reaction: %w", err)
	}
	return id, convID, nil
}

// MessageSeen tells whether a channel's message with this provider message id is stored: a channel
// asks it of a message sent again, to spend none of a sender's allowance on what Ingest will find
// a duplicate.
func MessageSeen(ctx context.Context, q Querier, channel, providerMessageID string) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, `SELECT 1 FROM messages WHERE channel = ? AND provider_message_id = ?`, channel, providerMessageID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("inbox: message seen: %w", err)
	}
	return true, nil
}

// qConversationsByKey names the partial index's condition (external_id <> ”), so it is a seek
// (TestIngestLookupsSeek); an empty key names no thread.
const qConversationsByKey = `SELECT id FROM conversations WHERE channel = ? AND external_id = ? AND external_id <> '' ORDER BY id`

// ConversationsByExternalID lists the ids of a channel's conversations with one thread key,
// oldest first (someone who comes back after a won or lost deal gets a new conversation on the
// same key); tenantdb.ErrNotFound when there is none.
func ConversationsByExternalID(ctx context.Context, q Querier, channel, key string) ([]int64, error) {
	rows, err := q.QueryContext(ctx, qConversationsByKey, channel, key)
	if err != nil {
		return nil, fmt.Errorf("inbox: conversations by thread key: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("inbox: conversations by thread key: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, tenantdb.ErrNotFound
	}
	return ids, nil
}

// CustomerConversation is one conversation of a CRM customer, as the customer's page lists it.
type CustomerConversation struct {
	ID             int64
	Channel, State string
	// The lead's name, number and e-mail address as stored: the page names the lead by the rule of
	// web.Who, with views/partials/phone.html's "who" that keeps a number one left-to-right piece.
	LeadName, LeadPhone, LeadEmail string
	LastMessageAtMs                int64
}

// CustomerConversations lists the newest conversations of a customer, linked directly or through
// one of its leads.
func CustomerConversations(ctx context.Context, q Querier, customerID int64, limit int) ([]CustomerConversation, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.channel, c.state, coalesce(l.name,''), coalesce(l.phone,''), coalesce(l.email,''), c.last_message_at
		FROM conversations c LEFT JOIN leads l ON l.id = c.lead_id
		WHERE c.customer_id = ? OR l.customer_id = ? ORDER BY c.last_message_at DESC LIMIT ?`, customerID, customerID, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: customer conversations: %w", err)
	}
	defer rows.Close()
	var out []CustomerConversation
	for rows.Next() {
		var c CustomerConversation
		if err := rows.Scan(&c.ID, &c.Channel, &c.State, &c.LeadName, &c.LeadPhone, &c.LeadEmail, &c.LastMessageAtMs); err != nil {
			return nil, fmt.Errorf("inbox: customer conversations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LastEvent is the event of the newest system line of the conversation whose event is one of
// events ("" when none is): a channel that records a state as lines (Telegram's block and
// unblock) reads which came last.
func LastEvent(ctx context.Context, q Querier, conversationID int64, events ...string) (string, error) {
	if len(events) == 0 {
		return "", nil
	}
	args := []any{conversationID}
	for _, e := range events {
		args = append(args, e)
	}
	var last string
	err := q.QueryRowContext(ctx, `SELECT json_extract(annotations, '$.event') FROM messages WHERE conversation_id = ? AND direction = 'system'
		AND json_extract(annotations, '$.event') IN (?`+strings.Repeat(",?", len(events)-1)+`) ORDER BY id DESC LIMIT 1`, args...).Scan(&last)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inbox: last event: %w", err)
	}
	return last, nil
}

// BlockedSince is when the customer blocked the conversation's channel (Unix ms; the time of the
// system line that says so), or 0 when they have not or unblocked it since: the later of the
// channel's block and unblock events decides (channel.Info.Blocked, Unblocked).
func BlockedSince(ctx context.Context, q Querier, conversationID int64, blocked, unblocked string) (int64, error) {
	if blocked == "" {
		return 0, nil
	}
	var event string
	var at int64
	err := q.QueryRowContext(ctx, `SELECT json_extract(annotations, '$.event'), created_at FROM messages WHERE conversation_id = ? AND direction = 'system'
		AND json_extract(annotations, '$.event') IN (?, ?) ORDER BY id DESC LIMIT 1`, conversationID, blocked, unblocked).Scan(&event, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("inbox: blocked since: %w", err)
	}
	if event != blocked {
		return 0, nil
	}
	return max(at, 1), nil
}
