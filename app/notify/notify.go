// Package notify tells the team what needs them: an in-app notification centre (the bell in the
// menu and its list), Web Push to phones and browsers, and e-mail as a fallback or a daily digest.
//
// Rooms raise an Event inside their own transaction (Raise enqueues a job, so a rolled-back change
// tells nobody); the event job decides who hears of it — the right people of that tenant only —
// writes their notification rows and queues one push per subscription and one e-mail where the
// person asked for it. Push and e-mail are jobs with retries. Guide: 36-notifications.md.
package notify

import (
	"context"
	"slices"
	"strconv"
	"time"

	"highvibe/app/jobs"
)

// Kinds of notification, stored as these codes and shown through the catalogs (notify.kind.*).
const (
	KindNewConversation = "new_conversation" // a customer started a conversation: owners and operators
	KindAssigned        = "assigned"         // a teammate assigned a conversation to someone: that person (not when they assigned themselves)
	KindAssignedMessage = "assigned_message" // a customer wrote on a conversation assigned to someone: that person
	KindHandoff         = "handoff"          // a conversation asks for a person: its assignee, else owners and operators
	KindMention         = "mention"          // someone @mentioned a teammate in an internal note: that teammate
	KindApproval        = "approval"         // a recommendation waits for a decision: owners
	KindOverdue         = "overdue"          // a next action's due time passed: its assignee, else owners
	KindVisitSoon       = "visit_soon"       // a site visit starts in an hour: its assignees (app/visits)
	KindVisitAnswer     = "visit_answer"     // a customer accepted a site visit or asked for another time: its assignees
	KindQuoteAccepted   = "quote_accepted"   // a customer accepted a quote on its page: the conversation's assignee, else owners
	KindQuoteQuestion   = "quote_question"   // a customer asked about a quote on its page: the conversation's assignee, else owners
	KindSLASoon         = "sla_soon"         // a ticket used 75 % of an SLA target: its assignee, else owners and operators (app/msp)
	KindSLABreach       = "sla_breach"       // a ticket passed an SLA target: its assignee, else owners and operators (app/msp)
	// KindConversionFailing: deliveries to an ad platform started failing (app/conversions): owners,
	// once per platform per run of failures; Name is the platform.
	KindConversionFailing = "conversion_failing"
	// KindEmailReadFailing: reading the e-mail channel's mailbox started failing (app/channels/
	// email): owners, once per run of failures; Name is the mailbox. KindEmailReadRecovered: a
	// read worked again after such a run: owners, once.
	KindEmailReadFailing   = "email_read_failing"
	KindEmailReadRecovered = "email_read_recovered"
)

// Kinds lists every kind in the order the preferences page shows them.
var Kinds = []string{KindNewConversation, KindAssigned, KindAssignedMessage, KindHandoff, KindMention, KindApproval, KindOverdue, KindVisitSoon, KindVisitAnswer, KindQuoteAccepted, KindQuoteQuestion, KindSLASoon, KindSLABreach, KindConversionFailing, KindEmailReadFailing, KindEmailReadRecovered}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool { return slices.Contains(Kinds, k) }

// Job kinds of this room.
const (
	JobEvent  = "notify_event"  // decide who hears of an Event and write their notifications
	JobPush   = "notify_push"   // one Web Push message to one subscription
	JobEmail  = "notify_email"  // one notification e-mail
	JobDigest = "notify_digest" // one person's daily digest in one tenant
)

// Event is something that happened in a tenant that people may need to hear of. Rooms fill what
// they know; the event job reads the rest (who is assigned now) when it runs.
type Event struct {
	Kind             string  `json:"kind"`
	ConversationID   int64   `json:"conversation_id,omitempty"`
	RecommendationID int64   `json:"recommendation_id,omitempty"`
	ActorID          int64   `json:"actor_id,omitempty"` // the person who caused it hears nothing of it
	UserIDs          []int64 `json:"user_ids,omitempty"` // mention: the people named
	MessageID        int64   `json:"message_id,omitempty"`
	At               int64   `json:"at,omitempty"`   // when raised (Unix ms): tells a later handoff from an earlier one
	Name             string  `json:"name,omitempty"` // who the conversation is with, as shown
	Text             string  `json:"text,omitempty"` // the first words of the message, note or recommendation
	DueAt            int64   `json:"due_at,omitempty"`
	TicketID         int64   `json:"ticket_id,omitempty"` // an MSP ticket (sla kinds): the notification leads to it
	Target           string  `json:"target,omitempty"`    // sla kinds: which target (response, resolution)
	// Reason is why a handoff was raised, as the assistant's reason codes ("firm_price, date"):
	// the notification names it, so the person told knows whether the customer asked for someone
	// or the assistant handed a price question over. "" when a teammate raised it. A failing ad
	// platform (conversion_failing): why its delivery failed (app/conversions reason code).
	Reason string `json:"reason,omitempty"`
}

// dedupe is the key that makes one event tell a person once, however often its job runs.
func (e Event) dedupe() string {
	switch e.Kind {
	case KindApproval:
		return e.Kind + ":" + strconv.FormatInt(e.RecommendationID, 10)
	case KindOverdue:
		return e.Kind + ":" + strconv.FormatInt(e.ConversationID, 10) + ":" + strconv.FormatInt(e.DueAt, 10)
	case KindNewConversation:
		return e.Kind + ":" + strconv.FormatInt(e.ConversationID, 10)
	case KindVisitSoon:
		return e.Kind + ":" + strconv.FormatInt(e.ConversationID, 10) + ":" + strconv.FormatInt(e.DueAt, 10)
	case KindSLASoon, KindSLABreach:
		return e.Kind + ":t" + strconv.FormatInt(e.TicketID, 10) + ":" + e.Target
	}
	if e.MessageID == 0 {
		return e.Kind + ":" + strconv.FormatInt(e.ConversationID, 10) + ":at" + strconv.FormatInt(e.At, 10)
	}
	return e.Kind + ":" + strconv.FormatInt(e.ConversationID, 10) + ":" + strconv.FormatInt(e.MessageID, 10)
}

// Raise queues e inside the caller's transaction: it is told if and only if the change commits.
// Messages on an assigned conversation fold while one is still waiting, so a burst of customer
// messages is one notification, not one per line.
func Raise(ctx context.Context, tx jobs.Execer, e Event) error {
	e.Name, e.Text, e.Reason = clip(e.Name, 120), clip(e.Text, 200), clip(e.Reason, 200)
	if e.At == 0 {
		e.At = time.Now().UnixMilli()
	}
	o := jobs.Options{MaxAttempts: 5}
	if e.Kind == KindAssignedMessage {
		o.DedupeKey = "msg:" + strconv.FormatInt(e.ConversationID, 10)
	}
	_, err := jobs.Enqueue(ctx, tx, JobEvent, e, o)
	return err
}

// ScheduleOverdue queues the "next action overdue" check of a conversation for remind: its due
// time, or the business's next opening when it falls due while the business is closed (zero:
// the due time). A later save with another due time queues another check; the check looks
// whether the due time it was queued for still stands.
func ScheduleOverdue(ctx context.Context, tx jobs.Execer, convID int64, due, remind time.Time, name, action string) error {
	if due.IsZero() {
		return nil
	}
	if remind.Before(due) {
		remind = due
	}
	e := Event{Kind: KindOverdue, ConversationID: convID, DueAt: due.UnixMilli(), Name: clip(name, 120), Text: clip(action, 200)}
	_, err := jobs.Enqueue(ctx, tx, JobEvent, e, jobs.Options{RunAt: remind, MaxAttempts: 5,
		DedupeKey: "overdue:" + strconv.FormatInt(convID, 10) + ":" + strconv.FormatInt(e.DueAt, 10)})
	return err
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
