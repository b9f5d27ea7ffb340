package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Querier is what the read helpers need: a *sql.DB (read pool) or a *sql.Tx (inside a write).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Conversation mirrors one conversations row (times are Unix ms; nullable columns are pointers or 0).
type Conversation struct {
	ID              int64
	LeadID          int64
	CustomerID      int64
	Channel         string
	ExternalID      string
	State           string
	Urgency         *int
	Qualification   *int
	Sentiment       *int
	ScoreReasons    string
	Language        string
	HandoffRequired bool
	HandoffReason   string
	Summary         string
	NextAction      string
	NextActionDueAt int64
	AssignedUserID  int64
	AIMode          string
	UnreadCount     int
	LastMessageAt   int64
	LastInboundAt   int64
	WaitingSince    int64
	ReviewSummary   string
	ReviewQuality   *int
	ReviewedAt      int64
	CreatedAt       int64
	UpdatedAt       int64
}

// Open reports whether the conversation is still being worked (state not won/lost).
func (c *Conversation) Open() bool { return c.State != "won" && c.State != "lost" }

const convCols = `c.id, c.lead_id, coalesce(c.customer_id,0), c.channel, c.external_id, c.state, c.urgency_score, c.qualification_score,
	c.sentiment_score, c.score_reasons, c.language, c.handoff_required, c.handoff_reason, c.summary, c.next_action,
	coalesce(c.next_action_due_at,0), coalesce(c.assigned_user_id,0), c.ai_mode, c.unread_count, c.last_message_at,
	coalesce(c.last_inbound_at,0), coalesce(c.waiting_since,0), c.review_summary, c.review_quality, coalesce(c.reviewed_at,0),
	c.created_at, c.updated_at`

func scanConv(sc interface{ Scan(...any) error }) (*Conversation, error) {
	c := &Conversation{}
	var u, q, s, rq sql.NullInt64
	err := sc.Scan(&c.ID, &c.LeadID, &c.CustomerID, &c.Channel, &c.ExternalID, &c.State, &u, &q, &s, &c.ScoreReasons,
		&c.Language, &c.HandoffRequired, &c.HandoffReason, &c.Summary, &c.NextAction, &c.NextActionDueAt,
		&c.AssignedUserID, &c.AIMode, &c.UnreadCount, &c.LastMessageAt, &c.LastInboundAt, &c.WaitingSince,
		&c.ReviewSummary, &rq, &c.ReviewedAt, &c.CreatedAt, &c.UpdatedAt)
	if err != nil {
		return nil, err
	}
	c.Urgency, c.Qualification, c.Sentiment, c.ReviewQuality = intPtr(u), intPtr(q), intPtr(s), intPtr(rq)
	return c, nil
}

func intPtr(n sql.NullInt64) *int {
	if !n.Valid {
		return nil
	}
	v := int(n.Int64)
	return &v
}

// ConversationByID reads one conversation; tenantdb.ErrNotFound when absent.
func ConversationByID(ctx context.Context, q Querier, id int64) (*Conversation, error) {
	c, err := scanConv(q.QueryRowContext(ctx, `SELECT `+convCols+` FROM conversations c WHERE c.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: reading conversation %d: %w", id, err)
	}
	return c, nil
}

// Message mirrors one messages row.
type Message struct {
	ID                int64
	ConversationID    int64
	Direction         string
	AuthorKind        string
	AuthorUserID      int64
	Body              string
	Kind              string
	Channel           string
	ProviderMessageID string
	DeliveryStatus    string
	DeliveryError     string
	Annotations       string
	ScheduledAt       int64
	CreatedAt         int64
}

const msgCols = `id, conversation_id, direction, author_kind, coalesce(author_user_id,0), body, kind, channel,
	coalesce(provider_message_id,''), coalesce(delivery_status,''), delivery_error, annotations, coalesce(scheduled_at,0), created_at`

func scanMsg(sc interface{ Scan(...any) error }) (*Message, error) {
	m := &Message{}
	err := sc.Scan(&m.ID, &m.ConversationID, &m.Direction, &m.AuthorKind, &m.AuthorUserID, &m.Body, &m.Kind, &m.Channel,
		&m.ProviderMessageID, &m.DeliveryStatus, &m.DeliveryError, &m.Annotations, &m.ScheduledAt, &m.CreatedAt)
	return m, err
}

// MessageByID reads one message; tenantdb.ErrNotFound when absent.
func MessageByID(ctx context.Context, q Querier, id int64) (*Message, error) {
	m, err := scanMsg(q.QueryRowContext(ctx, `SELECT `+msgCols+` FROM messages WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: reading message %d: %w", id, err)
	}
	return m, nil
}

// Messages lists a conversation's messages with id > afterID in id order (limit ≤ 0 means 500).
func Messages(ctx context.Context, q Querier, conversationID, afterID int64, limit int) ([]*Message, error) {
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	rows, err := q.QueryContext(ctx, `SELECT `+msgCols+` FROM messages WHERE conversation_id = ? AND id > ? ORDER BY id LIMIT ?`,
		conversationID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: listing messages: %w", err)
	}
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		m, err := scanMsg(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: listing messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Latest lists the newest limit messages of a conversation with id < beforeID (0: no bound), in
// id order, and whether older ones exist. A long thread's readers (the conversation page, the
// assistant, a quote drafted from the conversation) want its latest messages: Messages from 0
// gives its first ones, and a thread longer than the limit lost its newest.
func Latest(ctx context.Context, q Querier, conversationID, beforeID int64, limit int) (msgs []*Message, older bool, err error) {
	if limit <= 0 || limit > 5000 {
		limit = 500
	}
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	rows, err := q.QueryContext(ctx, `SELECT `+msgCols+` FROM messages WHERE conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
		conversationID, beforeID, limit+1)
	if err != nil {
		return nil, false, fmt.Errorf("inbox: listing messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMsg(rows)
		if err != nil {
			return nil, false, fmt.Errorf("inbox: listing messages: %w", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, false, fmt.Errorf("inbox: listing messages: %w", err)
	}
	if len(msgs) > limit {
		msgs, older = msgs[:limit], true
	}
	slices.Reverse(msgs)
	return msgs, older, nil
}

// ReleasedSince lists the scheduled outbound messages of a conversation that went out after the
// message afterID was written while their ids are not above it: a reply scheduled before the
// customer wrote again keeps the id of its scheduling, so a reader that asks only for ids after
// the last one it saw would never be shown it.
func ReleasedSince(ctx context.Context, q Querier, conversationID, afterID int64) ([]*Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+msgCols+` FROM messages WHERE conversation_id = ? AND id <= ? AND direction = 'outbound'
		AND scheduled_at IS NOT NULL AND created_at >= coalesce((SELECT created_at FROM messages WHERE id = ?), 0) ORDER BY id`,
		conversationID, afterID, afterID)
	if err != nil {
		return nil, fmt.Errorf("inbox: listing released messages: %w", err)
	}
	defer rows.Close()
	var out []*Message
	for rows.Next() {
		m, err := scanMsg(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: listing released messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Lead is the part of a leads row the inbox shows.
type Lead struct {
	ID         int64
	Name       string
	Phone      string
	PhoneE164  string
	Email      string
	Stage      string
	Source     string
	LostReason string
	CustomerID int64
	CreatedAt  int64
}

// Shown is what names the lead on a page: web.Who's rule (its name, else its phone number as people
// write it, one kept without its country code read as region's — the business's phone_region —,
// else its e-mail address; "" when it has none of them).
func (l *Lead) Shown(region string) string {
	if l == nil {
		return ""
	}
	return web.Who(region, l.Name, l.Phone, l.Email)
}

// Named reports whether the lead has a name, a phone number or an e-mail address (Shown is not "").
func (l *Lead) Named() bool { return l.Shown("") != "" }

// LeadByID reads one lead; tenantdb.ErrNotFound when absent.
func LeadByID(ctx context.Context, q Querier, id int64) (*Lead, error) {
	l := &Lead{}
	err := q.QueryRowContext(ctx, `SELECT id, name, phone, phone_e164, email, stage, source, lost_reason, coalesce(customer_id,0), created_at
		FROM leads WHERE id = ?`, id).Scan(&l.ID, &l.Name, &l.Phone, &l.PhoneE164, &l.Email, &l.Stage, &l.Source, &l.LostReason, &l.CustomerID, &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("inbox: reading lead %d: %w", id, err)
	}
	return l, nil
}

// ConversationOfMessages returns the conversation holding the newest message on channel whose
// provider message id is one of ids (0 when none): how a channel that threads by message ids
// (e-mail's In-Reply-To and References) finds where an answer belongs.
func ConversationOfMessages(ctx context.Context, q Querier, channel string, ids []string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	if len(ids) > 100 {
		ids = ids[len(ids)-100:] // the newest references are the last ones
	}
	args := []any{channel}
	for _, id := range ids {
		args = append(args, id)
	}
	var conv int64
	err := q.QueryRowContext(ctx, `SELECT conversation_id FROM messages WHERE channel = ? AND provider_message_id IN (?`+
		strings.Repeat(",?", len(ids)-1)+`) ORDER BY id DESC LIMIT 1`, args...).Scan(&conv)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("inbox: finding thread: %w", err)
	}
	return conv, nil
}
