package ai

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/crm"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Job kinds of the assistant. The inbox queues triage after a customer message, so that kind is
// declared there.
const (
	JobTriage = inbox.JobTriage
	JobReview = "ai_review"
)

// ReviewDelay is how long after a conversation's last message the review runs.
const ReviewDelay = 10 * time.Minute

// AssistantName is the author name on messages the assistant sends.
const AssistantName = "Asistan"

// Assistant runs the triage and review jobs for every tenant.
type Assistant struct {
	Platform *platform.Service
	Inbox    *inbox.Service
	Client   *Client
	Log      *slog.Logger
	// Observe, when set, hears each triage once its outcome is committed: the tenant, the provider
	// asked, the purpose, the outcome (ok, provider_failed, withheld, budget_spent) and the
	// estimated cost recorded in ai_usage (/metrics counts them).
	Observe func(slug, provider, purpose, outcome string, costUSD float64)
}

// TriagePayload is the payload of an ai_triage job.
type TriagePayload struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}

// Outcome says what one triage did (tests and the demo seeder read it).
type Outcome struct {
	Skipped         string // "", ai_paused, budget_spent, not_inbound
	Result          Result
	Model           string
	Sent            int64 // message id of the reply sent, 0 = none
	Recommendations []int64
	ModelTriage     *ModelTriage // the provider model's validated triage, when one was asked and answered
}

// HandleTriage is the ai_triage job handler.
func (a *Assistant) HandleTriage(ctx context.Context, j *jobs.Job) error {
	var p TriagePayload
	if err := j.Decode(&p); err != nil || p.ConversationID == 0 {
		return jobs.Permanent(fmt.Errorf("ai: bad triage payload: %v", err))
	}
	_, err := a.Triage(ctx, j.Tenant, j.DB, p.ConversationID, p.MessageID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return jobs.Permanent(err)
	}
	return err
}

// Triage scores one inbound message, records recommendations and maybe sends a low-risk reply.
func (a *Assistant) Triage(ctx context.Context, slug string, db *tenantdb.DB, convID, msgID int64) (*Outcome, error) {
	return a.TriageWith(ctx, slug, db, convID, msgID, true)
}

// TriageWith is Triage with the reply optional: the demo seeder scores old conversations without
// writing new replies into them. A reply is also skipped when the message was already answered
// (a retried job never sends twice).
func (a *Assistant) TriageWith(ctx context.Context, slug string, db *tenantdb.DB, convID, msgID int64, send bool) (*Outcome, error) {
	t, err := a.Platform.TenantBySlug(ctx, slug)
	if err != nil {
		return nil, err
	}
	conv, err := inbox.ConversationByID(ctx, db.Read, convID)
	if err != nil {
		return nil, err
	}
	var msg *inbox.Message
	if msgID > 0 {
		if msg, err = inbox.MessageByID(ctx, db.Read, msgID); err != nil {
			return nil, err
		}
	} else {
		msgs, err := inbox.Messages(ctx, db.Read, convID, 0, 0)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Direction == "inbound" {
				msg = m
			}
		}
		if msg == nil {
			return &Outcome{Skipped: "not_inbound"}, nil
		}
	}
	if msg.Direction != "inbound" || msg.ConversationID != convID {
		return &Outcome{Skipped: "not_inbound"}, nil
	}
	if conv.AIMode != "active" {
		return &Outcome{Skipped: "ai_" + conv.AIMode}, nil
	}
	budget, err := BudgetState(ctx, t, db)
	if err != nil {
		return nil, err
	}
	if budget.Exhausted {
		a.observe(slug, budget.Provider, "budget_spent", 0)
		return &Outcome{Skipped: "budget_spent"}, audit.Log(ctx, db, audit.Entry{Provider: "ai_triage", ActionType: "triage_skipped",
			Summary: "monthly AI budget spent; nothing was sent", ModelName: BuiltinModel, ConversationID: convID,
			Payload: map[string]any{"message_id": msg.ID, "spent_usd": budget.Spent, "budget_usd": budget.Limit}})
	}
	prods, err := crm.Products(ctx, db, true)
	if err != nil {
		return nil, err
	}
	history, err := earlierInbound(ctx, db, convID, msg.ID)
	if err != nil {
		return nil, err
	}
	in := Input{Text: msg.Body, History: history, Niche: t.NicheID}
	for _, p := range prods {
		in.Products = append(in.Products, Product{SKU: p.SKU, Name: p.Name, Category: p.Category, Unit: p.Unit, Currency: p.Currency, UnitPrice: p.UnitPrice})
	}
	res := Analyze3(in)
	out := &Outcome{Result: res, Model: BuiltinModel}
	usage := Usage{Provider: "builtin", Model: BuiltinModel, Purpose: "triage", PromptTokens: len(msg.Body) / 4, ConversationID: convID}
	providerNote, asked, outcome := "", usage.Provider, "ok"
	var extra []Usage
	if t.Setting("ai_provider") == "openai_compatible" {
		mt, u, perr := AskModelTriage(ctx, a.client(), a.providerConfig(t), msg.Body, history)
		asked = u.Provider
		if u.Model != "" && (u.PromptTokens > 0 || perr == nil) {
			u.Purpose, u.ConversationID = "triage", convID
			extra = append(extra, u)
		}
		if perr != nil {
			outcome = "provider_failed"
			providerNote = "provider triage not used: " + perr.Error()
		} else {
			combine(&res, mt)
			out.ModelTriage = mt
		}
	}
	if t.Setting("ai_provider") == "openai_compatible" && res.Reply != "" {
		reply, u, perr := a.providerReply(ctx, t, res, msg.Body)
		asked = u.Provider
		switch {
		case perr != nil:
			outcome = "provider_failed"
			providerNote = strings.TrimPrefix(providerNote+"; ", "; ") + "provider failed, builtin used: " + perr.Error()
		case SafeToSend(reply):
			res.Reply, out.Model, usage = reply, u.Model, u
			usage.Purpose, usage.ConversationID = "triage", convID
		default:
			usage, out.Model, outcome = u, u.Model, "withheld"
			usage.Purpose, usage.ConversationID = "triage", convID
			providerNote = "provider reply withheld by the commitment guard; builtin reply used"
		}
	}
	out.Result = res
	handoff := res.Handoff
	u, q, s := res.Urgency, res.Qualification, res.Sentiment
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		tr := inbox.Triage{Urgency: &u, Qualification: &q, Sentiment: &s, Reasons: res.Reasons, Language: res.Language, Summary: res.Summary}
		if handoff {
			tr.Handoff, tr.HandoffReason = &handoff, mergeReasons(conv.HandoffReason, res.HandoffReason)
		}
		if err := inbox.ApplyTriage(ctx, tx, convID, tr); err != nil {
			return err
		}
		for _, r := range res.Recommendations {
			id, created, err := approvals.Create(ctx, tx, approvals.New{LeadID: conv.LeadID, ConversationID: convID, Title: r.Title,
				Summary: r.Summary, RecommendedAction: r.RecommendedAction, DraftReply: r.DraftReply, Priority: r.Priority,
				ActionType: r.ActionType, Confidence: r.Confidence, ModelName: BuiltinModel, Words: r.Words.JSON(),
				DedupeKey: fmt.Sprintf("conv:%d:%s", convID, r.ActionType)})
			if err != nil {
				return err
			}
			if created {
				out.Recommendations = append(out.Recommendations, id)
			}
		}
		for _, u := range append([]Usage{usage}, extra...) {
			if err := recordUsage(ctx, tx, u); err != nil {
				return err
			}
		}
		if err := scheduleReview(ctx, tx, convID); err != nil {
			return err
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: "ai_triage", ActionType: "ai_triage",
			Summary: fmt.Sprintf("urgency %d, qualification %d, sentiment %d; %s", u, q, s, res.Summary),
			Input:   msg.Body, Output: res.Reply, ModelName: out.Model, ConversationID: convID,
			Payload: map[string]any{"message_id": msg.ID, "reasons": res.Reasons, "handoff": handoff, "confidence": res.Confidence,
				"recommendations": out.Recommendations, "reply_withheld": res.Withheld != "", "note": providerNote}})
		return err
	})
	if err != nil {
		return nil, err
	}
	cost := usage.CostUSD
	for _, u := range extra {
		cost += u.CostUSD
	}
	a.observe(slug, asked, outcome, cost)
	if send && res.Reply != "" {
		later, err := inbox.Messages(ctx, db.Read, convID, msg.ID, 50)
		if err != nil {
			return out, err
		}
		for _, m := range later {
			if m.Direction == "outbound" {
				send = false
			}
		}
	}
	if send && res.Reply != "" && SafeToSend(res.Reply) {
		id, err := a.Inbox.AddMessage(ctx, slug, db, convID, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", AuthorName: AssistantName, Body: res.Reply}, "ai_triage")
		if err != nil {
			return out, err
		}
		out.Sent = id
	}
	return out, nil
}

func (a *Assistant) observe(slug, provider, outcome string, cost float64) {
	if provider == "" {
		provider = "builtin"
	}
	if a.Observe != nil {
		a.Observe(slug, provider, "triage", outcome, cost)
	}
}

// mergeReasons keeps earlier handoff reasons and adds the new ones once.
func mergeReasons(old, add string) string {
	seen := map[string]bool{}
	var out []string
	for _, p := range strings.Split(old+","+add, ",") {
		if p = strings.TrimSpace(p); p != "" && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// scheduleReview (re)schedules the conversation's review ReviewDelay after now: a queued review
// is pushed back, so the review always follows the LAST message.
func scheduleReview(ctx context.Context, tx *sql.Tx, convID int64) error {
	_, err := jobs.Reschedule(ctx, tx, JobReview, fmt.Sprintf("review:%d", convID),
		map[string]int64{"conversation_id": convID}, time.Now().Add(ReviewDelay))
	return err
}

// providerReply asks the configured model for the reply, within the persona's rules.
func (a *Assistant) providerReply(ctx context.Context, t *platform.Tenant, res Result, text string) (string, Usage, error) {
	lang := map[string]string{"tr": "Turkish", "en": "English"}[res.Language]
	if lang == "" {
		lang = "the customer's language"
	}
	sys := fmt.Sprintf("You answer customers of a %s business in %s. Never state prices, payment terms, warranties or dates; "+
		"a person approves those. Ask at most two short clarifying questions. Suggested reply: %s", t.NicheID, lang, res.Reply)
	return a.client().Chat(ctx, a.providerConfig(t), []ChatMessage{{Role: "system", Content: sys}, {Role: "user", Content: text}})
}

func (a *Assistant) client() *Client {
	if a.Client == nil {
		return &Client{}
	}
	return a.Client
}

func (a *Assistant) providerConfig(t *platform.Tenant) ProviderConfig {
	return ProviderConfig{BaseURL: t.Setting("ai_base_url"), Model: t.Setting("ai_model"), APIKey: t.Setting("ai_api_key"),
		Privacy: t.Setting("privacy_profile")}
}

// earlierInbound returns the customer's messages of the conversation before msgID, oldest first
// (at most historyLen): builtin-3 reads them as context.
func earlierInbound(ctx context.Context, db *tenantdb.DB, convID, msgID int64) ([]string, error) {
	msgs, err := inbox.Messages(ctx, db.Read, convID, 0, 0)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range msgs {
		if m.Direction == "inbound" && m.ID < msgID {
			out = append(out, m.Body)
		}
	}
	if len(out) > historyLen {
		out = out[len(out)-historyLen:]
	}
	return out, nil
}
