package app_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/audit"

	"github.com/PuerkitoBio/goquery"
)

// TestDemoWorkloadOfASmallTeam: the demo's dashboard read 185 open conversations and 117 waiting
// for a person — six months of leads never closed, a contractor drowning. Leads older than a few
// weeks have reached an outcome (their conversations closed with them), the open ones are tens, and
// what waits for a person is the last day's handful, each with the customer's message that asked.
// The dashboard's cards say the same numbers.
func TestDemoWorkloadOfASmallTeam(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	db := e.DB(app.DemoSlug)
	now := time.Now()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	open := count(`SELECT count(*) FROM conversations WHERE state NOT IN ('won','lost')`)
	if open < 20 || open > 90 {
		t.Errorf("%d open conversations, want the tens a small team works", open)
	}
	if n := count(`SELECT count(*) FROM leads WHERE stage NOT IN ('won','lost') AND created_at < ?`, now.AddDate(0, 0, -31).UnixMilli()); n != 0 {
		t.Errorf("%d leads older than a month still open", n)
	}
	// A conversation is closed with its lead's outcome, and an open lead has no closed-only history.
	if n := count(`SELECT count(*) FROM conversations c JOIN leads l ON l.id = c.lead_id
		WHERE (c.state IN ('won','lost') AND c.state <> l.stage) OR (l.stage IN ('won','lost') AND c.state NOT IN ('won','lost'))`); n != 0 {
		t.Errorf("%d conversations whose state disagrees with their lead's outcome", n)
	}
	handoffs := count(`SELECT count(*) FROM conversations WHERE handoff_required = 1 AND state NOT IN ('won','lost')`)
	// What waits is the last 24 hours' customers asking for a person, so how many depends on the
	// hour the demo is seeded: 13 when seeded at 02:00 in Istanbul (a run at that hour found it;
	// it was 117 before the demo closed its old ones, the regression this guards). Seeded every
	// three hours of a week (Server.DemoNow) it was 6 to 16, 16 on a Saturday at 12:17 UTC: the
	// bound leaves room above that, far below the regression.
	if handoffs < 3 || handoffs > demoMaxWaiting {
		t.Errorf("%d conversations wait for a person, want a handful", handoffs)
	}
	if n := count(`SELECT count(*) FROM conversations WHERE handoff_required = 1 AND state NOT IN ('won','lost')
		AND coalesce(last_inbound_at, 0) < ?`, now.Add(-26*time.Hour).UnixMilli()); n != 0 {
		t.Errorf("%d conversations have waited for a person more than a day", n)
	}
	// Each still waiting has the customer's message last, asking for what its reasons say.
	if n := count(`SELECT count(*) FROM conversations c WHERE c.handoff_required = 1 AND c.state NOT IN ('won','lost')
		AND (SELECT direction FROM messages m WHERE m.conversation_id = c.id AND m.direction <> 'system' ORDER BY m.created_at DESC, m.id DESC LIMIT 1) <> 'inbound'
		AND c.id NOT IN (SELECT conversation_id FROM messages WHERE author_kind = 'ai' AND created_at > ?)`, now.Add(-3*time.Hour).UnixMilli()); n != 0 {
		t.Errorf("%d conversations wait for a person though the team answered last", n)
	}
	// The older ones were taken over back then: the owner's note in the past, nothing waiting.
	taken := count(`SELECT count(*) FROM conversations c WHERE c.handoff_required = 0 AND EXISTS (SELECT 1 FROM action_logs a
		WHERE a.conversation_id = c.id AND a.action_type = 'conversation_update' AND json_extract(a.payload, '$.after.handoff_required') = 0 AND a.created_at < ?)`,
		now.Add(-time.Hour).UnixMilli())
	if taken < 10 {
		t.Errorf("only %d older handoffs taken over in their past", taken)
	}
	if n := count(`SELECT count(*) FROM action_logs a JOIN conversations c ON c.id = a.conversation_id
		WHERE a.action_type = 'conversation_update' AND json_extract(a.payload, '$.after.handoff_required') = 0 AND a.created_at < ?
		AND (coalesce(c.waiting_since, 0) BETWEEN 1 AND a.created_at
		OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'system' AND m.created_at = a.created_at))`,
		now.Add(-time.Hour).UnixMilli()); n != 0 {
		t.Errorf("%d conversations taken over still wait, or lack the owner's note of it", n)
	}
	owner := e.Client()
	owner.Login(app.DemoUser, pw)
	doc := owner.Get("/app/?lang=tr").Doc(t)
	card := func(name string) int {
		t.Helper()
		v := strings.TrimSpace(doc.Find(`[data-card="` + name + `"] .card-value`).Text())
		n, err := strconv.Atoi(strings.ReplaceAll(v, ".", ""))
		if err != nil {
			t.Fatalf("dashboard card %s reads %q", name, v)
		}
		return n
	}
	if got := card("open"); got != open {
		t.Errorf("dashboard: %d open conversations, the inbox has %d", got, open)
	}
	if got := card("handoff"); got != handoffs {
		t.Errorf("dashboard: %d handoffs, the inbox has %d", got, handoffs)
	}
}

// TestDemoPastDecisionsLogged: the cards the demo decides in the past (the owner working the queue
// back then) had no action-log rows — the log showed none of the decisions the queue listed. Each
// decided card has the row a decision writes (who, the card, the reason) dated when it was taken,
// and the chain still verifies.
func TestDemoPastDecisionsLogged(t *testing.T) {
	t.Parallel()
	e, pw := demoEnv(t)
	db := e.DB(app.DemoSlug)
	var decided, unlogged int
	if err := db.Read.QueryRow(`SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM action_logs a
		WHERE a.action_type = 'recommendation_' || r.status AND json_extract(a.payload, '$.recommendation_id') = r.id
		AND a.actor_name = r.decided_by_name AND a.actor_name <> '' AND a.output_excerpt = r.decision_reason
		AND abs(a.created_at - r.decided_at) < 60000))
		FROM decision_recommendations r WHERE r.status IN ('approved','rejected')`).Scan(&decided, &unlogged); err != nil {
		t.Fatal(err)
	}
	if decided < 20 || unlogged != 0 {
		t.Errorf("%d decided cards, %d of them without their action-log row dated when decided", decided, unlogged)
	}
	if _, err := audit.Verify(context.Background(), db); err != nil {
		t.Errorf("the action log does not verify: %v", err)
	}
	// The log page shows them among the decisions, dated back then, by the owner.
	owner := e.Client()
	owner.Login(app.DemoUser, pw)
	loc, err := time.LoadLocation("Europe/Istanbul") // the demo business's zone, the page's dates
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc).Format("02.01.2006")
	past := 0
	owner.Get("/app/logs/?provider=approval_queue&lang=tr").Doc(t).Find("tr.log-row").Each(func(_ int, row *goquery.Selection) {
		if when := row.Find("time").Text(); !strings.Contains(when, today) && strings.Contains(row.Text(), app.DemoUserName) {
			past++
		}
	})
	if past == 0 {
		t.Error("the action log page shows no decision of the owner's from before today")
	}
}

// TestDemoQuotesHaveOutcomes: the KPI page read a quote acceptance of 0.0 % — the demo's one quote
// was sent this morning, and the won deals of six months had none. The offers the threads speak of
// are written quotes now: a won lead's accepted when the customer agreed, as the order it became
// (the order's total to the kuruş), a lost lead's never accepted; acceptance is neither 0 nor 100 %.
func TestDemoQuotesHaveOutcomes(t *testing.T) {
	t.Parallel()
	e, _ := demoEnv(t)
	db := e.DB(app.DemoSlug)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	accepted := count(`SELECT count(*) FROM quotes WHERE status = 'accepted'`)
	if sent := count(`SELECT count(*) FROM quotes WHERE sent_at IS NOT NULL`); accepted < 5 || sent < 3*accepted/2 {
		t.Errorf("%d quotes sent, %d accepted", sent, accepted)
	}
	if n := count(`SELECT count(*) FROM quotes q JOIN leads l ON l.id = q.lead_id LEFT JOIN orders o ON o.id = q.order_id
		WHERE q.status = 'accepted' AND (l.stage <> 'won' OR o.id IS NULL OR o.lead_id IS NOT q.lead_id OR o.status = 'cancelled'
		OR CAST(round(o.total * 100) AS INTEGER) <> q.grand_total OR o.ordered_at < q.accepted_at - 60000 OR q.accepted_at <= q.sent_at)`); n != 0 {
		t.Errorf("%d accepted quotes disagree with their lead (won) or their order", n)
	}
	if n := count(`SELECT count(*) FROM quotes q JOIN leads l ON l.id = q.lead_id WHERE q.status = 'accepted' AND l.stage <> 'won'
		OR q.status <> 'accepted' AND l.stage = 'won'`); n != 0 {
		t.Errorf("%d quotes accepted by a lead not won, or not accepted by a won one", n)
	}
	if n := count(`SELECT count(*) FROM quotes q WHERE q.sent_message_id IS NULL AND q.sent_at > (SELECT max(m.created_at) FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.lead_id = q.lead_id)`); n != 0 {
		t.Errorf("%d quotes sent after their lead's last message", n)
	}
	if n := count(`SELECT count(*) FROM quotes q WHERE q.status = 'accepted' AND NOT EXISTS (SELECT 1 FROM action_logs a
		WHERE a.action_type = 'quote_accepted' AND json_extract(a.payload, '$.quote_id') = q.id AND a.created_at = q.accepted_at)`); n != 0 {
		t.Errorf("%d accepted quotes without their action-log row dated when accepted", n)
	}
	var kpi string
	if err := db.Read.QueryRow(`SELECT kpi FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).Scan(&kpi); err != nil {
		t.Fatal(err)
	}
	var k struct {
		Rate float64 `json:"quote_acceptance_rate"`
	}
	if err := json.Unmarshal([]byte(kpi), &k); err != nil {
		t.Fatal(err)
	}
	if k.Rate < 10 || k.Rate > 60 {
		t.Errorf("quote acceptance %.1f %%, want a contractor's share", k.Rate)
	}
}

// demoMaxWaiting is the most conversations the demo leaves waiting for a person, at any hour of
// seeding (TestDemoWorkloadOfASmallTeam, TestDemoWaitingHandoffsAtAnyHour).
const demoMaxWaiting = 20
