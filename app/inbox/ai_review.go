package inbox

import (
	"context"
	"database/sql"
	"fmt"

	"highvibe/app/channels/channel"
	"highvibe/app/tenantdb"
)

// SetReview records the assistant's after-the-fact review of a conversation (guide: 19-ai-settings.md):
// a short summary and a 0–100 quality score of the replies. It exists so the ai room never writes
// the conversations table itself.
func SetReview(ctx context.Context, tx *sql.Tx, conversationID int64, summary string, quality int) error {
	now := tenantdb.Now()
	r, err := tx.ExecContext(ctx, `UPDATE conversations SET review_summary = ?, review_quality = ?, reviewed_at = ?, updated_at = ? WHERE id = ?`,
		clip(summary, 2000), min(100, max(0, quality)), now, now, conversationID)
	if err != nil {
		return fmt.Errorf("inbox: setting review: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// AddMessageTx stores an outbound/system message inside the caller's transaction WITHOUT its own
// action log row: the approval queue records a decision, its system note and its single
// approval_queue log atomically. The caller publishes the live event after commit. reg says what
// happens to an outbound reply on the conversation's channel.
func AddMessageTx(ctx context.Context, tx *sql.Tx, reg *channel.Registry, conversationID int64, m Outgoing) (int64, error) {
	return addMessageTx(ctx, tx, reg, conversationID, m, "", false)
}

// HandoffItem is one conversation waiting for a person, as the approval queue lists it.
type HandoffItem struct {
	ID            int64
	LeadName      string
	LeadPhone     string // a nameless lead is named by its number, else its e-mail ("who")
	LeadEmail     string
	Channel       string
	HandoffReason string
	Summary       string
	LastMessageAt int64
}

// HandoffConversations lists open conversations flagged for a person, newest first (limit ≤ 0 = 20).
// The approval queue shows them next to the pending recommendations.
func HandoffConversations(ctx context.Context, q Querier, limit int) ([]HandoffItem, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := q.QueryContext(ctx, `SELECT c.id, l.name, l.phone, l.email, c.channel, c.handoff_reason, c.summary, c.last_message_at
		FROM conversations c JOIN leads l ON l.id = c.lead_id
		WHERE c.handoff_required = 1 AND c.state NOT IN ('won','lost') ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: handoff conversations: %w", err)
	}
	defer rows.Close()
	var out []HandoffItem
	for rows.Next() {
		var h HandoffItem
		if err := rows.Scan(&h.ID, &h.LeadName, &h.LeadPhone, &h.LeadEmail, &h.Channel, &h.HandoffReason, &h.Summary, &h.LastMessageAt); err != nil {
			return nil, fmt.Errorf("inbox: handoff conversations: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}
