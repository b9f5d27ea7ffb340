package inbox

import (
	"context"
	"fmt"
	"strings"
)

// Cause is what the approval queue shows about a conversation a recommendation belongs to: who
// the customer is, on which channel, and the customer's message that led to the recommendation.
type Cause struct {
	ConversationID int64
	CustomerName   string
	Channel        string
	Message        string // the last inbound message at or before the given time ("" when none)
	MessageAt      int64
}

// Causes reads, for each conversation id, the customer's name and channel and the last inbound
// message written at or before before[id] (Unix ms), or the latest one when none is that old.
// One query for the whole page.
func Causes(ctx context.Context, q Querier, before map[int64]int64) (map[int64]Cause, error) {
	out := make(map[int64]Cause, len(before))
	if len(before) == 0 {
		return out, nil
	}
	args := make([]any, 0, 2*len(before))
	vals := make([]string, 0, len(before))
	for id, at := range before {
		vals = append(vals, "(?,?)")
		args = append(args, id, at)
	}
	rows, err := q.QueryContext(ctx, `WITH want(id, at) AS (VALUES `+strings.Join(vals, ",")+`)
		SELECT c.id, coalesce(nullif(cu.name, ''), l.name, ''), c.channel,
			coalesce(m.body, ''), coalesce(m.created_at, 0)
		FROM want w JOIN conversations c ON c.id = w.id JOIN leads l ON l.id = c.lead_id
		LEFT JOIN customers cu ON cu.id = c.customer_id
		LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id AND direction = 'inbound'
			ORDER BY (created_at <= w.at) DESC, id DESC LIMIT 1)`, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: causes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Cause
		if err := rows.Scan(&c.ConversationID, &c.CustomerName, &c.Channel, &c.Message, &c.MessageAt); err != nil {
			return nil, fmt.Errorf("inbox: causes: %w", err)
		}
		out[c.ConversationID] = c
	}
	return out, rows.Err()
}

// UnreadConversations counts conversations with unread customer messages, for the menu; it
// stops counting at 100 (the menu shows "99+").
func UnreadConversations(ctx context.Context, q Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM conversations WHERE unread_count > 0 LIMIT 100)`).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inbox: unread: %w", err)
	}
	return n, nil
}
