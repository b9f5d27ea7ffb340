package approvals

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// ErrDecided is returned when a recommendation was already decided (a second click, a stale form):
// nothing changes and the page answers 409 with the existing decision.
var ErrDecided = fault.Sentinel(fault.KindConflict, "approvals.conflict_body", "approvals: recommendation already decided")

// ErrNotExecutable is returned when "executed" is asked for a type that is not lead_generation.
var ErrNotExecutable = fault.Sentinel(fault.KindInvalid, "approvals.not_executable", "approvals: only lead_generation recommendations can be marked executed")

// Decisions maps the URL verb to the stored status.
var Decisions = map[string]string{"approve": "approved", "reject": "rejected", "execute": "executed"}

// resolves says which assistant handoff reasons a decision of this type answers.
var resolves = map[string][]string{
	"stock":         {"stock"},
	"pricing":       {"firm_price", "price"},
	"delivery_date": {"date"},
	"payment_terms": {"payment"},
	"warranty":      {"legal_warranty", "warranty"},
	"legal":         {"legal_warranty", "legal_threat"},
}

// Actor is the person deciding.
type Actor struct {
	UserID int64
	Name   string
}

// Decision is one approve / reject / execute request.
type Decision struct {
	ID     int64
	Verb   string // approve reject execute
	Reason string
	// Note writes a system message into the conversation: the decision's code (recommendation_
	// approved …) with who decided, and the reason as its text; pages word it per viewer.
	Note  bool
	Actor Actor
	// Draft, when not nil, is the operator's edit of the draft reply, stored with the approval
	// (edit-and-approve); the action log keeps the text before and after.
	Draft *string
	// Seen, when not 0, is the customer's latest message the deciding page showed: approving a
	// draft reply is refused (ErrWroteAgain) when the customer wrote again after it.
	Seen int64
	// Reach, when set (a person approves on a page), refuses approving a draft reply that would not
	// reach the customer now (CannotReachError): nothing is approved, the draft stays pending.
	Reach *Reach
	// Guard: a person approves here (a page, a bulk decision, a call of the panel's address):
	// without Seen, approving a draft reply is refused when the customer wrote again after the
	// draft was written. Hooks and the demo decide without it.
	Guard bool
}

// ErrWroteAgain refuses approving or sending a draft reply when the customer wrote again after
// what the person deciding was shown (the page's latest message, else the draft or its approval):
// the reply answers the earlier message, and the newer one may change it (another size, "never
// mind"). Nothing is stored; a page that showed the newer message may approve it (409).
var ErrWroteAgain = fault.Sentinel(fault.KindConflict, "approvals.wrote_again", "approvals: the customer wrote again after the page was shown")

// overtaken reports whether the customer wrote in conversation conv after what the person was
// shown: after message seen when the page says which it showed, else after since (Unix ms).
func overtaken(ctx context.Context, q inbox.Querier, conv, seen, since int64) (bool, error) {
	if seen > 0 {
		since = 0
	}
	_, _, _, later, err := inbox.InboundAfter(ctx, q, conv, seen, since)
	return later, err
}

// Decide records a decision in ONE transaction: status + who + when, handoff cleared when this
// recommendation was (part of) its reason, a system message in the conversation, and one
// approval_queue action log. It returns the updated recommendation; ErrDecided when it was not open,
// a field error (fault.KindInvalid) when the reason is over 1000 or the edited draft over 4000
// characters.
func Decide(ctx context.Context, db *tenantdb.DB, d Decision) (*Recommendation, int64, error) {
	status, ok := Decisions[d.Verb]
	if !ok {
		return nil, 0, fmt.Errorf("approvals: unknown decision %q", d.Verb)
	}
	if err := d.validate(); err != nil {
		return nil, 0, err
	}
	var out *Recommendation
	var msgID int64
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, msgID, err = decideTx(ctx, tx, d, status)
		return err
	})
	if err != nil {
		return out, 0, err
	}
	return out, msgID, nil
}

// validate checks the lengths a person can type: the reason and an edited draft.
func (d Decision) validate() error {
	var f fault.Fields
	if len([]rune(strings.TrimSpace(d.Reason))) > 1000 {
		f.Add("reason", "approvals.reason_too_long")
	}
	if d.Draft != nil && d.Verb == "approve" && len([]rune(*d.Draft)) > 4000 {
		f.Add("draft", "approvals.draft_too_long")
	}
	// A draft emptied and approved was approved as the assistant wrote it, the words the person
	// had just deleted ready behind "Send draft to customer".
	if d.Draft != nil && d.Verb == "approve" && strings.TrimSpace(*d.Draft) == "" {
		f.Add("draft", "approvals.draft_empty")
	}
	return f.Err()
}

// decideTx is Decide inside the caller's transaction.
func decideTx(ctx context.Context, tx *sql.Tx, d Decision, status string) (out *Recommendation, msgID int64, err error) {
	err = func() error {
		rec, err := ByID(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if !rec.Open() {
			out = rec
			return ErrDecided
		}
		if status == "executed" && rec.ActionType != "lead_generation" {
			return ErrNotExecutable
		}
		if status == "approved" && (d.Seen > 0 || d.Guard) && rec.ConversationID > 0 && strings.TrimSpace(rec.DraftReply) != "" {
			if later, err := overtaken(ctx, tx, rec.ConversationID, d.Seen, rec.CreatedAt); err != nil {
				return err
			} else if later {
				return ErrWroteAgain
			}
		}
		if status == "approved" {
			if no, err := d.Reach.NoReach(ctx, tx, rec); err != nil {
				return err
			} else if no != nil {
				return &CannotReachError{No: no}
			}
		}
		draft := rec.DraftReply
		edited := d.Draft != nil && status == "approved" && rec.DraftReply != "" && strings.TrimSpace(*d.Draft) != "" &&
			strings.TrimSpace(*d.Draft) != strings.TrimSpace(rec.DraftReply)
		if edited {
			draft = clip(*d.Draft, 4000)
		}
		changed, err := setDecision(ctx, tx, rec.ID, status, d.Actor.UserID, d.Actor.Name, d.Reason, draft)
		if err != nil {
			return err
		}
		if !changed {
			return ErrDecided
		}
		rec.Status, rec.DecidedByUserID, rec.DecidedByName, rec.DecisionReason = status, d.Actor.UserID, d.Actor.Name, d.Reason
		if err := runDecided(ctx, tx, rec, d.Actor); err != nil {
			return err
		}
		handoffCleared := false
		if rec.ConversationID > 0 {
			c, err := inbox.ConversationByID(ctx, tx, rec.ConversationID)
			if err != nil {
				return err
			}
			if c.HandoffRequired {
				left := remainingReasons(c.HandoffReason, rec.ActionType)
				if rec.ActionType == "human_handoff" || len(left) == 0 {
					err = inbox.SetHandoff(ctx, tx, c.ID, false, "")
					handoffCleared = true
				} else if len(left) != len(splitReasons(c.HandoffReason)) {
					err = inbox.SetHandoff(ctx, tx, c.ID, true, strings.Join(left, ", "))
				}
				if err != nil {
					return err
				}
			}
			if d.Note {
				if msgID, err = inbox.AddMessageTx(ctx, tx, nil, c.ID, inbox.Outgoing{Direction: "system", AuthorKind: "system",
					AuthorName: d.Actor.Name, Body: d.Reason, Event: "recommendation_" + status,
					Params: map[string]string{"actor": d.Actor.Name}}); err != nil {
					return err
				}
			}
		}
		payload := map[string]any{"recommendation_id": rec.ID, "action_type": rec.ActionType, "status": status,
			"reason": d.Reason, "handoff_cleared": handoffCleared, "recommended_by": rec.ModelName}
		if edited {
			payload["draft_edited"] = true
			payload["draft_before"] = rec.DraftReply
			payload["draft_after"] = draft
		}
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "approval_queue", ActionType: "recommendation_" + status,
			Summary: rec.Title + " → " + status, Input: rec.Summary, Output: d.Reason, ModelName: "human-review",
			ActorUserID: d.Actor.UserID, ActorName: d.Actor.Name, ConversationID: rec.ConversationID,
			Payload: payload}); err != nil {
			return err
		}
		out, err = ByID(ctx, tx, rec.ID)
		return err
	}()
	return out, msgID, err
}

func splitReasons(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// remainingReasons drops from a handoff reason list the reasons a decision of actionType answers.
func remainingReasons(reason, actionType string) []string {
	var left []string
	for _, p := range splitReasons(reason) {
		drop := false
		for _, r := range resolves[actionType] {
			if p == r {
				drop = true
			}
		}
		if !drop {
			left = append(left, p)
		}
	}
	return left
}

// ErrWindowClosed refuses to send a draft as free text when the conversation's reply window has
// closed (WhatsApp's 24 hours since the customer last wrote): it would not reach the customer.
var ErrWindowClosed = fault.Sentinel(fault.KindConflict, "approvals.window_closed", "approvals: the conversation's reply window is closed; a free-text reply would not be delivered")

// windowClosed reports whether conversation id's channel has a reply window that is closed now.
func windowClosed(ctx context.Context, q inbox.Querier, reg *channel.Registry, id int64) (bool, error) {
	conv, err := inbox.ConversationByID(ctx, q, id)
	if err != nil {
		return false, err
	}
	info, ok := reg.Info(conv.Channel)
	return ok && !info.WindowOpen(conv.LastInboundAt, time.Now()), nil
}

// Reach is what a person's approval of a draft reply checks first: whether the reply would reach
// the customer now, on the channel it goes out on, with the tenant's settings (Setting) — the same
// reasons the conversation's composer refuses a typed reply for (inbox.CannotReach): the channel's
// sending not set up, WhatsApp's window closed (unless the draft goes as an approved template that
// is set: a follow-up), the customer blocked the bot, an e-mail customer without an address.
type Reach struct {
	Channels *channel.Registry
	Setting  func(string) string
}

// NoReach is why rec's draft reply, approved and sent now, would not reach the customer (nil: it
// can be tried, or rec has no draft reply, or r is nil).
func (r *Reach) NoReach(ctx context.Context, q inbox.Querier, rec *Recommendation) (*inbox.NoReach, error) {
	if r == nil || r.Channels == nil || r.Setting == nil || strings.TrimSpace(rec.DraftReply) == "" {
		return nil, nil
	}
	convID, purpose, err := target(ctx, q, rec)
	if err != nil || convID == 0 {
		return nil, err
	}
	conv, err := inbox.ConversationByID(ctx, q, convID)
	if err != nil {
		return nil, err
	}
	return inbox.CannotReachAs(ctx, q, r.Channels, r.Setting, conv, purpose, time.Now())
}

// CannotReachError refuses approving or sending a draft reply that would not reach the customer
// now (Reach): nothing is approved or stored, and the draft stays where it was.
type CannotReachError struct{ No *inbox.NoReach }

func (e *CannotReachError) Error() string {
	return "approvals: the draft reply cannot reach the customer (" + e.No.Reason + ")"
}

// Fault is a conflict: the draft is fine, the channel cannot take it now.
func (e *CannotReachError) Fault() *fault.Error {
	return &fault.Error{Kind: fault.KindConflict, Key: "approvals.not_approved", Code: "cannot_reach_" + e.No.Reason}
}

// ErrNotSendable is returned when a draft cannot be sent: not approved, no draft text or no conversation.
var ErrNotSendable = fault.Sentinel(fault.KindConflict, "approvals.not_sendable", "approvals: only an approved recommendation with a draft reply can be sent")

// ErrAlreadySent is returned when the approved draft was already sent once.
var ErrAlreadySent = fault.Sentinel(fault.KindConflict, "approvals.already_sent", "approvals: this draft was already sent")

// SendDraft sends an approved recommendation's draft reply to the customer through the
// conversation's channel (outbound message + delivery job where the channel needs one) and logs
// it, in one transaction. A draft is sent at most once. reg is the channel registry (what happens
// to a reply on the conversation's channel).
func SendDraft(ctx context.Context, db *tenantdb.DB, reg *channel.Registry, id int64, actor Actor) (*Recommendation, int64, error) {
	return SendEdited(ctx, db, reg, id, "", false, actor)
}

// SendEdited is SendDraft for a draft a person may have edited first, as the conversation page
// offers it: an open recommendation is approved in the same transaction (its system note is
// note), and text, when it differs from the draft, is what is sent; the draft_sent log then
// records the edit as before→after. An empty text sends the draft as it is.
func SendEdited(ctx context.Context, db *tenantdb.DB, reg *channel.Registry, id int64, text string, note bool, actor Actor) (*Recommendation, int64, error) {
	return send(ctx, db, Reach{Channels: reg}, id, text, note, actor, false, 0)
}

// SendSeen is SendEdited for a person who pressed the button on a page that showed the customer's
// messages up to seen (0: the page does not say): it is refused (ErrWroteAgain, nothing stored)
// when the customer wrote after that message — without seen, after the draft was written, or for
// a draft approved earlier, after its approval — and (reach, with the tenant's settings) when the
// reply would not reach the customer now (CannotReachError, nothing stored).
func SendSeen(ctx context.Context, db *tenantdb.DB, reach Reach, id int64, text string, note bool, actor Actor, seen int64) (*Recommendation, int64, error) {
	return send(ctx, db, reach, id, text, note, actor, true, seen)
}

func send(ctx context.Context, db *tenantdb.DB, reach Reach, id int64, text string, note bool, actor Actor, guard bool, seen int64) (*Recommendation, int64, error) {
	reg := reach.Channels
	var check *Reach // a person's press: the reply must reach the customer
	if reach.Setting != nil {
		check = &reach
	}
	var rec *Recommendation
	var msgID int64
	text = strings.TrimSpace(text)
	if len([]rune(text)) > 4000 {
		return nil, 0, fault.InvalidField("body", "validation.too_long", 4000)
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if rec, err = ByID(ctx, tx, id); err != nil {
			return err
		}
		if !rec.Open() && text != "" && !rec.Sent && (rec.Status != "approved" || text != strings.TrimSpace(rec.DraftReply)) {
			// The conversation page offers open drafts only: words posted for one decided meanwhile
			// come from a page opened before a colleague approved it (their corrected price, say)
			// or rejected it. Sending them would undo that decision; the conflict page shows it.
			return ErrDecided
		}
		draft := rec.DraftReply // as the assistant wrote it
		if rec.Open() && text != "" && strings.TrimSpace(rec.DraftReply) != "" {
			// The approval carries the text as sent, so a room whose hook sends the approved draft
			// itself (a follow-up, an MSP ticket reply) sends the edit.
			if rec, _, err = decideTx(ctx, tx, Decision{ID: id, Verb: "approve", Note: note, Actor: actor, Draft: &text, Guard: guard, Seen: seen, Reach: check}, "approved"); err != nil {
				return err
			}
			guard = false // checked by the approval just made
			if rec.Sent { // a decision hook sent it
				msgID = rec.SentMessageID
				return nil
			}
		}
		if rec.Status != "approved" || strings.TrimSpace(rec.DraftReply) == "" || rec.ConversationID == 0 {
			return ErrNotSendable
		}
		if rec.Sent {
			return ErrAlreadySent
		}
		// Approved earlier (the latest decisions, hours later): the customer may have written
		// since; the reply is not sent over a message nobody read.
		if guard {
			if later, err := overtaken(ctx, tx, rec.ConversationID, seen, rec.DecidedAt); err != nil {
				return err
			} else if later {
				return ErrWroteAgain
			}
		}
		// Free text outside the channel's reply window (WhatsApp's 24 hours since the customer
		// last wrote) would be approved, marked sent and then fail at the channel, the customer
		// getting nothing: refused here, nothing approved (a hook above may send a template).
		if check != nil {
			// With the tenant's settings: every reason the composer refuses a reply for (an
			// approval made earlier checked them then; they may have changed since).
			if no, err := check.NoReach(ctx, tx, rec); err != nil {
				return err
			} else if no != nil {
				return &CannotReachError{No: no}
			}
		} else if closed, err := windowClosed(ctx, tx, reg, rec.ConversationID); err != nil {
			return err
		} else if closed {
			return ErrWindowClosed
		}
		body := rec.DraftReply
		payload := map[string]any{"recommendation_id": rec.ID, "action_type": rec.ActionType, "edited": false}
		if text != "" && text != strings.TrimSpace(draft) {
			body = text
			payload["edited"] = true
			payload["before"], payload["after"] = draft, text
		}
		if msgID, err = inbox.AddMessageTx(ctx, tx, reg, rec.ConversationID, inbox.Outgoing{Direction: "outbound", AuthorKind: "user",
			AuthorUserID: actor.UserID, AuthorName: actor.Name, Body: body}); err != nil {
			return err
		}
		if ok, err := markSent(ctx, tx, rec.ID, msgID); err != nil {
			return err
		} else if !ok {
			return ErrAlreadySent
		}
		rec.Sent, rec.SentMessageID = true, msgID
		payload["message_id"] = msgID
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "approval_queue", ActionType: "draft_sent",
			Summary: rec.Title, Input: draft, Output: body, ModelName: "human-review", ActorUserID: actor.UserID, ActorName: actor.Name,
			ConversationID: rec.ConversationID, Payload: payload})
		return err
	})
	return rec, msgID, err
}
