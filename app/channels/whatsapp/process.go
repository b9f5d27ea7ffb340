package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"highvibe/app/audit"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// Processor is the job handler that turns a stored webhook body into inbox messages.
type Processor struct {
	Inbox *inbox.Service
}

// Handle processes one stored delivery. Every step is idempotent (messages by wamid, statuses by
// overwrite), so a retry after a crash half-way repeats nothing.
func (p *Processor) Handle(ctx context.Context, j *jobs.Job) error {
	var pl processPayload
	if err := j.Decode(&pl); err != nil {
		return jobs.Permanent(fmt.Errorf("whatsapp: job payload: %w", err))
	}
	ids := pl.ImportIDs
	if pl.ImportID != 0 {
		ids = append(ids, pl.ImportID)
	}
	if len(ids) == 0 {
		return jobs.Permanent(fmt.Errorf("whatsapp: job payload names no delivery"))
	}
	var firstErr error
	for _, id := range ids {
		if err := p.handleOne(ctx, j, id); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

// handleOne processes one stored delivery; completed ones are skipped, so a retried job only
// redoes what failed.
func (p *Processor) handleOne(ctx context.Context, j *jobs.Job, id int64) error {
	row, err := loadImport(ctx, j.DB, id)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	if row.Status == "completed" {
		return nil
	}
	yieldToAcks(ctx, j.DB)
	if err := markImport(ctx, j.DB, row.ID, "running", ""); err != nil {
		return err
	}
	if _, err := p.Process(ctx, j.Tenant, j.DB, row.Body); err != nil {
		perm := errors.Is(err, ErrEnvelope)
		status := "pending"
		if perm || j.Attempt >= j.MaxTries {
			status = "failed"
		}
		_ = markImport(ctx, j.DB, row.ID, status, err.Error())
		if perm {
			return jobs.Permanent(err)
		}
		return err
	}
	return markImport(ctx, j.DB, row.ID, "completed", "")
}

// While deliveries keep arriving, processing takes one step (one message or one status update)
// per slot of this length, across all workers; it never stops, and an ack waits behind at most
// one step. ackQuiet is the pause in arrivals after which processing runs freely again.
const (
	busySlot = 20 * time.Millisecond
	ackQuiet = 2 * time.Millisecond
)

// yieldToAcks paces background processing while deliveries to the same database are arriving.
// Processing and acks share the database's one writer, and a processing step (lead,
// conversation, message, search document, audit row) holds it far longer than a group commit of
// bodies does: unpaced, every ack queues behind processing. Meta's retry clock runs on the ack;
// the inbox may lag during a burst and catches up after it.
func yieldToAcks(ctx context.Context, db *tenantdb.DB) {
	v, ok := groups.Load(db)
	if !ok {
		return
	}
	g := v.(*group)
	for ctx.Err() == nil {
		now := time.Now().UnixNano()
		if g.waiting.Load() == 0 && now-g.lastArrival.Load() >= int64(ackQuiet) {
			return
		}
		slot := g.nextSlot.Load()
		if now >= slot {
			if g.nextSlot.CompareAndSwap(slot, now+int64(busySlot)) {
				return
			}
			continue // another worker took this slot
		}
		time.Sleep(min(time.Duration(slot-now), ackQuiet))
	}
}

// Counts says what one body produced.
type Counts struct {
	Messages, Duplicates, Reactions, Statuses int
}

// Process ingests every message, reaction and status of one webhook body.
func (p *Processor) Process(ctx context.Context, slug string, db *tenantdb.DB, body []byte) (Counts, error) {
	var c Counts
	b, err := Parse(body)
	if err != nil {
		return c, err
	}
	for _, m := range b.Messages {
		yieldToAcks(ctx, db)
		res, err := p.Inbox.Ingest(ctx, slug, db, inbox.Inbound{Channel: "whatsapp", ExternalID: m.From, ProviderMessageID: m.ID,
			Name: m.Name, Phone: "+" + m.From, Body: m.Body, Kind: m.Kind, At: m.At})
		if err != nil {
			return c, fmt.Errorf("whatsapp: ingest %s: %w", m.ID, err)
		}
		if res.Duplicate {
			c.Duplicates++
			if err := audit.Log(ctx, db, audit.Entry{Provider: "whatsapp_webhook", ActionType: "message_duplicate",
				Summary: "duplicate delivery of " + m.ID + " ignored", ConversationID: res.ConversationID,
				Payload: map[string]any{"wamid": m.ID, "message_id": res.MessageID, "conversation_id": res.ConversationID, "duplicate": true}}); err != nil {
				return c, err
			}
			continue
		}
		c.Messages++
	}
	if len(b.Reactions) > 0 || len(b.Statuses) > 0 {
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			for _, r := range b.Reactions {
				ok, err := annotateReaction(ctx, tx, "whatsapp", r)
				if err != nil {
					return err
				}
				if ok {
					c.Reactions++
				}
			}
			for _, s := range b.Statuses {
				switch s.Status {
				case "sent", "delivered", "read", "failed":
				default:
					continue
				}
				ok, err := inbox.DeliveryByProviderID(ctx, tx, "whatsapp", s.ID, s.Status, s.Error)
				if err != nil {
					return err
				}
				if ok {
					c.Statuses++
				}
			}
			return nil
		})
		if err != nil {
			return c, fmt.Errorf("whatsapp: statuses: %w", err)
		}
	}
	return c, nil
}
