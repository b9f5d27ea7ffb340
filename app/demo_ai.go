package app

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"highvibe/app/ai"
	"highvibe/app/approvals"
	"highvibe/app/channels"
	"highvibe/app/crm"
	"highvibe/app/hours"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/words"
)

// demoCatalog is the demo contractor's m² price list (TRY, material only).
var demoCatalog = []crm.Product{
	{SKU: "BGN-6", Name: "Begonit 6 cm (gri)", Category: "begonit", UnitPrice: 295},
	{SKU: "GRN-KUP-GRI", Name: "Gri Granit Küp Taş 8x8", Category: "granit", UnitPrice: 1450},
	{SKU: "GRN-PLAKA-3", Name: "Granit Plaka 3 cm", Category: "granit", UnitPrice: 1850},
	{SKU: "AND-PLAKA-3", Name: "Andezit Plaka 3 cm", Category: "andezit", UnitPrice: 980},
	{SKU: "BZL-KUP", Name: "Bazalt Küp Taş 10x10", Category: "bazalt", UnitPrice: 1320},
	{SKU: "KUP-TAS-DOGAL", Name: "Doğal Küp Taş 8x8", Category: "küp taş", UnitPrice: 890},
	{SKU: "KP-6", Name: "Kilit Parke 6 cm", Category: "kilit parke", UnitPrice: 265},
	{SKU: "KP-8", Name: "Kilit Parke 8 cm", Category: "kilit parke", UnitPrice: 340},
	{SKU: "KP-10", Name: "Kilit Parke 10 cm", Category: "kilit parke", UnitPrice: 415},
}

// seedDemoAI adds the catalog, triages the seeded conversations (only the last hour's get a
// reply; older ones are scored quietly) and decides a few recommendations so the approval queue
// shows both open items and decided ones with their traces. It tolerates zero conversations.
func seedDemoAI(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error {
	talha := crm.Actor{Name: DemoUserName}
	for _, p := range demoCatalog {
		p.Unit, p.Currency, p.Active = "m2", "TRY", true
		if _, err := crm.SaveProduct(ctx, db, 0, p, talha); err != nil && !errors.Is(err, crm.ErrDuplicateSKU) {
			return fmt.Errorf("demo ai: product %s: %w", p.SKU, err)
		}
	}
	if err := seedDemoStockLevels(ctx, s, t, db); err != nil {
		return err
	}
	a := &ai.Assistant{Platform: s.Platform, Inbox: &inbox.Service{Live: s.Live, Channels: channels.Registry()}, Log: s.Log}
	items, err := inbox.LatestInbounds(ctx, db.Read, 150)
	if err != nil {
		return fmt.Errorf("demo ai: conversations: %w", err)
	}
	recent := s.demoNow().Add(-2 * time.Hour).UnixMilli()
	fresh := map[int64]bool{}
	for _, it := range items {
		fresh[it.ConversationID] = it.LastMessageAt >= recent
		if fresh[it.ConversationID] {
			continue
		}
		// Triaged now, but dated as the triage job would have: a minute or two after the message,
		// so the approval queue's cards do not all say "just now".
		at := time.UnixMilli(it.LastMessageAt).Add(time.Duration(40+it.MessageID%140) * time.Second)
		a.RecordedAt = func() time.Time { return at }
		if _, err := a.TriageWith(ctx, t.Slug, db, it.ConversationID, it.MessageID, false); err != nil {
			return fmt.Errorf("demo ai: triage %d: %w", it.ConversationID, err)
		}
	}
	a.RecordedAt = nil
	now := s.demoNow()
	if err := decideDemoRecommendations(ctx, db, fresh, now); err != nil {
		return err
	}
	// The last two hours' conversations are triaged last and answered (scenarios A and B show the
	// assistant's reply), as the triage job would have: a minute or so after the customer wrote,
	// on the clock of that moment (the after-hours answer too), so the replies to an hour's
	// messages do not all say "just now".
	for _, it := range items {
		if !fresh[it.ConversationID] {
			continue
		}
		at := time.UnixMilli(it.LastMessageAt).Add(time.Duration(20+it.MessageID%70) * time.Second)
		if at.After(now) { // a message of the last minute is answered as the demo starts
			at = now
		}
		a.RecordedAt = func() time.Time { return at }
		a.Now = a.RecordedAt
		if _, err := a.TriageWith(ctx, t.Slug, db, it.ConversationID, it.MessageID, true); err != nil {
			return fmt.Errorf("demo ai: triage %d: %w", it.ConversationID, err)
		}
	}
	return settleDemoQueue(ctx, s, db, now)
}

// demoQueueDays is how far back the demo's approval queue reaches: a real queue is worked every
// day, so what waits in it is the last two days' cards, not a customer's message from months ago.
const demoQueueDays = 2

// settleDemoQueue decides the assistant's older cards the way the owner would have worked the
// queue back then: within the working hours after each card came, with the reason typed. A card
// with a draft reply was answered by phone instead (its draft was never sent, and the thread holds
// no message the approval would have sent); the others were approved.
func settleDemoQueue(ctx context.Context, s *Server, db *tenantdb.DB, now time.Time) error {
	sched, err := hours.New(demoHours())
	if err != nil {
		return err
	}
	actor := approvals.Actor{Name: DemoUserName}
	if u, err := s.Platform.UserByUsername(ctx, DemoUser); err == nil {
		actor.UserID = u.ID
	}
	open, err := approvals.Pending(ctx, db, 10000)
	if err != nil {
		return fmt.Errorf("demo ai: queue: %w", err)
	}
	cutoff := now.AddDate(0, 0, -demoQueueDays).UnixMilli()
	// What the owner did back then is planned first, then written in the order it happened, so the
	// action log lists it as it would have been logged.
	type step struct {
		at   int64
		rec  *approvals.Recommendation // a card decided
		wait *inbox.WaitingHandoff     // or a conversation taken over
	}
	var steps []step
	called := map[int64]int64{} // conversation → when the owner decided its card
	decide := func(r *approvals.Recommendation, at int64) {
		steps = append(steps, step{at: at, rec: r})
		if r.ConversationID > 0 {
			called[r.ConversationID] = max(called[r.ConversationID], at)
		}
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		left := map[int64][]*approvals.Recommendation{} // the cards still open, by conversation
		for _, r := range open {
			if r.CreatedAt >= cutoff {
				left[r.ConversationID] = append(left[r.ConversationID], r)
				continue
			}
			created := time.UnixMilli(r.CreatedAt)
			at := demoWorkTime(sched, created.Add(time.Duration(15+r.ID*37%200)*time.Minute))
			if at.Before(created) || !at.Before(now.Add(-time.Hour)) {
				at = created.Add(30 * time.Minute)
			}
			decide(r, at.UnixMilli())
		}
		// The conversations handed to a person before the last day were taken over back then: the
		// owner called the customer when deciding their card (or, without one, in the working hours
		// after their message), decided the cards still open on it then and noted the call; only
		// the last day's handoffs still wait, as a team that works its handoffs daily has them.
		waiting, err := inbox.WaitingHandoffs(ctx, tx, now.Add(-demoHandoffWait).UnixMilli())
		if err != nil {
			return err
		}
		for i := range waiting {
			w := &waiting[i]
			at := called[w.ConversationID]
			if at < w.LastMessageAt {
				at = demoWorkTime(sched, time.UnixMilli(w.LastMessageAt).Add(time.Duration(40+w.ConversationID*53%180)*time.Minute)).UnixMilli()
			}
			if limit := now.Add(-time.Hour).UnixMilli(); at > limit || at < w.LastMessageAt {
				at = w.LastMessageAt + (30 * time.Minute).Milliseconds()
			}
			for _, r := range left[w.ConversationID] {
				if r.CreatedAt <= at {
					decide(r, at)
				}
			}
			steps = append(steps, step{at: at, wait: w})
		}
		sort.SliceStable(steps, func(i, j int) bool { return steps[i].at < steps[j].at })
		for _, st := range steps {
			if r := st.rec; r != nil {
				status, reason := "approved", demoQueueReasons[r.ActionType]
				if strings.TrimSpace(r.DraftReply) != "" {
					status, reason = "rejected", "Fiyatı telefonda konuştuk, yazılı teklif keşiften sonra."
				}
				if _, err := approvals.DecidedEarlierTx(ctx, tx, r.ID, status, actor, reason, st.at); err != nil {
					return fmt.Errorf("demo ai: settle %d: %w", r.ID, err)
				}
				continue
			}
			if _, err := inbox.AnsweredEarlierTx(ctx, tx, st.wait.ConversationID, actor.UserID, actor.Name, demoCalledNote(st.wait.Reason), st.at); err != nil {
				return fmt.Errorf("demo ai: handoff %d: %w", st.wait.ConversationID, err)
			}
		}
		return nil
	})
}

// demoHandoffWait is how long a handoff of the demo waits for a person at most: older ones were
// taken over.
const demoHandoffWait = 24 * time.Hour

// demoCalledNote is the note the owner left taking over a conversation by phone, by why it was
// handed over (reason codes, comma-separated).
func demoCalledNote(reasons string) string {
	has := func(code string) bool { return strings.Contains(reasons, code) }
	switch {
	case has("complaint"):
		return "Müşteriyi aradım, özür diledim; konuyu telefonda çözdük."
	case has("human_requested") || has("callback"):
		return "Müşteriyi aradım, konuştuk."
	case has("price"):
		return "Müşteriyi aradım, fiyatı telefonda konuştuk; yazılı teklif keşiften sonra."
	case has("date"):
		return "Müşteriyi aradım, keşif gününü telefonda netleştirdik."
	case has("stock"):
		return "Depoda stoğu teyit ettim, müşteriyi arayıp bilgi verdim."
	}
	return "Müşteriyi aradım, konuştuk."
}

// demoQueueReasons are the reasons the owner typed approving an older card, by its kind.
var demoQueueReasons = map[string]string{
	"pricing":       "Teklif hazırlandı, e-postayla gidecek.",
	"stock":         "Depoda stok teyit edildi.",
	"delivery_date": "Tarihi müşteriyle telefonda netleştirdik.",
	"follow_up":     "Müşteri arandı.",
	"human_handoff": "Müşteriyi aradık, konuştuk.",
}

// decideDemoRecommendations gives the demo its decided recommendations: the lost deal of scenario
// C, and a few older pending ones with reasons, so the approval queue shows traces.
func decideDemoRecommendations(ctx context.Context, db *tenantdb.DB, fresh map[int64]bool, now time.Time) error {
	// The lost deal of scenario C: its pricing decision carries the reason.
	lostLead, err := inbox.LeadIDByExternal(ctx, db.Read, demoExternalMark+"scenario-c")
	if err != nil {
		return fmt.Errorf("demo ai: scenario C: %w", err)
	}
	lostConv, err := inbox.LatestConversationOfLead(ctx, db.Read, lostLead)
	if err != nil {
		return fmt.Errorf("demo ai: scenario C: %w", err)
	}
	if lostConv > 0 {
		var id int64
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			id, _, err = approvals.Create(ctx, tx, approvals.New{LeadID: lostLead, ConversationID: lostConv, Title: "Fiyat talebi: site yolu, andezit",
				Summary: "Site yolu için andezit plaka fiyatı istendi; rakip işçilikte %12 daha düşük.", Priority: "high", ActionType: "pricing",
				Confidence: 0.7, ModelName: ai.BuiltinModel, RecommendedAction: "prepare_quote", DedupeKey: fmt.Sprintf("conv:%d:pricing", lostConv),
				Words: words.Rec{Kind: "pricing", Products: []string{"andesite"}, Case: "competitor", Pct: 12}.JSON()})
			return err
		})
		if err != nil {
			return err
		}
		if id > 0 {
			if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: id, Verb: "reject", Reason: DemoLostReasonC,
				Note: true, Actor: approvals.Actor{Name: DemoUserName}}); err != nil {
				return err
			}
		}
	}
	// A few older pending recommendations get decided, with reasons, so traces are visible.
	pending, err := approvals.Pending(ctx, db, 200)
	if err != nil {
		return err
	}
	// A conversation still waiting for a person keeps its cards: deciding one now would take the
	// handoff over unseen, and the waiting ones show each reason a person is needed.
	waiting, err := inbox.WaitingHandoffs(ctx, db.Read, now.Add(time.Hour).UnixMilli())
	if err != nil {
		return err
	}
	handedOver := map[int64]bool{}
	for _, w := range waiting {
		handedOver[w.ConversationID] = true
	}
	// They are the queue's last days' cards: an older one decided now would read as left for days
	// (settleDemoQueue decides those as they were, in the hours after they came).
	window := now.AddDate(0, 0, -demoQueueDays).UnixMilli()
	decided := 0
	for i := len(pending) - 1; i >= 0 && decided < 5; i-- {
		r := pending[i]
		if (r.ActionType != "pricing" && r.ActionType != "stock") || fresh[r.ConversationID] || handedOver[r.ConversationID] || r.CreatedAt < window {
			continue
		}
		verb, reason := "approve", "Katalog fiyatı ve %8 fire payı uygun; keşif randevusu verilsin."
		if decided%3 == 2 {
			verb, reason = "reject", "Alan ölçüsü belirsiz; önce keşif."
		}
		// Without a note in the conversation: a note is written now, and would lift five old
		// conversations to the top of the inbox as "just now". The queue keeps the decision and
		// its reason.
		if _, _, err := approvals.Decide(ctx, db, approvals.Decision{ID: r.ID, Verb: verb, Reason: reason,
			Actor: approvals.Actor{Name: DemoUserName}}); err != nil {
			return err
		}
		decided++
	}
	return nil
}
