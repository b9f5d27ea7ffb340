// Package audit is the append-only, hash-chained action log (guide: 24-audit-logs.md): every change a person, the
// assistant or a channel makes writes one row; the database refuses UPDATE and DELETE, and each row
// carries the hash of the previous one so `highvibe audit verify` can prove nothing was altered.
//
// The hashes are keyed (HMAC-SHA256) with a per-tenant secret kept outside the tenant file
// (key.go), and the newest row of each tenant is recorded in platform.db after every write
// (head.go), so neither recomputing the hashes after a forged row nor cutting off the newest rows
// can be done by editing the tenant file alone. Rows from before keying (key_version 0) keep their
// plain SHA-256 hashes and keep verifying; the first keyed row links to the last of them.
package audit

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

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
	// At is when the action happened (Unix ms) when it is written down afterwards — history
	// brought in, such as the demo's past decisions; 0 means now. The row still takes its place at
	// the end of the chain, and its payload keeps when it was written ("logged_at").
	At int64
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
	KeyVersion     int64 // 0: plain SHA-256 (from before keying); N: HMAC under key generation N
	// RedactedBy is the erasure row that masked a person in this row (0: never redacted). The
	// row's hash is of its content before; verify accepts it when that erasure row lists it.
	RedactedBy int64
}

// ActorIDs are the people (user ids, never 0) who did the rows' actions, for pages that show
// each by the name they go by now rather than the name stored with the row.
func ActorIDs(rows []*Row) []int64 {
	var out []int64
	for _, r := range rows {
		if r.ActorUserID > 0 {
			out = append(out, r.ActorUserID)
		}
	}
	return out
}

// genesis is the prev_hash of the first row.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// ExcerptLen is how much of an input or output text a row keeps.
const ExcerptLen = 500

func excerpt(s string) string {
	if len(s) <= ExcerptLen {
		return s
	}
	if utf8.ValidString(s) { // the cut without copying a long message as runes
		n := 0
		for i := range s {
			if n == ExcerptLen {
				return s[:i] + "…"
			}
			n++
		}
		return s
	}
	r := []rune(s)
	if len(r) <= ExcerptLen {
		return s
	}
	return string(r[:ExcerptLen]) + "…"
}

// rowHash binds every stored field and the previous hash together: plain SHA-256 for rows from
// before keying (key_version 0, the original format, unchanged so those rows keep verifying), and
// HMAC-SHA256 under the given secret, with the key generation bound in too, for keyed rows.
func rowHash(r *Row, secret []byte) string {
	fields := []string{
		strconv.FormatInt(r.ID, 10), r.Provider, r.ActionType, r.Status, r.Summary, r.Input, r.Output,
		r.Payload, r.ModelName, strconv.FormatInt(r.ActorUserID, 10), r.ActorName,
		strconv.FormatInt(r.ConversationID, 10), strconv.FormatInt(r.CreatedAt, 10), r.PrevHash,
	}
	var h hash.Hash
	if r.KeyVersion == 0 {
		h = sha256.New()
	} else {
		h = hmac.New(sha256.New, secret)
		fields = append(fields, "hv-audit-key:"+strconv.FormatInt(r.KeyVersion, 10))
	}
	for _, f := range fields {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Tx is what Write needs: a write transaction, or a statement cache on one.
type Tx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// dbFile is the file the transaction writes to, which names the tenant's key file.
func dbFile(ctx context.Context, tx Tx) (string, error) {
	var path string
	if err := tx.QueryRowContext(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		return "", fmt.Errorf("audit: database file: %w", err)
	}
	if path == "" {
		return "", errors.New("audit: the log needs a database file (an in-memory database has no place for its key)")
	}
	return path, nil
}

// Handled is a Tx that names the tenant database handle it writes to (the inbox's batch statements
// are one). Write keeps the key ring and the key file's path with that handle instead of asking
// SQLite for the file name and reading the key file for every row.
type Handled interface {
	Handle() *tenantdb.DB
}

// keptRing is the key ring Write keeps with a handle (tenantdb.DB.Memo under keptRingKey).
type keptRing struct {
	mu   sync.Mutex
	path string
	ring keyRing
}

type keptRingKey struct{}

// ringForWrite returns the ring a new row is keyed with, after a chain whose newest row used
// generation headGen (see keysForWrite). For a Handled Tx the ring read last time is used while
// it holds headGen: a rotation (here or by another process) writes a row keyed with the new
// generation right after adding it to the file, so the next row finds headGen newer than the kept
// ring and reads the file again. The kept ring is the file's content, so rows keyed with it verify
// with the file (and its backups) as any other.
func ringForWrite(ctx context.Context, tx Tx, headGen int64) (keyRing, error) {
	h, ok := tx.(Handled)
	if !ok || h.Handle() == nil {
		file, err := dbFile(ctx, tx)
		if err != nil {
			return nil, err
		}
		return keysForWrite(KeyPath(file), headGen)
	}
	kept := h.Handle().Memo(keptRingKey{}, func() any { return &keptRing{} }).(*keptRing)
	kept.mu.Lock()
	defer kept.mu.Unlock()
	if len(kept.ring) > 0 && kept.ring.newest().gen >= headGen {
		return kept.ring, nil
	}
	if kept.path == "" {
		file, err := dbFile(ctx, tx)
		if err != nil {
			return nil, err
		}
		kept.path = KeyPath(file)
	}
	kr, err := keysForWrite(kept.path, headGen)
	if err != nil {
		return nil, err
	}
	kept.ring = kr
	return kr, nil
}

// Write appends one row inside the caller's transaction, so the log row and the change it
// describes commit together. Writers are serialised by the single write connection, which keeps
// the chain linear.
func Write(ctx context.Context, tx Tx, e Entry) (int64, error) {
	if e.Status == "" {
		e.Status = "completed"
	}
	payload := "{}"
	now := time.Now().UnixMilli()
	created := now
	if e.At > 0 && e.At < now {
		created = e.At
		p := make(map[string]any, len(e.Payload)+1)
		for k, v := range e.Payload {
			p[k] = v
		}
		p["logged_at"] = now
		e.Payload = p
	}
	if e.Payload != nil {
		b, err := json.Marshal(e.Payload)
		if err != nil {
			return 0, fmt.Errorf("audit: payload: %w", err)
		}
		payload = string(b)
	}
	var prevID, prevGen int64
	prev := genesis
	err := tx.QueryRowContext(ctx, `SELECT id, hash, key_version FROM action_logs ORDER BY id DESC LIMIT 1`).Scan(&prevID, &prev, &prevGen)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("audit: head: %w", err)
	}
	keys, err := ringForWrite(ctx, tx, prevGen)
	if err != nil {
		return 0, err
	}
	k := keys.newest()
	// A new row's id is above every id the table ever gave out (sqlite_sequence), not only above
	// the newest row's. When the newest row is the one this transaction appended last through the
	// same Tx, the sequence is that row's id: its insert set it (its id was above the sequence), and
	// a larger id would have been a newer row (rows are never deleted).
	var seq int64
	tip, tipped := tx.(Tipped)
	if tipped && prevID > 0 && *tip.AuditTip() == prevID {
		seq = prevID
	} else {
		_ = tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'action_logs'`).Scan(&seq)
	}
	r := &Row{
		ID: max(prevID, seq) + 1, Provider: e.Provider, ActionType: e.ActionType, Status: e.Status,
		Summary: excerpt(e.Summary), Input: excerpt(e.Input), Output: excerpt(e.Output), Payload: payload,
		ModelName: e.ModelName, ActorUserID: e.ActorUserID, ActorName: e.ActorName, ConversationID: e.ConversationID,
		CreatedAt: created, PrevHash: prev, KeyVersion: k.gen,
	}
	r.Hash = rowHash(r, k.secret)
	_, err = tx.ExecContext(ctx, `INSERT INTO action_logs(id, provider, action_type, status, decision_summary, input_excerpt,
		output_excerpt, payload, model_name, actor_user_id, actor_name, conversation_id, created_at, prev_hash, hash, key_version)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.Provider, r.ActionType, r.Status, r.Summary, r.Input, r.Output, r.Payload, r.ModelName,
		nullInt(r.ActorUserID), r.ActorName, nullInt(r.ConversationID), r.CreatedAt, r.PrevHash, r.Hash, r.KeyVersion)
	if err != nil {
		return 0, fmt.Errorf("audit: write: %w", err)
	}
	if tipped {
		*tip.AuditTip() = r.ID
	}
	return r.ID, nil
}

// Tipped is a Tx that keeps, for Write, the id of the row Write last appended through it (the
// inbox's batch statements, one per transaction: a batch writes a row for every message, and
// each found its own previous row the newest and read sqlite_sequence all the same).
type Tipped interface {
	AuditTip() *int64
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

const cols = `id, provider, action_type, status, decision_summary, input_excerpt, output_excerpt, payload,
	model_name, COALESCE(actor_user_id, 0), actor_name, COALESCE(conversation_id, 0), created_at, prev_hash, hash, key_version,
	COALESCE(redacted_by, 0)`

func scan(sc interface{ Scan(...any) error }) (*Row, error) {
	r := &Row{}
	err := sc.Scan(&r.ID, &r.Provider, &r.ActionType, &r.Status, &r.Summary, &r.Input, &r.Output, &r.Payload,
		&r.ModelName, &r.ActorUserID, &r.ActorName, &r.ConversationID, &r.CreatedAt, &r.PrevHash, &r.Hash, &r.KeyVersion, &r.RedactedBy)
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
	// People widens Text: rows done by these users match too (the people whose name, as they go
	// by now, has the text; a row stores the name it was written with).
	People []int64
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
		people := ""
		if len(f.People) > 0 {
			people = ` OR actor_user_id IN (?` + strings.Repeat(",?", len(f.People)-1) + `)`
		}
		where = append(where, `(decision_summary LIKE ? ESCAPE '\' OR action_type LIKE ? ESCAPE '\' OR input_excerpt LIKE ? ESCAPE '\' OR output_excerpt LIKE ? ESCAPE '\' OR actor_name LIKE ? ESCAPE '\' OR payload LIKE ? ESCAPE '\'`+people+`)`)
		args = append(args, like, like, like, like, like, like)
		for _, id := range f.People {
			args = append(args, id)
		}
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
