package dashboard

import (
	"context"
	"fmt"

	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// This file is the dashboard's READ MODEL: a few small, read-only queries over the inbox's tables
// for the counters and the recent-conversations list. The dashboard never writes; everything it
// changes (the background KPI refresh) goes through the owning room's exported functions. The
// queries are here rather than in the inbox room because they only serve this page's cards and
// must stay cheap (each uses an index of the tenant schema).

// Counts are the numbers on the dashboard's cards.
type Counts struct {
	Open     int // conversations whose state is not won or lost
	Handoff  int // conversations waiting for a person (inbox.HandoffCount)
	Leads    int // every lead ever recorded
	NewLeads int // leads created in the last 7 days
	Unread   int // open conversations with unread messages
	Overdue  int // open conversations whose next action is past due
}

// RecentConversation is one row of the recent-conversations list.
type RecentConversation struct {
	ID            int64
	LeadName      string
	LeadPhone     string // a nameless lead is named by its number, else its e-mail ("who")
	LeadEmail     string
	Channel       string
	State         string
	Summary       string
	LastMessage   string
	Unread        int
	Handoff       bool
	Urgency       *int
	LastMessageAt int64
	// LastState marks a last message that is a reply not (yet) delivered, as the conversation
	// page marks it: "failed" or "scheduled" (LastScheduledAt); "" for any other.
	LastState       string
	LastScheduledAt int64
}

func counts(ctx context.Context, db *tenantdb.DB, nowMs int64) (Counts, error) {
	var c Counts
	err := db.Read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM conversations WHERE state NOT IN ('won','lost')),
		(SELECT count(*) FROM leads WHERE merged_into IS NULL),
		(SELECT count(*) FROM leads WHERE merged_into IS NULL AND created_at >= ?),
		(SELECT count(*) FROM conversations WHERE next_action_due_at < ? AND next_action <> '' AND state NOT IN ('won','lost'))`,
		nowMs-7*24*3600*1000, nowMs).Scan(&c.Open, &c.Leads, &c.NewLeads, &c.Overdue)
	if err != nil {
		return c, fmt.Errorf("dashboard: counts: %w", err)
	}
	// Unread conversations and handoffs are counted by the inbox, so the card, the menu's badge
	// and the inbox counter are one number each.
	if c.Unread, err = inbox.UnreadConversations(ctx, db.Read); err != nil {
		return c, err
	}
	c.Handoff, err = inbox.HandoffCount(ctx, db.Read)
	return c, err
}

// recentConversations are the newest conversations with the last message exchanged with the
// customer: a team's internal notes and the product's own lines ("system") stay on the page.
func recentConversations(ctx context.Context, db *tenantdb.DB, limit int) ([]*RecentConversation, error) {
	rows, err := db.Read.QueryContext(ctx, `SELECT c.id, coalesce(l.name, ''), coalesce(l.phone, ''), coalesce(l.email, ''), c.channel, c.state, c.summary,
		coalesce(substr(m.body, 1, 141), ''), coalesce(m.direction, ''), coalesce(m.delivery_status, ''), coalesce(m.scheduled_at, 0),
		c.unread_count, c.handoff_required, c.urgency_score, c.last_message_at
		FROM conversations c LEFT JOIN leads l ON l.id = c.lead_id
		LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id AND direction <> 'system' ORDER BY id DESC LIMIT 1)
		ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("dashboard: recent conversations: %w", err)
	}
	defer rows.Close()
	var out []*RecentConversation
	for rows.Next() {
		r := &RecentConversation{}
		var urg *int
		var dir, status string
		if err := rows.Scan(&r.ID, &r.LeadName, &r.LeadPhone, &r.LeadEmail, &r.Channel, &r.State, &r.Summary, &r.LastMessage, &dir, &status, &r.LastScheduledAt,
			&r.Unread, &r.Handoff, &urg, &r.LastMessageAt); err != nil {
			return nil, fmt.Errorf("dashboard: recent conversations: %w", err)
		}
		switch {
		case dir != "outbound":
		case status == "queued" && r.LastScheduledAt > 0:
			r.LastState = "scheduled"
		case status == "failed":
			r.LastState = "failed"
		}
		r.Urgency = urg
		if rs := []rune(r.LastMessage); len(rs) > 140 {
			r.LastMessage = string(rs[:139]) + "…"
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
