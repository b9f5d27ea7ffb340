package whatsapp

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"highvibe/app/audit"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// JobProcess is the job kind that parses a stored webhook body.
const JobProcess = "whatsapp_process"

// processPayload is the job payload of JobProcess.
type processPayload struct {
	ImportID  int64   `json:"import_id,omitempty"`
	ImportIDs []int64 `json:"import_ids,omitempty"` // a group commit queues one job for its deliveries
}

// Accept stores the raw body as a data import job and queues its processing in the same
// transaction, so a 200 answer means the delivery survives a crash. Deliveries arriving at the
// same time share one transaction (group commit): each caller still returns only after the commit
// that holds its body.
func Accept(ctx context.Context, db *tenantdb.DB, body []byte, keyID int64) (int64, error) {
	g := groupFor(db)
	g.waiting.Add(1)
	g.lastArrival.Store(time.Now().UnixNano())
	defer g.waiting.Add(-1)
	req := &acceptReq{body: body, keyID: keyID, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, req)
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		g.commitLoop(db, false)
	}
	<-req.done // never answer before the outcome is known, even when the caller gave up
	return req.id, req.err
}

type acceptReq struct {
	body  []byte
	keyID int64
	id    int64
	err   error
	done  chan struct{}
}

// group collects the deliveries waiting for the next write transaction of one database.
type group struct {
	mu      sync.Mutex
	pending []*acceptReq
	running bool
	// Background processing defers to acks (yieldToAcks): waiting counts callers inside Accept,
	// lastArrival is when the latest came in, nextSlot when processing may take its next step
	// while they keep coming (both UnixNano).
	waiting     atomic.Int32
	lastArrival atomic.Int64
	nextSlot    atomic.Int64
}

var groups sync.Map // *tenantdb.DB → *group

func groupFor(db *tenantdb.DB) *group {
	if g, ok := groups.Load(db); ok {
		return g.(*group)
	}
	g, _ := groups.LoadOrStore(db, &group{})
	return g.(*group)
}

// maxGroup bounds one transaction so a flood cannot make a single commit slow.
const maxGroup = 256

// commitLoop commits pending batches; the leader commits one batch (its own request is in it) and
// hands any later arrivals to a fresh goroutine, so it can answer its own caller at once.
func (g *group) commitLoop(db *tenantdb.DB, background bool) {
	for {
		g.mu.Lock()
		n := min(len(g.pending), maxGroup)
		if n == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		batch := g.pending[:n:n]
		g.pending = g.pending[n:]
		g.mu.Unlock()
		commitBatch(db, batch)
		if !background {
			g.mu.Lock()
			more := len(g.pending) > 0
			if !more {
				g.running = false
			}
			g.mu.Unlock()
			if more {
				go g.commitLoop(db, true)
			}
			return
		}
	}
}

func commitBatch(db *tenantdb.DB, batch []*acceptReq) {
	// A detached context: the commit must finish for everyone in the batch even when one caller leaves.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := db.InTx(ctx, func(tx *sql.Tx) error { return insertDeliveries(ctx, tx, batch) })
	if err != nil && len(batch) > 1 {
		// Something in the batch failed: store each on its own so one bad delivery fails alone.
		for _, r := range batch {
			r.err = db.InTx(ctx, func(tx *sql.Tx) error { return insertDeliveries(ctx, tx, []*acceptReq{r}) })
			close(r.done)
		}
		return
	}
	for _, r := range batch {
		if err != nil {
			r.id, r.err = 0, err
		}
		close(r.done)
	}
}

// insertDeliveries stores the bodies and queues one processing job for all of them.
func insertDeliveries(ctx context.Context, tx *sql.Tx, batch []*acceptReq) error {
	st, err := tx.PrepareContext(ctx, `INSERT INTO data_import_jobs(source, status, body, meta, created_at) VALUES('whatsapp','pending',?,?,?)`)
	if err != nil {
		return fmt.Errorf("whatsapp: store delivery: %w", err)
	}
	defer st.Close()
	ids := make([]int64, 0, len(batch))
	now := tenantdb.Now()
	for _, r := range batch {
		meta := `{"api_key_id":` + strconv.FormatInt(r.keyID, 10) + `,"bytes":` + strconv.Itoa(len(r.body)) + `}`
		res, err := st.ExecContext(ctx, r.body, meta, now)
		if err != nil {
			return fmt.Errorf("whatsapp: store delivery: %w", err)
		}
		r.id, _ = res.LastInsertId()
		ids = append(ids, r.id)
	}
	pl := processPayload{ImportIDs: ids}
	if len(ids) == 1 {
		pl = processPayload{ImportID: ids[0]}
	}
	_, err = jobs.Enqueue(ctx, tx, JobProcess, pl, jobs.Options{MaxAttempts: 8})
	return err
}

// importRow is a stored webhook body.
type importRow struct {
	ID     int64
	Status string
	Body   []byte
}

func loadImport(ctx context.Context, db *tenantdb.DB, id int64) (*importRow, error) {
	r := &importRow{ID: id}
	err := db.Read.QueryRowContext(ctx, `SELECT status, body FROM data_import_jobs WHERE id = ? AND source = 'whatsapp'`, id).Scan(&r.Status, &r.Body)
	if err == sql.ErrNoRows {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("whatsapp: load delivery: %w", err)
	}
	return r, nil
}

func markImport(ctx context.Context, db *tenantdb.DB, id int64, status, errText string) error {
	now := tenantdb.Now()
	_, err := db.Write.ExecContext(ctx, `UPDATE data_import_jobs SET status = ?, error = ?, attempts = attempts + (? = 'running'),
		started_at = COALESCE(started_at, ?), finished_at = CASE WHEN ? IN ('completed','failed') THEN ? ELSE NULL END WHERE id = ?`,
		status, errText, status, now, status, now, id)
	if err != nil {
		return fmt.Errorf("whatsapp: mark delivery %s: %w", status, err)
	}
	return nil
}

// annotateReaction adds an emoji reaction to the annotations of the message it targets; it
// reports false when the target is unknown.
func annotateReaction(ctx context.Context, tx *sql.Tx, channel string, r Reaction) (bool, error) {
	var id int64
	var ann string
	err := tx.QueryRowContext(ctx, `SELECT id, annotations FROM messages WHERE channel = ? AND provider_message_id = ?`, channel, r.TargetID).Scan(&id, &ann)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("whatsapp: reaction target: %w", err)
	}
	var a map[string]any
	if json.Unmarshal([]byte(ann), &a) != nil || a == nil {
		a = map[string]any{}
	}
	list, _ := a["reactions"].([]any)
	kept := list[:0]
	for _, x := range list { // one reaction per sender: a new emoji replaces, an empty one removes
		if m, ok := x.(map[string]any); ok && m["from"] == r.From {
			continue
		}
		kept = append(kept, x)
	}
	if r.Emoji != "" {
		kept = append(kept, map[string]any{"from": r.From, "emoji": r.Emoji, "at": r.At.UnixMilli()})
	}
	a["reactions"] = kept
	b, _ := json.Marshal(a)
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET annotations = ? WHERE id = ?`, string(b), id); err != nil {
		return false, fmt.Errorf("whatsapp: annotate reaction: %w", err)
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "whatsapp_webhook", ActionType: "reaction", Summary: "reaction " + r.Emoji + " on " + r.TargetID,
		Payload: map[string]any{"message_id": id, "wamid": r.ID}})
	return true, err
}
