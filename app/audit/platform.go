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

	"highvibe/app/tenantdb"
)

// PlatformEntry is one staff action for the platform trail (table platform_audit in platform.db,
// owned here): who did it, from where, to which tenant (or none: a user without a tenant), what.
type PlatformEntry struct {
	ActorUserID int64  // 0 for the command line
	ActorName   string // the staff user's name, or "cli"
	Via         string // "console" or "cli"
	TenantSlug  string // "" when the action touched no tenant
	Action      string // a code: tenant_created, tenant_suspended, membership_added, ...
	Summary     string // English, for the record; pages word the action from its code
	Payload     map[string]any
}

// PlatformRow is a stored row of the platform trail.
type PlatformRow struct {
	ID          int64
	CreatedAt   int64 // Unix ms
	ActorUserID int64
	ActorName   string
	Via         string
	TenantSlug  string
	Action      string
	Summary     string
	Payload     string
	PrevHash    string
	Hash        string
}

// platformHash binds every stored field and the previous hash, like the tenant log's unkeyed rows.
func platformHash(r *PlatformRow) string {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.CreatedAt, 10), strconv.FormatInt(r.ActorUserID, 10),
		r.ActorName, r.Via, r.TenantSlug, r.Action, r.Summary, r.Payload, r.PrevHash} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// LogPlatform appends one row to the platform trail in its own transaction on platform.db; the
// single write connection keeps the chain linear.
func LogPlatform(ctx context.Context, platform *tenantdb.DB, e PlatformEntry) error {
	if e.Via != "console" && e.Via != "cli" {
		return fmt.Errorf("audit: platform trail: via %q", e.Via)
	}
	payload := "{}"
	if e.Payload != nil {
		b, err := json.Marshal(e.Payload)
		if err != nil {
			return fmt.Errorf("audit: platform payload: %w", err)
		}
		payload = string(b)
	}
	return platform.InTx(ctx, func(tx *sql.Tx) error {
		var prevID int64
		prev := genesis
		err := tx.QueryRowContext(ctx, `SELECT id, hash FROM platform_audit ORDER BY id DESC LIMIT 1`).Scan(&prevID, &prev)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("audit: platform head: %w", err)
		}
		var seq int64
		_ = tx.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'platform_audit'`).Scan(&seq)
		r := &PlatformRow{ID: max(prevID, seq) + 1, CreatedAt: tenantdb.Now(), ActorUserID: e.ActorUserID, ActorName: e.ActorName,
			Via: e.Via, TenantSlug: e.TenantSlug, Action: e.Action, Summary: excerpt(e.Summary), Payload: payload, PrevHash: prev}
		r.Hash = platformHash(r)
		_, err = tx.ExecContext(ctx, `INSERT INTO platform_audit(id, created_at, actor_user_id, actor_name, via, tenant_slug, action, summary, payload, prev_hash, hash)
			VALUES(?,?,?,?,?,?,?,?,?,?,?)`, r.ID, r.CreatedAt, nullInt(r.ActorUserID), r.ActorName, r.Via, r.TenantSlug, r.Action, r.Summary, r.Payload, r.PrevHash, r.Hash)
		if err != nil {
			return fmt.Errorf("audit: platform write: %w", err)
		}
		return nil
	})
}

const platformCols = `id, created_at, COALESCE(actor_user_id, 0), actor_name, via, tenant_slug, action, summary, payload, prev_hash, hash`

func scanPlatform(sc interface{ Scan(...any) error }) (*PlatformRow, error) {
	r := &PlatformRow{}
	err := sc.Scan(&r.ID, &r.CreatedAt, &r.ActorUserID, &r.ActorName, &r.Via, &r.TenantSlug, &r.Action, &r.Summary, &r.Payload, &r.PrevHash, &r.Hash)
	return r, err
}

// PlatformTrail returns the newest rows of the platform trail, newest first: of one tenant when
// slug is given, of every tenant otherwise; text narrows to rows whose actor, tenant or summary
// contains it.
func PlatformTrail(ctx context.Context, platform *tenantdb.DB, slug, text string, limit int) ([]*PlatformRow, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	q := `SELECT ` + platformCols + ` FROM platform_audit WHERE 1=1`
	var args []any
	if slug != "" {
		q, args = q+` AND tenant_slug = ?`, append(args, slug)
	}
	if t := strings.TrimSpace(text); t != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(t) + "%"
		q += ` AND (actor_name LIKE ? ESCAPE '\' OR tenant_slug LIKE ? ESCAPE '\' OR summary LIKE ? ESCAPE '\' OR action LIKE ? ESCAPE '\')`
		args = append(args, like, like, like, like)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, limit)
	rows, err := platform.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("audit: platform trail: %w", err)
	}
	defer rows.Close()
	var out []*PlatformRow
	for rows.Next() {
		r, err := scanPlatform(rows)
		if err != nil {
			return nil, fmt.Errorf("audit: platform trail: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// VerifyPlatform walks the platform trail in order and reports the first row whose hash or link to
// the previous row does not match (nil when the whole chain holds) and how many rows it checked.
func VerifyPlatform(ctx context.Context, platform *tenantdb.DB) (int, error) {
	rows, err := platform.Read.QueryContext(ctx, `SELECT `+platformCols+` FROM platform_audit ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("audit: verify platform trail: %w", err)
	}
	defer rows.Close()
	prev, n := genesis, 0
	for rows.Next() {
		r, err := scanPlatform(rows)
		if err != nil {
			return n, fmt.Errorf("audit: verify platform trail: %w", err)
		}
		if r.PrevHash != prev {
			return n, fmt.Errorf("audit: platform trail row %d: does not link to the row before it", r.ID)
		}
		if platformHash(r) != r.Hash {
			return n, fmt.Errorf("audit: platform trail row %d: hash does not match its fields", r.ID)
		}
		prev, n = r.Hash, n+1
	}
	return n, rows.Err()
}

// LastActivity returns, per tenant slug, when its newest audit row was recorded (Unix ms) — the
// platform's record of each tenant's chain head, read in one query for the staff console.
func LastActivity(ctx context.Context, platform *tenantdb.DB) (map[string]int64, error) {
	rows, err := platform.Read.QueryContext(ctx, `SELECT tenant_slug, updated_at FROM audit_heads`)
	if err != nil {
		return nil, fmt.Errorf("audit: last activity: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var slug string
		var at int64
		if err := rows.Scan(&slug, &at); err != nil {
			return nil, fmt.Errorf("audit: last activity: %w", err)
		}
		out[slug] = at
	}
	return out, rows.Err()
}
