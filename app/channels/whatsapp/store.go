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

// Accept stores one parsed delivery of tenant slug durably and returns only after the commit that
// holds it, so a 200 means the delivery survives a crash. Deliveries arriving together share one
// write transaction (group commit), and that transaction normally processes them into the inbox
// as well (commitGroup): one trip through the tenant's single writer per group instead of one to
// store and another to process, and a customer's message is in the inbox when Meta gets its 200.
func (h *Webhook) Accept(ctx context.Context, slug string, db *tenantdb.DB, b *Batch) (int64, error) {
	payload, err := json.Marshal(stored{Batch: *b})
	if err != nil {
		return 0, fmt.Errorf("whatsapp: encode delivery: %w", err)
	}
	g := h.groupFor(slug, db)
	req := &acceptReq{payload: payload, batch: b, done: make(chan struct{})}
	g.mu.Lock()
	g.pending = append(g.pending, req)
	g.unanswered++
	lead := !g.running
	g.running = true
	g.mu.Unlock()
	if lead {
		h.commitLoop(g, db, false)
	}
	<-req.done // never answer before the outcome is known, even when the caller gave up
	return req.id, req.err
}

type acceptReq struct {
	payload json.RawMessage
	batch   *Batch
	id      int64
	err     error
	done    chan struct{}
}

// group collects the deliveries waiting for the next write transaction of one database, and how
// busy its commits keep the writer (Busy).
type group struct {
	slug    string
	mu      sync.Mutex
	pending []*acceptReq
	running bool
	last    int // deliveries in the last group committed
	// unanswered counts the deliveries in Accept whose commit is not over yet (pending or in the
	// group being committed).
	unanswered int

	// Writer time of the commits, in the current and the previous window of busyWindow, and how
	// many commits and deliveries they were.
	winStart           time.Time
	cur, prev          time.Duration
	commits, delivered [2]int // current window, previous one
}

// busyWindow is the span over which Busy measures the share of time commits held the writer.
const busyWindow = 250 * time.Millisecond

// note adds a commit of n deliveries that ended at now and took held.
func (g *group) note(now time.Time, held time.Duration, n int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.roll(now)
	g.cur += held
	g.commits[0]++
	g.delivered[0] += n
}

func (g *group) roll(now time.Time) {
	switch d := now.Sub(g.winStart); {
	case d >= 2*busyWindow:
		g.winStart, g.prev, g.cur = now, 0, 0
		g.commits, g.delivered = [2]int{}, [2]int{}
	case d >= busyWindow:
		g.winStart, g.prev, g.cur = g.winStart.Add(busyWindow), g.cur, 0
		g.commits, g.delivered = [2]int{0, g.commits[0]}, [2]int{0, g.delivered[0]}
	}
}

// share is the part of the last window and a bit that commits took (their wait for the writer
// and for the disk included), 0..1.
func (g *group) share(now time.Time) float64 {
	g.roll(now)
	span := busyWindow + now.Sub(g.winStart)
	return float64(g.prev+g.cur) / float64(span)
}

// busy reports whether commits took at least half of the last window and a bit, or deliveries are
// waiting for the writer right now.
func (g *group) busy(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.pending) > 0 && g.running || g.share(now) >= 0.5
}

// flooded reports whether commits took at least half of the last window and a bit and held
// groupBusy deliveries or more on average: deliveries pile up while a commit runs, as in a burst,
// not one or two at a time as under a steady stream the writer keeps up with. (Measured against
// the real binary: 8 to 11 deliveries a commit under the one-key load, 1.2 to 1.7 at 300 messages
// a second, both with commits taking more than half the time.)
func (g *group) flooded(now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	n, c := g.delivered[0]+g.delivered[1], g.commits[0]+g.commits[1]
	return g.share(now) >= 0.5 && c > 0 && n >= groupBusy*c
}

// Busy reports whether deliveries for tenant slug kept its writer busy at least half the time in
// the last quarter second or so, or are waiting for it now. The job runner holds the tenant's
// assistant and housekeeping work meanwhile (jobs.Runner.HoldLowerLanes): customers first.
func (h *Webhook) Busy(slug string) bool {
	g, ok := h.bySlug.Load(slug)
	return ok && g.(*group).busy(time.Now())
}

// Flooded reports whether deliveries for tenant slug piled up in the last quarter second or so:
// commits took at least half of it and held groupBusy deliveries or more on average (flooded) — a
// burst, not the moments a few deliveries wait for a commit (which Busy counts). The search
// documents wait while it answers true (inbox.Service.Busy).
func (h *Webhook) Flooded(slug string) bool {
	g, ok := h.bySlug.Load(slug)
	return ok && g.(*group).flooded(time.Now())
}

func (h *Webhook) groupFor(slug string, db *tenantdb.DB) *group {
	if g, ok := h.groups.Load(db); ok {
		return g.(*group)
	}
	g, loaded := h.groups.LoadOrStore(db, &group{slug: slug})
	if !loaded {
		h.bySlug.Store(slug, g) // a tenant database opened again gets a new group
	}
	return g.(*group)
}

// maxGroup bounds one transaction so a flood cannot make a single commit slow.
const maxGroup = 256

// groupBusy, groupFull, groupWait: when the last group held at least groupBusy deliveries, a new
// group with fewer than groupFull waits groupWait for more before it commits.
const (
	groupBusy, groupFull = 4, 12
	groupWait            = 500 * time.Microsecond
)

// inlineMessages bounds the messages, reactions and statuses one group processes in its own
// transaction; deliveries beyond it are stored for the job runner, so a few multi-megabyte Meta
// batches cannot hold everyone's acknowledgement.
const inlineMessages = 512

// commitLoop commits pending groups; the leader commits one group (its own request is in it) and
// hands any later arrivals to a fresh goroutine, so it can answer its own caller at once.
func (h *Webhook) commitLoop(g *group, db *tenantdb.DB, background bool) {
	for {
		g.mu.Lock()
		if g.last >= groupBusy && len(g.pending) < groupFull {
			// Under load (the last group was large) a commit costs about the same whatever it
			// holds: give the deliveries on their way a moment to join this one.
			g.mu.Unlock()
			time.Sleep(groupWait)
			g.mu.Lock()
		}
		if len(g.pending) == 0 {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.mu.Unlock()
		h.commitGroup(g, db)
		if !background {
			g.mu.Lock()
			more := len(g.pending) > 0
			if !more {
				g.running = false
			}
			g.mu.Unlock()
			if more {
				go h.commitLoop(g, db, true)
			}
			return
		}
	}
}

// take removes the next group from the pending deliveries: all of them, up to maxGroup.
func (g *group) take() []*acceptReq {
	g.mu.Lock()
	defer g.mu.Unlock()
	n := min(len(g.pending), maxGroup)
	batch := g.pending[:n:n]
	g.pending = g.pending[n:]
	g.last = n
	return batch
}

// commitGroup stores and processes one group. The group is taken once the transaction holds the
// tenant's writer, not before: deliveries arriving while it waits for the writer (behind the job
// runner's or the search's transaction) join it instead of waiting for the next one. When
// processing fails, the group is stored without processing (the job runner processes each
// delivery and retries it on its own); when even that fails, each delivery is stored on its own so
// one bad delivery fails alone.
func (h *Webhook) commitGroup(g *group, db *tenantdb.DB) {
	// A context nobody cancels: the commit must finish for everyone in the group even when one
	// caller leaves (lock waits are bounded by the database's busy timeout), and a cancellable
	// context costs the driver a watcher goroutine for every statement.
	ctx := context.Background()
	var batch []*acceptReq
	take := func() []*acceptReq {
		if batch == nil {
			batch = g.take()
		}
		return batch
	}
	began := time.Now() // the wait for the writer counts: deliveries were waiting (Busy)
	processed, err := h.storeAndProcess(ctx, g.slug, db, take)
	take() // the transaction may have failed before it took the group
	if err != nil && processed < 0 {
		h.Log.Warn("whatsapp: could not process deliveries as they were stored; the job runner will", "tenant", g.slug, "deliveries", len(batch), "err", err)
		processed = 0
		err = db.InTx(ctx, func(tx *sql.Tx) error { return insertDeliveries(ctx, tx, batch) })
	}
	if err != nil && len(batch) > 1 {
		for _, r := range batch {
			r.err = db.InTx(ctx, func(tx *sql.Tx) error { return insertDeliveries(ctx, tx, []*acceptReq{r}) })
		}
	} else {
		for _, r := range batch {
			if err != nil {
				r.id, r.err = 0, err
			}
		}
	}
	took := time.Since(began)
	g.note(time.Now(), took, len(batch))
	g.mu.Lock()
	g.unanswered -= len(batch)
	g.mu.Unlock()
	for _, r := range batch {
		close(r.done)
	}
	if processed > 0 && h.Processed != nil {
		h.Processed(processed, took)
	}
}

// storeAndProcess stores the group's deliveries, which take returns once the transaction holds the
// writer, as jobs in one transaction that also processes them: a processed delivery's job is born
// done, in the same commit as its inbox rows. Deliveries past inlineMessages, and every delivery
// while older ones still wait in the queue (a backlog from before a restart, or a group whose
// processing failed), are stored queued for the job runner, so messages are never processed out of
// order. processed is how many deliveries were processed, or -1 when the transaction failed and
// nothing was stored.
func (h *Webhook) storeAndProcess(ctx context.Context, slug string, db *tenantdb.DB, take func() []*acceptReq) (processed int, err error) {
	if h.Processor == nil {
		return 0, db.InTx(ctx, func(tx *sql.Tx) error { return insertDeliveries(ctx, tx, take()) })
	}
	var moved [][2]int64 // conversation, message of each status that moved
	err = h.Processor.Inbox.IngestBatch(ctx, slug, db, func(b *inbox.Batch) error {
		processed, moved = 0, moved[:0]
		batch := take()
		q := b.Q()
		behind, err := jobs.Waiting(ctx, q, jobs.LaneCustomer, JobProcess)
		if err != nil {
			return fmt.Errorf("whatsapp: queued deliveries: %w", err)
		}
		budget := inlineMessages
		for _, r := range batch {
			n := r.batch.size()
			inline := !behind && n <= budget
			behind = !inline // everything after a queued delivery queues behind it
			budget -= n
			id, err := jobs.Enqueue(ctx, q, JobProcess, r.payload, jobs.Options{MaxAttempts: 8, Done: inline})
			if err != nil {
				return fmt.Errorf("whatsapp: store delivery: %w", err)
			}
			r.id = id
			if inline {
				if err := apply(ctx, b, r.batch, &moved); err != nil {
					return err
				}
				processed++
			}
		}
		return nil
	})
	if err != nil {
		return -1, err
	}
	for _, m := range moved { // after the commit: an open conversation redraws its ticks
		h.Processor.Inbox.DeliveryChanged(slug, m[0], m[1])
	}
	return processed, nil
}

// insertDeliveries stores each delivery as its processing job, queued for the runner.
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
// returns zeros when the target is unknown.
func annotateReaction(ctx context.Context, tx *sql.Tx, channel string, r Reaction) (id, convID int64, err error) {
	id, convID, err = inbox.AddReaction(ctx, tx, channel, r.TargetID, inbox.Reaction{From: r.From, Emoji: r.Emoji, At: r.At})
	if err != nil || id == 0 {
		return 0, 0, err
	}
	_, err = audit.Write(ctx, tx, audit.Entry{Provider: "whatsapp_webhook", ActionType: "reaction", Summary: "reaction " + r.Emoji + " on " + r.TargetID,
		Payload: map[string]any{"message_id": id, "wamid": r.ID}})
	return id, convID, err
}
