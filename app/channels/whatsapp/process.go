package whatsapp

import (
	"context"
	"fmt"

	"highvibe/app/audit"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/media"
)

// Processor is the job handler that turns stored deliveries into inbox messages.
type Processor struct {
	Inbox *inbox.Service
}

// BatchSize is how many deliveries one write transaction processes at most. Deliveries keep
// arriving while a batch is written; the larger the batch, the fewer transactions processing
// needs per message, and an ack waits behind at most one of them.
const BatchSize = 200

// HandleBatch processes stored deliveries of one tenant in one write transaction: every message
// (lead, conversation, message, action-log row; the search document once per conversation),
// reaction and status, and the jobs marked done, commit together or not at all. Every step is
// idempotent (messages by wamid, statuses by overwrite), so a retry after a crash repeats nothing.
// When the transaction fails, each delivery is processed on its own so a bad one fails alone.
func (p *Processor) HandleBatch(ctx context.Context, js []*jobs.Job) []error {
	errs := make([]error, len(js))
	bodies := make([]*Batch, len(js))
	var ok []int
	for i, j := range js {
		b, err := decode(j)
		if err != nil {
			errs[i] = jobs.Permanent(err)
			continue
		}
		bodies[i] = b
		ok = append(ok, i)
	}
	if len(ok) == 0 {
		return errs
	}
	err := p.store(ctx, js, bodies, ok)
	if err == nil {
		return errs
	}
	if len(ok) == 1 {
		errs[ok[0]] = err
		return errs
	}
	for _, i := range ok {
		errs[i] = p.store(ctx, js, bodies, []int{i})
	}
	return errs
}

// decode reads a job's delivery; a body moved over from before schema 00013 is parsed here.
func decode(j *jobs.Job) (*Batch, error) {
	var s stored
	if err := j.Decode(&s); err != nil {
		return nil, fmt.Errorf("whatsapp: job payload: %w", err)
	}
	if s.Envelope == "" {
		return &s.Batch, nil
	}
	return Parse([]byte(s.Envelope))
}

// store writes the deliveries js[idx] in one transaction.
func (p *Processor) store(ctx context.Context, js []*jobs.Job, bodies []*Batch, idx []int) error {
	// Not cancellable: a batch is short, and a cancellable context costs the driver a watcher
	// goroutine per statement. The runner records the outcome however shutdown goes.
	ctx = context.WithoutCancel(ctx)
	slug, db := js[idx[0]].Tenant, js[idx[0]].DB
	done := make([]*jobs.Job, 0, len(idx))
	var moved [][2]int64 // conversation, message of each status that moved or reaction added
	err := p.Inbox.IngestBatch(ctx, slug, db, func(b *inbox.Batch) error {
		done, moved = done[:0], moved[:0]
		for _, i := range idx {
			if err := apply(ctx, b, bodies[i], &moved); err != nil {
				return err
			}
			done = append(done, js[i])
		}
		return jobs.DoneTx(ctx, b.Tx(), done)
	})
	if err != nil {
		return fmt.Errorf("whatsapp: process: %w", err)
	}
	for _, m := range moved { // after the commit: an open conversation redraws its ticks and reactions
		p.Inbox.DeliveryChanged(slug, m[0], m[1])
	}
	return nil
}

// apply stores every message, reaction and status of one delivery in the batch.
func apply(ctx context.Context, b *inbox.Batch, d *Batch, moved *[][2]int64) error {
	tx, q := b.Tx(), b.Q()
	for _, m := range d.Messages {
		in := inbox.Inbound{Channel: "whatsapp", ExternalID: m.From, ProviderMessageID: m.ID,
			Name: m.Name, Phone: "+" + m.From, Body: m.Body, Kind: m.Kind, At: m.At}
		if m.ReplyTo != "" {
			in.Notes = map[string]string{inbox.NoteReplyTo: m.ReplyTo}
		}
		if m.MediaID != "" {
			// The file is fetched later by a media_fetch job queued with the message: a slow or
			// failing download never holds up (or loses) the message itself.
			in.Then = func(ctx context.Context, tx inbox.Writer, res inbox.IngestResult) error {
				return media.AddInbound(ctx, tx, media.Inbound{MessageID: res.MessageID, ConversationID: res.ConversationID,
					LeadID: res.LeadID, Channel: "whatsapp", Kind: m.Kind, SourceID: m.MediaID, DeclaredType: m.MimeType, Filename: m.Filename})
			}
		}
		res, err := b.Ingest(in)
		if err != nil {
			return fmt.Errorf("ingest %s: %w", m.ID, err)
		}
		if res.Duplicate {
			if _, err := audit.Write(ctx, q, audit.Entry{Provider: "whatsapp_webhook", ActionType: "message_duplicate",
				Summary: "duplicate delivery of " + m.ID + " ignored", ConversationID: res.ConversationID,
				Payload: map[string]any{"wamid": m.ID, "message_id": res.MessageID, "conversation_id": res.ConversationID, "duplicate": true}}); err != nil {
				return err
			}
		}
	}
	for _, r := range d.Reactions {
		msg, conv, err := annotateReaction(ctx, tx, "whatsapp", r)
		if err != nil {
			return err
		}
		if msg > 0 { // an open conversation shows the customer's emoji without a reload
			*moved = append(*moved, [2]int64{conv, msg})
		}
	}
	for _, s := range d.Statuses {
		switch s.Status {
		case "sent", "delivered", "read", "failed":
		default:
			continue
		}
		conv, msg, err := inbox.DeliveryByProviderID(ctx, tx, "whatsapp", s.ID, s.Status, s.Error)
		if err != nil {
			return fmt.Errorf("status %s: %w", s.ID, err)
		}
		if msg > 0 {
			*moved = append(*moved, [2]int64{conv, msg})
		}
	}
	return nil
}
