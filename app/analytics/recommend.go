package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"highvibe/app/words"
	"strconv"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Thresholds of the generated recommendations.
const (
	StaleLeadAfter      = 7 * 24 * time.Hour // a qualified lead untouched this long wants a follow-up
	HandoffUnanswered   = time.Hour          // a handoff waiting this long wants a person
	FunnelDropRatio     = 0.7                // new leads in 30 days below 70% of the 30 days before
	FunnelDropMinBefore = 5                  // … only when the earlier window had at least this many
	maxPerKind          = 20
)

// candidate is a recommendation a refresh proposes; the open-dedupe index drops repeats.
type candidate struct {
	LeadID, ConvID int64
	Kind           string // follow_up human_handoff lead_generation
	Key            string
	Priority       string
	Confidence     float64
	Name           string
	N1, N2         int
}

func candidates(ctx context.Context, db *tenantdb.DB, now time.Time, d *Dataset, region string) ([]candidate, error) {
	var out []candidate
	var name, number, email string
	nowMs := now.UnixMilli()
	err := tenantdb.EachRow(ctx, db.Read, `SELECT l.id, l.name, l.phone, l.email, coalesce((SELECT max(id) FROM conversations c WHERE c.lead_id = l.id), 0)
		FROM leads l WHERE l.merged_into IS NULL AND l.stage IN ('qualified','proposal') AND l.updated_at < ? ORDER BY l.updated_at LIMIT ?`,
		[]any{nowMs - StaleLeadAfter.Milliseconds(), maxPerKind}, func(rs *sql.Rows) error {
			c := candidate{Kind: "follow_up", Priority: "medium", Confidence: 0.7}
			if err := rs.Scan(&c.LeadID, &name, &number, &email, &c.ConvID); err != nil {
				return err
			}
			c.Name = web.WhoOrNumber(region, c.LeadID, name, number, email)
			c.Key = "follow_up:lead:" + strconv.FormatInt(c.LeadID, 10)
			out = append(out, c)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("analytics: stale leads: %w", err)
	}
	cut := nowMs - HandoffUnanswered.Milliseconds()
	err = tenantdb.EachRow(ctx, db.Read, `SELECT c.id, c.lead_id, coalesce(l.name, ''), coalesce(l.phone, ''), coalesce(l.email, '') FROM conversations c LEFT JOIN leads l ON l.id = c.lead_id
		WHERE c.handoff_required = 1 AND c.state NOT IN ('won','lost')
		  AND ((c.waiting_since IS NOT NULL AND c.waiting_since < ?)
		    OR (c.waiting_since IS NULL AND c.last_inbound_at IS NOT NULL AND c.last_inbound_at >= c.last_message_at AND c.last_message_at < ?))
		ORDER BY c.last_message_at LIMIT ?`, []any{cut, cut, maxPerKind}, func(rs *sql.Rows) error {
		c := candidate{Kind: "human_handoff", Priority: "high", Confidence: 0.85}
		if err := rs.Scan(&c.ConvID, &c.LeadID, &name, &number, &email); err != nil {
			return err
		}
		c.Name = web.WhoOrNumber(region, c.LeadID, name, number, email)
		c.Key = "human_handoff:conversation:" + strconv.FormatInt(c.ConvID, 10)
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: unanswered handoffs: %w", err)
	}
	if d.LeadsPrev30 >= FunnelDropMinBefore && float64(d.LeadsLast30) < FunnelDropRatio*float64(d.LeadsPrev30) {
		out = append(out, candidate{Kind: "lead_generation", Key: "lead_generation:funnel_drop", Priority: "medium",
			Confidence: 0.6, N1: d.LeadsLast30, N2: d.LeadsPrev30})
	}
	return out, nil
}

// insertRecommendations stores candidates as pending recommendations through the approval queue,
// which owns them; one whose dedupe key is still open is skipped by the unique partial index. It returns how many were created.
func insertRecommendations(ctx context.Context, tx *sql.Tx, snapshotID int64, lang string, cs []candidate, nowMs int64) (int, error) {
	p := printer(lang)
	n := 0
	for _, c := range cs {
		var title, summary, action string
		var w words.Rec
		switch c.Kind {
		case "follow_up":
			w = words.Rec{Key: "analytics.rec.follow_up", TitleArgs: []any{c.Name}, SummaryArgs: []any{int(StaleLeadAfter.Hours() / 24)}}
			title = p.T("analytics.rec.follow_up.title", c.Name)
			summary = p.T("analytics.rec.follow_up.summary", int(StaleLeadAfter.Hours()/24))
			action = p.T("analytics.rec.follow_up.action")
		case "human_handoff":
			w = words.Rec{Key: "analytics.rec.handoff", TitleArgs: []any{c.Name}}
			title = p.T("analytics.rec.handoff.title", c.Name)
			summary = p.T("analytics.rec.handoff.summary")
			action = p.T("analytics.rec.handoff.action")
		case "lead_generation":
			w = words.Rec{Key: "analytics.rec.leadgen", SummaryArgs: []any{c.N1, c.N2}}
			title = p.T("analytics.rec.leadgen.title")
			summary = p.T("analytics.rec.leadgen.summary", p.Plural("analytics.rec.leadgen.new_leads", c.N1), c.N2)
			action = p.T("analytics.rec.leadgen.action")
		}
		if len([]rune(title)) > 200 {
			title = string([]rune(title)[:200])
		}
		_, created, err := approvals.Create(ctx, tx, approvals.New{LeadID: c.LeadID, ConversationID: c.ConvID, SnapshotID: snapshotID,
			Title: title, Summary: summary, RecommendedAction: action, Priority: c.Priority, Confidence: c.Confidence,
			ActionType: c.Kind, DedupeKey: c.Key, ModelName: ModelName, CreatedAt: nowMs, Words: w.JSON()})
		if err != nil {
			return n, fmt.Errorf("analytics: insert recommendation: %w", err)
		}
		if created {
			n++
		}
	}
	return n, nil
}

// OpenLeadGeneration lists the open lead_generation recommendations the KPI page can mark
// executed (the approvals room owns the decision itself).
func OpenLeadGeneration(ctx context.Context, db *tenantdb.DB) ([]Rec, error) {
	var out []Rec
	err := tenantdb.EachRow(ctx, db.Read, `SELECT id, title, summary, recommended_action, priority, confidence, created_at, words
		FROM decision_recommendations WHERE action_type = 'lead_generation' AND status IN ('draft','pending') ORDER BY id DESC LIMIT 10`, nil,
		func(rs *sql.Rows) error {
			var r Rec
			if err := rs.Scan(&r.ID, &r.Title, &r.Summary, &r.Action, &r.Priority, &r.Confidence, &r.CreatedAt, &r.Words); err != nil {
				return err
			}
			out = append(out, r)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("analytics: open lead generation: %w", err)
	}
	return out, nil
}

// Rec is a recommendation row shown on the KPI page. Title, Summary and Action are the words the
// job wrote in the business's language when it raised it; the page words it from Words (its key
// and numbers) in the reader's language, the stored text only for a row without them.
type Rec struct {
	ID                     int64
	Title, Summary, Action string
	Words                  string
	Priority               string
	Confidence             float64
	CreatedAt              int64
}
