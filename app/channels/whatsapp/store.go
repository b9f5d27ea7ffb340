package whatsapp

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"highvibe/app/audit"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// JobProcess is the job kind of a stored delivery. Each accepted POST is one job row whose payload
// is the parsed delivery (its messages, reactions and statuses): the job is the delivery's only
// record and its status its only status machine, from the 200 to the inbox.
const JobProcess = "whatsapp_process"

// stored is the payload of a JobProcess job: the parsed delivery. Envelope holds, instead, a raw
// body moved over from the table that queued deliveries before (schema 00013).
type stored struct {
	Batch
	Envelope string `json:"envelope,omitempty"`
}

// Accept stores one parsed delivery as a job, so a 200 answer means it survives a crash.
// Deliveries arriving at the same time share one transaction (group commit): each caller still
// returns only after the commit that holds its delivery.
func (h *Webhook) Accept(ctx context.Context, db *tenantdb.DB, b *Batch) (int64, error) {
	payload, err := json.Marshal(stored{Batch: *b})
	if err != nil {
		return 0, fmt.Errorf("whatsapp: encode delivery: %w", err)
	}
	g := h.groupFor(db)
	req := &acceptReq{payload: payload, done: make(chan struct{})}
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
	payload json.RawMessage
	id      int64
	err     error
	done    chan struct{}
}

// group collects the deliveries waiting for the next write transaction of one database.
type group struct {
	mu      sync.Mutex
	pending []*acceptReq
	running bool
}

func (h *Webhook) groupFor(db *tenantdb.DB) *group {
	if g, ok := h.groups.Load(db); ok {
		return g.(*group)
	}
	g, _ := h.groups.LoadOrStore(db, &group{})
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

// insertDeliveries stores each delivery as its processing job.
func insertDeliveries(ctx context.Context, tx *sql.Tx, batch []*acceptReq) error {
	for _, r := range batch {
		id, err := jobs.Enqueue(ctx, tx, JobProcess, r.payload, jobs.Options{MaxAttempts: 8})
		if err != nil {
			return fmt.Errorf("whatsapp: store delivery: %w", err)
		}
		r.id = id
	}
	return nil
}

// annotateReaction adds an emoji reaction to the message it targets, through the inbox; it
// reports false when the target is unknown.
func annotateReaction(ctx context.Context, tx *sql.Tx, channel string, r Reaction) (bool, error) {
	id, err := inbox.AddReaction(ctx, tx, channel, r.TargetID, inbox.Reaction{From: r.From, Emoji: r.Emoji, At: r.At})
	if err != nil || id == 0 {
		return false, err
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "whatsapp_webhook", ActionType: "reaction", Summary: "reaction " + r.Emoji + " on " + r.TargetID,
		Payload: map[string]any{"message_id": id, "wamid": r.ID}})
	return true, err
}
