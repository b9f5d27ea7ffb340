package api

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// The read side is a JSON projection of the inbox and approvals tables for outside systems; it
// only reads, and every write goes through the owning room's functions.

type convFilter struct {
	State, Channel, Q string
	Handoff           bool
	Limit             int
	Cursor            int64
}

// msTime is a stored Unix-millisecond time as RFC 3339 in UTC, nil for 0.
func msTime(ms int64) *string {
	if ms == 0 {
		return nil
	}
	s := time.UnixMilli(ms).UTC().Format(time.RFC3339)
	return &s
}

func nullMs(n sql.NullInt64) *string {
	if !n.Valid {
		return nil
	}
	return msTime(n.Int64)
}

func nullInt(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	return &n.Int64
}

// nonEmpty is s, or nil when s is empty.
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

const convSelect = `SELECT c.id, c.channel, c.state, c.lead_id, l.name, l.phone, c.handoff_required, c.urgency_score, c.qualification_score,
	c.sentiment_score, c.next_action, c.ai_mode, c.last_message_at, c.created_at FROM conversations c JOIN leads l ON l.id = c.lead_id`

func scanConv(sc interface{ Scan(...any) error }) (Conversation, error) {
	var c Conversation
	var last, created int64
	var u, q, s sql.NullInt64
	if err := sc.Scan(&c.ID, &c.Channel, &c.State, &c.LeadID, &c.LeadName, &c.LeadPhone, &c.HandoffRequired, &u, &q, &s, &c.NextAction, &c.AIMode, &last, &created); err != nil {
		return c, err
	}
	c.UrgencyScore, c.QualificationScore, c.SentimentScore = nullInt(u), nullInt(q), nullInt(s)
	c.LastMessageAt, c.CreatedAt = msTime(last), msTime(created)
	return c, nil
}

func listConversations(ctx context.Context, db *tenantdb.DB, f convFilter) ([]Conversation, int64, error) {
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "c.state = ?"), append(args, f.State)
	}
	if f.Channel != "" {
		where, args = append(where, "c.channel = ?"), append(args, f.Channel)
	}
	if f.Handoff {
		where = append(where, "c.handoff_required = 1")
	}
	if f.Cursor > 0 {
		where, args = append(where, "c.id < ?"), append(args, f.Cursor)
	}
	if f.Q != "" {
		// The same search as the inbox: an outside CRM finds what an operator would.
		cond, cargs, none, err := inbox.SearchCondition(ctx, db.Read, "c.id", f.Q)
		if err != nil {
			return nil, 0, err
		}
		if none {
			where = append(where, "0")
		} else if cond != "" {
			where, args = append(where, cond), append(args, cargs...)
		}
	}
	q := convSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY c.id DESC LIMIT ?"
	args = append(args, f.Limit+1)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("api: list conversations: %w", err)
	}
	defer rows.Close()
	out := []Conversation{}
	var next, lastID int64
	for rows.Next() {
		c, err := scanConv(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("api: list conversations: %w", err)
		}
		if len(out) == f.Limit {
			next = lastID
			break
		}
		out = append(out, c)
		lastID = c.ID
	}
	return out, next, rows.Err()
}

// MessagesPage is how many messages GET /api/v1/conversations/{id} answers at a time: the newest
// (before the cursor), oldest first.
const MessagesPage = 5000

func conversationDetail(ctx context.Context, db *tenantdb.DB, id, before int64) (*ConversationDetail, error) {
	c, err := scanConv(db.Read.QueryRowContext(ctx, convSelect+" WHERE c.id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("api: conversation: %w", err)
	}
	msgs, older, err := inbox.Latest(ctx, db.Read, id, before, MessagesPage)
	if err != nil {
		return nil, err
	}
	out := &ConversationDetail{Conversation: c, Messages: make([]Message, 0, len(msgs))}
	if older && len(msgs) > 0 {
		out.NextCursor = cursorOut(msgs[0].ID)
	}
	for _, x := range msgs {
		out.Messages = append(out.Messages, Message{ID: x.ID, Direction: x.Direction, Author: x.AuthorKind, Text: x.Body,
			ProviderMessageID: nonEmpty(x.ProviderMessageID), DeliveryStatus: nonEmpty(x.DeliveryStatus), CreatedAt: msTime(x.CreatedAt)})
	}
	if out.Recommendations, err = listRecommendations(ctx, db, "conversation_id", id, 100); err != nil {
		return nil, err
	}
	return out, nil
}

func listLeads(ctx context.Context, db *tenantdb.DB, limit int, cursor int64) ([]Lead, int64, error) {
	q := `SELECT id, coalesce(external_id,''), name, phone, email, stage, source, lost_reason, consent_version, consent_at, utm_source, utm_medium, utm_campaign,
		coalesce(customer_id,0), created_at, updated_at FROM leads`
	args := []any{}
	if cursor > 0 {
		q += ` WHERE id < ?`
		args = append(args, cursor)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit+1)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("api: list leads: %w", err)
	}
	defer rows.Close()
	out := []Lead{}
	var next, lastID int64
	for rows.Next() {
		var l Lead
		var cust, created, updated int64
		var ca sql.NullInt64
		if err := rows.Scan(&l.ID, &l.ExternalID, &l.Name, &l.Phone, &l.Email, &l.Stage, &l.Source, &l.LostReason, &l.ConsentVersion, &ca,
			&l.UTMSource, &l.UTMMedium, &l.UTMCampaign, &cust, &created, &updated); err != nil {
			return nil, 0, fmt.Errorf("api: list leads: %w", err)
		}
		if len(out) == limit {
			next = lastID
			break
		}
		if cust > 0 {
			l.CustomerID = &cust
		}
		l.ConsentAt, l.CreatedAt, l.UpdatedAt = nullMs(ca), msTime(created), msTime(updated)
		out = append(out, l)
		lastID = l.ID
	}
	return out, next, rows.Err()
}

func listRecommendations(ctx context.Context, db *tenantdb.DB, col string, val any, limit int) ([]Recommendation, error) {
	q := `SELECT id, conversation_id, lead_id, title, summary, recommended_action, priority, confidence, action_type, status,
		decided_by_name, decided_at FROM decision_recommendations`
	args := []any{}
	if s, ok := val.(string); !ok || s != "" {
		q += ` WHERE ` + col + ` = ?` // col is one of two constants chosen by this package
		args = append(args, val)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("api: recommendations: %w", err)
	}
	defer rows.Close()
	out := []Recommendation{}
	for rows.Next() {
		var x Recommendation
		var conv, lead, dat sql.NullInt64
		var by string
		if err := rows.Scan(&x.ID, &conv, &lead, &x.Title, &x.Summary, &x.RecommendedAction, &x.Priority, &x.Confidence, &x.ActionType, &x.Status, &by, &dat); err != nil {
			return nil, fmt.Errorf("api: recommendations: %w", err)
		}
		x.ConversationID, x.LeadID, x.DecidedBy, x.DecidedAt = nullInt(conv), nullInt(lead), nonEmpty(by), nullMs(dat)
		out = append(out, x)
	}
	return out, rows.Err()
}
