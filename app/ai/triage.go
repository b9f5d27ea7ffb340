package ai

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/crm"
	"highvibe/app/inbox"
	"highvibe/app/inventory"
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
	// ProposeVisit, when set, proposes a site visit when a customer asks when someone can come
	// (app/visits; nil: the date stays a plain recommendation).
	ProposeVisit VisitProposer
	// TicketMessage, when set, hears each customer message the triage reads while the tenant has
	// the msp module on (app/msp proposes a category, a priority and a reply draft on the
	// conversation's open ticket; the assistant cannot import that room). It runs before the
	// conversation's own triage; an error retries the job, and it proposes once per message.
	TicketMessage func(ctx context.Context, db *tenantdb.DB, convID, msgID int64, body string) error
	// Now, when set, is the assistant's clock (tests); nil is time.Now. What is sent says "now" as
	// the moment it goes, not the moment the customer wrote.
	Now func() time.Time
	// RecordedAt, when set, is the moment the triage's recommendations and what it sends are
	// recorded: the demo's history, triaged when it is seeded, dates them just after the message
	// they answer, as the triage job would have (nil: now).
	RecordedAt func() time.Time
}

// sentAt is when what the assistant sends is dated: RecordedAt (the demo's seeded history), or
// zero (the moment it goes).
func (a *Assistant) sentAt() time.Time {
	if a.RecordedAt == nil {
		return time.Time{}
	}
	return a.RecordedAt()
}

// recordedAt is RecordedAt in Unix ms (0, approvals' "now", when unset).
func (a *Assistant) recordedAt() int64 {
	if a.RecordedAt == nil {
		return 0
	}
	return a.RecordedAt().UnixMilli()
}

func (a *Assistant) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// TriagePayload is the payload of an ai_triage job.
type TriagePayload struct {
	ConversationID int64 `json:"conversation_id"`
	MessageID      int64 `json:"message_id"`
}

// Outcome says what one triage did (tests and the demo seeder read it).
type Outcome struct {
	Skipped         string // "", ai_paused, budget_spent, not_inbound, start (the chat was only opened: greeted, not triaged)
	Result          Result
	Model           string
	Sent            int64 // message id of the reply sent, 0 = none
	Recommendations []int64
	ModelTriage     *ModelTriage // the provider model's validated triage, when one was asked and answered
	// AfterHours is the business-hours mode the message fell under ("" while open or without
	// business hours; answer, ack or silent while closed) and Ack the acknowledgement sent (0: none).
	AfterHours string
	Ack        int64
	// Visit is the site visit the assistant proposed (0: none).
	Visit int64
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
	msg, err := triageMessage(ctx, db, convID, msgID)
	if err != nil {
		return nil, err
	}
	if skip := triageSkip(msg, convID, conv.AIMode); skip != "" {
		return &Outcome{Skipped: skip}, nil
	}
	if opensChat(msg) {
		return a.greetStart(ctx, slug, db, t, conv, msg, send)
	}
	if a.TicketMessage != nil && send && t.HasModule("msp") {
		if err := a.TicketMessage(ctx, db, convID, msg.ID, msg.Body); err != nil {
			return nil, err
		}
	}
	// Outside business hours the acknowledgement goes first: it costs no AI budget, and it must
	// reach the customer even when the month's budget is spent.
	ah, err := a.checkAfterHours(ctx, slug, db, t, conv, msg, send, a.now())
	if err != nil {
		return nil, err
	}
	budget, err := BudgetState(ctx, t, db)
	if err != nil {
		return nil, err
	}
	if budget.Exhausted {
		a.observe(slug, budget.Provider, "budget_spent", 0)
		return &Outcome{Skipped: "budget_spent", AfterHours: ah.mode, Ack: ah.ack}, audit.Log(ctx, db, audit.Entry{Provider: "ai_triage", ActionType: "triage_skipped",
			Summary: "monthly AI budget spent; nothing was sent", ModelName: BuiltinModel, ConversationID: convID,
			Payload: map[string]any{"message_id": msg.ID, "spent_usd": budget.Spent, "budget_usd": budget.Limit}})
	}
	res, thread, err := analyzeMessage(ctx, db, t, convID, msg)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Result: res, Model: BuiltinModel, AfterHours: ah.mode, Ack: ah.ack}
	run := triageRun{convID: convID, recorded: a.recordedAt(), asked: "builtin", outcome: "ok", note: ah.note,
		usage: Usage{Provider: "builtin", Model: BuiltinModel, Purpose: "triage", PromptTokens: len(msg.Body) / 4, ConversationID: convID}}
	if t.Setting("ai_provider") == "openai_compatible" {
		mt, u, perr := AskModelTriage(ctx, a.client(), a.providerConfig(t), msg.Body, thread)
		run.modelTriage(&res, out, mt, u, perr)
		if res.Reply != "" {
			reply, u, perr := a.providerReply(ctx, t, res, msg, thread)
			run.providerReply(&res, out, reply, u, perr)
		}
	}
	out.Result = res
	run.visit, run.propose = a.visitAsk(ctx, t, conv, msg, res), a.ProposeVisit
	if err := storeTriage(ctx, db, conv, msg, res, out, run); err != nil {
		return nil, err
	}
	a.observe(slug, run.asked, run.outcome, run.cost())
	if !send || res.Reply == "" || !SafeToSend(res.Reply) || ah.blocksReply() {
		return out, nil
	}
	later, err := inbox.Messages(ctx, db.Read, convID, msg.ID, 50)
	if err != nil || answeredBesides(later, ah.ack) {
		return out, err
	}
	id, err := a.Inbox.AddMessage(ctx, slug, db, convID, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", AuthorName: AssistantName, Body: res.Reply, At: a.sentAt()}, "ai_triage")
	if err != nil {
		return out, err
	}
	out.Sent = id
	return out, nil
}

// triageMessage reads the message to triage: msgID, or the conversation's last customer message
// when msgID is 0 (nil when there is none).
func triageMessage(ctx context.Context, db *tenantdb.DB, convID, msgID int64) (*inbox.Message, error) {
	if msgID > 0 {
		return inbox.MessageByID(ctx, db.Read, msgID)
	}
	msgs, _, err := inbox.Latest(ctx, db.Read, convID, 0, 50)
	if err != nil {
		return nil, err
	}
	return lastInbound(msgs), nil
}

// lastInbound is the last customer message of msgs, or nil.
func lastInbound(msgs []*inbox.Message) *inbox.Message {
	var last *inbox.Message
	for _, m := range msgs {
		if m.Direction == "inbound" {
			last = m
		}
	}
	return last
}

// triageSkip says why a message is not triaged ("" = triage it): only a customer message of the
// conversation is, and only while the conversation's assistant is active.
func triageSkip(msg *inbox.Message, convID int64, aiMode string) string {
	if msg == nil || msg.Direction != "inbound" || msg.ConversationID != convID {
		return "not_inbound"
	}
	if aiMode != "active" {
		return "ai_" + aiMode
	}
	return ""
}

// analyzeMessage runs the builtin engine on msg with the conversation before it (the customer's
// earlier messages and the replies they were sent) and the active catalog: what triage and an
// operator's "suggest a draft" both start from. It also returns that thread, which a configured
// model is asked with too.
func analyzeMessage(ctx context.Context, db *tenantdb.DB, t *platform.Tenant, convID int64, msg *inbox.Message) (Result, []Turn, error) {
	prods, err := crm.Products(ctx, db, true)
	if err != nil {
		return Result{}, nil, err
	}
	thread, err := earlierThread(ctx, db, convID, msg.ID)
	if err != nil {
		return Result{}, nil, err
	}
	in := triageInput(msg.Body, thread, t.NicheID, prods)
	in.Currency, in.AppLanguage, in.Locale = t.Currency, appLanguage(msg), t.PrimaryLocale
	in.Persona = PersonaOf(t)
	if t.HasModule(platform.ModuleInventory) {
		if err := withStock(ctx, db, prods, in.Products); err != nil {
			return Result{}, nil, err
		}
	}
	return Analyze3(in), thread, nil
}

// triageInput is what the engine reads: the message, the conversation before it, the niche and
// the active catalog.
func triageInput(body string, thread []Turn, niche string, prods []*crm.Product) Input {
	in := Input{Text: body, Thread: thread, Niche: niche}
	for _, p := range prods {
		in.Products = append(in.Products, Product{SKU: p.SKU, Name: p.Name, Category: p.Category, Unit: p.Unit, Currency: p.Currency, UnitPrice: p.UnitPrice})
	}
	return in
}

// withStock marks the counted products of the catalog with what is on hand (module inventory):
// out lines up with prods.
func withStock(ctx context.Context, db *tenantdb.DB, prods []*crm.Product, out []Product) error {
	items, err := inventory.Items(ctx, db.Read)
	if err != nil {
		return err
	}
	for i, p := range prods {
		if it := items[p.ID]; it != nil {
			out[i].Counted, out[i].OnHand, out[i].StockUnit = true, float64(it.OnHand)/1000, it.Unit
			if it.Unit == "" {
				out[i].StockUnit = p.Unit
			}
		}
	}
	return nil
}

// answered says whether any of the messages after the triaged one is a reply to the customer.
func answered(later []*inbox.Message) bool {
	for _, m := range later {
		if m.Direction == "outbound" {
			return true
		}
	}
	return false
}

// answeredBesides is answered without the message id skip (the after-hours acknowledgement this
// triage itself just sent, which is not an answer to the question).
func answeredBesides(later []*inbox.Message, skip int64) bool {
	for _, m := range later {
		if m.Direction == "outbound" && m.ID != skip {
			return true
		}
	}
	return false
}

// triageRun is what one triage asked of the provider and what that cost: the ai_usage rows, the
// outcome /metrics counts and the note in the action log.
type triageRun struct {
	convID  int64
	usage   Usage   // the reply's usage: builtin unless the provider's reply was used or withheld
	extra   []Usage // the provider's triage call, when it reached a model
	asked   string  // the provider asked last
	outcome string  // ok, provider_failed, withheld
	note    string
	// visit, when the customer asks when someone can come, is the site visit the assistant
	// proposes (its date waits in the approval queue; app/visits).
	visit   *VisitAsk
	propose VisitProposer
	// recorded is Assistant.RecordedAt in Unix ms (0: now).
	recorded int64
}

// modelTriage takes the provider model's triage into res when it answered, and records its usage
// when a model was reached (a failed call that still spent prompt tokens is billed too).
func (r *triageRun) modelTriage(res *Result, out *Outcome, mt *ModelTriage, u Usage, perr error) {
	r.asked = u.Provider
	if u.Model != "" && (u.PromptTokens > 0 || perr == nil) {
		u.Purpose, u.ConversationID = "triage", r.convID
		r.extra = append(r.extra, u)
	}
	if perr != nil {
		r.outcome = "provider_failed"
		r.note = strings.TrimPrefix(r.note+"; ", "; ") + "provider triage not used: " + perr.Error()
		return
	}
	combine(res, mt)
	out.ModelTriage = mt
}

// providerReply decides on the provider's reply: a failure keeps the builtin reply, a reply that
// passes SafeToSend replaces it, any other reply is withheld and the builtin reply kept. The
// provider's usage is billed whenever it answered.
func (r *triageRun) providerReply(res *Result, out *Outcome, reply string, u Usage, perr error) {
	r.asked = u.Provider
	switch {
	case perr != nil:
		r.outcome = "provider_failed"
		r.note = strings.TrimPrefix(r.note+"; ", "; ") + "provider failed, builtin used: " + perr.Error()
	case SafeToSend(reply):
		res.Reply, out.Model, r.usage = reply, u.Model, u
		r.usage.Purpose, r.usage.ConversationID = "triage", r.convID
	default:
		r.usage, out.Model, r.outcome = u, u.Model, "withheld"
		r.usage.Purpose, r.usage.ConversationID = "triage", r.convID
		r.note = strings.TrimPrefix(r.note+"; ", "; ") + "provider reply withheld by the commitment guard; builtin reply used"
	}
}

// cost is the estimated cost of every call the triage made.
func (r triageRun) cost() float64 {
	cost := r.usage.CostUSD
	for _, u := range r.extra {
		cost += u.CostUSD
	}
	return cost
}

// storeTriage writes the triage in one transaction: the conversation's scores, the recommendations
// (out.Recommendations gets the new ones), the usage rows, the review and the action log.
func storeTriage(ctx context.Context, db *tenantdb.DB, conv *inbox.Conversation, msg *inbox.Message, res Result, out *Outcome, run triageRun) error {
	convID := conv.ID
	handoff := res.Handoff
	u, q, s := res.Urgency, res.Qualification, res.Sentiment
	return db.InTx(ctx, func(tx *sql.Tx) error {
		tr := inbox.Triage{Urgency: &u, Qualification: &q, Sentiment: &s, Reasons: res.Reasons, Language: res.Language, Summary: res.Summary}
		if handoff {
			tr.Handoff, tr.HandoffReason = &handoff, mergeReasons(conv.HandoffReason, res.HandoffReason)
		}
		if err := inbox.ApplyTriage(ctx, tx, convID, tr); err != nil {
			return err
		}
		visitProposed := false
		if run.visit != nil && run.propose != nil {
			visitID, recID, err := run.propose(ctx, tx, *run.visit)
			if err != nil {
				return err
			}
			if visitID != 0 {
				visitProposed = true
				out.Visit = visitID
				out.Recommendations = append(out.Recommendations, recID)
			}
		}
		for _, r := range res.Recommendations {
			if visitProposed && r.ActionType == "delivery_date" {
				continue // the visit's own recommendation holds the date
			}
			id, created, err := approvals.Create(ctx, tx, approvals.New{LeadID: conv.LeadID, ConversationID: convID, Title: r.Title,
				Summary: r.Summary, RecommendedAction: r.RecommendedAction, DraftReply: r.DraftReply, Priority: r.Priority,
				ActionType: r.ActionType, Confidence: r.Confidence, ModelName: BuiltinModel, Words: r.Words.JSON(),
				DedupeKey: fmt.Sprintf("conv:%d:%s", convID, r.ActionType), CreatedAt: run.recorded})
			if err != nil {
				return err
			}
			if created {
				out.Recommendations = append(out.Recommendations, id)
			}
		}
		for _, u := range append([]Usage{run.usage}, run.extra...) {
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
				"recommendations": out.Recommendations, "reply_withheld": res.Withheld != "", "note": run.note}})
		return err
	})
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

// providerReply asks the configured model for the reply, within the persona's rules, naming the
// language to answer in when the product knows it (replyLanguage: the customer's words, else
// their messenger app's); only when it does not is the model told "the customer's language". The
// conversation before the message comes first, in its roles: the customer's messages as the
// user's, the business's replies (the assistant's own and its people's) as the assistant's, so
// the model does not ask again what was asked or answered.
func (a *Assistant) providerReply(ctx context.Context, t *platform.Tenant, res Result, msg *inbox.Message, thread []Turn) (string, Usage, error) {
	lang := replyLanguage(res, msg.Body, customerSaid(thread), appLanguage(msg))
	if lang == "" {
		lang = "the customer's language"
	}
	sys := fmt.Sprintf("%s. Answer in %s. Never state prices, payment terms, warranties or dates; "+
		"a person approves those. When the customer asks for or names one, say a colleague will confirm it. "+
		"The conversation so far comes before the customer's new message: do not ask again what was already asked or answered. "+
		"Ask at most two short clarifying questions. Suggested reply: %s", personaPrompt(t), lang, res.Reply)
	msgs := []ChatMessage{{Role: "system", Content: sys}}
	msgs = append(msgs, chatTurns(thread)...)
	msgs = append(msgs, ChatMessage{Role: "user", Content: msg.Body})
	return a.client().Chat(ctx, a.providerConfig(t), msgs)
}

// chatTurns is thread as chat messages: the customer's as "user", the business's as "assistant".
// A line that only opened the chat is left out (it is not something the customer said).
func chatTurns(thread []Turn) []ChatMessage {
	var out []ChatMessage
	for _, t := range thread {
		switch {
		case t.Role == RoleCustomer && !startOnly(t.Text):
			out = append(out, ChatMessage{Role: "user", Content: t.Text})
		case t.Role != RoleCustomer:
			out = append(out, ChatMessage{Role: "assistant", Content: t.Text})
		}
	}
	return out
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

// threadLen is how many earlier messages of a conversation the assistant reads.
const threadLen = 20

// earlierThread returns the conversation before msgID, oldest first (at most threadLen
// messages): the customer's messages and the replies that reached them, each with its role.
// Opening the chat (Telegram's Start, from a link with a code) is not among them: it is not
// something they said; nor are system notes, replies that failed, and replies scheduled for later.
func earlierThread(ctx context.Context, db *tenantdb.DB, convID, msgID int64) ([]Turn, error) {
	msgs, _, err := inbox.Latest(ctx, db.Read, convID, msgID, 100) // the latest before msgID, not the thread's first
	if err != nil {
		return nil, err
	}
	var out []Turn
	for _, m := range msgs {
		switch {
		case m.Direction == "inbound" && !opensChat(m):
			out = append(out, Turn{Role: RoleCustomer, Text: m.Body})
		case m.Direction == "outbound" && m.DeliveryStatus != "failed" && !(m.ScheduledAt > 0 && m.DeliveryStatus == "queued"):
			role := RoleBusiness
			if m.AuthorKind == "ai" {
				role = RoleAssistant
			}
			out = append(out, Turn{Role: role, Text: m.Body})
		}
	}
	if len(out) > threadLen {
		out = out[len(out)-threadLen:]
	}
	return out, nil
}

// earlierInbound returns the customer's messages of the conversation before msgID, oldest first
// (at most historyLen): the language they wrote earlier.
func earlierInbound(ctx context.Context, db *tenantdb.DB, convID, msgID int64) ([]string, error) {
	thread, err := earlierThread(ctx, db, convID, msgID)
	return customerSaid(thread), err
}

// VisitAsk is a customer's question about when someone can come, as the triage hands it to the
// site-visit room: the conversation, its assignee (0: none) and the tenant's members (the room
// decides who can go), the tenant's usual visit length and travel buffer (minutes), the
// customer's words.
type VisitAsk struct {
	ConversationID int64
	Assigned       int64
	Members        []platform.Membership
	DurationMin    int
	BufferMin      int
	Now            time.Time
	Text           string
}

// VisitProposer proposes a site visit at the earliest free time inside the triage's transaction
// and returns its id and its recommendation's (0, 0: none proposed). It is app/visits' (wired in
// app/serve.go; the assistant cannot import that room).
type VisitProposer func(ctx context.Context, tx *sql.Tx, ask VisitAsk) (visitID, recID int64, err error)

// visitAsk decides whether the triage asks for a site visit: the customer asks about a date (the
// date intent). The site-visit room decides who goes (the conversation's assignee when they can
// go to a customer's site, else the tenant's first owner) with the booking form's rule. Nil when
// no visit is asked for or the members cannot be read.
func (a *Assistant) visitAsk(ctx context.Context, t *platform.Tenant, conv *inbox.Conversation, msg *inbox.Message, res Result) *VisitAsk {
	asksDate := false
	for _, r := range res.Recommendations {
		asksDate = asksDate || r.ActionType == "delivery_date"
	}
	if !asksDate || a.ProposeVisit == nil {
		return nil
	}
	members, err := a.Platform.MembersOfTenant(ctx, t.ID)
	if err != nil {
		return nil
	}
	setting := func(key string, def int) int {
		if n, err := strconv.Atoi(t.Setting(key)); err == nil {
			return n
		}
		return def
	}
	return &VisitAsk{ConversationID: conv.ID, Assigned: conv.AssignedUserID, Members: members, Now: a.now(), Text: msg.Body,
		DurationMin: setting("visit_duration_min", 60), BufferMin: setting("visit_travel_buffer_min", 30)}
}
