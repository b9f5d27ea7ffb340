package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"highvibe/app/audit"
	"highvibe/app/jobs"
)

// ingestStore is the SQL half of ingest: one method per statement, no rules (ingestTx decides).
// Every look-up names the condition of the partial index it needs (external_id <> ”,
// phone_e164 <> ”), so it is an index seek and not a scan of every conversation or lead.
type ingestStore struct {
	ctx context.Context
	q   querier
}

// The look-ups ingest makes for every message. Each must be an index seek (TestIngestLookupsSeek):
// a scan costs a message time in proportion to the tenant's conversations or leads.
const (
	qThreadConversation = `SELECT ` + foundCols + ` FROM conversations WHERE channel = ? AND external_id = ? AND external_id <> ''
		AND state NOT IN ('won','lost') ORDER BY id DESC LIMIT 1`
	qLeadByPhone         = `SELECT coalesce(merged_into, id) FROM leads WHERE phone_e164 = ? AND phone_e164 <> '' ORDER BY id DESC LIMIT 1`
	qLeadByEmail         = `SELECT coalesce(merged_into, id) FROM leads WHERE email = ? COLLATE NOCASE AND email <> '' ORDER BY id DESC LIMIT 1`
	qOpenConversation    = `SELECT ` + foundCols + ` FROM conversations WHERE lead_id = ? AND channel = ? AND state NOT IN ('won','lost') ORDER BY id DESC LIMIT 1`
	qOpenConversationExt = `SELECT ` + foundCols + ` FROM conversations WHERE lead_id = ? AND channel = ? AND state NOT IN ('won','lost')
		AND external_id IN ('', ?) ORDER BY id DESC LIMIT 1`
	qDuplicate = `SELECT m.id, m.conversation_id, c.lead_id FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.channel = ? AND m.provider_message_id = ?`
)

// found is an open conversation a look-up found, with its thread key (touchConversation), its
// assistant mode and its assignee (0: nobody), which the message's own writes leave as they are.
type found struct {
	id, lead int64
	ext      string
	mode     string
	assigned int64
}

// foundCols are the columns of a look-up's row (scanFound).
const foundCols = `id, lead_id, external_id, ai_mode, coalesce(assigned_user_id, 0)`

// scanFound reads a look-up's row; a zero found when there is none.
func scanFound(row *sql.Row) (found, error) {
	var c found
	err := row.Scan(&c.id, &c.lead, &c.ext, &c.mode, &c.assigned)
	if errors.Is(err, sql.ErrNoRows) {
		return found{}, nil
	}
	return c, err
}

// namedConversation returns the conversation a channel named (Inbound.ConversationID) when it
// is open on that channel, else a zero found.
func (s ingestStore) namedConversation(channel string, id int64) (found, error) {
	if id == 0 {
		return found{}, nil
	}
	c, err := scanFound(s.q.QueryRowContext(s.ctx, `SELECT `+foundCols+` FROM conversations
		WHERE id = ? AND channel = ? AND state NOT IN ('won','lost')`, id, channel))
	if err != nil {
		return found{}, fmt.Errorf("inbox: finding conversation: %w", err)
	}
	return c, nil
}

// threadConversation finds the newest open conversation a channel's thread key names.
func (s ingestStore) threadConversation(channel, externalID string) (found, error) {
	if externalID == "" {
		return found{}, nil
	}
	c, err := scanFound(s.q.QueryRowContext(s.ctx, qThreadConversation, channel, externalID))
	if err != nil {
		return found{}, fmt.Errorf("inbox: finding conversation: %w", err)
	}
	return c, nil
}

// findLead matches a lead by normalised phone, then by lower-cased email (newest wins).
func (s ingestStore) findLead(e164, email string) (int64, error) {
	var id int64
	if e164 != "" {
		err := s.q.QueryRowContext(s.ctx, qLeadByPhone, e164).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("inbox: matching lead by phone: %w", err)
		}
	}
	if email != "" {
		err := s.q.QueryRowContext(s.ctx, qLeadByEmail, email).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, fmt.Errorf("inbox: matching lead by email: %w", err)
		}
	}
	return 0, nil
}

// createLead stores the person the message comes from. Its stage time is written with it: the
// insert trigger that fills a stage time left at 0 (schema 00056, for every other writer) would
// otherwise rewrite the new row and its index entries once more for each new customer.
func (s ingestStore) createLead(a arrival) (int64, error) {
	r, err := s.q.ExecContext(s.ctx, `INSERT INTO leads(name, phone, phone_e164, email, source, consent_version, consent_at,
		utm_source, utm_medium, utm_campaign, utm_term, utm_content, created_at, updated_at, stage_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		a.Name, a.Phone, a.E164, a.Email, a.Source, a.ConsentVersion, a.ConsentAt,
		utm(a.UTM, "utm_source"), utm(a.UTM, "utm_medium"), utm(a.UTM, "utm_campaign"), utm(a.UTM, "utm_term"), utm(a.UTM, "utm_content"),
		a.Now, a.Now, a.Now)
	if err != nil {
		return 0, fmt.Errorf("inbox: creating lead: %w", err)
	}
	return r.LastInsertId()
}

// fillLead fills what the lead did not know yet; it never overwrites what a person entered. The
// lead's activity time moves with every message; its name, phone, e-mail and consent are written
// only when one of them changes, so an index on them (the phone's, the e-mail's) is not rewritten
// for every message of a known customer.
func (s ingestStore) fillLead(id int64, a arrival) error {
	if _, err := s.q.ExecContext(s.ctx, `UPDATE leads SET updated_at = ? WHERE id = ?`, a.Now, id); err != nil {
		return fmt.Errorf("inbox: updating lead: %w", err)
	}
	// The campaign is the first one the person came with: a known customer who had none takes
	// this message's, one who had one keeps it.
	if len(a.UTM) > 0 {
		if _, err := s.q.ExecContext(s.ctx, `UPDATE leads SET utm_source = ?, utm_medium = ?, utm_campaign = ?, utm_term = ?, utm_content = ?
			WHERE id = ? AND utm_source = '' AND utm_medium = '' AND utm_campaign = '' AND utm_term = '' AND utm_content = ''`,
			utm(a.UTM, "utm_source"), utm(a.UTM, "utm_medium"), utm(a.UTM, "utm_campaign"), utm(a.UTM, "utm_term"), utm(a.UTM, "utm_content"), id); err != nil {
			return fmt.Errorf("inbox: lead campaign: %w", err)
		}
	}
	if a.Name == "" && a.Phone == "" && a.E164 == "" && a.Email == "" && a.ConsentVersion == "" && a.ConsentAt == nil {
		return nil
	}
	_, err := s.q.ExecContext(s.ctx, `UPDATE leads SET
		name = CASE WHEN name = '' THEN ?1 ELSE name END,
		phone = CASE WHEN phone = '' THEN ?2 ELSE phone END,
		phone_e164 = CASE WHEN phone_e164 = '' THEN ?3 ELSE phone_e164 END,
		email = CASE WHEN email = '' THEN ?4 ELSE email END,
		consent_version = CASE WHEN ?5 <> '' THEN ?5 ELSE consent_version END,
		consent_at = coalesce(?6, consent_at)
		WHERE id = ?7 AND ((name = '' AND ?1 <> '') OR (phone = '' AND ?2 <> '') OR (phone_e164 = '' AND ?3 <> '')
			OR (email = '' AND ?4 <> '') OR (?5 <> '' AND ?5 IS NOT consent_version) OR (?6 IS NOT NULL AND ?6 IS NOT consent_at))`,
		a.Name, a.Phone, a.E164, a.Email, a.ConsentVersion, a.ConsentAt, id)
	if err != nil {
		return fmt.Errorf("inbox: filling lead: %w", err)
	}
	return nil
}

// openConversation finds the lead's newest open conversation on the channel (one without a
// thread key, or with this one).
func (s ingestStore) openConversation(leadID int64, channel, externalID string) (found, error) {
	sel, args := qOpenConversation, []any{leadID, channel}
	if externalID != "" {
		sel, args = qOpenConversationExt, append(args, externalID)
	}
	c, err := scanFound(s.q.QueryRowContext(s.ctx, sel, args...))
	if err != nil {
		return found{}, fmt.Errorf("inbox: finding conversation: %w", err)
	}
	return c, nil
}

// createConversation opens a conversation for the arriving message, already counting it as
// touchConversation would (one unread, last message, waiting since), created when its first message
// was sent (arrival.OpenedMS, not when it arrived late): a new conversation is written
// once instead of inserted and then updated, which would rewrite every list index it is in. It
// answers the new conversation's id, assistant mode and assignee, read back by its id: a RETURNING
// clause costs SQLite a temporary table for every statement, more than the read.
func (s ingestStore) createConversation(leadID int64, a arrival) (id int64, aiMode string, assigned int64, err error) {
	r, err := s.q.ExecContext(s.ctx, `INSERT INTO conversations(lead_id, customer_id, channel, external_id, last_message_at, created_at, updated_at,
		unread_count, last_inbound_at, waiting_since)
		VALUES(?, (SELECT customer_id FROM leads WHERE id = ?), ?, ?, ?, ?, ?, 1, ?, ?)`,
		leadID, leadID, a.Channel, a.ExternalID, a.AtMS, a.OpenedMS, a.Now, a.AtMS, a.AtMS)
	if err == nil {
		id, err = r.LastInsertId()
	}
	if err == nil {
		err = s.q.QueryRowContext(s.ctx, `SELECT ai_mode, coalesce(assigned_user_id, 0) FROM conversations WHERE id = ?`, id).Scan(&aiMode, &assigned)
	}
	if err != nil {
		return 0, "", 0, fmt.Errorf("inbox: creating conversation: %w", err)
	}
	return id, aiMode, assigned, nil
}

// insertMessage stores the inbound message; errDuplicate when its provider id is already stored.
// No RETURNING: SQLite builds a temporary table for one, the costliest part of the statement.
func (s ingestStore) insertMessage(convID int64, a arrival) (int64, error) {
	r, err := s.q.ExecContext(s.ctx, `INSERT INTO messages(conversation_id, direction, author_kind, body, kind, channel, provider_message_id, annotations, created_at)
		VALUES(?, 'inbound', 'customer', ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		convID, a.Body, a.Kind, a.Channel, a.PMID, channelNotes(a.Notes), a.AtMS)
	if err != nil {
		return 0, fmt.Errorf("inbox: storing message: %w", err)
	}
	if n, err := r.RowsAffected(); err != nil || n == 0 {
		if err != nil {
			return 0, fmt.Errorf("inbox: storing message: %w", err)
		}
		return 0, errDuplicate
	}
	id, err := r.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("inbox: storing message: %w", err)
	}
	return id, nil
}

// touchConversation counts the message on its conversation (unread, last message, waiting since).
// The thread key is set only where the conversation had none: SQLite rewrites the index entry of
// every plain column an UPDATE names, changed or not, and the key's index (the thread look-up's)
// would otherwise move with every message of a known customer. The conversation's assistant mode
// and assignee come from the look-up that found it (found): asking the UPDATE to return them
// (RETURNING) cost SQLite a temporary table for every message, more than the UPDATE itself.
func (s ingestStore) touchConversation(c found, a arrival) error {
	q, args := qTouch, []any{a.AtMS, a.AtMS, a.AtMS, a.Now, c.id}
	if c.ext == "" && a.ExternalID != "" {
		q, args = qTouchKey, append([]any{a.ExternalID}, args...)
	}
	if _, err := s.q.ExecContext(s.ctx, q, args...); err != nil {
		return fmt.Errorf("inbox: updating conversation: %w", err)
	}
	return nil
}

// qTouch and qTouchKey are touchConversation's statements, without and with the thread key.
const (
	touchCols = `unread_count = unread_count + 1, last_message_at = max(last_message_at, ?), last_inbound_at = max(coalesce(last_inbound_at, 0), ?),
		waiting_since = coalesce(waiting_since, ?), updated_at = ? WHERE id = ?`
	qTouch    = `UPDATE conversations SET ` + touchCols
	qTouchKey = `UPDATE conversations SET external_id = ?, ` + touchCols
)

// logReceived writes the message's action-log row.
func (s ingestStore) logReceived(a arrival, res IngestResult) error {
	_, err := audit.Write(s.ctx, s.q, audit.Entry{Provider: a.Provider, ActionType: "message_received",
		Summary: "inbound " + a.Channel + " message", Input: a.Body, ConversationID: res.ConversationID,
		Payload: map[string]any{"conversation_id": res.ConversationID, "message_id": res.MessageID, "lead_id": res.LeadID, "channel": a.Channel,
			"new_lead": res.NewLead, "new_conversation": res.NewConversation}})
	return err
}

func (s ingestStore) enqueueTriage(convID, msgID int64) error {
	_, err := jobs.Enqueue(s.ctx, s.q, "ai_triage", map[string]int64{"conversation_id": convID, "message_id": msgID}, jobs.Options{})
	return err
}
