// Package audit is the append-only, hash-chained action log (guide: 24-audit-logs.md): every change a person, the
// assistant or a channel makes writes one row; the database refuses UPDATE and DELETE, and each row
// carries the hash of the previous one so `highvibe audit verify` can prove nothing was altered.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

// Entry is what a caller says happened.
type Entry struct {
	Provider       string // approval_queue conversation_inbox whatsapp_webhook widget analytics_snapshot ai_triage settings auth ...
	ActionType     string
	Status         string // completed failed pending; empty means completed
	Summary        string
	Input          string
	Output         string
	Payload        map[string]any
	ModelName      string // "human-review" for people
	ActorUserID    int64
	ActorName      string
	ConversationID int64
}

// Row is a stored log row.
type Row struct {
	ID             int64
	Provider       string
	ActionType     string
	Status         string
	Summary        string
	Input          string
	Output         string
	Payload        string
	ModelName      string
	ActorUserID    int64
	ActorName      string
	ConversationID int64
	CreatedAt      int64
	PrevHash       string
	Hash           string
}

// genesis is the prev_hash of the first row.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ExcerptLen is how much of an input or output text a row keeps.
const ExcerptLen = 500

func excerpt(s string) string {
	r := []rune(s)
	if len(r) <= ExcerptLen {
		return s
	}
	return string(r[:ExcerptLen]) + "…"
}

// rowHash binds every stored field and the previous hash together.
func rowHash(r *Row) string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(r.ID, 10), r.Provider, r.ActionType, r.Status, r.Summary, r.Input, r.Output,
		r.Payload, r.ModelName, strconv.FormatInt(r.ActorUserID, 10), r.ActorName,
		strconv.FormatInt(r.ConversationID, 10), strconv.FormatInt(r.CreatedAt, 10), r.PrevHash,
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Write appends one row inside the caller's transaction, so the log row and the change it
// describes commit together. Writers are serialised by the single write connection, which keeps
// the chain linear.
func Write(ctx context.Context, tx *sql.Tx, e Entry) (int64, error) {
	if e.Status == "" {
		e.Status = "completed"
	}
	payload := "{}"
	if e.Payload != nil {
		b, err := json.Marshal(e.Payload)
		if err != nil {
			return 0, fmt.Errorf("audit: payload: %w", err)
		}
		payload = string(b)
	}
	var prevID int64
	prev := genesis
	err := tx.QueryRowContext(ctx, `SELECT id, hash FROM action_logs ORDER BY id DESC LIMIT 1`).Scan(&prevID, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("audit: head: %w", err)
	}
	var seq int64
	_ = tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'action_logs'`).Scan(&seq)
	r := &Row{
		ID: max(prevID, seq) + 1, Provider: e.Provider, ActionType: e.ActionType, Status: e.Status,
		Summary: excerpt(e.Summary), Input: excerpt(e.Input), Output: excerpt(e.Output), Payload: payload,
		ModelName: e.ModelName, ActorUserID: e.ActorUserID, ActorName: e.ActorName, ConversationID: e.ConversationID,
		CreatedAt: time.Now().UnixMilli(), PrevHash: prev,
	}
	r.Hash = rowHash(r)
	_, err = tx.ExecContext(ctx, `INSERT INTO action_logs(id, provider, action_type, status, decision_summary, input_excerpt,
		output_excerpt, payload, model_name, actor_user_id, actor_name, conversation_id, created_at, prev_hash, hash)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.Provider, r.ActionType, r.Status, r.Summary, r.Input, r.Output, r.Payload, r.ModelName,
		nullInt(r.ActorUserID), r.ActorName, nullInt(r.ConversationID), r.CreatedAt, r.PrevHash, r.Hash)
	if err != nil {
		return 0, fmt.Errorf("audit: write: %w", err)
	}
	return r.ID, nil
}

// Log appends one row in its own transaction.
func Log(ctx context.Context, db *tenantdb.DB, e Entry) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := Write(ctx, tx, e)
		return err
	})
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// ErrTampered describes the first row where the chain breaks.
type ErrTampered struct {
	ID     int64
	Reason string
}

func (e *ErrTampered) Error() string {
	return fmt.Sprintf("audit: action log row %d: %s", e.ID, e.Reason)
}

// Verify walks the whole chain; nil when intact, *ErrTampered naming the first bad row otherwise.
func Verify(ctx context.Context, db *tenantdb.DB) (int64, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT `+cols+` FROM action_logs ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	prev := genesis
	var lastID, n int64
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return n, fmt.Errorf("audit: verify: %w", err)
		}
		switch {
		case r.ID != lastID+1:
			return n, &ErrTampered{lastID + 1, "missing (rows were removed)"}
		case r.PrevHash != prev:
			return n, &ErrTampered{r.ID, "previous-hash link does not match (a row before it was changed or removed)"}
		case rowHash(r) != r.Hash:
			return n, &ErrTampered{r.ID, "content does not match its hash (the row was altered)"}
		}
		prev, lastID = r.Hash, r.ID
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("audit: verify: %w", err)
	}
	var seq int64
	_ = db.Read.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'action_logs'`).Scan(&seq)
	if seq > lastID {
		return n, &ErrTampered{lastID + 1, "missing (the newest rows were removed)"}
	}
	return n, nil
}

const cols = `id, provider, action_type, status, decision_summary, input_excerpt, output_excerpt, payload,
	model_name, COALESCE(actor_user_id, 0), actor_name, COALESCE(conversation_id, 0), created_at, prev_hash, hash`

func scan(sc interface{ Scan(...any) error }) (*Row, error) {
	r := &Row{}
	err := sc.Scan(&r.ID, &r.Provider, &r.ActionType, &r.Status, &r.Summary, &r.Input, &r.Output, &r.Payload,
		&r.ModelName, &r.ActorUserID, &r.ActorName, &r.ConversationID, &r.CreatedAt, &r.PrevHash, &r.Hash)
	return r, err
}

// Filter selects log rows for /app/logs/ and the API.
type Filter struct {
	Provider       string
	Text           string
	From, To       int64 // Unix ms, inclusive from, exclusive to; 0 = open
	ConversationID int64
	BeforeID       int64 // keyset cursor
	Limit          int
}

// Search returns matching rows, newest first.
func Search(ctx context.Context, db *tenantdb.DB, f Filter) ([]*Row, error) {
	var where []string
	var args []any
	if f.Provider != "" {
		where, args = append(where, "provider = ?"), append(args, f.Provider)
	}
	if f.From > 0 {
		where, args = append(where, "created_at >= ?"), append(args, f.From)
	}
	if f.To > 0 {
		where, args = append(where, "created_at < ?"), append(args, f.To)
	}
	if f.ConversationID > 0 {
		where, args = append(where, "conversation_id = ?"), append(args, f.ConversationID)
	}
	if f.BeforeID > 0 {
		where, args = append(where, "id < ?"), append(args, f.BeforeID)
	}
	if t := strings.TrimSpace(f.Text); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(t) + "%"
		where = append(where, `(decision_summary LIKE ? ESCAPE '\' OR action_type LIKE ? ESCAPE '\' OR input_excerpt LIKE ? ESCAPE '\' OR output_excerpt LIKE ? ESCAPE '\' OR actor_name LIKE ? ESCAPE '\' OR payload LIKE ? ESCAPE '\')`)
		args = append(args, like, like, like, like, like, like)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := `SELECT ` + cols + ` FROM action_logs`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: search: %w", err)
	}
	defer rows.Close()
	var out []*Row
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: search: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
