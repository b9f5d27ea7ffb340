// Package approvals is the approval queue (guide: 09-approval-queue.md): decision recommendations the assistant (or
// the KPI center) drafts, and the people who approve, reject or mark them executed. A decided
// recommendation is immutable; the database trigger enforces it even against a buggy caller.
package approvals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
)

// Recommendation mirrors one decision_recommendations row (times Unix ms).
type Recommendation struct {
	ID                int64
	LeadID            int64
	ConversationID    int64
	Title             string
	Summary           string
	RecommendedAction string
	DraftReply        string
	Priority          string
	Confidence        float64
	ActionType        string
	Status            string
	DedupeKey         string
	ModelName         string
	DecidedByUserID   int64
	DecidedByName     string
	DecidedAt         int64
	DecisionReason    string
	CreatedAt         int64
	UpdatedAt         int64
	// Sent: an approved draft reply went out, as message SentMessageID (0 for drafts sent before
	// the message was recorded here). A draft is sent once; the schema refuses a second time.
	Sent          bool
	SentMessageID int64
	// Words is the recommendation's kind and parameters (JSON, app/words.Rec) that pages word in
	// the viewer's language; "" for rows from before and for recommendations people wrote.
	Words string
}

// Open reports whether the recommendation still waits for a decision.
func (r *Recommendation) Open() bool { return r.Status == "draft" || r.Status == "pending" }

// New is what a producer (the assistant, the KPI center) proposes.
type New struct {
	LeadID, ConversationID              int64
	Title, Summary, RecommendedAction   string
	DraftReply, Priority, ActionType    string
	Confidence                          float64
	ModelName, DedupeKey, InitialStatus string // InitialStatus "" = pending
	SnapshotID                          int64  // the KPI snapshot a generated recommendation came from (0: none)
	CreatedAt                           int64  // Unix ms; 0 = now (a producer with its own clock sets it)
	Words                               string // kind and parameters, JSON (app/words.Rec); Title and Summary stay the plain-text form
}

// Querier is a *sql.DB or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const cols = `id, coalesce(lead_id,0), coalesce(conversation_id,0), title, summary, recommended_action, draft_reply, priority,
	confidence, action_type, status, coalesce(dedupe_key,''), model_name, coalesce(decided_by_user_id,0), decided_by_name,
	coalesce(decided_at,0), decision_reason, created_at, updated_at, sent_message_id IS NOT NULL, coalesce(sent_message_id,0), words`

func scan(sc interface{ Scan(...any) error }) (*Recommendation, error) {
	r := &Recommendation{}
	err := sc.Scan(&r.ID, &r.LeadID, &r.ConversationID, &r.Title, &r.Summary, &r.RecommendedAction, &r.DraftReply, &r.Priority,
		&r.Confidence, &r.ActionType, &r.Status, &r.DedupeKey, &r.ModelName, &r.DecidedByUserID, &r.DecidedByName,
		&r.DecidedAt, &r.DecisionReason, &r.CreatedAt, &r.UpdatedAt, &r.Sent, &r.SentMessageID, &r.Words)
	return r, err
}

func nullable(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func clip(s string, n int) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return string(r)
}

// Create inserts a recommendation inside the caller's transaction. While an open recommendation
// with the same dedupe key exists, nothing is inserted and created is false (the unique index
// decides, so two concurrent producers cannot both win).
func Create(ctx context.Context, tx *sql.Tx, n New) (id int64, created bool, err error) {
	status := n.InitialStatus
	if status == "" {
		status = "pending"
	}
	var dk any
	if n.DedupeKey != "" {
		dk = n.DedupeKey
	}
	now := n.CreatedAt
	if now == 0 {
		now = tenantdb.Now()
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO decision_recommendations(lead_id, conversation_id, snapshot_id, title, summary, recommended_action,
		draft_reply, priority, confidence, action_type, status, dedupe_key, model_name, created_at, updated_at, words)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`,
		nullable(n.LeadID), nullable(n.ConversationID), nullable(n.SnapshotID), clip(n.Title, 200), clip(n.Summary, 4000), clip(n.RecommendedAction, 500),
		clip(n.DraftReply, 4000), n.Priority, min(1, max(0, n.Confidence)), n.ActionType, status, dk, n.ModelName, now, now, n.Words)
	if err != nil {
		return 0, false, fmt.Errorf("approvals: create: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return 0, false, nil
	}
	id, _ = res.LastInsertId()
	// A recommendation waiting for a decision tells the owners (app/notify).
	if status == "pending" || status == "draft" {
		if err := notify.Raise(ctx, tx, notify.Event{Kind: notify.KindApproval, RecommendationID: id, ConversationID: n.ConversationID}); err != nil {
			return 0, false, err
		}
	}
	return id, true, nil
}

// ByID reads one recommendation; tenantdb.ErrNotFound when absent.
func ByID(ctx context.Context, q Querier, id int64) (*Recommendation, error) {
	r, err := scan(q.QueryRowContext(ctx, `SELECT `+cols+` FROM decision_recommendations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("approvals: read: %w", err)
	}
	return r, nil
}

func list(ctx context.Context, q Querier, where string, args ...any) ([]*Recommendation, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM decision_recommendations `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("approvals: list: %w", err)
	}
	defer rows.Close()
	var out []*Recommendation
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("approvals: list: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// priorityOrder sorts critical first.
const priorityOrder = `CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END`

// Pending lists open recommendations by priority, then oldest first (the queue's order).
func Pending(ctx context.Context, db *tenantdb.DB, limit int) ([]*Recommendation, error) {
	if limit <= 0 {
		limit = 200
	}
	return list(ctx, db.Read, `WHERE status IN ('draft','pending') ORDER BY `+priorityOrder+`, created_at, id LIMIT ?`, limit)
}

// Decided lists the most recently decided recommendations (their trace: who, when, why).
func Decided(ctx context.Context, db *tenantdb.DB, limit int) ([]*Recommendation, error) {
	return list(ctx, db.Read, `WHERE status IN ('approved','rejected','executed') ORDER BY decided_at DESC, id DESC LIMIT ?`, limit)
}

// ForConversation lists the newest recommendations about a conversation's lead (any conversation
// of it) or the conversation itself, as the conversation page shows them (inbox.Neighbours).
func ForConversation(ctx context.Context, q inbox.Querier, leadID, convID int64) ([]inbox.Recommendation, error) {
	recs, err := list(ctx, q, `WHERE lead_id = ? OR conversation_id = ? ORDER BY id DESC LIMIT 20`, leadID, convID)
	if err != nil {
		return nil, err
	}
	out := make([]inbox.Recommendation, 0, len(recs))
	for _, r := range recs {
		out = append(out, inbox.Recommendation{ID: r.ID, Title: r.Title, Summary: r.Summary, Priority: r.Priority, Status: r.Status,
			ActionType: r.ActionType, Confidence: r.Confidence, ConversationID: r.ConversationID, CreatedAt: r.CreatedAt, Words: r.Words})
	}
	return out, nil
}

// OpenDrafts lists the assistant's draft replies of a conversation still waiting in the queue,
// oldest first, for the conversation page to edit and send (inbox.Neighbours).
func OpenDrafts(ctx context.Context, q inbox.Querier, convID int64) ([]inbox.Draft, error) {
	recs, err := list(ctx, q, `WHERE conversation_id = ? AND status IN ('draft','pending') AND trim(draft_reply) <> '' ORDER BY id LIMIT 5`, convID)
	if err != nil {
		return nil, err
	}
	out := make([]inbox.Draft, 0, len(recs))
	for _, r := range recs {
		out = append(out, inbox.Draft{ID: r.ID, Title: r.Title, Body: r.DraftReply, Words: r.Words, SentByHook: sentByHook(r.ModelName), CreatedAt: r.CreatedAt})
	}
	return out, nil
}

// PendingCount is the number on the dashboard's "pending approvals" card.
func PendingCount(ctx context.Context, db *tenantdb.DB) (int, error) {
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM decision_recommendations WHERE status IN ('draft','pending')`).Scan(&n); err != nil {
		return 0, fmt.Errorf("approvals: count: %w", err)
	}
	return n, nil
}

// Newest lists the n newest recommendations of any status, for the dashboard.
func Newest(ctx context.Context, db *tenantdb.DB, n int) ([]*Recommendation, error) {
	return list(ctx, db.Read, `ORDER BY created_at DESC, id DESC LIMIT ?`, n)
}

// setDecision moves an open recommendation to a decided status; false when it was not open.
// The draft reply is written with it (an edit-and-approve changes it; otherwise it is unchanged).
func setDecision(ctx context.Context, tx *sql.Tx, id int64, status string, userID int64, name, reason, draft string) (bool, error) {
	now := tenantdb.Now()
	res, err := tx.ExecContext(ctx, `UPDATE decision_recommendations SET status = ?, decided_by_user_id = ?, decided_by_name = ?,
		decided_at = ?, decision_reason = ?, draft_reply = ?, updated_at = ? WHERE id = ? AND status IN ('draft','pending')`,
		status, nullable(userID), clip(name, 200), now, clip(reason, 1000), draft, now, id)
	if err != nil {
		return false, writeErr("decide", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// markSent records the message an approved draft became; false when it was sent already (or is
// not approved).
func markSent(ctx context.Context, tx *sql.Tx, id, msgID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE decision_recommendations SET sent_message_id = ?
		WHERE id = ? AND status = 'approved' AND sent_message_id IS NULL`, msgID, id)
	if err != nil {
		return false, fmt.Errorf("approvals: mark sent: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// writeErr words a failed write to decision_recommendations: the trigger that keeps a decided
// recommendation immutable (SQLITE_CONSTRAINT_TRIGGER) means someone decided it in the meantime,
// a conflict the person can resolve by reloading; anything else is the server's fault.
func writeErr(op string, err error) error {
	if tenantdb.IsTrigger(err) {
		return fault.Conflict("approvals.conflict_body").Wrap(err)
	}
	return fmt.Errorf("approvals: %s: %w", op, err)
}

// ConfidencePct is the confidence as a percentage, for display.
func (r *Recommendation) ConfidencePct() float64 { return r.Confidence * 100 }

// MarkSentTx records inside the caller's transaction that an approved recommendation's draft went
// out as message msgID by another room's path (an MSP ticket's public reply); a draft already
// marked sent, or one not approved, is ErrAlreadySent / ErrNotSendable.
func MarkSentTx(ctx context.Context, tx *sql.Tx, id, msgID int64) error {
	rec, err := ByID(ctx, tx, id)
	if err != nil {
		return err
	}
	if rec.Sent {
		return ErrAlreadySent
	}
	ok, err := markSent(ctx, tx, id, msgID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotSendable
	}
	return nil
}
