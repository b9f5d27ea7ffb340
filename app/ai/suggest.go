package ai

import (
	"context"
	"database/sql"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// Errors of an on-demand draft, worded by the page in the operator's language.
var (
	ErrNoCustomerMessage = fault.Sentinel(fault.KindConflict, "inbox.suggest.error.no_message", "ai: the conversation has no customer message to answer")
	ErrBudgetSpent       = fault.Sentinel(fault.KindUnavailable, "inbox.suggest.error.budget", "ai: the monthly AI budget is spent")
)

// Suggest drafts a reply to the conversation's latest customer message for a person to edit and
// send from the composer: the same reply triage produces (the builtin engine's, or the configured
// model's when it answers and passes SafeToSend), falling back to the draft of the engine's first
// recommendation that carries one; a customer who only opened the chat is drafted the greeting
// triage sends them (StartGreeting). Nothing is sent and nothing is queued; the suggestion is logged
// (draft_suggested) with the commitments the draft names, so the composer can say so.
func (a *Assistant) Suggest(ctx context.Context, slug string, db *tenantdb.DB, convID, actorID int64, actorName string) (*inbox.Suggestion, error) {
	t, err := a.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	conv, err := inbox.ConversationByID(ctx, db.Read, convID)
	if err != nil {
		return nil, err
	}
	msg, err := triageMessage(ctx, db, convID, 0)
	if err != nil {
		return nil, err
	}
	if msg == nil {
		return nil, ErrNoCustomerMessage
	}
	budget, err := BudgetState(ctx, t, db)
	if err != nil {
		return nil, err
	}
	if budget.Exhausted {
		return nil, ErrBudgetSpent
	}
	res, thread, err := analyzeMessage(ctx, db, t, convID, msg)
	if err != nil {
		return nil, err
	}
	model, reply := BuiltinModel, res.Reply
	start := opensChat(msg)
	if start {
		// The customer only opened the chat (Telegram's Start, maybe from a link with a code):
		// the draft is the greeting triage sends them, and no model is shown the code.
		reply = StartGreeting(t, customerLang(t, conv, msg, customerSaid(thread)))
	}
	var usage *Usage
	if t.Setting("ai_provider") == "openai_compatible" && reply != "" && !start {
		r, u, perr := a.providerReply(ctx, t, res, msg, thread)
		if u.Model != "" && (u.PromptTokens > 0 || perr == nil) {
			u.Purpose, u.ConversationID = "draft", convID
			usage = &u
		}
		if perr == nil && SafeToSend(r) {
			model, reply = u.Model, r
		}
	}
	if reply == "" {
		for _, rec := range res.Recommendations {
			if rec.DraftReply != "" {
				reply = rec.DraftReply
				break
			}
		}
	}
	if reply == "" {
		reply = res.Withheld
	}
	s := &inbox.Suggestion{Body: reply, Language: res.Language, Model: model, Commitments: Commitments(reply)}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		if usage != nil {
			if err := recordUsage(ctx, tx, *usage); err != nil {
				return err
			}
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "conversation_inbox", ActionType: "draft_suggested", Summary: "draft_suggested",
			Input: msg.Body, Output: reply, ModelName: model, ActorUserID: actorID, ActorName: actorName, ConversationID: convID,
			Payload: map[string]any{"conversation_id": convID, "message_id": msg.ID, "language": res.Language, "commitments": s.Commitments}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}
