package audit

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"highvibe/app/tenantdb"
)

// Head is platform.db's record of a tenant's newest audit row (table audit_heads, owned here).
type Head struct {
	ID        int64
	Hash      string
	KeyedFrom int64 // first row written with the audit key; 0 = none recorded yet
	UpdatedAt int64 // Unix ms
}

// ReadHead returns the recorded head of slug, or nil when platform.db has none.
func ReadHead(ctx context.Context, platform *tenantdb.DB, slug string) (*Head, error) {
	h := &Head{}
	var keyedFrom sql.NullInt64
	err := platform.Read.QueryRowContext(ctx, `SELECT head_id, head_hash, keyed_from, updated_at FROM audit_heads WHERE tenant_slug = ?`, slug).
		Scan(&h.ID, &h.Hash, &keyedFrom, &h.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: read head of %s: %w", slug, err)
	}
	h.KeyedFrom = keyedFrom.Int64
	return h, nil
}

// Recorder writes each tenant's newest audit row to platform.db after every committed write, so
// the tenant file alone cannot be cut back without `audit verify` noticing.
type Recorder struct {
	Platform *tenantdb.DB
	Log      *slog.Logger // nil: slog.Default()

	// Async records the head on a goroutine of its own instead of the committing one (the
	// server): the goroutine that commits a webhook's group is the tenant's one writer, and the
	// platform.db write after every commit was a twentieth of its time under a burst. Commits that
	// land while a record is under way are folded into one more record, at most every headGap.
	// The head then lags the file by that record (up to headGap under a burst), which CheckDB
	// already accepts for a crash between commit and record. Flush waits for the records under
	// way (shutdown, tests).
	Async bool

	mu      sync.Mutex
	seen    map[string]seenHead // what this process last recorded, per tenant
	pending map[string]*headRun // tenants whose record runs on its own goroutine (Async)
	idle    *sync.Cond          // signalled when a headRun ends
}

// headGap is the least time between two asynchronous records of one tenant's head while commits
// keep landing. Under a burst of deliveries the recorder read the head and wrote platform.db after
// every group commit, back to back: ≈ 7 % of the CPU of processing WhatsApp deliveries. The head
// lags the file by at most this much more, as it already may by one record.
const headGap = 50 * time.Millisecond

// headRun is one tenant's asynchronous recording: running while its goroutine records, again when
// a commit landed meanwhile.
type headRun struct{ running, again bool }

type seenHead struct {
	id        int64
	keyedFrom bool // platform.db already holds keyed_from for this tenant
}

// Attach makes every committed write transaction of m's tenants record the tenant's chain head in
// m's platform.db. The record is written right after the tenant commit, so a crash between the two
// leaves platform.db one write behind the file; Verify accepts rows after the recorded head only
// when they chain from it with keyed hashes (see CheckDB).
func Attach(m *tenantdb.Manager, log *slog.Logger) *Recorder {
	r := &Recorder{Platform: m.Platform, Log: log}
	m.AfterTenantTx(func(ctx context.Context, slug string, db *tenantdb.DB) {
		if r.Async {
			r.recordLater(context.WithoutCancel(ctx), slug, db)
			return
		}
		r.record(ctx, slug, db)
	})
	return r
}

func (r *Recorder) record(ctx context.Context, slug string, db *tenantdb.DB) {
	if err := r.Record(ctx, slug, db, false); err != nil {
		r.logger().Error("audit: record chain head", "tenant", slug, "err", err)
	}
}

// recordLater records slug's head on a goroutine; a commit that lands while one runs asks it for
// one more round instead of starting another.
func (r *Recorder) recordLater(ctx context.Context, slug string, db *tenantdb.DB) {
	r.mu.Lock()
	if r.pending == nil {
		r.pending, r.idle = map[string]*headRun{}, sync.NewCond(&r.mu)
	}
	run := r.pending[slug]
	if run == nil {
		run = &headRun{}
		r.pending[slug] = run
	}
	if run.running {
		run.again = true
		r.mu.Unlock()
		return
	}
	run.running = true
	r.mu.Unlock()
	go func() {
		for {
			began := time.Now()
			r.record(ctx, slug, db)
			r.mu.Lock()
			if !run.again {
				run.running = false
				r.idle.Broadcast()
				r.mu.Unlock()
				return
			}
			r.mu.Unlock()
			// Commits keep landing (a burst of deliveries): record at most every headGap, so the
			// head is not read and written again after each of them.
			time.Sleep(headGap - time.Since(began))
			r.mu.Lock()
			run.again = false
			r.mu.Unlock()
		}
	}()
}

// Flush waits until no asynchronous record is under way: every commit made before it is recorded.
func (r *Recorder) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for {
		busy := false
		for _, run := range r.pending {
			busy = busy || run.running
		}
		if !busy {
			return
		}
		r.idle.Wait()
	}
}

func (r *Recorder) logger() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.Default()
}

// Record writes db's newest audit row as slug's head. Without force the record only moves
// forward (two commits whose hooks race cannot move it back); with force it is set to what the file
// holds now, keyed_from included — for `highvibe restore`, after a verified restore.
func (r *Recorder) Record(ctx context.Context, slug string, db *tenantdb.DB, force bool) error {
	var id, gen int64
	var hash string
	err := db.Read.QueryRowContext(ctx, `SELECT id, hash, key_version FROM action_logs ORDER BY id DESC LIMIT 1`).Scan(&id, &hash, &gen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("audit: head of %s: %w", slug, err)
	}
	r.mu.Lock()
	seen, ok := r.seen[slug]
	r.mu.Unlock()
	if !force && ok && seen.id >= id {
		return nil
	}
	if !ok && !force {
		// First write of this tenant in this process: does platform.db know keyed_from already?
		h, err := ReadHead(ctx, r.Platform, slug)
		if err != nil {
			return err
		}
		seen.keyedFrom = h != nil && h.KeyedFrom > 0
	}
	var keyedFrom sql.NullInt64
	if gen > 0 && (force || !seen.keyedFrom) {
		// Keyed rows are a suffix of the chain; the scan in id order stops at the first one, and
		// runs once per tenant (until platform.db holds the answer).
		if err := db.Read.QueryRowContext(ctx, `SELECT id FROM action_logs WHERE key_version > 0 ORDER BY id LIMIT 1`).Scan(&keyedFrom); err != nil {
			return fmt.Errorf("audit: keyed rows of %s: %w", slug, err)
		}
	}
	q := `INSERT INTO audit_heads(tenant_slug, head_id, head_hash, keyed_from, updated_at) VALUES(?,?,?,?,?)
		ON CONFLICT(tenant_slug) DO UPDATE SET head_id = excluded.head_id, head_hash = excluded.head_hash,
			keyed_from = COALESCE(audit_heads.keyed_from, excluded.keyed_from), updated_at = excluded.updated_at
		WHERE excluded.head_id > audit_heads.head_id OR (excluded.head_id = audit_heads.head_id AND audit_heads.keyed_from IS NULL)`
	if force {
		q = `INSERT INTO audit_heads(tenant_slug, head_id, head_hash, keyed_from, updated_at) VALUES(?,?,?,?,?)
		ON CONFLICT(tenant_slug) DO UPDATE SET head_id = excluded.head_id, head_hash = excluded.head_hash,
			keyed_from = excluded.keyed_from, updated_at = excluded.updated_at`
	}
	if _, err := r.Platform.Exec(ctx, q, slug, id, hash, keyedFrom, tenantdb.Now()); err != nil {
		return fmt.Errorf("audit: record head of %s: %w", slug, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.seen == nil {
		r.seen = map[string]seenHead{}
	}
	cur := r.seen[slug]
	r.seen[slug] = seenHead{id: max(cur.id, id), keyedFrom: cur.keyedFrom || seen.keyedFrom || keyedFrom.Valid}
	if force {
		r.seen[slug] = seenHead{id: id, keyedFrom: keyedFrom.Valid}
	}
	return nil
}
