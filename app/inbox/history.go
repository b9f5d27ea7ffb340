package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"highvibe/app/audit"
)

// HistoricConversation is a conversation brought in whole with its past times — the demo's six
// months, or a thread imported from another tool — stored as it stands: no action-log row per
// message and no assistant job, since nothing new happened; one row logs the import itself.
type HistoricConversation struct {
	LeadID, CustomerID                int64 // CustomerID 0: none
	Channel, ExternalID, State        string
	Urgency, Qualification, Sentiment *int
	Language, Summary                 string
	Handoff                           bool
	HandoffReason                     string
	NextAction                        string
	NextActionDueAt                   int64 // Unix ms, 0: none
	AssignedUserID                    int64 // 0: nobody
	AIMode                            string
	Unread                            int
	LastInboundAt, WaitingSince       int64 // Unix ms, 0: none
	CreatedAt                         int64 // Unix ms
	Messages                          []HistoricMessage
	Tags                              []string
}

// HistoricMessage is one message of a HistoricConversation.
type HistoricMessage struct {
	Direction, AuthorKind string
	AuthorUserID          int64
	Body                  string
	ProviderMessageID     string // "" when the channel gave none
	DeliveryStatus        string // "" for none
	At                    int64  // Unix ms
}

// InsertHistory stores h, its messages and tags (creating missing tags) and its search document
// inside the caller's transaction, and returns the conversation's id. The conversation's last
// message time is its newest message's.
func InsertHistory(ctx context.Context, tx *sql.Tx, h *HistoricConversation) (int64, error) {
	if len(h.Messages) == 0 {
		return 0, fmt.Errorf("inbox: history: a conversation needs a message")
	}
	last := h.Messages[len(h.Messages)-1].At
	for _, m := range h.Messages {
		last = max(last, m.At)
	}
	aiMode := h.AIMode
	if aiMode == "" {
		aiMode = "active"
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO conversations(lead_id, customer_id, channel, external_id, state, urgency_score,
		qualification_score, sentiment_score, language, handoff_required, handoff_reason, summary, next_action, next_action_due_at,
		assigned_user_id, ai_mode, unread_count, last_message_at, last_inbound_at, waiting_since, created_at, updated_at)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		h.LeadID, nullID(h.CustomerID), h.Channel, h.ExternalID, h.State, h.Urgency, h.Qualification, h.Sentiment, h.Language,
		boolInt(h.Handoff), h.HandoffReason, h.Summary, h.NextAction, nullID(h.NextActionDueAt), nullID(h.AssignedUserID), aiMode,
		h.Unread, last, nullID(h.LastInboundAt), nullID(h.WaitingSince), h.CreatedAt, last)
	if err != nil {
		return 0, fmt.Errorf("inbox: history: conversation: %w", err)
	}
	convID, _ := r.LastInsertId()
	for _, m := range h.Messages {
		if _, err := tx.ExecContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, author_user_id, body, channel,
			provider_message_id, delivery_status, created_at) VALUES(?,?,?,?,?,?,?,?,?)`,
			convID, m.Direction, m.AuthorKind, nullID(m.AuthorUserID), m.Body, h.Channel, nullStr(m.ProviderMessageID),
			nullStr(m.DeliveryStatus), m.At); err != nil {
			return 0, fmt.Errorf("inbox: history: message: %w", err)
		}
	}
	if len(h.Tags) > 0 {
		if err := setTags(ctx, tx, convID, h.Tags); err != nil {
			return 0, err
		}
	}
	// The import itself is an action, logged now: the conversation's log starts with it instead
	// of reading empty above messages that were never received here.
	first := h.Messages[0].At
	for _, m := range h.Messages {
		first = min(first, m.At)
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "history_imported",
		Summary: fmt.Sprintf("brought in with its history: %d messages", len(h.Messages)), ConversationID: convID,
		Payload: map[string]any{"messages": len(h.Messages), "channel": h.Channel, "first_at": first, "last_at": last}}); err != nil {
		return 0, err
	}
	return convID, reindex(ctx, tx, convID)
}

// WonLeadsWithoutCustomer lists won leads with a name that no CRM customer is linked to yet, oldest
// first (the demo makes customers of them).
func WonLeadsWithoutCustomer(ctx context.Context, q Querier, limit int) (ids []int64, names []string, err error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name FROM leads WHERE stage = 'won' AND name <> '' AND customer_id IS NULL ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, nil, fmt.Errorf("inbox: won leads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, nil, fmt.Errorf("inbox: won leads: %w", err)
		}
		ids, names = append(ids, id), append(names, name)
	}
	return ids, names, rows.Err()
}

// LatestInbound is an open conversation the assistant is active on, with its newest customer
// message.
type LatestInbound struct {
	ConversationID, MessageID, LastMessageAt int64
}

// LatestInbounds lists the open conversations the assistant is active on that have a customer
// message, newest conversation first (the demo triages them once after seeding).
func LatestInbounds(ctx context.Context, q Querier, limit int) ([]LatestInbound, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, max(m.id), c.last_message_at FROM conversations c
		JOIN messages m ON m.conversation_id = c.id AND m.direction = 'inbound'
		WHERE c.ai_mode = 'active' AND c.state NOT IN ('won','lost') GROUP BY c.id ORDER BY c.last_message_at DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: latest inbound: %w", err)
	}
	defer rows.Close()
	var out []LatestInbound
	for rows.Next() {
		var l LatestInbound
		if err := rows.Scan(&l.ConversationID, &l.MessageID, &l.LastMessageAt); err != nil {
			return nil, fmt.Errorf("inbox: latest inbound: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// LatestConversationOfLead returns the id of a lead's newest conversation (0 when it has none).
func LatestConversationOfLead(ctx context.Context, q Querier, leadID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM conversations WHERE lead_id = ?`, leadID).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("inbox: conversation of lead: %w", err)
	}
	return id, nil
}

// AnsweredEarlierTx records, in seeded history, that a person took over a conversation handed to
// them at a past moment (at, Unix ms): by phone, say. The person's note is added at that time
// (an internal note, nothing goes to the customer), the handoff is cleared, nothing waits or is
// unread any more, and the action log says so, dated at. False when the conversation was not
// waiting for a person or is closed.
func AnsweredEarlierTx(ctx context.Context, tx *sql.Tx, convID, userID int64, userName, note string, at int64) (bool, error) {
	var reason string
	var last int64
	err := tx.QueryRowContext(ctx, `SELECT handoff_reason, last_message_at FROM conversations
		WHERE id = ? AND handoff_required = 1 AND state NOT IN ('won','lost')`, convID).Scan(&reason, &last)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("inbox: answered earlier: %w", err)
	}
	if at < last {
		return false, fmt.Errorf("inbox: answered earlier: %d is before the conversation's last message", at)
	}
	// The note as a person's save writes it (Service.Update): a system message with its author.
	r, err := tx.ExecContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, author_user_id, body, channel, annotations, created_at)
		SELECT id, 'system', 'system', ?, ?, channel, ?, ? FROM conversations WHERE id = ?`, nullID(userID), note,
		annotation(Outgoing{AuthorName: userName}), at, convID)
	if err != nil {
		return false, fmt.Errorf("inbox: answered earlier: note: %w", err)
	}
	msgID, _ := r.LastInsertId()
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET handoff_required = 0, handoff_reason = '', waiting_since = NULL,
		unread_count = 0, last_message_at = ?, updated_at = ? WHERE id = ?`, at, at, convID); err != nil {
		return false, fmt.Errorf("inbox: answered earlier: %w", err)
	}
	// The row a person's save of the same change writes (conversation_update), dated at.
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "conversation_update",
		Summary: "conversation updated", Output: note, ModelName: "human-review", ActorUserID: userID, ActorName: userName,
		ConversationID: convID, At: at, Payload: map[string]any{"conversation_id": convID, "updated_by_user_id": userID,
			"before": map[string]any{"handoff_required": true, "handoff_reason": reason},
			"after":  map[string]any{"handoff_required": false, "handoff_reason": "", "message_id": msgID, "direction": "system"}}}); err != nil {
		return false, err
	}
	return true, reindex(ctx, tx, convID)
}

// WaitingHandoff is an open conversation handed to a person, with its reasons and newest message.
type WaitingHandoff struct {
	ConversationID, LastMessageAt int64
	Reason                        string
}

// WaitingHandoffs lists the open conversations waiting for a person whose newest message is older
// than before (Unix ms), oldest first (the demo settles them in their past).
func WaitingHandoffs(ctx context.Context, q Querier, before int64) ([]WaitingHandoff, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.last_message_at, c.handoff_reason FROM conversations c
		WHERE `+handoffWaiting+` AND c.last_message_at < ? ORDER BY c.last_message_at, c.id`, before)
	if err != nil {
		return nil, fmt.Errorf("inbox: waiting handoffs: %w", err)
	}
	defer rows.Close()
	var out []WaitingHandoff
	for rows.Next() {
		var w WaitingHandoff
		if err := rows.Scan(&w.ConversationID, &w.LastMessageAt, &w.Reason); err != nil {
			return nil, fmt.Errorf("inbox: waiting handoffs: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// OfferedLead is a lead whose conversation holds the team's message sending an offer, with what
// came of it.
type OfferedLead struct {
	LeadID, CustomerID, ConversationID int64
	Stage, Name, Language              string
	FirstMessage                       string // the customer's first message
	OfferAt, LastAt                    int64  // the offer's message; the conversation's last message (Unix ms)
}

// OfferedLeads lists the leads at proposal, won or lost whose conversation has a message of the
// team that sends an offer (speaks of "teklif" or "offer"), by the offer's time (the demo brings
// their written quotes in).
func OfferedLeads(ctx context.Context, q Querier) ([]OfferedLead, error) {
	rows, err := q.QueryContext(ctx, `SELECT l.id, coalesce(l.customer_id, 0), c.id, l.stage, l.name, c.language,
			coalesce((SELECT body FROM messages f WHERE f.conversation_id = c.id AND f.direction = 'inbound' ORDER BY f.created_at, f.id LIMIT 1), ''),
			(SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'outbound' AND m.author_kind = 'user'
				AND (m.body LIKE '%teklif%' OR m.body LIKE '%offer%')) AS offer_at, c.last_message_at
		FROM leads l JOIN conversations c ON c.id = (SELECT max(x.id) FROM conversations x WHERE x.lead_id = l.id)
		WHERE l.stage IN ('proposal','won','lost') AND l.merged_into IS NULL AND offer_at IS NOT NULL ORDER BY offer_at, l.id`)
	if err != nil {
		return nil, fmt.Errorf("inbox: offered leads: %w", err)
	}
	defer rows.Close()
	var out []OfferedLead
	for rows.Next() {
		var o OfferedLead
		if err := rows.Scan(&o.LeadID, &o.CustomerID, &o.ConversationID, &o.Stage, &o.Name, &o.Language, &o.FirstMessage, &o.OfferAt, &o.LastAt); err != nil {
			return nil, fmt.Errorf("inbox: offered leads: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
