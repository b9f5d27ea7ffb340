package app

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/msp"
	"highvibe/app/notify"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/visits"
)

// seedDemoNotifications gives the demo owner's bell a few days of notifications about records the
// demo really has: the two newest conversations (scenarios A and B) and B's handoff, messages on
// conversations assigned to Talha (read when he has read the conversation) and the newest
// handoffs among them, each with its reasons, next actions that
// fell due, the site visit reminder before scenario D's visit, and the approvals waiting in the
// queue — some read, the newest unread.
//
// Seeding raised hundreds of events in one second (every triaged conversation's handoff and
// recommendation): told as they are, they would fill the bell with "99+" notifications all of
// the same minute. The events due now are withdrawn here, before the job runner starts; those
// due later (the overdue check of scenario B's next action, tomorrow's visit reminder) stay.
func seedDemoNotifications(ctx context.Context, s *Server, _ *platform.Tenant, db *tenantdb.DB) error {
	uid, now, err := demoBell(ctx, s, db)
	if err != nil {
		return err
	}
	ps, err := demoNotifications(ctx, db, uid, now)
	if err != nil {
		return fmt.Errorf("demo notifications: %w", err)
	}
	_, err = notify.ImportHistory(ctx, db, ps)
	return err
}

// demoBell starts seeding a demo tenant's bell: the demo user's id, the time the seeded
// notifications are placed before, and the seeding's own events due by then withdrawn.
func demoBell(ctx context.Context, s *Server, db *tenantdb.DB) (int64, time.Time, error) {
	u, err := s.Platform.UserByUsername(ctx, DemoUser)
	if err != nil {
		return 0, time.Time{}, fmt.Errorf("demo notifications: %w", err)
	}
	now := time.Now()
	return u.ID, now, withdrawSeedEvents(ctx, db, now)
}

// withdrawSeedEvents cancels the notification events the seeding queued that are due by now.
func withdrawSeedEvents(ctx context.Context, db *tenantdb.DB, now time.Time) error {
	rows, err := jobs.List(ctx, db, "queued", 100_000)
	if err != nil {
		return err
	}
	return db.InTx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			if r.Kind == notify.JobEvent && r.RunAt <= now.UnixMilli() {
				if _, err := jobs.Cancel(ctx, tx, r.ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// demoNotifications are the owner's notifications, from the records as seeded.
func demoNotifications(ctx context.Context, db *tenantdb.DB, talha int64, now time.Time) ([]notify.Past, error) {
	var ps []notify.Past
	add := func(e notify.Event, at time.Time, readAfter time.Duration) {
		if at.After(now) {
			at = now
		}
		p := notify.Past{UserID: talha, Event: e, At: at}
		if readAfter > 0 && at.Add(readAfter).Before(now) {
			p.Read = at.Add(readAfter)
		}
		ps = append(ps, p)
	}
	name := func(leadID int64) string {
		if l, err := inbox.LeadByID(ctx, db.Read, leadID); err == nil {
			return l.Name
		}
		return ""
	}
	firstInbound := func(convID int64, last bool) (*inbox.Message, error) {
		ms, err := inbox.Messages(ctx, db.Read, convID, 0, 5000)
		if err != nil {
			return nil, err
		}
		var found *inbox.Message
		for _, m := range ms {
			if m.Direction == "inbound" {
				found = m
				if !last {
					break
				}
			}
		}
		return found, nil
	}

	// Scenarios A (the widget) and B (WhatsApp, handed to a person): new, unread; B's handoff was
	// read when Talha took the conversation.
	var scenarioA, scenarioB int64
	for k, sc := range []struct{ channel, ext string }{{"webchat", "demo-visitor-scenario-a"}, {"whatsapp", "905321184467"}} {
		ids, err := inbox.ConversationsByExternalID(ctx, db.Read, sc.channel, sc.ext)
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		if k == 0 {
			scenarioA = ids[0]
		} else {
			scenarioB = ids[0]
		}
		c, err := inbox.ConversationByID(ctx, db.Read, ids[0])
		if err != nil {
			return nil, err
		}
		m, err := firstInbound(c.ID, false)
		if err != nil || m == nil {
			return nil, err
		}
		n := name(c.LeadID)
		add(notify.Event{Kind: notify.KindNewConversation, ConversationID: c.ID, MessageID: m.ID, Name: n, Text: m.Body}, time.UnixMilli(m.CreatedAt), 0)
		if c.HandoffRequired {
			add(notify.Event{Kind: notify.KindHandoff, ConversationID: c.ID, Name: n, Reason: c.HandoffReason, At: m.CreatedAt + 2000},
				time.UnixMilli(m.CreatedAt).Add(2*time.Second), 4*time.Minute)
		}
	}

	// Conversations assigned to Talha: customer messages of the last five days (unread where the
	// conversation still is) and next actions that fell due in that time, picked spread over those
	// days (the oldest, one between, the newest).
	rows, _, err := inbox.List(ctx, db.Read, inbox.Filter{State: "open", AssignedTo: talha, UserID: talha, Limit: 500})
	if err != nil {
		return nil, err
	}
	since := now.Add(-5 * 24 * time.Hour).UnixMilli()
	var waiting, due []*inbox.Row
	for _, r := range rows {
		if r.Channel == "call" || r.Channel == "manual" {
			continue
		}
		if r.WaitingSince > since && r.WaitingSince < now.Add(-3*time.Hour).UnixMilli() {
			waiting = append(waiting, r)
		}
		if r.NextAction != "" && r.NextActionDueAt > since && r.NextActionDueAt < now.Add(-time.Hour).UnixMilli() {
			due = append(due, r)
		}
	}
	slices.SortFunc(waiting, func(a, b *inbox.Row) int { return cmp.Compare(a.WaitingSince, b.WaitingSince) })
	picked := spread(waiting, 3)
	if len(picked) == 3 {
		// The one between is the newest that waits since before yesterday when there is one, so
		// the bell reaches back over the last days whatever the hour the demo is made at (the
		// middle of the list alone fell within the last day on some nights).
		for k := len(waiting) - 1; k > 0; k-- {
			if w := waiting[k]; w.WaitingSince < now.Add(-26*time.Hour).UnixMilli() {
				if w.ID != picked[0].ID {
					picked[1] = w
				}
				break
			}
		}
	}
	for _, r := range picked {
		m, err := firstInbound(r.ID, true)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		read := time.Duration(0)
		if r.UnreadCount == 0 {
			read = 35 * time.Minute
		}
		add(notify.Event{Kind: notify.KindAssignedMessage, ConversationID: r.ID, MessageID: m.ID, Name: r.LeadName, Text: m.Body},
			time.UnixMilli(m.CreatedAt), read)
	}
	// Handoffs of the last days, with the reasons the conversation was handed over for (a
	// customer asking for a person, a complaint, a price or date only a person gives): the two
	// newest of Talha's conversations that ask for him, besides scenario B's above.
	var handed []*inbox.Row
	for _, r := range rows {
		if r.Channel != "call" && r.Channel != "manual" && r.HandoffRequired && r.HandoffReason != "" && r.LastInboundAt > since && r.LastInboundAt < now.Add(-time.Hour).UnixMilli() &&
			r.ID != scenarioA && r.ID != scenarioB {
			handed = append(handed, r)
		}
	}
	slices.SortFunc(handed, func(a, b *inbox.Row) int { return cmp.Compare(b.LastInboundAt, a.LastInboundAt) })
	for _, r := range handed[:min(2, len(handed))] {
		m, err := firstInbound(r.ID, true)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue
		}
		read := time.Duration(0)
		if r.UnreadCount == 0 {
			read = 20 * time.Minute
		}
		add(notify.Event{Kind: notify.KindHandoff, ConversationID: r.ID, Name: r.LeadName, Reason: r.HandoffReason, At: m.CreatedAt + 2000},
			time.UnixMilli(m.CreatedAt).Add(2*time.Second), read)
	}
	slices.SortFunc(due, func(a, b *inbox.Row) int { return cmp.Compare(a.NextActionDueAt, b.NextActionDueAt) })
	for k, r := range spread(due, 2) {
		read := time.Duration(0)
		if k == 0 {
			read = 2 * time.Hour // the older one was seen
		}
		add(notify.Event{Kind: notify.KindOverdue, ConversationID: r.ID, DueAt: r.NextActionDueAt, Name: r.LeadName, Text: r.NextAction},
			time.UnixMilli(r.NextActionDueAt), read)
	}

	// Site visits: the reminder an hour before scenario D's visit (read), and the approval the
	// visit booked for later in the week waits for (unread). Only visits of the bell's last days
	// (since): the won garden's visit, a week or more back, gets no reminder (with ten days back it
	// got one on some calendar days, older than the bell's week).
	vs, err := visits.ListRange(ctx, db.Read, time.UnixMilli(since), now.AddDate(0, 0, 10), talha)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		start := time.UnixMilli(v.StartsAt)
		switch {
		case v.Status == visits.StatusDone && start.Before(now):
			add(notify.Event{Kind: notify.KindVisitSoon, ConversationID: v.ConversationID, UserIDs: []int64{talha}, DueAt: v.StartsAt,
				Name: name(v.LeadID), Text: v.Address}, start.Add(-time.Hour), 10*time.Minute)
		case v.Status == visits.StatusProposed && v.RecommendationID != 0:
			rec, err := approvals.ByID(ctx, db.Read, v.RecommendationID)
			if err != nil {
				return nil, err
			}
			add(notify.Event{Kind: notify.KindApproval, RecommendationID: rec.ID, ConversationID: v.ConversationID, Name: name(v.LeadID)},
				time.UnixMilli(rec.CreatedAt), 0)
		}
	}

	// The queue: the recommendations of scenarios A and B (unread) and two older ones still waiting
	// (read), one per conversation.
	pending, err := approvals.Pending(ctx, db, 1000)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{} // conversations told of one recommendation already
	for _, p := range ps {
		if p.Event.Kind == notify.KindApproval {
			seen[p.Event.ConversationID] = true
		}
	}
	var older []*approvals.Recommendation
	olderAt := map[int64]time.Time{}
	for _, rec := range pending {
		if seen[rec.ConversationID] || rec.ConversationID == 0 {
			continue
		}
		c, err := inbox.ConversationByID(ctx, db.Read, rec.ConversationID)
		if err != nil || c.LastInboundAt == 0 {
			continue
		}
		// A recommendation comes with the triage of its conversation's customer message.
		at := time.UnixMilli(c.LastInboundAt).Add(time.Minute)
		switch {
		case c.ID == scenarioA || c.ID == scenarioB:
			add(notify.Event{Kind: notify.KindApproval, RecommendationID: rec.ID, ConversationID: c.ID, Name: name(c.LeadID)}, at, 0)
			seen[c.ID] = true
		case now.Sub(at) < 5*24*time.Hour && now.Sub(at) > 6*time.Hour:
			rec.LeadID = c.LeadID
			older, olderAt[rec.ID] = append(older, rec), at
			seen[c.ID] = true
		}
	}
	slices.SortFunc(older, func(a, b *approvals.Recommendation) int { return olderAt[a.ID].Compare(olderAt[b.ID]) })
	for _, rec := range spread(older, 2) {
		add(notify.Event{Kind: notify.KindApproval, RecommendationID: rec.ID, ConversationID: rec.ConversationID, Name: name(rec.LeadID)},
			olderAt[rec.ID], 50*time.Minute)
	}
	return ps, nil
}

// spread picks up to n of xs (in time order) spread over them: the first, the last and evenly
// between.
func spread[T any](xs []T, n int) []T {
	if len(xs) <= n {
		return xs
	}
	if n == 1 {
		return xs[len(xs)-1:]
	}
	out := make([]T, 0, n)
	for k := range n {
		out = append(out, xs[k*(len(xs)-1)/(n-1)])
	}
	return out
}

// seedDemoMSPNotifications gives the owner's bell in the IT provider a few days of its own:
// targets of the SLA that tickets of the last days passed or came close to (the older ones read)
// and the newest customer conversations. As in the paving contractor, the events the seeding
// raised itself and due now are withdrawn first.
func seedDemoMSPNotifications(ctx context.Context, s *Server, db *tenantdb.DB) error {
	uid, now, err := demoBell(ctx, s, db)
	if err != nil {
		return err
	}
	page, err := msp.List(ctx, db.Read, msp.Filter{Status: msp.FilterAll, Limit: 200})
	if err != nil {
		return err
	}
	ids := make([]int64, len(page.Tickets))
	for i, t := range page.Tickets {
		ids[i] = t.ID
	}
	slas, err := msp.SLAFor(ctx, db.Read, ids, now)
	if err != nil {
		return err
	}
	type crossing struct {
		e  notify.Event
		at time.Time
	}
	collect := func(since time.Time) (breaches, soon []crossing) {
		for _, id := range ids {
			t := slas[id]
			if t == nil {
				continue
			}
			for _, c := range []struct {
				target string
				clock  msp.SLAClock
			}{{"response", t.Response}, {"resolution", t.Resolution}} {
				if c.clock.State == msp.ClockNone || !c.clock.DueOK {
					continue
				}
				e := notify.Event{TicketID: t.TicketID, Target: c.target, UserIDs: []int64{uid}, Name: msp.FormatNumber(t.Number) + " " + t.Subject,
					DueAt: c.clock.Due.UnixMilli()}
				switch {
				case c.clock.State == msp.ClockBreached && c.clock.Due.After(since) && c.clock.Due.Before(now):
					e.Kind = notify.KindSLABreach
					breaches = append(breaches, crossing{e, c.clock.Due})
				case c.clock.State == msp.ClockAmber && !c.clock.Stopped:
					// Told when 75 % of the target was used: a quarter of the target before it is due.
					at := c.clock.Due.Add(-c.clock.Target / 4)
					if at.After(now) || at.Before(since) {
						continue
					}
					e.Kind = notify.KindSLASoon
					soon = append(soon, crossing{e, at})
				}
			}
		}
		return breaches, soon
	}
	byTime := func(a, b crossing) int { return a.at.Compare(b.at) }
	breaches, soon := collect(now.Add(-5 * 24 * time.Hour))
	if len(breaches) == 0 {
		// No breach in five days (the demo's tickets are drawn afresh for the day it is seeded on:
		// after a weekend the last one can be nine days back): the month's three newest breaches,
		// so the bell still tells of targets passed.
		breaches, _ = collect(now.AddDate(0, 0, -30))
		slices.SortFunc(breaches, byTime)
		breaches = breaches[max(0, len(breaches)-3):]
	}
	var ps []notify.Past
	slices.SortFunc(breaches, byTime)
	slices.SortFunc(soon, byTime)
	picked := spread(breaches, 3)
	for k, c := range picked {
		p := notify.Past{UserID: uid, Event: c.e, At: c.at}
		if k < len(picked)-1 {
			p.Read = c.at.Add(25 * time.Minute) // the older ones were seen
		}
		ps = append(ps, p)
	}
	for _, c := range spread(soon, 2) {
		ps = append(ps, notify.Past{UserID: uid, Event: c.e, At: c.at})
	}
	// The newest conversations customers started (unread).
	rows, _, err := inbox.List(ctx, db.Read, inbox.Filter{State: "open", UserID: uid, Limit: 2})
	if err != nil {
		return err
	}
	for _, r := range rows {
		ms, err := inbox.Messages(ctx, db.Read, r.ID, 0, 1)
		if err != nil {
			return err
		}
		if len(ms) == 0 || ms[0].Direction != "inbound" || now.Sub(time.UnixMilli(ms[0].CreatedAt)) > 5*24*time.Hour {
			continue
		}
		ps = append(ps, notify.Past{UserID: uid, At: time.UnixMilli(ms[0].CreatedAt), Event: notify.Event{Kind: notify.KindNewConversation,
			ConversationID: r.ID, MessageID: ms[0].ID, Name: r.LeadName, Text: ms[0].Body}})
	}
	_, err = notify.ImportHistory(ctx, db, ps)
	return err
}
