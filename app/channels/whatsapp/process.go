package whatsapp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

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
