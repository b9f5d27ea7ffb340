// Package inbox is the operator's inbox room: every channel stores inbound messages through
// Service.Ingest, people and the assistant write through AddMessage, and the panel lists, searches
// and edits conversations (guide: 06-inbox.md, 08-conversation.md).
package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
)

// Service is the inbox room's service; app/serve.go builds one with the server's live hub and the
// channel registry (app/channels.Registry), which says which channels exist and what happens to
// a reply on each.
type Service struct {
	Live     *live.Hub
	Channels *channel.Registry
}

// Inbound is one message arriving from outside (widget, WhatsApp, Telegram, email, call, manual, landing).
type Inbound struct {
	Channel           string // webchat whatsapp telegram email call manual
	ExternalID        string // the thread key on that channel: widget visitor token, WhatsApp wa_id, Telegram chat id
	ProviderMessageID string // idempotency key (wamid, telegram update/message id, widget client id); "" = none
	Name, Phone       string // what we know of the sender (phone as typed)
	Email             string
	Body              string            // readable text (caption, "[image]" placeholder, location text...)
	Kind              string            // text image document audio video location interactive button unsupported ...
	LeadSource        string            // leads.source; "" = derived from Channel
	ConsentVersion    string            // widget/landing consent, stored on the lead
	ConsentAt         time.Time         // when consent was given
	UTM               map[string]string // utm_source utm_medium utm_campaign utm_term utm_content
	At                time.Time         // zero = now
}

// IngestResult says what Ingest did.
type IngestResult struct {
	LeadID, ConversationID, MessageID int64
	Duplicate                         bool // ProviderMessageID seen before on this channel: nothing was created
	NewConversation                   bool
	NewLead                           bool
}

// otherSources are the lead sources that are not channels (the channels are sources too).
var otherSources = []string{"import", "referral", "landing"}

// LeadSources lists the valid leads.source values: the registry's channels, then the other sources.
func LeadSources(reg *channel.Registry) []string {
	return append(reg.Names(), otherSources...)
}

// providerOf names the action-log provider for messages arriving on a channel.
func providerOf(reg *channel.Registry, ch string) string {
	if p := reg.Provider(ch); p != "" {
		return p
	}
	return "conversation_inbox"
}

// errDuplicate aborts an Ingest transaction whose provider message id already exists.
var errDuplicate = errors.New("inbox: duplicate provider message id")

// Ingest stores one inbound message atomically in ONE transaction: find-or-create lead, find-or-
// create the open conversation, insert the message (idempotent on (channel, provider message id)
// through the unique index), bump counters, refresh the search document, write one action log and,
// when the conversation's AI mode is active, enqueue "ai_triage". After commit it publishes a live
// event so open inbox tabs refresh.
func (s *Service) Ingest(ctx context.Context, tenantSlug string, db *tenantdb.DB, in Inbound) (IngestResult, error) {
	var res IngestResult
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		res, err = ingestTx(ctx, s.Channels, tx, tx, in)
		if err == nil {
			err = reindex(ctx, tx, res.ConversationID)
		}
		return err
	})
	if errors.Is(err, errDuplicate) {
		res = IngestResult{Duplicate: true}
		_ = db.Read.QueryRowContext(ctx, `SELECT m.id, m.conversation_id, c.lead_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
			WHERE m.channel = ? AND m.provider_message_id = ?`, in.Channel, in.ProviderMessageID).Scan(&res.MessageID, &res.ConversationID, &res.LeadID)
		return res, nil
	}
	if err != nil {
		return IngestResult{}, err
	}
	s.publish(tenantSlug, live.Event{Kind: "message", ConversationID: res.ConversationID, MessageID: res.MessageID})
	return res, nil
}

// ingestTx is Ingest's work inside the caller's write transaction, except the search document,
// which the caller refreshes (once per conversation when many messages are stored together). A
// provider message id seen before returns errDuplicate after changing nothing worth keeping: the
// caller rolls back.
// Its own statements go through q (the transaction, or a cache of statements prepared on it).
func ingestTx(ctx context.Context, reg *channel.Registry, q querier, tx *sql.Tx, in Inbound) (IngestResult, error) {
	var res IngestResult
	if !reg.Has(in.Channel) {
		return res, fmt.Errorf("inbox: ingest: unknown channel %q", in.Channel)
	}
	in.Name = clip(strings.TrimSpace(in.Name), 200)
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	if len(in.Email) > 254 {
		in.Email = ""
	}
	in.Phone = clip(strings.TrimSpace(in.Phone), 40)
	e164 := NormalizePhone(in.Phone)
	if in.Kind == "" {
		in.Kind = "text"
	}
	if strings.TrimSpace(in.Body) == "" {
		in.Body = "[" + in.Kind + "]"
	}
	at := in.At
	if at.IsZero() {
		at = time.Now()
	}
	ms := at.UnixMilli()
	now := tenantdb.Now()
	src := in.LeadSource
	if !slices.Contains(LeadSources(reg), src) {
		src = in.Channel
	}
	var pmid any
	if in.ProviderMessageID != "" {
		pmid = in.ProviderMessageID
	}
	var convID, leadID int64
	// 1. The thread key names the conversation directly when the channel has one.
	if in.ExternalID != "" {
		err := q.QueryRowContext(ctx, `SELECT id, lead_id FROM conversations WHERE channel = ? AND external_id = ?
			AND state NOT IN ('won','lost') ORDER BY id DESC LIMIT 1`, in.Channel, in.ExternalID).Scan(&convID, &leadID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return res, fmt.Errorf("inbox: finding conversation: %w", err)
		}
	}
	// 2. Otherwise the lead by phone or email.
	if leadID == 0 {
		var err error
		leadID, err = findLead(ctx, q, e164, in.Email)
		if err != nil {
			return res, err
		}
	}
	if leadID == 0 {
		name := in.Name
		var consentAt any
		if !in.ConsentAt.IsZero() {
			consentAt = in.ConsentAt.UnixMilli()
		}
		r, err := q.ExecContext(ctx, `INSERT INTO leads(name, phone, phone_e164, email, source, consent_version, consent_at,
			utm_source, utm_medium, utm_campaign, utm_term, utm_content, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			name, in.Phone, e164, in.Email, src, clip(in.ConsentVersion, 40), consentAt,
			utm(in.UTM, "utm_source"), utm(in.UTM, "utm_medium"), utm(in.UTM, "utm_campaign"), utm(in.UTM, "utm_term"), utm(in.UTM, "utm_content"),
			now, now)
		if err != nil {
			return res, fmt.Errorf("inbox: creating lead: %w", err)
		}
		leadID, _ = r.LastInsertId()
		res.NewLead = true
	} else {
		// Fill what we did not know yet; never overwrite what a person entered.
		var consentAt any
		if !in.ConsentAt.IsZero() {
			consentAt = in.ConsentAt.UnixMilli()
		}
		if _, err := q.ExecContext(ctx, `UPDATE leads SET
			name = CASE WHEN name = '' THEN ? ELSE name END,
			phone = CASE WHEN phone = '' THEN ? ELSE phone END,
			phone_e164 = CASE WHEN phone_e164 = '' THEN ? ELSE phone_e164 END,
			email = CASE WHEN email = '' THEN ? ELSE email END,
			consent_version = CASE WHEN ? <> '' THEN ? ELSE consent_version END,
			consent_at = coalesce(?, consent_at),
			updated_at = ? WHERE id = ?`,
			in.Name, in.Phone, e164, in.Email, in.ConsentVersion, clip(in.ConsentVersion, 40), consentAt, now, leadID); err != nil {
			return res, fmt.Errorf("inbox: updating lead: %w", err)
		}
	}
	// 3. The open conversation of this lead on this channel.
	if convID == 0 {
		sel := `SELECT id FROM conversations WHERE lead_id = ? AND channel = ? AND state NOT IN ('won','lost')`
		args := []any{leadID, in.Channel}
		if in.ExternalID != "" {
			sel += ` AND external_id IN ('', ?)`
			args = append(args, in.ExternalID)
		}
		err := q.QueryRowContext(ctx, sel+` ORDER BY id DESC LIMIT 1`, args...).Scan(&convID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return res, fmt.Errorf("inbox: finding conversation: %w", err)
		}
	}
	if convID == 0 {
		r, err := q.ExecContext(ctx, `INSERT INTO conversations(lead_id, customer_id, channel, external_id, last_message_at, created_at, updated_at)
			VALUES(?, (SELECT customer_id FROM leads WHERE id = ?), ?, ?, ?, ?, ?)`, leadID, leadID, in.Channel, in.ExternalID, ms, now, now)
		if err != nil {
			return res, fmt.Errorf("inbox: creating conversation: %w", err)
		}
		convID, _ = r.LastInsertId()
		res.NewConversation = true
	}
	// 4. The message; the unique index is the idempotency check.
	var msgID int64
	err := q.QueryRowContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, body, kind, channel, provider_message_id, created_at)
		VALUES(?, 'inbound', 'customer', ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		convID, in.Body, clip(in.Kind, 40), in.Channel, pmid, ms).Scan(&msgID)
	if errors.Is(err, sql.ErrNoRows) {
		return res, errDuplicate
	}
	if err != nil {
		return res, fmt.Errorf("inbox: storing message: %w", err)
	}
	if _, err := q.ExecContext(ctx, `UPDATE conversations SET
		external_id = CASE WHEN external_id = '' THEN ? ELSE external_id END,
		unread_count = unread_count + 1, last_message_at = max(last_message_at, ?), last_inbound_at = max(coalesce(last_inbound_at, 0), ?),
		waiting_since = coalesce(waiting_since, ?), updated_at = ? WHERE id = ?`, in.ExternalID, ms, ms, ms, now, convID); err != nil {
		return res, fmt.Errorf("inbox: updating conversation: %w", err)
	}
	if _, err := audit.Write(ctx, tx, audit.Entry{Provider: providerOf(reg, in.Channel), ActionType: "message_received",
		Summary: "inbound " + in.Channel + " message", Input: in.Body, ConversationID: convID,
		Payload: map[string]any{"conversation_id": convID, "message_id": msgID, "lead_id": leadID, "channel": in.Channel,
			"new_lead": res.NewLead, "new_conversation": res.NewConversation}}); err != nil {
		return res, err
	}
	var mode string
	if err := q.QueryRowContext(ctx, `SELECT ai_mode FROM conversations WHERE id = ?`, convID).Scan(&mode); err != nil {
		return res, fmt.Errorf("inbox: reading ai mode: %w", err)
	}
	if mode == "active" {
		if _, err := jobs.Enqueue(ctx, tx, JobTriage, map[string]int64{"conversation_id": convID, "message_id": msgID}, jobs.Options{}); err != nil {
			return res, err
		}
	}
	res.LeadID, res.ConversationID, res.MessageID = leadID, convID, msgID
	return res, nil
}

func (s *Service) publish(slug string, e live.Event) {
	if s != nil && s.Live != nil {
		s.Live.Publish(slug, e)
	}
}

// findLead matches a lead by normalised phone, then by lower-cased email (newest wins).
func findLead(ctx context.Context, tx querier, e164, email string) (int64, error) {
	var id int64
	if e164 != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM leads WHERE phone_e164 = ? ORDER BY id DESC LIMIT 1`, e164).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("inbox: matching lead by phone: %w", err)
		}
	}
	if email != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM leads WHERE email = ? COLLATE NOCASE AND email <> '' ORDER BY id DESC LIMIT 1`, email).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("inbox: matching lead by email: %w", err)
		}
	}
	return 0, nil
}

func utm(m map[string]string, k string) string { return clip(m[k], 200) }

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// NormalizePhone returns E.164-style digits ("+905321234567") or "" — Turkish local forms
// (0532..., 532...) get +90. It exists so the same person typed two ways is one lead.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	plus := strings.HasPrefix(s, "+")
	d := digits(s)
	switch {
	case plus:
	case strings.HasPrefix(d, "00"):
		d = d[2:]
	case len(d) == 11 && d[0] == '0':
		d = "90" + d[1:]
	case len(d) == 10 && d[0] != '0':
		d = "90" + d
	case len(d) == 12 && strings.HasPrefix(d, "90"):
	default:
		if len(d) < 8 {
			return ""
		}
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return ""
	}
	return "+" + d
}
