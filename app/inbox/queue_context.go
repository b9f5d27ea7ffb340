package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"highvibe/app/web"
)

// Cause is what the approval queue shows about a conversation a recommendation belongs to: who
// the customer is, on which channel, and the customer's message that led to the recommendation.
type Cause struct {
	ConversationID int64
	CustomerName   string // the linked customer's name, else the lead's
	Phone, Email   string // the lead's: a nameless customer is named by them (Who)
	Channel        string
	Message        string // the last inbound message at or before the given time ("" when none)
	MessageAt      int64
	// The customer's latest message (its id is what a decision on the page has seen) and, when it
	// came after the given time, its words and time: the customer wrote again after the draft.
	LatestID int64
	Later    string
	LaterAt  int64
	State    string // the conversation's state (won and lost are closed)
}

// Who names the customer as every list does (web.Who): the name, else the number as people write
// it (a number kept without its country code is of region, the business's), else the e-mail
// address; "" when there is none of them.
func (c Cause) Who(region string) string { return web.Who(region, c.CustomerName, c.Phone, c.Email) }

// Named reports whether the customer gave a name, a number or an e-mail address (Who is not "").
func (c Cause) Named() bool { return c.Who("") != "" }

// Closed reports whether the conversation was closed as won or lost.
func (c Cause) Closed() bool { return c.State == "won" || c.State == "lost" }

// Causes reads, for each conversation id, the customer's name, channel and state, the last inbound
// message written at or before before[id] (Unix ms), or the latest one when none is that old, and
// the latest inbound message (with its words when it is later than before[id]).
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
		SELECT c.id, coalesce(nullif(cu.name, ''), l.name, ''), l.phone, l.email, c.channel, c.state,
			coalesce(m.body, ''), coalesce(m.created_at, 0), coalesce(n.id, 0),
			CASE WHEN n.created_at > w.at THEN n.body ELSE '' END, CASE WHEN n.created_at > w.at THEN n.created_at ELSE 0 END
		FROM want w JOIN conversations c ON c.id = w.id JOIN leads l ON l.id = c.lead_id
		LEFT JOIN customers cu ON cu.id = c.customer_id
		LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id AND direction = 'inbound'
			ORDER BY (created_at <= w.at) DESC, id DESC LIMIT 1)
		LEFT JOIN messages n ON n.id = (SELECT id FROM messages WHERE conversation_id = c.id AND direction = 'inbound'
			ORDER BY id DESC LIMIT 1)`, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: causes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Cause
		if err := rows.Scan(&c.ConversationID, &c.CustomerName, &c.Phone, &c.Email, &c.Channel, &c.State, &c.Message, &c.MessageAt,
			&c.LatestID, &c.Later, &c.LaterAt); err != nil {
			return nil, fmt.Errorf("inbox: causes: %w", err)
		}
		out[c.ConversationID] = c
	}
	return out, rows.Err()
}

// UnreadConversations counts the open conversations (not won or lost) with unread customer
// messages (unreadWaiting): the menu's badge, the dashboard's "… unread" line and the inbox's
// counter are this one number, and the inbox's "Unread only" filter lists these conversations.
func UnreadConversations(ctx context.Context, q Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM conversations c WHERE `+unreadWaiting).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("inbox: unread: %w", err)
	}
	return n, nil
}

// InboundAfter reads the customer's latest message in a conversation with an id above seen and
// written after since (Unix ms): what they wrote after a page showed the conversation up to
// message seen, or after a moment (a draft written, a draft approved). ok is false when nothing.
func InboundAfter(ctx context.Context, q Querier, conversationID, seen, since int64) (id int64, body string, at int64, ok bool, err error) {
	err = q.QueryRowContext(ctx, `SELECT id, body, created_at FROM messages WHERE conversation_id = ? AND direction = 'inbound' AND id > ?
		AND created_at > ? ORDER BY id DESC LIMIT 1`, conversationID, seen, since).Scan(&id, &body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", 0, false, nil
	}
	if err != nil {
		return 0, "", 0, false, fmt.Errorf("inbox: inbound after: %w", err)
	}
	return id, body, at, true, nil
}
