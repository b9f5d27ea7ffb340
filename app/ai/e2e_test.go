package ai_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/ai"
	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/crm"
)

// catalog is the flooring contractor's price list used by the scenarios.
var catalog = []crm.Product{
	{SKU: "BGN-6", Name: "Begonit 6 cm", Category: "begonit", Unit: "m2", UnitPrice: 310, Currency: "TRY", Active: true},
	{SKU: "GRN-GRI", Name: "Gri Granit Küp Taş", Category: "granit", Unit: "m2", UnitPrice: 1450, Currency: "TRY", Active: true},
	{SKU: "GRN-PLK", Name: "Granit Plaka 3 cm", Category: "granit", Unit: "m2", UnitPrice: 1850, Currency: "TRY", Active: true},
	{SKU: "KP-8", Name: "Kilit Parke 8 cm", Category: "kilit parke", Unit: "m2", UnitPrice: 420, Currency: "TRY", Active: true},
}

func setup(t *testing.T) *apptest.Env {
	t.Helper()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	db := e.DB("acme")
	for _, p := range catalog {
		if _, err := crm.SaveProduct(context.Background(), db, 0, p, crm.Actor{Name: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// settle waits until every job of the given kinds has finished, a retry after a failed first
// try included (apptest.Settle).
func settle(t *testing.T, e *apptest.Env, kinds ...string) {
	t.Helper()
	apptest.Settle(t, e.DB("acme"), kinds...)
}

func one[T any](t *testing.T, e *apptest.Env, q string, args ...any) T {
	t.Helper()
	var v T
	if err := e.DB("acme").Read.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

func outbound(t *testing.T, e *apptest.Env, convID int64) []string {
	t.Helper()
	rows, err := e.DB("acme").Read.Query(`SELECT body FROM messages WHERE conversation_id = ? AND direction = 'outbound'`, convID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var b string
		_ = rows.Scan(&b)
		out = append(out, b)
	}
	return out
}

func noAmounts(t *testing.T, msgs []string) {
	t.Helper()
	for _, m := range msgs {
		if c := ai.Commitments(m); len(c) > 0 {
			t.Errorf("outbound message carries a commitment %v: %q", c, m)
		}
		for _, bad := range []string{"TRY", "₺", " TL", "2 hafta"} {
			if strings.Contains(m, bad) {
				t.Errorf("outbound message contains %q: %q", bad, m)
			}
		}
	}
}

// Scenario A of the demo (guide: 13-worked-example.md): web widget, rough budget → scored, a Turkish clarifying question, no
// amount sent, a pending pricing recommendation with an m² range.
func TestScenarioAWidgetRoughBudget(t *testing.T) {
	e := setup(t)
	body, _ := json.Marshal(map[string]any{"text": "200 m² villa bahçesi, gri granit istiyorum, rough budget?", "name": "Deniz", "consent": true})
	r := e.Client().PostJSON("/widget/api/acme/messages", body, nil)
	if r.StatusCode/100 != 2 {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	settle(t, e, "ai_triage")
	conv := one[int64](t, e, `SELECT id FROM conversations WHERE channel = 'webchat'`)
	if u := one[int](t, e, `SELECT coalesce(qualification_score, -1) FROM conversations WHERE id = ?`, conv); u < 50 {
		t.Errorf("qualification %d, want ≥ 50", u)
	}
	if l := one[string](t, e, `SELECT language FROM conversations WHERE id = ?`, conv); l != "tr" {
		t.Errorf("language %q", l)
	}
	reasons := one[string](t, e, `SELECT score_reasons FROM conversations WHERE id = ?`, conv)
	if !strings.Contains(reasons, "area: 200") || !strings.Contains(reasons, "granite") {
		t.Errorf("reasons %s", reasons)
	}
	out := outbound(t, e, conv)
	if len(out) != 1 || !strings.Contains(out[0], "alt zemin") {
		t.Fatalf("want one Turkish clarifying reply, got %q", out)
	}
	noAmounts(t, out)
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 0 {
		t.Errorf("a rough budget alone should not need a handoff")
	}
	sum := one[string](t, e, `SELECT summary FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'pricing' AND status = 'pending'`, conv)
	// 200 m² × (1.05..1.08) × 1450..1850 TRY
	if !strings.Contains(sum, "304.500 – 399.600 ₺") || !strings.Contains(sum, "%5–8") {
		t.Errorf("pricing summary %q", sum)
	}
	if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE provider = 'ai_triage' AND action_type = 'ai_triage' AND model_name = ?`, ai.BuiltinModel); n != 1 {
		t.Errorf("ai_triage logs %d", n)
	}
	if n := one[int](t, e, `SELECT count(*) FROM jobs WHERE kind = 'ai_review' AND status = 'queued'`); n != 1 {
		t.Errorf("review jobs %d", n)
	}
	// A second message re-scores without duplicating the open pricing recommendation.
	tok := one[string](t, e, `SELECT external_id FROM conversations WHERE id = ?`, conv)
	_ = tok
	if err := ai.Review(context.Background(), e.DB("acme"), conv); err != nil {
		t.Fatal(err)
	}
	if q := one[int](t, e, `SELECT coalesce(review_quality,-1) FROM conversations WHERE id = ?`, conv); q < 50 {
		t.Errorf("review quality %d", q)
	}
}

// Scenario B: WhatsApp urgent stock + date request → handoff and a stock recommendation, nothing promised.
func TestScenarioBWhatsAppStockHandoff(t *testing.T) {
	e := setup(t)
	key := e.APIKey("acme", "whatsapp_webhook")
	e.Set("acme", map[string]string{"whatsapp_app_secret": "meta-app-secret"})
	delivery := []byte(apptest.WhatsAppText("905321112233", "wamid.B1", "800 m² kilit parke 8 cm, 2 haftada teslim — stok var mı?"))
	signed := map[string]string{"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign(delivery, "meta-app-secret")}
	r := e.Client().PostJSON("/api/webhooks/whatsapp/", delivery, signed)
	if r.StatusCode != 200 {
		t.Fatalf("webhook: %d %s", r.StatusCode, r.Body)
	}
	settle(t, e, "whatsapp_process", "ai_triage")
	conv := one[int64](t, e, `SELECT id FROM conversations WHERE channel = 'whatsapp'`)
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 1 {
		t.Fatal("want handoff")
	}
	reason := one[string](t, e, `SELECT handoff_reason FROM conversations WHERE id = ?`, conv)
	if !strings.Contains(reason, "stock") || !strings.Contains(reason, "date") {
		t.Errorf("handoff reason %q", reason)
	}
	if u := one[int](t, e, `SELECT urgency_score FROM conversations WHERE id = ?`, conv); u < 60 {
		t.Errorf("urgency %d", u)
	}
	for _, typ := range []string{"stock", "delivery_date", "pricing"} {
		if n := one[int](t, e, `SELECT count(*) FROM decision_recommendations WHERE conversation_id = ? AND action_type = ? AND status = 'pending'`, conv, typ); n != 1 {
			t.Errorf("%s recommendations: %d", typ, n)
		}
	}
	noAmounts(t, outbound(t, e, conv))
	// The conversation page says why: every urgency signal with its points.
	var why []string
	e.User("acme", "vera", "viewer").Get(fmt.Sprintf("/app/inbox/%d/", conv)).Doc(t).Find("#why li").Each(func(_ int, s *goquery.Selection) {
		why = append(why, s.Text())
	})
	for _, want := range []string{"stok sorusu", "tarih istiyor", "Türkçe"} { // handoff reasons and language in the tenant's Turkish
		if !slices.Contains(why, want) {
			t.Errorf("why panel lacks %q: %q", want, why)
		}
	}
	// builtin-3's reasons: the customer's own words, a Turkish kind and the decision they pushed.
	for _, want := range []string{"→ yüksek aciliyet", "→ stok soruyor", "→ tarih istiyor ya da veriyor", "«stok»"} {
		if !slices.ContainsFunc(why, func(s string) bool { return strings.Contains(s, want) }) {
			t.Errorf("why panel lacks %q: %q", want, why)
		}
	}
	// The recommendations beside it show their confidence as a percentage (the stock one is 0.8).
	recs := e.User("acme", "rita", "viewer").Get(fmt.Sprintf("/app/inbox/%d/", conv)).Body
	if !strings.Contains(recs, "%80") {
		t.Errorf("the stock recommendation's confidence 0.8 is not shown as %%80")
	}
	for _, s := range why {
		if strings.Contains(s, "f3|") || strings.Contains(s, "band_") || strings.Contains(s, "intent_") {
			t.Errorf("why panel shows a code: %q", s)
		}
	}

	// The same delivery again (Meta retries) changes nothing.
	e.Client().PostJSON("/api/webhooks/whatsapp/", delivery, signed)
	settle(t, e, "whatsapp_process", "ai_triage")
	if n := one[int](t, e, `SELECT count(*) FROM decision_recommendations WHERE conversation_id = ?`, conv); n != 3 {
		t.Errorf("recommendations after redelivery: %d", n)
	}

	// Approving the stock recommendation clears only the stock part of the handoff.
	op := e.User("acme", "olga", "operator")
	stock := one[int64](t, e, `SELECT id FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'stock'`, conv)
	if r := op.Post(fmt.Sprintf("/app/approvals/%d/approve", stock), url.Values{"reason": {"depoda 900 m² var"}}); r.StatusCode >= 400 {
		t.Fatalf("approve: %d", r.StatusCode)
	}
	if got := one[string](t, e, `SELECT handoff_reason FROM conversations WHERE id = ?`, conv); strings.Contains(got, "stock") || !strings.Contains(got, "date") {
		t.Errorf("handoff reason after stock approval %q", got)
	}
	date := one[int64](t, e, `SELECT id FROM decision_recommendations WHERE conversation_id = ? AND action_type = 'delivery_date'`, conv)
	op.Post(fmt.Sprintf("/app/approvals/%d/approve", date), nil)
	if h := one[int](t, e, `SELECT handoff_required FROM conversations WHERE id = ?`, conv); h != 0 {
		t.Errorf("handoff should be cleared once every reason is decided")
	}
}

// Scenario C: a lost deal, the reason recorded on the rejected pricing decision, the system
// message and the approval_queue log.
func TestScenarioCLostDealReason(t *testing.T) {
	e := setup(t)
	body, _ := json.Marshal(map[string]any{"text": "350 m2 bazalt ve granit otopark, fiyat nedir?", "name": "Selin"})
	e.Client().PostJSON("/widget/api/acme/messages", body, nil)
	settle(t, e, "ai_triage")
	rec := one[int64](t, e, `SELECT id FROM decision_recommendations WHERE action_type = 'pricing'`)
	owner := e.User("acme", "talha", "owner")
	const reason = "competitor −12% on labor only"
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/reject", rec), url.Values{"reason": {reason}}); r.StatusCode >= 400 {
		t.Fatalf("reject: %d", r.StatusCode)
	}
	if got := one[string](t, e, `SELECT decision_reason FROM decision_recommendations WHERE id = ?`, rec); got != reason {
		t.Errorf("decision reason %q", got)
	}
	if n := one[int](t, e, `SELECT count(*) FROM messages WHERE direction = 'system' AND body LIKE ?`, "%"+reason+"%"); n != 1 {
		t.Errorf("system message with reason: %d", n)
	}
	if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE provider = 'approval_queue' AND action_type = 'recommendation_rejected' AND payload LIKE ?`, "%labor only%"); n != 1 {
		t.Errorf("approval_queue log: %d", n)
	}
	page := owner.Get("/app/approvals/")
	if !strings.Contains(page.Body, reason) {
		t.Errorf("decided list does not show the reason")
	}
}

// Scenario C as an operator does it (guide: 13-worked-example.md): the conversation form marks the deal lost with
// the reason as an internal note. The note is stored and shown apart on the conversation page, the
// state is lost, the lead follows to lost, one conversation_inbox log carries before→after, the
// audit chain still verifies, and the visitor's widget never sees the note.
func TestScenarioCOperatorMarksLost(t *testing.T) {
	e := setup(t)
	posted := widgetPost(t, e, map[string]any{"text": "350 m2 bazalt ve granit otopark, fiyat nedir?", "name": "Selin", "consent": true})
	conv := posted.ConversationID
	lead := one[int64](t, e, `SELECT lead_id FROM conversations WHERE id = ?`, conv)
	stateBefore := one[string](t, e, `SELECT state FROM conversations WHERE id = ?`, conv)
	stageBefore := one[string](t, e, `SELECT stage FROM leads WHERE id = ?`, lead)
	if stateBefore == "lost" || stageBefore == "lost" {
		t.Fatalf("already lost before the operator acts: %s / %s", stateBefore, stageBefore)
	}
	logsBefore := one[int](t, e, `SELECT count(*) FROM action_logs WHERE provider = 'conversation_inbox'`)

	op := e.User("acme", "olga", "operator")
	const reason = "competitor −12% on labor only"
	path := fmt.Sprintf("/app/inbox/%d/", conv)
	if r := op.Post(path, url.Values{"state": {"lost"}, "direction": {"system"}, "body": {reason}}); r.StatusCode != 303 {
		t.Fatalf("update: %d %.300s", r.StatusCode, r.Body)
	}

	if n := one[int](t, e, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'system' AND author_kind = 'system' AND body = ?`, conv, reason); n != 1 {
		t.Errorf("system notes with the reason: %d", n)
	}
	if got := one[string](t, e, `SELECT state FROM conversations WHERE id = ?`, conv); got != "lost" {
		t.Errorf("conversation state %q", got)
	}
	if got := one[string](t, e, `SELECT stage FROM leads WHERE id = ?`, lead); got != "lost" {
		t.Errorf("lead stage %q, want lost", got)
	}
	if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE provider = 'conversation_inbox'`); n != logsBefore+1 {
		t.Fatalf("conversation_inbox logs %d, want exactly one more than %d", n, logsBefore)
	}
	var log struct {
		Before map[string]any `json:"before"`
		After  map[string]any `json:"after"`
	}
	payload := one[string](t, e, `SELECT payload FROM action_logs WHERE provider = 'conversation_inbox' ORDER BY id DESC LIMIT 1`)
	if err := json.Unmarshal([]byte(payload), &log); err != nil {
		t.Fatal(err)
	}
	if log.Before["state"] != stateBefore || log.After["state"] != "lost" || log.Before["lead_stage"] != stageBefore ||
		log.After["lead_stage"] != "lost" || log.After["direction"] != "system" || log.After["message_id"] == nil {
		t.Errorf("log payload before→after: %s", payload)
	}
	if n, err := audit.Verify(context.Background(), e.DB("acme")); err != nil || n == 0 {
		t.Errorf("audit chain: %d rows, %v", n, err)
	}

	// The page shows the note apart from the customer's and the replies, and the lead as lost.
	doc := op.Get(path).Doc(t)
	if got := strings.TrimSpace(doc.Find("#timeline li.msg-system .msg-body").Text()); got != reason {
		t.Errorf("system note on the page: %q", got)
	}
	if doc.Find("#timeline li.msg-inbound, #timeline li.msg-outbound").FilterFunction(func(_ int, s *goquery.Selection) bool {
		return strings.Contains(s.Text(), reason)
	}).Length() != 0 {
		t.Error("the reason shows as a customer message or a reply")
	}
	// The note saved with "lost" is the lead's lost reason, shown on the lead card.
	if got := one[string](t, e, `SELECT lost_reason FROM leads WHERE id = ?`, lead); got != reason {
		t.Errorf("lead lost_reason %q, want the note", got)
	}
	if log.After["lost_reason"] != reason {
		t.Errorf("log payload lacks the lost reason: %s", payload)
	}
	if got := doc.Find("#lead-card [data-lost-reason]").Text(); !strings.Contains(got, reason) {
		t.Errorf("lead card lost reason: %q", got)
	}
	if doc.Find("#state option[selected]").AttrOr("value", "") != "lost" {
		t.Error("state select does not show lost")
	}

	// The visitor's widget thread: their message and the assistant's reply, never the note.
	w := e.Client().Get("/widget/api/acme/messages?token=" + url.QueryEscape(posted.Token))
	if w.StatusCode != 200 {
		t.Fatalf("widget list: %d %s", w.StatusCode, w.Body)
	}
	var thread struct {
		Messages []struct{ Direction, Text string } `json:"messages"`
	}
	if err := json.Unmarshal([]byte(w.Body), &thread); err != nil || len(thread.Messages) == 0 {
		t.Fatalf("widget thread %s: %v", w.Body, err)
	}
	for _, m := range thread.Messages {
		if m.Direction == "system" || strings.Contains(m.Text, "competitor") {
			t.Errorf("widget shows the internal note: %+v", m)
		}
	}
}

// widgetPosted is the widget API's answer to a new message.
type widgetPosted struct {
	Token          string `json:"token"`
	ConversationID int64  `json:"conversation_id"`
}

// widgetPost sends a visitor message through the widget API and waits for its triage.
func widgetPost(t *testing.T, e *apptest.Env, msg map[string]any) widgetPosted {
	t.Helper()
	body, _ := json.Marshal(msg)
	r := e.Client().PostJSON("/widget/api/acme/messages", body, nil)
	if r.StatusCode != 201 {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	var posted widgetPosted
	if err := json.Unmarshal([]byte(r.Body), &posted); err != nil || posted.Token == "" {
		t.Fatalf("widget answer %s: %v", r.Body, err)
	}
	settle(t, e, "ai_triage")
	return posted
}

// Paused AI or a spent budget: nothing is sent.
func TestNoReplyWhenPausedOrBudgetSpent(t *testing.T) {
	e := setup(t)
	db := e.DB("acme")
	if _, err := db.Write.Exec(`INSERT INTO ai_usage(provider, model_name, purpose, cost_usd, created_at) VALUES('openai_compatible','m','triage',25,?)`, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"text": "Merhaba, 100 m² granit", "name": "X"})
	e.Client().PostJSON("/widget/api/acme/messages", body, nil)
	settle(t, e, "ai_triage")
	if n := one[int](t, e, `SELECT count(*) FROM messages WHERE direction = 'outbound'`); n != 0 {
		t.Errorf("budget spent but %d replies sent", n)
	}
	if n := one[int](t, e, `SELECT count(*) FROM action_logs WHERE action_type = 'triage_skipped'`); n != 1 {
		t.Errorf("skip not logged")
	}
	tn, _ := e.Server.Platform.TenantBySlug(context.Background(), "acme")
	b, err := ai.BudgetState(context.Background(), tn, db)
	if err != nil || !b.Exhausted || b.Spent != 25 {
		t.Errorf("budget state %+v %v", b, err)
	}
}
