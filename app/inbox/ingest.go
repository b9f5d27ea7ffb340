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
	"strconv"
	"strings"
	"time"

	"highvibe/app/channels/channel"
	"highvibe/app/live"
	"highvibe/app/phone"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Service is the inbox room's service; app/serve.go builds one with the server's live hub and the
// channel registry (app/channels.Registry), which says which channels exist and what happens to
// a reply on each.
type Service struct {
	Live     *live.Hub
	Channels *channel.Registry
	// Busy reports whether a tenant's arriving deliveries keep its writer busy (a burst); the
	// search documents then wait a little (IndexPending). Nil: never.
	Busy func(tenant string) bool
}

// Inbound is one message arriving from outside (widget, WhatsApp, Telegram, email, call, manual, landing).
type Inbound struct {
	Channel           string // webchat whatsapp telegram email call manual
	ExternalID        string // the thread key on that channel: widget visitor token, WhatsApp wa_id, Telegram chat id
	ProviderMessageID string // idempotency key (wamid, telegram update/message id, widget client id); "" = none
	Name, Phone       string // what we know of the sender (phone as typed)
	// Region is the country a phone written without its country code is read in: the business's
	// (platform.Tenant.PhoneRegion) where a person typed it; "" (Turkey's reading) where the
	// channel always sends the code (WhatsApp, Telegram).
	Region         string
	Email          string
	Body           string            // readable text (caption, "[image]" placeholder, location text...)
	Kind           string            // text image document audio video location interactive button unsupported ...
	LeadSource     string            // leads.source; "" = derived from Channel
	ConsentVersion string            // widget/landing consent, stored on the lead
	ConsentAt      time.Time         // when consent was given
	UTM            map[string]string // utm_source utm_medium utm_campaign utm_term utm_content
	At             time.Time         // zero = now
	// ConversationID, when set, is the conversation the channel found this message threads into
	// (e-mail: by In-Reply-To/References); it is used while that conversation is open on the
	// same channel, else the message is matched like any other.
	ConversationID int64
	Notes          map[string]string // what the channel keeps with the message (e-mail: subject, from), in annotations
	// Then, when set, runs in the same transaction right after a new message is stored (never for
	// a duplicate): a channel records what must commit with the message, such as the file it
	// announced (media.AddInbound) or a file the visitor uploaded.
	Then func(ctx context.Context, tx Writer, res IngestResult) error
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
		res, err = ingestTx(ctx, s.Channels, tx, in)
		if err == nil {
			err = reindex(ctx, tx, res.ConversationID)
		}
		if err == nil { // the panel's "new conversation" form, sent once (no token elsewhere)
			err = web.SpendOnce(ctx, tx, res.ConversationID, "/app/inbox/"+strconv.FormatInt(res.ConversationID, 10)+"/")
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
// caller rolls back. The rules are arrive (what is stored) and the decisions below; every
// statement is an ingestStore call, run through q (the transaction, or a statement cache on it).
func ingestTx(ctx context.Context, reg *channel.Registry, q querier, in Inbound) (IngestResult, error) {
	var res IngestResult
	a, err := arrive(reg, in, time.Now())
	if err != nil {
		return res, err
	}
	st := ingestStore{ctx: ctx, q: q}
	// 1. The channel's own threading, or its thread key, names the conversation directly;
	conv, err := st.namedConversation(a.Channel, in.ConversationID)
	if err != nil {
		return res, err
	}
	if conv.id == 0 {
		if conv, err = st.threadConversation(a.Channel, a.ExternalID); err != nil {
			return res, err
		}
	}
	leadID := conv.lead
	// 2. otherwise the lead by phone or email: known people are never duplicated.
	if leadID == 0 {
		if leadID, err = st.findLead(a.E164, a.Email); err != nil {
			return res, err
		}
	}
	if leadID == 0 {
		if leadID, err = st.createLead(a); err != nil {
			return res, err
		}
		res.NewLead = true
	} else if err := st.fillLead(leadID, a); err != nil {
		return res, err
	}
	// 3. The open conversation of this lead on this channel, or a new one.
	if conv.id == 0 && !res.NewLead {
		if conv, err = st.openConversation(leadID, a.Channel, a.ExternalID); err != nil {
			return res, err
		}
	}
	convID := conv.id
	var mode string
	var assigned int64
	if convID == 0 {
		if convID, mode, assigned, err = st.createConversation(leadID, a); err != nil {
			return res, err
		}
		res.NewConversation = true
	}
	// 4. The message; the unique index is the idempotency check.
	msgID, err := st.insertMessage(convID, a)
	if err != nil {
		return res, err
	}
	if !res.NewConversation { // a new one was created counting this message
		if err := st.touchConversation(conv, a); err != nil {
			return res, err
		}
		mode, assigned = conv.mode, conv.assigned
	}
	res.LeadID, res.ConversationID, res.MessageID = leadID, convID, msgID
	if err := st.logReceived(a, res); err != nil {
		return res, err
	}
	// Rooms that wait on the customer (the follow-ups) hear of the message in its transaction.
	if err := runMessageHooks(ctx, q, txOf(q), MessageEvent{ConversationID: convID, LeadID: leadID, MessageID: msgID,
		Channel: a.Channel, Direction: "inbound", AuthorKind: "customer", At: a.AtMS}); err != nil {
		return res, err
	}
	// The team hears of it (app/notify): a new conversation, or a message for its assignee.
	if err := raiseInbound(ctx, q, res, assigned, a); err != nil {
		return res, err
	}
	if in.Then != nil {
		if err := in.Then(ctx, q, res); err != nil {
			return res, err
		}
	}
	// 5. The assistant looks at it when the conversation lets it act.
	if triageWanted(mode) {
		if err := st.enqueueTriage(convID, msgID); err != nil {
			return res, err
		}
	}
	return res, nil
}

// arrival is an Inbound cleaned for storage, with what is derived from it.
type arrival struct {
	Inbound
	E164      string // the phone normalised ("" when it is not one)
	Source    string // leads.source
	PMID      any    // the provider message id, or nil
	AtMS, Now int64  // when it was sent, and now (Unix ms)
	OpenedMS  int64  // a conversation it opens starts then (Unix ms): openedAt
	ConsentAt any    // Unix ms or nil
	Provider  string // the action-log provider of the channel
}

// arrive is the pure half of ingest: the channel must be known; names, phones and e-mails are
// trimmed and bounded (an over-long e-mail is dropped); an empty body becomes its kind's
// placeholder; the lead source is the channel unless a known source was given; the channel
// registry says which channels exist and names their action-log provider.
func arrive(reg *channel.Registry, in Inbound, now time.Time) (arrival, error) {
	if !reg.Has(in.Channel) {
		return arrival{}, fmt.Errorf("inbox: ingest: unknown channel %q", in.Channel)
	}
	in.Name = clip(strings.TrimSpace(web.PersonName(in.Name)), 200)
	in.Email = channel.LowerEmail(in.Email)
	if len(in.Email) > 254 {
		in.Email = ""
	}
	in.Phone = clip(strings.TrimSpace(in.Phone), 40)
	if in.Kind == "" {
		in.Kind = "text"
	}
	if strings.TrimSpace(in.Body) == "" {
		in.Body = "[" + in.Kind + "]"
	}
	in.Kind = clip(in.Kind, 40)
	in.ConsentVersion = clip(in.ConsentVersion, 40)
	a := arrival{Inbound: in, E164: NormalizePhone(in.Phone, in.Region), Source: in.LeadSource, Now: now.UnixMilli()}
	if !reg.Has(a.Source) && !slices.Contains(otherSources, a.Source) { // LeadSources, without building the list
		a.Source = in.Channel
	}
	a.Provider = providerOf(reg, in.Channel)
	if in.ProviderMessageID != "" {
		a.PMID = in.ProviderMessageID
	}
	a.AtMS = a.Now
	if !in.At.IsZero() {
		a.AtMS = in.At.UnixMilli()
	}
	a.OpenedMS = openedAt(a.AtMS, a.Now)
	if !in.ConsentAt.IsZero() {
		a.ConsentAt = in.ConsentAt.UnixMilli()
	}
	return a, nil
}

// senderClockFrom is the earliest time a sender's clock is believed: a message dated before it (a
// phone whose clock was reset) says nothing about when the customer wrote.
var senderClockFrom = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()

// openedAt is when a conversation opened by a message sent at at (Unix ms) starts, at now: the
// message's own time, so a conversation is never created after its first message when the
// channel delivers late (WhatsApp retries for days: a time days back is real). A time in the
// future or before senderClockFrom is the sender's clock being wrong, and the conversation starts
// now.
func openedAt(at, now int64) int64 {
	if at < senderClockFrom || at > now {
		return now
	}
	return at
}

// triageWanted: the assistant triages a customer's message only where its mode is active.
func triageWanted(aiMode string) bool { return aiMode == "active" }

func (s *Service) publish(slug string, e live.Event) {
	if s != nil && s.Live != nil {
		s.Live.Publish(slug, e)
	}
}

func utm(m map[string]string, k string) string { return clip(m[k], 200) }

func clip(s string, n int) string {
	if len(s) <= n { // never more runes than bytes
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// NormalizePhone returns E.164-style digits ("+905321234567") or "" — a number written without its
// country code is read in region, the business's country (platform.Tenant.PhoneRegion; "" is
// Turkey: 0532... and 532... get +90). It exists so the same person typed two ways is one lead.
// The rule itself lives in package phone, beside the way a number is shown (phone.Display), so
// the views can show numbers without importing the inbox.
func NormalizePhone(s, region string) string { return phone.Normalize(s, region) }
