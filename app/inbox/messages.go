package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Outgoing is a message written by a person, the AI or the system into a conversation.
type Outgoing struct {
	Direction    string // outbound or system
	AuthorKind   string // user ai system
	AuthorUserID int64
	AuthorName   string
	Body         string
	ScheduledAt  time.Time // non-zero: store as scheduled; a JobSendScheduled job delivers it then
	// Event, on a system message the product writes (an approval decision), is its code; the page
	// words it with Params in the viewer's language, and Body then holds only what a person
	// typed with it (a reason), possibly nothing.
	Event  string
	Params map[string]string
	// Attach, when set, runs in the message's transaction right after it is stored, before its
	// delivery is queued: the composer links the file the reply carries (media.Prepared.Attach).
	Attach func(ctx context.Context, tx *sql.Tx, messageID int64, c *Conversation) error
	// Template, on an outbound message, is the approved template the channel sends instead of
	// Body when its reply window is closed (WhatsApp's 24 hours: channel.Info.WindowOpen).
	// Inside the window Body goes as free text. Body stays the readable text stored and shown
	// in the conversation; the template travels with the message (its annotations), so a retry
	// or a scheduled send still has it. Nil: free text only (outside the window the reply fails).
	Template *TemplateUse
	// NoFile, on an outbound message that was meant to carry a file and goes without it (a
	// quote's PDF that could not be kept), is why, as a media refusal code (media.ErrCodeQuota…):
	// the conversation and the quote say what went instead of a bare "sent".
	NoFile string
	// Once: the message comes from a panel form (a template, a file) whose one-time token is
	// spent in the message's transaction (web.SpendOnce), so a second post of it sends nothing.
	Once bool
	// Logged: the message records what was already said elsewhere (the integration API logs an
	// e-mail or a call the business made from its own systems): it is stored with no delivery
	// status, as a reply on a call or a walk-in is, and never handed to the channel, so the
	// customer does not get it a second time.
	Logged bool
	// At, when set, is when the message was written, for one recorded after the fact: the
	// demo's seeding dates the assistant's replies to its last hours as the triage job would have
	// sent them. Zero (every request, every job) is now.
	At time.Time
	// keepState: the same save set the conversation's state, which the reply leaves as chosen
	// (a New conversation is not made Contacted by it).
	keepState bool
}

// TemplateUse names what an outbound message is for and the values of its template's body
// parameters ({{1}}, {{2}}, … in order). Each channel that has a reply window maps the purpose
// to a template of its own in the tenant's settings (WhatsApp: whatsapp_template_<purpose>).
type TemplateUse struct {
	Purpose string   `json:"purpose"`
	Params  []string `json:"params,omitempty"`
}

// The template purposes the product sends (channel.TemplatePurposes lists them for settings).
const (
	PurposeVisitConfirmation = channel.PurposeVisitConfirmation // a site visit booked (date, time, address)
	PurposeVisitReminder     = channel.PurposeVisitReminder     // the day before a site visit
	PurposeFollowUp          = channel.PurposeFollowUp          // a follow-up of a quiet conversation
)

// AddMessage stores an outbound/system message with its action log in one transaction and starts
// delivery (see addMessageTx). It exists for the assistant, the channels and the composer's
// template and file forms (m.Once).
func (s *Service) AddMessage(ctx context.Context, tenantSlug string, db *tenantdb.DB, conversationID int64, m Outgoing, provider string) (int64, error) {
	var id int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = addMessageTx(ctx, tx, s.Channels, conversationID, m, provider, true)
		if err == nil && m.Once {
			err = web.SpendOnce(ctx, tx, id, conversationPage(conversationID))
		}
		return err
	})
	if err != nil {
		return 0, err
	}
	s.publish(tenantSlug, live.Event{Kind: "message", ConversationID: conversationID, MessageID: id})
	return id, nil
}

// conversationPage is the panel page of a conversation, where a sent form's answer leads.
func conversationPage(id int64) string { return "/app/inbox/" + strconv.FormatInt(id, 10) + "/" }

// addMessageTx inserts the message; withLog=false leaves the message's own log row to the caller.
// A New conversation the message makes Contacted (addMessage) is logged here, as its own
// conversation update.
func addMessageTx(ctx context.Context, tx *sql.Tx, reg *channel.Registry, convID int64, m Outgoing, provider string, withLog bool) (int64, error) {
	id, mv, err := addMessage(ctx, tx, reg, convID, m, provider, withLog)
	if err != nil || mv == nil {
		return id, err
	}
	return id, logContacted(ctx, tx, convID, id, mv, m.AuthorUserID, m.AuthorName)
}

// addMessage inserts the message (withLog: with its action-log row). What happens to an outbound
// message is the channel's (reg): Deliver → queued + a JobDeliver job; Local (webchat) → sent;
// Record → stored without a delivery status. A reply that is with the customer now (the widget
// shows it; on a call or a walk-in it records what was said) makes a New conversation Contacted
// (countsAsContact): mv is that move, not logged (the conversation form records it in its one log
// row). A delivered channel's reply does so when the channel has sent it (replyReached), a
// scheduled one when it is released.
func addMessage(ctx context.Context, tx *sql.Tx, reg *channel.Registry, convID int64, m Outgoing, provider string, withLog bool) (int64, *stateMove, error) {
	c, err := ConversationByID(ctx, tx, convID)
	if err != nil {
		return 0, nil, err
	}
	p, err := planMessage(reg, c, m)
	if err != nil {
		return 0, nil, err
	}
	now := tenantdb.Now()
	if at := m.At.UnixMilli(); !m.At.IsZero() && at < now { // never dated ahead of its writing
		now = at
	}
	id, err := insertMessage(ctx, tx, c, m, p, now)
	if err != nil {
		return 0, nil, err
	}
	if m.Attach != nil {
		if err := m.Attach(ctx, tx, id, c); err != nil {
			return 0, nil, err
		}
	}
	var mv *stateMove
	if !p.scheduled {
		if err := touchConversation(ctx, tx, convID, m.Direction, now); err != nil {
			return 0, nil, err
		}
		if err := runMessageHooks(ctx, tx, tx, MessageEvent{ConversationID: convID, LeadID: c.LeadID, MessageID: id, Channel: c.Channel,
			Direction: m.Direction, AuthorKind: p.kind, At: now}); err != nil {
			return 0, nil, err
		}
		if countsAsContact(m.Direction, p.kind) && p.status != "queued" && !m.keepState {
			if mv, err = contactedTx(ctx, tx, convID); err != nil {
				return 0, nil, err
			}
		}
	}
	if err := queueMessageJob(ctx, tx, id, m, p); err != nil {
		return 0, nil, err
	}
	if err := reindex(ctx, tx, convID); err != nil {
		return 0, nil, err
	}
	if withLog {
		return id, mv, logMessage(ctx, tx, convID, id, m, p, provider)
	}
	return id, mv, nil
}

// messagePlan is what a new message will be, decided before anything is written.
type messagePlan struct {
	kind      string // author kind: user ai system customer
	status    any    // delivery status: "queued", "sent" or NULL
	scheduled bool   // an outbound message held until m.ScheduledAt
	sched     any    // scheduled_at (Unix ms) or NULL
}

// planMessage checks a message and decides its author kind and delivery status: an inbound
// message is the customer's; an outbound one is queued (the channel delivers it, or it is
// scheduled), sent (stored is delivered: the widget) or has no status (a record kept by hand).
func planMessage(reg *channel.Registry, c *Conversation, m Outgoing) (messagePlan, error) {
	if m.Direction != "outbound" && m.Direction != "system" && m.Direction != "inbound" {
		return messagePlan{}, fmt.Errorf("inbox: add message: bad direction %q", m.Direction)
	}
	p := messagePlan{kind: m.AuthorKind}
	switch {
	case m.Direction == "inbound":
		p.kind = "customer"
	case p.kind == "":
		p.kind = "system"
	}
	if p.kind != "user" && p.kind != "ai" && p.kind != "system" && p.kind != "customer" {
		return messagePlan{}, fmt.Errorf("inbox: add message: bad author %q", m.AuthorKind)
	}
	if strings.TrimSpace(m.Body) == "" && (m.Event == "" || m.Direction != "system") {
		return messagePlan{}, errors.New("inbox: add message: empty body")
	}
	if m.Template != nil && (m.Direction != "outbound" || !channel.KnownPurpose(m.Template.Purpose)) {
		return messagePlan{}, fmt.Errorf("inbox: add message: template %q on a %s message", m.Template.Purpose, m.Direction)
	}
	if m.Direction != "outbound" || m.Logged {
		return p, nil
	}
	switch reg.OutboundOf(c.Channel) {
	case channel.Deliver:
		p.status = "queued"
	case channel.Local:
		p.status = "sent"
	}
	if !m.ScheduledAt.IsZero() {
		p.scheduled, p.status, p.sched = true, "queued", m.ScheduledAt.UnixMilli()
	}
	return p, nil
}

// insertMessage stores the message row and returns its id.
func insertMessage(ctx context.Context, tx *sql.Tx, c *Conversation, m Outgoing, p messagePlan, now int64) (int64, error) {
	var author any
	if m.AuthorUserID > 0 {
		author = m.AuthorUserID
	}
	r, err := tx.ExecContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, author_user_id, body, channel,
		delivery_status, annotations, scheduled_at, created_at) VALUES(?,?,?,?,?,?,?,?,?,?)`,
		c.ID, m.Direction, p.kind, author, strings.TrimSpace(m.Body), c.Channel, p.status, annotation(m), p.sched, now)
	if err != nil {
		return 0, fmt.Errorf("inbox: storing message: %w", err)
	}
	id, _ := r.LastInsertId()
	return id, nil
}

// touchConversation moves the conversation's clocks for a message that is in it now: an answer
// ends the wait, a customer's message adds to the unread count and starts the wait.
func touchConversation(ctx context.Context, tx *sql.Tx, convID int64, direction string, now int64) error {
	upd := `UPDATE conversations SET last_message_at = max(last_message_at, ?), updated_at = ?`
	if direction == "outbound" {
		upd += `, waiting_since = NULL`
	} else if direction == "inbound" {
		upd += `, unread_count = unread_count + 1, last_inbound_at = ?1, waiting_since = coalesce(waiting_since, ?1)`
	}
	if _, err := tx.ExecContext(ctx, upd+` WHERE id = ?3`, now, now, convID); err != nil {
		return fmt.Errorf("inbox: updating conversation: %w", err)
	}
	return nil
}

// queueMessageJob queues the job a planned message needs: a scheduled one waits for its
// send_scheduled job (whose id the message keeps, so it can be cancelled), a queued one is
// handed to the channel's deliverer.
func queueMessageJob(ctx context.Context, tx *sql.Tx, id int64, m Outgoing, p messagePlan) error {
	switch {
	case p.scheduled:
		jid, err := jobs.Enqueue(ctx, tx, JobSendScheduled, map[string]int64{"message_id": id}, jobs.Options{RunAt: m.ScheduledAt})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE messages SET annotations = ? WHERE id = ?`, annotationJob(m.AuthorName, jid, m.Template), id); err != nil {
			return fmt.Errorf("inbox: scheduling: %w", err)
		}
	case p.status == "queued":
		if _, err := jobs.Enqueue(ctx, tx, JobDeliver, map[string]int64{"message_id": id}, jobs.Options{}); err != nil {
			return err
		}
	}
	return nil
}

// logMessage writes the message's action-log row (provider "" = a person in the inbox).
func logMessage(ctx context.Context, tx *sql.Tx, convID, id int64, m Outgoing, p messagePlan, provider string) error {
	if provider == "" {
		provider = "conversation_inbox"
	}
	model := ""
	if p.kind == "user" {
		model = "human-review"
	}
	var at int64 // now, or when a message recorded after the fact was written
	if !m.At.IsZero() {
		at = m.At.UnixMilli()
	}
	_, err := audit.Write(ctx, tx, audit.Entry{Provider: provider, ActionType: "message_" + m.Direction,
		Summary: m.Direction + " message added", Output: m.Body, ModelName: model, ActorUserID: m.AuthorUserID,
		ActorName: m.AuthorName, ConversationID: convID, At: at,
		Payload: map[string]any{"conversation_id": convID, "message_id": id, "scheduled": p.scheduled}})
	return err
}

// annotation keeps the author's display name, a system message's event code and parameters, and
// an outbound message's template on the message (JSON), for the timeline and the deliverer.
func annotation(m Outgoing) string {
	if m.AuthorName == "" && m.Event == "" && m.Template == nil && m.NoFile == "" && !m.Logged {
		return ""
	}
	b, _ := json.Marshal(Annotations{AuthorName: m.AuthorName, Event: m.Event, Params: m.Params, Template: m.Template, NoFile: m.NoFile, Logged: m.Logged})
	return string(b)
}

// channelNotes is the annotations of an inbound message that carries the channel's notes.
func channelNotes(notes map[string]string) string {
	if len(notes) == 0 {
		return ""
	}
	b, _ := json.Marshal(map[string]any{"channel": notes})
	return string(b)
}

func annotationJob(author string, jobID int64, tpl *TemplateUse) string {
	b, _ := json.Marshal(Annotations{AuthorName: author, JobID: jobID, Template: tpl})
	return string(b)
}

// Annotations is the decoded annotations column of a message.
type Annotations struct {
	AuthorName string            `json:"author_name,omitempty"`
	JobID      int64             `json:"job_id,omitempty"`
	Channel    map[string]string `json:"channel,omitempty"` // what the channel stored at ingest (Inbound.Notes)
	Event      string            `json:"event,omitempty"`
	Params     map[string]string `json:"params,omitempty"`
	Template   *TemplateUse      `json:"template,omitempty"` // Outgoing.Template
	// TemplateSent is the approved template the channel actually sent instead of the body
	// (outside the reply window), as MarkTemplateSent recorded it.
	TemplateSent *TemplateSent `json:"template_sent,omitempty"`
	// Reactions are the emoji the customer put on the message in their messenger (AddReaction).
	Reactions []StoredReaction `json:"reactions,omitempty"`
	// PartsSent is how many of the messages a long reply is sent as reached the customer before
	// a try stopped (SetPartsSent): the next try sends only the rest.
	PartsSent int `json:"parts_sent,omitempty"`
	// NoFile is Outgoing.NoFile: the file the message was meant to carry did not go, and why (a
	// media refusal code).
	NoFile string `json:"no_file,omitempty"`
	// Logged is Outgoing.Logged: an outbound message recorded from elsewhere, which the product
	// did not send.
	Logged bool `json:"logged,omitempty"`
}

// StoredReaction is one reaction as AddReaction keeps it.
type StoredReaction struct {
	From  string `json:"from"`
	Emoji string `json:"emoji"`
	At    int64  `json:"at"`
}

// ReactionEmoji lists the emoji of the message's reactions, in the order they came.
func (a Annotations) ReactionEmoji() string {
	var b strings.Builder
	for _, r := range a.Reactions {
		if r.Emoji != "" {
			if b.Len() > 0 {
				b.WriteString(" ")
			}
			b.WriteString(r.Emoji)
		}
	}
	return b.String()
}

// TemplateSent names the template a message went out as: what the customer received is that
// template's approved text with the message's parameters, not its body.
type TemplateSent struct {
	Name string `json:"name"`
	Lang string `json:"lang"`
}

// MarkTemplateSent records, in the message's annotations, that the channel sent it as the named
// approved template (the deliverer calls it in the transaction that marks the message sent).
func MarkTemplateSent(ctx context.Context, tx *sql.Tx, messageID int64, ts TemplateSent) error {
	var ann string
	if err := tx.QueryRowContext(ctx, `SELECT annotations FROM messages WHERE id = ?`, messageID).Scan(&ann); errors.Is(err, sql.ErrNoRows) {
		return tenantdb.ErrNotFound
	} else if err != nil {
		return fmt.Errorf("inbox: template sent: %w", err)
	}
	var a map[string]any
	if json.Unmarshal([]byte(ann), &a) != nil || a == nil {
		a = map[string]any{}
	}
	a["template_sent"] = ts
	b, _ := json.Marshal(a)
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET annotations = ? WHERE id = ?`, string(b), messageID); err != nil {
		return fmt.Errorf("inbox: template sent: %w", err)
	}
	return nil
}

// SetPartsSent records, in the message's annotations, how many of the messages a long reply goes
// as have reached the customer (the deliverer calls it when a try stops part-way).
func SetPartsSent(ctx context.Context, tx *sql.Tx, messageID int64, n int) error {
	var ann string
	if err := tx.QueryRowContext(ctx, `SELECT annotations FROM messages WHERE id = ?`, messageID).Scan(&ann); errors.Is(err, sql.ErrNoRows) {
		return tenantdb.ErrNotFound
	} else if err != nil {
		return fmt.Errorf("inbox: parts sent: %w", err)
	}
	var a map[string]any
	if json.Unmarshal([]byte(ann), &a) != nil || a == nil {
		a = map[string]any{}
	}
	a["parts_sent"] = n
	b, _ := json.Marshal(a)
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET annotations = ? WHERE id = ?`, string(b), messageID); err != nil {
		return fmt.Errorf("inbox: parts sent: %w", err)
	}
	return nil
}

// Template is the template an outbound message asked for (nil: free text only).
func (m *Message) Template() *TemplateUse { return m.Notes().Template }

// Notes decodes the message's annotations (empty when none or not JSON).
func (m *Message) Notes() Annotations {
	var a Annotations
	if m.Annotations != "" {
		_ = json.Unmarshal([]byte(m.Annotations), &a)
	}
	return a
}

// Triage is what the assistant decided about a conversation.
type Triage struct {
	Urgency, Qualification, Sentiment *int
	Reasons                           map[string][]string
	Language                          string
	Summary                           string
	Handoff                           *bool
	HandoffReason                     string
}

// ApplyTriage lets the assistant record its scores, reasons, language, summary and handoff
// decision on a conversation; nil/empty fields are left as they are.
func ApplyTriage(ctx context.Context, tx *sql.Tx, conversationID int64, t Triage) error {
	sets := []string{"updated_at = ?"}
	args := []any{tenantdb.Now()}
	for _, f := range []struct {
		col string
		v   *int
	}{{"urgency_score", t.Urgency}, {"qualification_score", t.Qualification}, {"sentiment_score", t.Sentiment}} {
		if f.v != nil {
			sets, args = append(sets, f.col+" = ?"), append(args, min(100, max(0, *f.v)))
		}
	}
	if t.Reasons != nil {
		b, err := json.Marshal(t.Reasons)
		if err != nil {
			return fmt.Errorf("inbox: triage reasons: %w", err)
		}
		sets, args = append(sets, "score_reasons = ?"), append(args, string(b))
	}
	if t.Language != "" {
		sets, args = append(sets, "language = ?"), append(args, clip(t.Language, 16))
	}
	if t.Summary != "" {
		sets, args = append(sets, "summary = ?"), append(args, clip(t.Summary, 2000))
	}
	if t.Handoff != nil {
		sets, args = append(sets, "handoff_required = ?", "handoff_reason = ?"), append(args, boolInt(*t.Handoff), clip(t.HandoffReason, 500))
		// The assistant raising a handoff the conversation did not have tells the team (app/notify).
		var was bool
		if err := tx.QueryRowContext(ctx, `SELECT handoff_required FROM conversations WHERE id = ?`, conversationID).Scan(&was); err == nil && !was && *t.Handoff {
			if err := notify.Raise(ctx, tx, notify.Event{Kind: notify.KindHandoff, ConversationID: conversationID, Reason: t.HandoffReason}); err != nil {
				return err
			}
		}
	}
	args = append(args, conversationID)
	r, err := tx.ExecContext(ctx, `UPDATE conversations SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...)
	if err != nil {
		return fmt.Errorf("inbox: applying triage: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return reindex(ctx, tx, conversationID)
}

// SetHandoff sets or clears the handoff flag (used by approvals when a decision resolves it).
func SetHandoff(ctx context.Context, tx *sql.Tx, conversationID int64, on bool, reason string) error {
	if !on {
		reason = ""
	}
	r, err := tx.ExecContext(ctx, `UPDATE conversations SET handoff_required = ?, handoff_reason = ?, updated_at = ? WHERE id = ?`,
		boolInt(on), clip(reason, 500), tenantdb.Now(), conversationID)
	if err != nil {
		return fmt.Errorf("inbox: setting handoff: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

var deliveryStatuses = map[string]bool{"queued": true, "sent": true, "delivered": true, "read": true, "failed": true}

// SetDelivery records a provider message id / delivery status change on an outbound message.
func SetDelivery(ctx context.Context, tx *sql.Tx, messageID int64, providerMessageID, status, errText string) error {
	if !deliveryStatuses[status] {
		return fmt.Errorf("inbox: set delivery: bad status %q", status)
	}
	var pm any
	if providerMessageID != "" {
		pm = providerMessageID
	}
	r, err := tx.ExecContext(ctx, `UPDATE messages SET provider_message_id = coalesce(?, provider_message_id), delivery_status = ?,
		delivery_error = ? WHERE id = ?`, pm, status, clip(errText, 1000), messageID)
	if err != nil {
		return fmt.Errorf("inbox: set delivery: %w", err)
	}
	if n, _ := r.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	if reached(status) {
		return replyReached(ctx, tx, messageID)
	}
	return nil
}

// reached reports whether a delivery status says the customer has the message.
func reached(status string) bool {
	return status == "sent" || status == "delivered" || status == "read"
}

// statusRank orders delivery statuses so late webhooks never move a message backwards.
var statusRank = map[string]int{"queued": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}

// DeliveryByProviderID applies a status update (sent/delivered/read/failed) for a provider message
// id on a channel. It returns the message and its conversation when the status moved (the channel
// calls [Service.DeliveryChanged] with them after its commit); an unknown id or a late status that
// would move the message backwards returns zeros.
func DeliveryByProviderID(ctx context.Context, tx *sql.Tx, channel, providerMessageID, status, errText string) (convID, msgID int64, err error) {
	if !deliveryStatuses[status] {
		return 0, 0, fmt.Errorf("inbox: delivery update: bad status %q", status)
	}
	var id, conv int64
	var cur string
	err = tx.QueryRowContext(ctx, `SELECT id, conversation_id, coalesce(delivery_status,'') FROM messages WHERE channel = ? AND provider_message_id = ?`,
		channel, providerMessageID).Scan(&id, &conv, &cur)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, nil
	}
	if err != nil {
		return 0, 0, fmt.Errorf("inbox: delivery update: %w", err)
	}
	if cur != "" && statusRank[status] < statusRank[cur] {
		return 0, 0, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE messages SET delivery_status = ?, delivery_error = ? WHERE id = ?`, status, clip(errText, 1000), id); err != nil {
		return 0, 0, fmt.Errorf("inbox: delivery update: %w", err)
	}
	if cur == status {
		return 0, 0, nil // a repeated status: nothing to redraw
	}
	if reached(status) {
		if err := replyReached(ctx, tx, id); err != nil {
			return 0, 0, err
		}
	}
	return conv, id, nil
}
