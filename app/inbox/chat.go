package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Ticks is the delivery mark of an outbound message, as chat apps show it: queued ✓, sent ✓✓,
// delivered ✓✓, read ✓✓ (coloured); empty for other messages and failures.
func (m *Message) Ticks() string {
	switch m.DeliveryStatus {
	case "queued":
		return "✓"
	case "sent", "delivered", "read":
		return "✓✓"
	}
	return ""
}

// FailureKey names, as a catalog key under inbox.failure., why an outbound message was not sent;
// the stored detail (provider text, often English) is shown folded away under it.
func (m *Message) FailureKey() string {
	e := m.DeliveryError
	switch {
	case e == "cancelled":
		return "cancelled"
	case strings.Contains(e, "only part delivered:"): // channel.PartialText
		// The first messages of a long reply arrived: whatever stopped the rest, the operator
		// must know the customer has read part of it (Details says why the rest did not go).
		return "partial"
	case strings.Contains(e, "no WhatsApp access token"):
		return "no_whatsapp_token"
	case strings.Contains(e, "no approved template"):
		return "no_template"
	case strings.Contains(e, "24 hours"):
		return "window"
	case strings.Contains(e, "no Telegram bot token"):
		return "no_telegram_token"
	case strings.Contains(e, "the customer blocked the bot or deleted their Telegram account"): // telegram.NotSentBlocked
		return "telegram_blocked"
	case strings.Contains(e, "no e-mail (SMTP) server"):
		return "no_email_server"
	case strings.Contains(e, "the lead has no e-mail address"):
		return "no_email_address"
	case strings.Contains(e, "provider answered 401:"):
		// The provider refused the credentials, not the message: a WhatsApp access token expired
		// (Meta's temporary one lasts 24 hours) or revoked, a Telegram bot token replaced in
		// BotFather. "The channel refused the message" sent the owner looking at the words.
		return "credentials"
	case strings.Contains(e, "provider unreachable:"):
		// The server never got an answer, after the delivery's tries: nothing was refused.
		return "unreachable"
	}
	return "provider"
}

// Retryable reports whether a failed message can be queued for delivery again: a reply that was
// not withdrawn by a person. Only replies on channels the server delivers (channel.Deliver) are
// ever marked failed.
func (m *Message) Retryable() bool {
	return m.Direction == "outbound" && m.DeliveryStatus == "failed" && m.DeliveryError != "cancelled"
}

// ErrNotRetryable says a message is not a failed reply that can be sent again.
var ErrNotRetryable = fault.Sentinel(fault.KindConflict, "inbox.error.not_retryable", "inbox: this message cannot be sent again")

// Retry queues a failed reply for delivery again (a new deliver_message job), logged.
func (s *Service) Retry(ctx context.Context, slug string, db *tenantdb.DB, convID, msgID, actorID int64, actorName string) error {
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		m, err := MessageByID(ctx, tx, msgID)
		if err != nil {
			return err
		}
		if m.ConversationID != convID {
			return tenantdb.ErrNotFound
		}
		if !m.Retryable() {
			return ErrNotRetryable
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_status = 'queued', delivery_error = '' WHERE id = ?`, msgID); err != nil {
			return fmt.Errorf("inbox: retry: %w", err)
		}
		if _, err := jobs.Enqueue(ctx, tx, JobDeliver, map[string]int64{"message_id": msgID}, jobs.Options{}); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "message_retry", Summary: "reply queued again",
			Input: m.DeliveryError, Output: m.Body, ModelName: "human-review", ActorUserID: actorID, ActorName: actorName, ConversationID: convID,
			Payload: map[string]any{"conversation_id": convID, "message_id": msgID, "updated_by_user_id": actorID}})
		return err
	})
	if err == nil {
		s.publish(slug, live.Event{Kind: "message", ConversationID: convID, MessageID: msgID})
	}
	return err
}

// DeliveryChanged tells open pages that a message's delivery status moved (sent, delivered, read,
// failed), so an open conversation redraws its ticks. Channels call it after their commit.
func (s *Service) DeliveryChanged(slug string, convID, msgID int64) {
	s.publish(slug, live.Event{Kind: "delivery", ConversationID: convID, MessageID: msgID})
}

// ConfidencePct is the confidence as the approval queue shows it (a percentage of 0–100).
func (r Recommendation) ConfidencePct() float64 { return r.Confidence * 100 }

// Draft is an open recommendation of this conversation that carries a reply to send.
type Draft struct {
	ID    int64
	Title string
	Body  string
	Words string // kind and parameters the page words (app/words.Rec)
	// SentByHook: approving sends it as the channel's approved template when the reply window
	// is closed (a follow-up), so the page offers Approve and send with the window closed too.
	SentByHook bool
	CreatedAt  int64 // when the assistant wrote it (Unix ms)
}

// LinkedCustomer is the CRM customer a lead became, with its latest orders (read-only here).
type LinkedCustomer struct {
	ID     int64
	Name   string
	Orders []LinkedOrder
}

// LinkedOrder is one order of a linked customer.
type LinkedOrder struct {
	ID          int64
	Status      string
	Total       float64
	Currency    string
	Description string
}

// Neighbours are what the conversation page shows from other rooms, each read by the room that
// owns it: the approval queue's recommendations and open drafts, the CRM's linked customer. The
// server wires them (serve.go); one left nil shows nothing.
type Neighbours struct {
	Recommendations func(ctx context.Context, q Querier, leadID, convID int64) ([]Recommendation, error)
	Drafts          func(ctx context.Context, q Querier, convID int64) ([]Draft, error)
	Customer        func(ctx context.Context, q Querier, customerID int64) (*LinkedCustomer, error)
	// Quotes lists the conversation's written quotes (app/quotes), after applying the approval
	// queue's decisions to them.
	Quotes func(ctx context.Context, db *tenantdb.DB, convID int64) ([]QuoteLink, error)
	// Visits lists the conversation's site visits (app/visits), newest first.
	Visits func(ctx context.Context, q Querier, convID int64) ([]VisitLink, error)
	// Tickets lists the MSP tickets linked to the conversation (app/msp), newest first; nil: the
	// conversation page shows no ticket card.
	Tickets func(ctx context.Context, q Querier, convID int64) ([]TicketLink, error)
	// TicketsShown says whether a tenant's conversation pages show the ticket card at all.
	TicketsShown func(t *platform.Tenant) bool
	// FollowUp is the conversation's newest follow-up sequence (app/followups) as one line; nil
	// when it has none.
	FollowUp func(ctx context.Context, db *tenantdb.DB, convID int64) (*FollowUpLine, error)
}

// FollowUpLine is a conversation's follow-up sequence as the conversation page shows it:
// "follow-up 1 of 2 due …", "waiting in the approval queue" or why it stopped.
type FollowUpLine struct {
	Step, Steps int    // steps proposed so far, at most
	Next        int    // the step due next (Step+1 while active)
	DueAt       int64  // Unix ms: when the next step is proposed (active only)
	Status      string // active waiting done stopped
	StopReason  string // customer_replied operator_replied closed rejected no_consent no_template disabled
	Reason      string // no_reply quote_silent
	Template    bool   // the waiting draft is the approved template (the reply window is closed)
	RecID       int64  // the waiting draft in the approval queue
}

// TicketLink is one MSP ticket as the conversation page lists it.
type TicketLink struct {
	ID               int64
	Ref, Subject     string // Ref: T-000123
	Status, Priority string
}

// VisitLink is one site visit as the conversation page lists it.
type VisitLink struct {
	ID           int64
	StartsAt     int64 // Unix ms
	Status       string
	DateRejected bool   // its date was refused in the approval queue: it waits for a new one
	Answer       string // the customer's answer: "", accepted, reschedule
}

// QuoteLink is one written quote as the conversation page lists it.
type QuoteLink struct {
	ID       int64
	Number   string
	Revision int
	Status   string
	Total    float64 // major units of Currency
	Currency string
	Expired  bool // never accepted and past its validity day where the business is (quotes' ExpiredBy)
}

// WhatsAppLink is the https://wa.me/ address of an E.164 phone number ("" when there is none).
func WhatsAppLink(e164 string) string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, e164)
	if len(digits) < 8 {
		return ""
	}
	return "https://wa.me/" + digits
}

// FailureDetail is what the Details fold under a failed reply says. HighVibe's own reasons (no
// token saved, the window closed, no template, no address) are stored as English text in
// delivery_error; they are named here as catalog phrases and shown in the reader's language.
// What the provider itself answered (Meta's, Telegram's words) is kept as it wrote it and shown
// labelled as the provider's; other recorded text (a network error) is labelled as technical.
type FailureDetail struct {
	Reasons   []i18n.Phrase // HighVibe's own reasons, in order
	Status    int           // the provider's HTTP status, 0 when it answered none
	Provider  string        // the provider's own words, as it wrote them ("" = none)
	Technical string        // other recorded text ("" = none)
}

// ownFailures are the failure keys (FailureKey) whose stored text is HighVibe's own words, each
// with a sentence of its own under inbox.failure_detail.
var ownFailures = []string{"no_whatsapp_token", "no_template", "window", "no_telegram_token", "no_email_server", "no_email_address"}

// FailureDetail reads the message's stored delivery error (see FailureDetail).
func (m *Message) FailureDetail() FailureDetail {
	return failureDetail(m.DeliveryError)
}

func failureDetail(e string) FailureDetail {
	e = strings.TrimSpace(e)
	var d FailureDetail
	if rest, ok := strings.CutPrefix(e, "only part delivered: "); ok { // channel.PartialText
		var sent, of int
		if n, _ := fmt.Sscanf(rest, "%d of %d", &sent, &of); n == 2 {
			_, next, _ := strings.Cut(rest, "; the next one: ")
			d = failureDetail(next)
			// The messages are counted by their total, in the plural form the reader's language
			// gives it (Arabic "من رسالتين", "من 3 رسائل", "من 11 رسالة").
			d.Reasons = append([]i18n.Phrase{{Key: "inbox.failure_detail.partial", Args: []any{sent, i18n.Count{Key: "inbox.failure_detail.messages", N: of}}}}, d.Reasons...)
			return d
		}
	}
	e = strings.TrimPrefix(e, "not sent: ")
	m := Message{DeliveryError: e}
	if key := m.FailureKey(); slices.Contains(ownFailures, key) {
		ph := i18n.Phrase{Key: "inbox.failure_detail." + key}
		if key == "no_template" {
			purpose := ""
			if i := strings.LastIndex(e, "("); i >= 0 && strings.HasSuffix(e, ")") {
				purpose = e[i+1 : len(e)-1]
			}
			if slices.Contains(channel.TemplatePurposes, purpose) {
				ph.Args = []any{i18n.Phrase{Key: "inbox.template.purpose." + purpose}}
			} else {
				ph.Key = "inbox.failure_detail.no_template_any"
			}
		}
		d.Reasons = []i18n.Phrase{ph}
		return d
	}
	if rest, ok := strings.CutPrefix(e, "provider answered "); ok { // chanutil.SendError
		var status int
		if n, _ := fmt.Sscanf(rest, "%d:", &status); n == 1 {
			_, body, _ := strings.Cut(rest, ":")
			body = strings.TrimSpace(body)
			d.Status = status
			if b, ok := strings.CutPrefix(body, "the customer blocked the bot or deleted their Telegram account"); ok { // telegram.NotSentBlocked
				d.Reasons = []i18n.Phrase{{Key: "inbox.failure_detail.telegram_blocked"}}
				body = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(b), "(Telegram: "), ")")
			}
			d.Provider = body
			return d
		}
	}
	if rest, ok := strings.CutPrefix(e, "provider unreachable: "); ok {
		d.Reasons = []i18n.Phrase{{Key: "inbox.failure_detail.unreachable"}}
		d.Technical = rest
		return d
	}
	d.Technical = e
	return d
}
