package app

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/visits"
)

// seedDemoVisits writes the demo's site visits through the visits room as Talha would: one done
// the day after scenario D's first message, on the lead the quote is made for (with its measured
// area), one done weeks ago on a lead that was then won, one upcoming that was
// approved in the queue (confirmed), and one booked for later in the week whose date still
// waits in the approval queue. It tolerates a demo without such leads.
func seedDemoVisits(ctx context.Context, s *Server, _ *platform.Tenant, db *tenantdb.DB) error {
	u, err := s.Platform.UserByUsername(ctx, DemoUser)
	if err != nil {
		return fmt.Errorf("demo visits: %w", err)
	}
	a := visits.Actor{UserID: u.ID, Name: DemoUserName}
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return err
	}
	at := func(days, hour int) time.Time {
		d := time.Now().In(loc).AddDate(0, 0, days)
		for d.Weekday() == time.Sunday {
			d = d.AddDate(0, 0, 1)
		}
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc)
	}
	if conv, err := demoScenarioDConversation(ctx, db); err != nil {
		return err
	} else if conv != 0 {
		c, err := inbox.ConversationByID(ctx, db.Read, conv)
		if err != nil {
			return err
		}
		if _, err := visits.ImportDone(ctx, db, visits.Booking{ConversationID: conv, Start: demoScenarioDVisit(time.UnixMilli(c.CreatedAt), loc), DurationMin: 60,
			Address: demoScenarioDAddress, Assignees: []int64{u.ID}},
			visits.Outcome{Status: visits.StatusDone, AreaDM2: 18250, Surface: "Beton şap, düz", Access: "Bahçe kapısı 1,2 m; kamyon sokağa girebiliyor.",
				Notes: "Müşteri gri granit küp taş istiyor; kenarlar için andezit plaka konuşuldu."}, DemoUserName, a); err != nil {
			return fmt.Errorf("demo visits: done: %w", err)
		}
	}
	// A garden done a few weeks ago that went on to be won: measured the morning after the customer
	// first wrote, so the KPI page's visit figures are not one visit's alone (visit to won 0 %).
	if won, err := demoStageConversations(ctx, db, "won", 80); err != nil {
		return err
	} else if c := demoRecentWon(ctx, db, won, time.Now().AddDate(0, 0, -7)); c != nil {
		d := time.UnixMilli(c.CreatedAt).In(loc).AddDate(0, 0, 1)
		for d.Weekday() == time.Sunday {
			d = d.AddDate(0, 0, 1)
		}
		if _, err := visits.ImportDone(ctx, db, visits.Booking{ConversationID: c.ID, Start: time.Date(d.Year(), d.Month(), d.Day(), 10, 0, 0, 0, loc),
			DurationMin: 60, Address: "Kirazlıtepe Mah. Alemdağ Cad. 88, Çekmeköy", Assignees: []int64{u.ID}},
			visits.Outcome{Status: visits.StatusDone, AreaDM2: 9600, Surface: "Toprak zemin, hafif eğimli", Access: "Site girişi geniş; palet forkliftle indirilebilir.",
				Notes: "Garaj yolu ve bahçe yürüyüş yolu; 8 cm kilit parke önerildi."}, DemoUserName, a); err != nil {
			return fmt.Errorf("demo visits: won: %w", err)
		}
	}
	convs, err := demoStageConversations(ctx, db, "qualified", 2)
	if err != nil || len(convs) == 0 {
		return err
	}
	v, err := visits.Book(ctx, db, visits.Booking{ConversationID: convs[0], Start: at(1, 10), DurationMin: 90,
		Address: "Bağdat Cad. 214, Suadiye, Kadıköy", Assignees: []int64{u.ID}, Note: "Teras ve bahçe yolu ölçülecek."}, a)
	if err != nil {
		return fmt.Errorf("demo visits: book: %w", err)
	}
	// Approved as from the panel on the server's address, so the confirmation's link is whole
	// (a relative /v/… reaches no customer), built on the origin the demo quote's link uses.
	origin := approvals.WithOrigin(ctx, cmp.Or(s.BaseURL, s.ListenOrigin, demoQuoteOrigin))
	if _, _, err := approvals.Decide(origin, db, approvals.Decision{ID: v.RecommendationID, Verb: "approve",
		Reason: "Talha o gün Kadıköy'de.", Actor: approvals.Actor{UserID: u.ID, Name: DemoUserName}}); err != nil {
		return fmt.Errorf("demo visits: approve: %w", err)
	}
	if len(convs) > 1 {
		if _, err := visits.Book(ctx, db, visits.Booking{ConversationID: convs[1], Start: at(3, 14), DurationMin: 60,
			Address: "Atatürk Cad. 12, Ataşehir", Assignees: []int64{u.ID}}, a); err != nil {
			return fmt.Errorf("demo visits: book: %w", err)
		}
	}
	return nil
}

// demoStageConversations are the latest conversations of up to n seeded leads at stage.
func demoStageConversations(ctx context.Context, db *tenantdb.DB, stage string, n int) ([]int64, error) {
	var out []int64
	for i := 0; i < 1000 && len(out) < n; i++ {
		leadID, err := inbox.LeadIDByExternal(ctx, db.Read, fmt.Sprintf("%slead-%d", demoExternalMark, i))
		if err != nil {
			return nil, err
		}
		if leadID == 0 {
			break
		}
		lead, err := inbox.LeadByID(ctx, db.Read, leadID)
		if err != nil {
			return nil, err
		}
		if lead.Stage != stage {
			continue
		}
		if convID, err := inbox.LatestConversationOfLead(ctx, db.Read, leadID); err == nil && convID != 0 {
			out = append(out, convID)
		}
	}
	return out, nil
}

// demoRecentWon is the newest of the won conversations on the widget or WhatsApp that started
// before before (nil when there is none).
func demoRecentWon(ctx context.Context, db *tenantdb.DB, ids []int64, before time.Time) *inbox.Conversation {
	var best *inbox.Conversation
	for _, id := range ids {
		c, err := inbox.ConversationByID(ctx, db.Read, id)
		if err != nil || c.Channel != "webchat" && c.Channel != "whatsapp" || c.CreatedAt >= before.UnixMilli() {
			continue
		}
		if best == nil || c.CreatedAt > best.CreatedAt {
			best = c
		}
	}
	return best
}
