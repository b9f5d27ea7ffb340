package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/auth"

	"github.com/PuerkitoBio/goquery"
)

// BenchmarkDemoSeed times `serve --demo`'s seeding of a fresh data directory (in-process, no jobs):
// go test ./app -run '^$' -bench DemoSeed -benchtime 3x
func BenchmarkDemoSeed(b *testing.B) {
	for b.Loop() {
		b.StopTimer()
		e := apptest.NewWith(b, apptest.Options{NoJobs: true})
		b.StartTimer()
		if _, err := e.Server.EnsureDemo(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		e.Close()
		b.StartTimer()
	}
}

// TestDemoData is `serve --demo` in-process: a fresh data dir, EnsureDemo, then the numbers.
func TestDemoData(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	ctx := context.Background()
	start := time.Now()
	pw, err := e.Server.EnsureDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Speed is BenchmarkDemoSeed's business; a wall-clock budget here only measured the machine's load.
	t.Logf("seeding took %s", time.Since(start))
	db := e.DB(app.DemoSlug)
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	snapshot := func() [4]int {
		return [4]int{count(`SELECT count(*) FROM leads`), count(`SELECT count(*) FROM conversations`),
			count(`SELECT count(*) FROM messages`), count(`SELECT count(*) FROM customers`)}
	}
	first := snapshot()
	// Each conversation brought in with its history logs the import once, so its log panel does
	// not read empty above messages the team plainly sent.
	if n := count(`SELECT count(*) FROM conversations c WHERE NOT EXISTS (SELECT 1 FROM action_logs a WHERE a.conversation_id = c.id)`); n != 0 {
		t.Errorf("%d demo conversations have an empty action log", n)
	}
	if n, rows := count(`SELECT count(DISTINCT conversation_id) FROM action_logs WHERE action_type = 'history_imported'`),
		count(`SELECT count(*) FROM action_logs WHERE action_type = 'history_imported'`); n < first[1]*9/10 || rows != n {
		t.Errorf("%d conversations logged as imported (%d rows), want most of %d, once each", n, rows, first[1])
	}
	// A reply on a phone call or a walk-in is only recorded (the product sends nothing there): the
	// demo seeded them "sent", so the conversations showed ✓✓ on messages nothing delivered.
	if n := count(`SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE c.channel IN ('call','manual') AND m.direction = 'outbound' AND coalesce(m.delivery_status,'') <> ''`); n != 0 {
		t.Errorf("%d recorded replies on calls and walk-ins carry a delivery status", n)
	}
	if first[0] < 200 || first[0] > 600 {
		t.Errorf("leads %d, want 200..600", first[0])
	}
	if n := count(`SELECT count(DISTINCT channel) FROM conversations`); n < 4 {
		t.Errorf("conversations span %d channels, want ≥ 4", n)
	}
	if n := count(`SELECT count(DISTINCT stage) FROM leads`); n != 6 {
		t.Errorf("lead stages %d, want all 6", n)
	}
	sixMonths := time.Now().AddDate(0, -6, -2).UnixMilli()
	if n := count(`SELECT count(*) FROM leads WHERE created_at < ?`, sixMonths); n != 0 {
		t.Errorf("%d leads older than six months", n)
	}
	if n := count(`SELECT count(*) FROM leads WHERE created_at < ?`, time.Now().AddDate(0, -3, 0).UnixMilli()); n < 10 {
		t.Errorf("only %d leads older than three months: timestamps not spread", n)
	}
	if n := count(`SELECT count(*) FROM messages WHERE body = ? AND channel = 'webchat'`, app.DemoScenarioA); n != 1 {
		t.Errorf("scenario A messages %d", n)
	}
	if n := count(`SELECT count(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
		WHERE m.body = ? AND c.channel = 'whatsapp' AND c.handoff_required = 1`, app.DemoScenarioB); n != 1 {
		t.Errorf("scenario B with handoff: %d", n)
	}
	if n := count(`SELECT count(*) FROM leads WHERE stage = 'lost' AND lost_reason = ?`, app.DemoLostReasonC); n != 1 {
		t.Errorf("scenario C lost deal: %d", n)
	}
	if n := count(`SELECT count(*) FROM conversations WHERE handoff_required = 1`); n < 3 {
		t.Errorf("handoffs %d", n)
	}
	if n := count(`SELECT count(*) FROM conversations WHERE next_action <> '' AND next_action_due_at IS NOT NULL`); n < 20 {
		t.Errorf("next actions %d", n)
	}
	if n := count(`SELECT count(*) FROM conversation_tags`); n < 50 {
		t.Errorf("tags %d", n)
	}
	if n := count(`SELECT count(*) FROM conversations WHERE assigned_user_id IS NOT NULL`); n < 50 {
		t.Errorf("assigned %d", n)
	}
	if n := count(`SELECT count(*) FROM conversations WHERE language = 'en'`); n == 0 {
		t.Error("no English conversations")
	}
	if n := count(`SELECT count(*) FROM leads WHERE phone_e164 LIKE '+905%'`); n < 100 {
		t.Errorf("Turkish mobile phones %d", n)
	}
	if n := count(`SELECT count(*) FROM jobs WHERE kind = 'ai_triage'`); n > 10 {
		t.Errorf("%d AI jobs queued: the demo should be quiet at start", n)
	}
	// One quote went the whole way through the quotes room: approved in the queue, then sent with
	// its link into a conversation that is at the offer now.
	if n := count(`SELECT count(*) FROM quotes q JOIN decision_recommendations r ON r.id = q.recommendation_id
		JOIN conversations c ON c.id = q.conversation_id
		WHERE q.status = 'sent' AND q.approved_at IS NOT NULL AND q.sent_message_id IS NOT NULL AND r.status IN ('approved', 'executed')
		AND c.state = 'offer' AND q.grand_total > 0`); n != 1 {
		t.Errorf("sent demo quotes %d, want 1", n)
	}
	// Stock (module inventory on): eight counted products, one order won today that took stock,
	// and three products at or below their reorder level with one recommendation each (one out).
	if tn, err := e.Server.Platform.TenantBySlug(ctx, app.DemoSlug); err != nil || !tn.HasModule("inventory") {
		t.Errorf("demo tenant without the inventory module (%v)", err)
	}
	if n := count(`SELECT count(*) FROM stock_items`); n != 8 {
		t.Errorf("counted products %d, want 8", n)
	}
	if n := count(`SELECT count(*) FROM stock_movements WHERE kind = 'sold' AND order_id IS NOT NULL`); n != 2 {
		t.Errorf("sold movements %d, want 2", n)
	}
	if n := count(`SELECT count(*) FROM stock_items WHERE on_hand <= reorder_level AND low_alerted = 1`); n != 3 {
		t.Errorf("low products told %d, want 3", n)
	}
	if n := count(`SELECT count(*) FROM decision_recommendations WHERE model_name = 'builtin-inventory' AND status = 'pending'`); n != 3 {
		t.Errorf("low-stock recommendations %d, want 3", n)
	}
	if _, err := audit.Verify(ctx, db); err != nil {
		t.Errorf("audit chain: %v", err)
	}

	// A second run (a restart with --demo) adds nothing.
	if pw2, err := e.Server.EnsureDemo(ctx); err != nil || pw2 != pw {
		t.Fatalf("second EnsureDemo: %v (password changed: %v)", err, pw2 != pw)
	}
	if again := snapshot(); again != first {
		t.Errorf("second run changed counts %v → %v", first, again)
	}

	// The dashboard renders for talha with the numbers.
	c := e.Client()
	c.Login(app.DemoUser, pw)
	r := c.Get("/app/?lang=en")
	if r.StatusCode != 200 {
		t.Fatalf("dashboard: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	// The seasonal calendar is on, with the demo's four dates, and opens from the menu.
	if n := count(`SELECT count(*) FROM seasonal_campaigns`); n != 4 {
		t.Errorf("seasonal dates %d, want 4", n)
	}
	if sr := c.Get("/app/seasonal/?lang=tr"); sr.StatusCode != 200 || !strings.Contains(sr.Body, "Kurban Bayramı") {
		t.Errorf("seasonal calendar: %d", sr.StatusCode)
	}
	open := count(`SELECT count(*) FROM conversations WHERE state NOT IN ('won','lost')`)
	if got := strings.TrimSpace(doc.Find(`[data-card="open"] .card-value`).Text()); got != itoa(open) {
		t.Errorf("open conversations card %q, want %d", got, open)
	}
	if got := strings.TrimSpace(doc.Find(`[data-card="leads"] .card-value`).Text()); got != itoa(first[0]) {
		t.Errorf("leads card %q, want %d", got, first[0])
	}
	if !strings.Contains(r.Body, "Hüseyin Çelik") {
		t.Error("recent conversations miss scenario B")
	}

	// The bell: every member with panel access has a few days of notifications about records the
	// demo has (read and unread, several kinds), not the seeding's own burst of events (withdrawn
	// before any job ran), and the list reads in the panel's languages.
	demoTenant, err := e.Server.Platform.TenantBySlug(ctx, app.DemoSlug)
	if err != nil {
		t.Fatal(err)
	}
	members, err := e.Server.Platform.MembersOfTenant(ctx, demoTenant.ID)
	if err != nil || len(members) == 0 {
		t.Fatalf("members: %v", err)
	}
	for _, m := range members {
		if m.Disabled || !auth.Can(m.Role, false, auth.ReadPanel) {
			continue
		}
		unread := count(`SELECT count(*) FROM notifications n WHERE n.user_id = ? AND n.read_at IS NULL
			AND (n.conversation_id IS NULL OR EXISTS (SELECT 1 FROM conversations c WHERE c.id = n.conversation_id))
			AND (n.recommendation_id IS NULL OR EXISTS (SELECT 1 FROM decision_recommendations r WHERE r.id = n.recommendation_id))
			AND (n.conversation_id IS NOT NULL OR n.recommendation_id IS NOT NULL)`, m.UserID)
		if unread == 0 {
			t.Errorf("%s has no unread notification that leads to a demo record", m.Username)
		}
	}
	talhaID := members[0].UserID
	if n := count(`SELECT count(*) FROM notifications WHERE user_id = ?`, talhaID); n < 8 || n > 30 {
		t.Errorf("%d notifications for the owner, want a modest set of 8..30", n)
	}
	if n := count(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NOT NULL`, talhaID); n < 3 {
		t.Errorf("%d read notifications, want some", n)
	}
	// A conversation's burst (new conversation, handoff, approval) is one notification of its
	// most important kind, so fewer kinds show than were raised.
	if n := count(`SELECT count(DISTINCT kind) FROM notifications WHERE user_id = ?`, talhaID); n < 4 {
		t.Errorf("notifications of %d kinds, want ≥ 4", n)
	}
	if n := count(`SELECT count(*) FROM notifications WHERE user_id = ? AND created_at < ?`, talhaID, time.Now().Add(-24*time.Hour).UnixMilli()); n < 2 {
		t.Errorf("%d notifications older than a day: not spread over the last days", n)
	}
	if n := count(`SELECT count(*) FROM notifications WHERE created_at > ? OR created_at < ?`, time.Now().UnixMilli(), time.Now().AddDate(0, 0, -7).UnixMilli()); n != 0 {
		t.Errorf("%d notifications in the future or older than a week", n)
	}
	if n := count(`SELECT count(*) FROM notifications n JOIN conversations c ON c.id = n.conversation_id JOIN leads l ON l.id = c.lead_id
		WHERE json_extract(n.params, '$.name') <> l.name`); n != 0 {
		t.Errorf("%d notifications name someone else than their conversation's lead", n)
	}
	if n := count(`SELECT count(*) FROM jobs WHERE kind = 'notify_event' AND status = 'queued' AND run_at <= ?`, time.Now().UnixMilli()); n != 0 {
		t.Errorf("%d notification events of the seeding still queued: the bell would fill with them", n)
	}
	// Selin's new conversation is named, on its own line or after "also:" of the one it joined.
	for lang, line := range map[string]string{"tr": "yeni konuşma", "en": "new conversation", "ar": "محادثة جديدة"} {
		r := c.Get("/app/notifications/?lang=" + lang)
		if r.StatusCode != 200 || !strings.Contains(r.Body, "<bdi>Selin Aydın</bdi>") || !strings.Contains(strings.ToLower(r.Body), line) {
			t.Errorf("notifications in %s: %d, no %q", lang, r.StatusCode, line)
			continue
		}
		doc := r.Doc(t)
		unread := count(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, talhaID)
		if got := doc.Find(".notify-item.is-unread").Length(); got != unread {
			t.Errorf("%s: %d unread items shown, want %d", lang, got, unread)
		}
		if bell := strings.TrimSpace(doc.Find(".bell-count").Contents().First().Text()); bell != itoa(unread) {
			t.Errorf("%s: bell reads %q, want %d", lang, bell, unread)
		}
	}
	r = c.Get("/app/notifications/?lang=en")
	r.Doc(t).Find(".notify-link").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		open := c.Get(href) // marks it read and leads on to its record
		loc := open.Header.Get("Location")
		if open.StatusCode != http.StatusSeeOther || loc == "" {
			t.Errorf("notification %s: %d to %q", href, open.StatusCode, loc)
			return
		}
		if to := c.Get(strings.SplitN(loc, "#", 2)[0] + "?lang=en"); to.StatusCode != 200 {
			t.Errorf("notification %s leads to %s: %d", href, loc, to.StatusCode)
		}
	})

	// The quote was written on a recent lead: the KPI page's time to quote and time to visit read
	// as a contractor's (hours, a day or two), not as the age of an old lead.
	var kpiJSON string
	if err := db.Read.QueryRowContext(ctx, `SELECT kpi FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).Scan(&kpiJSON); err != nil {
		t.Fatal(err)
	}
	var kpi struct {
		QuoteHours float64 `json:"quote_lead_hours"`
		VisitHours float64 `json:"visit_lead_hours"`
		Quotes     int     `json:"quotes_sent"`
		VisitsDone int     `json:"visits_done"`
		VisitWon   float64 `json:"visit_won_rate"`
		Accuracy   float64 `json:"forecast_accuracy"`
		Backtest   int     `json:"forecast_backtest"`
	}
	if err := json.Unmarshal([]byte(kpiJSON), &kpi); err != nil {
		t.Fatal(err)
	}
	if kpi.Quotes == 0 || kpi.QuoteHours <= 1 || kpi.QuoteHours > 72 {
		t.Errorf("time to quote %.1f h over %d quotes, want a few hours to three days", kpi.QuoteHours, kpi.Quotes)
	}
	if kpi.VisitHours <= 1 || kpi.VisitHours > 72 || kpi.VisitHours >= kpi.QuoteHours {
		t.Errorf("time to visit %.1f h, want a few hours to three days, before the quote (%.1f h)", kpi.VisitHours, kpi.QuoteHours)
	}
	// More than one visit was done, one of them on a lead won since (visit to won is not 0 %).
	if kpi.VisitsDone < 2 || kpi.VisitWon <= 0 || kpi.VisitWon >= 100 {
		t.Errorf("%d visits done, visit to won %.1f %%", kpi.VisitsDone, kpi.VisitWon)
	}
	// The first month of the six has a whole month's payments, some for orders of the month before
	// (it held a third of a month's, and the forecast's backtest, starting from that jump, read 0 %).
	windowStart := time.Date(time.Now().Year(), time.Now().Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -5, 0)
	if n := count(`SELECT count(*) FROM invoices i JOIN orders o ON o.id = i.order_id WHERE i.status = 'paid'
		AND i.paid_at >= ? AND i.paid_at < ? AND o.ordered_at < ?`, windowStart.UnixMilli(), windowStart.AddDate(0, 1, 0).UnixMilli(), windowStart.UnixMilli()); n == 0 {
		t.Error("no payment in the first month for an order of the month before")
	}
	if n := count(`SELECT count(*) FROM invoices WHERE status = 'paid' AND paid_at < ?`, windowStart.UnixMilli()); n != 0 {
		t.Errorf("%d invoices paid before the six months", n)
	}
	if kpi.Backtest == 0 {
		t.Error("the revenue forecast was not backtested")
	}
	t.Logf("time to quote %.1f h, time to visit %.1f h, visit to won %.1f %%, forecast accuracy %.1f %% over %d months",
		kpi.QuoteHours, kpi.VisitHours, kpi.VisitWon, kpi.Accuracy, kpi.Backtest)

	// Handoffs are one number on both screens. A closed conversation still flagged for a person
	// (a deal won while the flag stayed on) is where two definitions would part.
	if _, err := db.Write.ExecContext(ctx, `UPDATE conversations SET handoff_required = 1
		WHERE id = (SELECT id FROM conversations WHERE state = 'won' AND handoff_required = 0 LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	waiting := count(`SELECT count(*) FROM conversations WHERE handoff_required = 1 AND state NOT IN ('won','lost')`)
	if flagged := count(`SELECT count(*) FROM conversations WHERE handoff_required = 1`); flagged == waiting || waiting < 3 {
		t.Fatalf("set-up: %d flagged, %d waiting; want some of each", flagged, waiting)
	}
	card := strings.TrimSpace(c.Get("/app/?lang=en").Doc(t).Find(`[data-card="handoff"] .card-value`).Text())
	counter := strings.TrimSpace(c.Get("/app/inbox/?lang=en").Doc(t).Find(`a.counter[href="/app/inbox/?handoff=1"] b`).Text())
	if card != itoa(waiting) || counter != itoa(waiting) {
		t.Errorf("handoffs: dashboard card %q, inbox counter %q, want both %d", card, counter, waiting)
	}
}

// itoa formats a count below 1,000 as every locale prints it (no grouping separator).
func itoa(n int) string { return strconv.Itoa(n) }
