package followups

import (
	"context"
	"fmt"
)

// This file is the room's read model (app/ownership): what it reads of the inbox's leads,
// conversations and messages and of the quotes, never writing them.

// Lookback is how far back a customer's last message or a quote's sending is looked at: beyond
// the longest wait the rules allow (MaxQuoteHours business hours), so the query stays small.
const Lookback = 30 * 24 * 3600 * 1000 // ms

// consentOK is the consent rule, on the lead l: a visitor of the widget, the landing page or a
// lead typed in or imported must have given consent (leads.consent_at); a customer who wrote to
// the business first on WhatsApp, Telegram or e-mail asked to be answered there.
const consentOK = `(l.consent_at IS NOT NULL OR l.source IN ('whatsapp','telegram','email'))`

// candidate is a conversation that may start a sequence.
type candidate struct {
	ConvID, LeadID, QuoteID int64
	Reason                  string
	AnchorAt                int64 // Unix ms
}

// noReplyCandidates are the widget and landing-page conversations whose visitor left a phone or an
// e-mail, gave consent, and whose last message got no reply from a person since; open
// conversations only, with no sequence started at or after that message.
func noReplyCandidates(ctx context.Context, q Querier, since int64, limit int) ([]candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.lead_id, c.last_inbound_at FROM conversations c JOIN leads l ON l.id = c.lead_id
		WHERE c.last_message_at >= ?1 AND c.last_inbound_at >= ?1 AND c.state NOT IN ('won','lost')
		  AND l.source IN ('webchat','landing') AND (l.phone <> '' OR l.email <> '') AND `+consentOK+`
		  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'outbound'
		                  AND m.author_kind = 'user' AND m.created_at >= c.last_inbound_at)
		  AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.conversation_id = c.id
		                  AND (f.status IN ('active','waiting') OR f.anchor_at >= c.last_inbound_at))
		ORDER BY c.last_inbound_at DESC, c.id DESC LIMIT ?2`, since, limit)
	if err != nil {
		return nil, fmt.Errorf("followups: no-reply candidates: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		c := candidate{Reason: ReasonNoReply}
		if err := rows.Scan(&c.ConvID, &c.LeadID, &c.AnchorAt); err != nil {
			return nil, fmt.Errorf("followups: no-reply candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// quoteGrace is how long after a quote's sending a person's message still counts as the quote's
// own (the message that carried it).
const quoteGrace = 60 * 1000 // ms

// quoteCandidates are the conversations whose newest sent quote got no answer: the customer has
// not written since it was sent, nor has a person written again; open conversations only, with
// consent, and no sequence started at or after the sending.
func quoteCandidates(ctx context.Context, q Querier, since int64, limit int) ([]candidate, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.lead_id, qu.id, qu.sent_at FROM quotes qu
		JOIN conversations c ON c.id = qu.conversation_id JOIN leads l ON l.id = c.lead_id
		WHERE qu.status = 'sent' AND qu.sent_at >= ?1 AND c.state NOT IN ('won','lost') AND `+consentOK+`
		  AND coalesce(c.last_inbound_at, 0) < qu.sent_at
		  AND NOT EXISTS (SELECT 1 FROM quotes q2 WHERE q2.conversation_id = c.id AND q2.status = 'sent' AND q2.sent_at > qu.sent_at)
		  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'outbound'
		                  AND m.author_kind = 'user' AND m.created_at > qu.sent_at + ?3)
		  AND NOT EXISTS (SELECT 1 FROM followups f WHERE f.conversation_id = c.id
		                  AND (f.status IN ('active','waiting') OR f.anchor_at >= qu.sent_at))
		ORDER BY qu.sent_at DESC, qu.id DESC LIMIT ?2`, since, limit, quoteGrace)
	if err != nil {
		return nil, fmt.Errorf("followups: quote candidates: %w", err)
	}
	defer rows.Close()
	var out []candidate
	for rows.Next() {
		c := candidate{Reason: ReasonQuote}
		if err := rows.Scan(&c.ConvID, &c.LeadID, &c.QuoteID, &c.AnchorAt); err != nil {
			return nil, fmt.Errorf("followups: quote candidates: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// hasConsent applies the consent rule to one lead.
func hasConsent(ctx context.Context, q Querier, leadID int64) (bool, error) {
	var ok bool
	if err := q.QueryRowContext(ctx, `SELECT `+consentOK+` FROM leads l WHERE l.id = ?`, leadID).Scan(&ok); err != nil {
		return false, fmt.Errorf("followups: consent: %w", err)
	}
	return ok, nil
}

// conversationClosed reports whether a conversation was won or lost.
func conversationClosed(ctx context.Context, q Querier, convID int64) (bool, error) {
	var closed bool
	if err := q.QueryRowContext(ctx, `SELECT state IN ('won','lost') FROM conversations WHERE id = ?`, convID).Scan(&closed); err != nil {
		return false, fmt.Errorf("followups: conversation state: %w", err)
	}
	return closed, nil
}

// openOnClosed lists the open sequences whose conversation was won or lost.
func openOnClosed(ctx context.Context, q Querier) ([]*FollowUp, error) {
	return listFU(ctx, q, `WHERE status IN ('active','waiting') AND conversation_id IN (SELECT id FROM conversations WHERE state IN ('won','lost')) LIMIT 500`)
}
