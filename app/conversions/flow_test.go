package conversions_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/conversions"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// platforms are the three ad platforms' fakes on one httptest server: every request is recorded
// by path; answer decides the status and body (nil: the platform's success).
type platforms struct {
	mu     sync.Mutex
	calls  map[string][]string // path → bodies
	answer func(path string, n int) (int, string)
	srv    *httptest.Server
}

func newPlatforms(t *testing.T) *platforms {
	p := &platforms{calls: map[string][]string{}}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		p.mu.Lock()
		p.calls[r.URL.Path] = append(p.calls[r.URL.Path], string(b))
		n := len(p.calls[r.URL.Path])
		answer := p.answer
		p.mu.Unlock()
		code, body := 0, ""
		if answer != nil {
			code, body = answer(r.URL.Path, n)
		}
		if code == 0 {
			switch {
			case strings.HasSuffix(r.URL.Path, "/token"):
				code, body = 200, `{"access_token":"ya29.x"}`
			case strings.HasSuffix(r.URL.Path, "/events"):
				code, body = 200, `{"events_received":1}`
			case strings.Contains(r.URL.Path, "uploadClickConversions"):
				code, body = 200, `{"results":[{}]}`
			default:
				code, body = 200, `{"code":0,"message":"OK"}`
			}
		}
		w.WriteHeader(code)
		io.WriteString(w, body)
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *platforms) bodies(path string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls[path]...)
}

const (
	metaPath   = "/meta/111222333/events"
	googlePath = "/google/customers/1234567890:uploadClickConversions"
	tiktokPath = "/tiktok/event/track/"
)

// setup starts a server whose conversion sender talks to the fakes, with a business that has the
// module on and all three destinations set up by the owner on the settings page.
func setup(t *testing.T) (*apptest.Env, *platforms, *apptest.Client) {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "tr")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	p := newPlatforms(t)
	e.Handlers.ConversionsSvc.Sender.EP = conversions.Endpoints{Meta: p.srv.URL + "/meta", Google: p.srv.URL + "/google",
		GoogleOAuth: p.srv.URL + "/oauth/token", TikTok: p.srv.URL + "/tiktok"}
	if err := e.Server.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	owner := e.User("usta", "osman", "owner")
	r := owner.Post("/app/settings/conversions", url.Values{"rule_lead": {"1"}, "rule_qualified": {"1"}, "rule_won": {"1"}, "currency": {"TRY"},
		"meta_on": {"1"}, "meta_pixel_id": {"111222333"}, "meta_access_token": {"EAAsecret"},
		"google_on": {"1"}, "google_customer_id": {"123-456-7890"}, "google_action_lead": {"11"}, "google_action_purchase": {"33"},
		"google_developer_token": {"devtok"}, "google_client_id": {"cid"}, "google_client_secret": {"csecret"}, "google_refresh_token": {"1//r"},
		"tiktok_on": {"1"}, "tiktok_pixel_code": {"CPIXEL123"}, "tiktok_access_token": {"ttsecret"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner saves the destinations: %d\n%s", r.StatusCode, r.Body)
	}
	if r := owner.Get("/app/settings/conversions"); !strings.Contains(r.Body, "Dönüşüm takibi ayarları kaydedildi") ||
		strings.Contains(r.Body, "EAAsecret") || r.Doc(t).Find(`#conv-meta .badge.status-done`).Length() != 1 {
		t.Fatalf("the saved settings (secrets never shown again):\n%s", r.Body)
	}
	return e, p, owner
}

// waitFor polls cond (a read of the tenant's database) until it holds; the deadline only bounds a
// broken runner.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s never happened", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func count(t *testing.T, db *tenantdb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// widgetPost sends a visitor's first message as the loader does.
func widgetPost(t *testing.T, e *apptest.Env, body map[string]any) map[string]any {
	t.Helper()
	b, _ := json.Marshal(body)
	r := e.Client().PostJSON("/widget/api/usta/messages", b, map[string]string{"Origin": "https://usta.example"})
	if r.StatusCode != http.StatusCreated {
		t.Fatalf("widget post: %d %s", r.StatusCode, r.Body)
	}
	var m map[string]any
	json.Unmarshal([]byte(r.Body), &m)
	return m
}

// The path of a lead from an ad click to a sale: the widget sends the host page's click ids with
// the first message and the visitor ticks the marketing box; the lead keeps them; a Lead event
// goes to the three platforms; the operator marks the conversation qualified, then won (with a
// won order of 12,345.50 TRY): QualifiedLead and Purchase go out with the order's value. Every
// payload carries only hashes of the contact data. A second visitor without marketing consent
// leaves nothing behind but an unsent Lead event, and nothing of theirs reaches any platform.
func TestConversionPathFromAdClickToSale(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")

	cfg := e.Client().Get("/widget/api/usta/config?lang=tr")
	if !strings.Contains(cfg.Body, `"marketing":true`) || !strings.Contains(cfg.Body, "yurt dışındaki Meta (Facebook, Instagram), Google Ads, TikTok platformlarına") {
		t.Fatalf("the widget offers the marketing box with its Turkish text: %s", cfg.Body)
	}
	seen := time.Now().Add(-time.Hour).UnixMilli() // the loader first saw the fbclid an hour ago
	fbc := "fb.1." + itoa(seen) + ".IwAR-test"
	res := widgetPost(t, e, map[string]any{"text": "Salon için laminat parke fiyatı?", "name": "Ayşe Yılmaz", "phone": "+90 (532) 123 45 67",
		"email": " Ilker.Yilmaz@Example.COM", "consent": true, "marketing": true, "lang": "tr",
		"attribution": map[string]string{"gclid": "Cj0KCQ-test", "fbclid": "IwAR-test", "fbclid_at": itoa(seen), "fbp": "fb.1.1764740000000.42",
			"ttclid": "E.C.P.tt", "utm_source": "google", "utm_medium": "cpc", "utm_campaign": "kis-2026", "page_url": "https://usta.example/parke?gclid=Cj0KCQ-test"}})
	convID := int64(res["conversation_id"].(float64))
	var leadID int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, convID).Scan(&leadID)

	a, err := conversions.AttributionOf(context.Background(), db.Read, leadID)
	if err != nil || a == nil {
		t.Fatalf("attribution kept: %v %v", a, err)
	}
	if a.GCLID != "Cj0KCQ-test" || a.FBC != fbc || a.FBP != "fb.1.1764740000000.42" || a.TTCLID != "E.C.P.tt" ||
		a.UTMCampaign != "kis-2026" || a.PageURL != "https://usta.example/parke" || !strings.HasPrefix(a.ConsentVersion, "mkt-") || a.Channel != "webchat" {
		t.Fatalf("attribution: %+v", a)
	}
	waitFor(t, "the Lead event delivered to three platforms", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE status = 'sent'`) == 3
	})
	if n := len(p.bodies(googlePath)); n != 1 {
		t.Fatalf("Google got %d uploads for the Lead", n)
	}

	// Qualified, then won with a won order of 12,345.50 TRY.
	operator := e.User("usta", "olga", "operator")
	if r := operator.Post("/app/inbox/"+itoa(convID)+"/", url.Values{"state": {"qualified"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("qualified: %d", r.StatusCode)
	}
	seedWonOrder(t, db, leadID, 12345.50)
	if r := operator.Post("/app/inbox/"+itoa(convID)+"/", url.Values{"state": {"won"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("won: %d", r.StatusCode)
	}
	// Lead to 3, QualifiedLead to Meta and TikTok (no Google action for it), Purchase to 3.
	waitFor(t, "all deliveries sent", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE status = 'sent'`) == 8
	})
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE lead_id = ? AND consent = 1`, leadID); n != 3 {
		t.Fatalf("%d events", n)
	}
	var value int64
	var cur string
	db.Read.QueryRow(`SELECT value_minor, currency FROM conversion_events WHERE name = 'Purchase'`).Scan(&value, &cur)
	if value != 1234550 || cur != "TRY" {
		t.Fatalf("purchase value %d %s", value, cur)
	}

	metas := p.bodies(metaPath)
	if len(metas) != 3 {
		t.Fatalf("Meta got %d events", len(metas))
	}
	var purchase struct {
		Data []struct {
			EventName string `json:"event_name"`
			EventID   string `json:"event_id"`
			UserData  struct {
				Em  []string `json:"em"`
				Ph  []string `json:"ph"`
				Fbc string   `json:"fbc"`
			} `json:"user_data"`
			CustomData struct {
				Value    float64 `json:"value"`
				Currency string  `json:"currency"`
			} `json:"custom_data"`
		} `json:"data"`
	}
	// QualifiedLead and Purchase are queued a moment apart and sent by separate jobs, so Meta may
	// receive them in either order (it joins them by event_id); find the Purchase by name.
	for _, m := range metas {
		if strings.Contains(m, `"event_name":"Purchase"`) {
			json.Unmarshal([]byte(m), &purchase)
		}
	}
	if len(purchase.Data) == 0 {
		t.Fatalf("no Purchase among Meta's events: %v", metas)
	}
	d := purchase.Data[0]
	if d.EventName != "Purchase" || d.CustomData.Value != 12345.5 || d.CustomData.Currency != "TRY" ||
		d.UserData.Em[0] != conversions.Hash("ilker.yilmaz@example.com") || d.UserData.Ph[0] != conversions.Hash("905321234567") ||
		d.UserData.Fbc != fbc || !strings.Contains(d.EventID, "-purchase-order-") {
		t.Fatalf("Meta purchase: %+v", d)
	}
	gs := p.bodies(googlePath)
	if len(gs) != 2 || !strings.Contains(gs[1], `"conversionAction":"customers/1234567890/conversionActions/33"`) ||
		!strings.Contains(gs[1], `"gclid":"Cj0KCQ-test"`) || !strings.Contains(gs[1], `"conversionValue":12345.5`) {
		t.Fatalf("Google uploads: %v", gs)
	}
	for path, bodies := range map[string][]string{metaPath: metas, googlePath: gs, tiktokPath: p.bodies(tiktokPath)} {
		for _, b := range bodies {
			for _, raw := range []string{"Ayşe", "Yılmaz", "Ilker", "ilker", "532 123", "5321234567", "laminat"} {
				if strings.Contains(b, raw) {
					t.Errorf("%s: raw personal data %q left the server: %s", path, raw, b)
				}
			}
		}
	}

	// The lead's section shows the click ids, the campaign and each event's delivery status.
	r := owner.Get("/app/conversions/leads/" + itoa(leadID) + "?lang=en")
	doc := r.Doc(t)
	if r.StatusCode != 200 || doc.Find(`#lead-attribution`).Length() != 1 || !strings.Contains(r.Body, "kis-2026") ||
		!strings.Contains(r.Body, "Cj0KCQ-test") || doc.Find(`#lead-conversion-events li`).Length() != 3 ||
		doc.Find(`#lead-conversion-events .badge.status-done`).Length() != 8 {
		t.Fatalf("lead section: %d\n%s", r.StatusCode, r.Body)
	}
	// The lead page (app/leads) carries the same section.
	lp := owner.Get("/app/leads/" + itoa(leadID) + "/?lang=tr")
	if lp.StatusCode != 200 || lp.Doc(t).Find(`section#lead-conversions [data-lead-conversions] #lead-conversion-events li`).Length() != 3 ||
		!strings.Contains(lp.Body, "Reklamlar ve dönüşümler") {
		t.Fatalf("the lead page's conversions section: %d\n%s", lp.StatusCode, lp.Body)
	}
	// The settings page's log lists the deliveries; the KPI page's report counts the lead.
	if r := owner.Get("/app/settings/conversions?lang=en"); r.Doc(t).Find(`#deliveries tr[data-delivery]`).Length() != 8 {
		t.Fatalf("delivery log:\n%s", r.Body)
	}
	// On a phone the log is one card per delivery (cards.css): each cell names its column in the
	// reader's language, the event heads the card.
	if d := owner.Get("/app/settings/conversions?lang=tr").Doc(t); d.Find(`#deliveries table.table-cards`).Length() != 1 ||
		d.Find(`#deliveries tr[data-delivery] td[data-label]`).Length() != 8*3 ||
		d.Find(`#deliveries tr[data-delivery] td.cell-title[data-label="Olay"]`).Length() != 8 {
		t.Errorf("the delivery log is not one card per delivery on a phone")
	}
	// The arrow from an event to its platform points the way the row reads: Arabic's runs right to
	// left, so it is "←" there (a "→" pointed back at the event).
	for lang, arrow := range map[string]string{"en": " → ", "ar": " ← "} {
		cell := owner.Get("/app/settings/conversions?lang=" + lang).Doc(t).Find(`#deliveries tr[data-delivery] td`).Eq(1).Text()
		if !strings.Contains(cell, arrow) {
			t.Errorf("%s: the delivery reads %q, want%sbetween the event and its platform", lang, cell, arrow)
		}
	}
	k := owner.Get("/app/analytics/?lang=en").Doc(t)
	if k.Find(`#attribution [data-attr="leads"]`).Text() != "1" || k.Find(`#attribution [data-attr="won"]`).Text() != "1" ||
		k.Find(`[data-attr-table="campaign"] tr[data-key="kis-2026"]`).Length() != 1 ||
		k.Find(`[data-attr-table="platform"] tr[data-key="google"]`).Length() != 1 {
		t.Fatalf("attribution report:\n%s", k.Find("#attribution").Text())
	}

	// A visitor who does not tick the marketing box: nothing is kept, nothing is sent.
	before := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath))
	res2 := widgetPost(t, e, map[string]any{"text": "Merhaba", "name": "Mehmet", "email": "mehmet@example.com", "consent": true, "lang": "tr",
		"attribution": map[string]string{"gclid": "Cj0-other", "utm_campaign": "kis-2026"}})
	var lead2 int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res2["conversation_id"].(float64))).Scan(&lead2)
	if n := count(t, db, `SELECT count(*) FROM lead_attribution WHERE lead_id = ?`, lead2); n != 0 {
		t.Fatal("attribution kept without marketing consent")
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE lead_id = ? AND consent = 0 AND em_hash = '' AND gclid = ''`, lead2); n != 1 {
		t.Fatalf("the Lead event without consent: %d", n)
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.lead_id = ?`, lead2); n != 0 {
		t.Fatal("deliveries queued without consent")
	}
	if r := owner.Get("/app/conversions/leads/" + itoa(lead2) + "?lang=en"); !strings.Contains(r.Body, "Not sent: no marketing consent") {
		t.Fatalf("the unsent event says why:\n%s", r.Body)
	}
	jobs.Poke()
	waitFor(t, "the queue to be empty", func() bool {
		return count(t, db, `SELECT count(*) FROM jobs WHERE kind LIKE 'conversion_%' AND status IN ('queued','running')`) == 0
	})
	if after := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath)); after != before {
		t.Fatalf("a visitor without consent reached the platforms: %d calls before, %d after", before, after)
	}
	// The same person called from another number; the team merged the ad lead into that one: the
	// kept lead's page shows the merged lead's capture and events.
	called, err := e.Handlers.InboxService.Ingest(context.Background(), "usta", db, inboxCall("+905551112233"))
	if err != nil {
		t.Fatal(err)
	}
	var kept int64
	if err := db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, called.ConversationID).Scan(&kept); err != nil || kept == leadID {
		t.Fatalf("the call made no lead of its own (%v)", err)
	}
	if err := inbox.MergeLeads(context.Background(), db, kept, leadID, inbox.LeadActor{Name: "owner"}); err != nil {
		t.Fatal(err)
	}
	if kp := owner.Get("/app/leads/" + itoa(kept) + "/?lang=en"); kp.StatusCode != 200 ||
		kp.Doc(t).Find(`section#lead-conversions #lead-conversion-events li`).Length() != 3 || !strings.Contains(kp.Body, "Cj0KCQ-test") {
		t.Fatalf("the kept lead's page does not show the merged lead's conversions: %d", kp.StatusCode)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// seedWonOrder gives the lead a customer and a won order (as the CRM forms would).
func seedWonOrder(t *testing.T, db *tenantdb.DB, leadID int64, total float64) {
	t.Helper()
	ctx, now := context.Background(), time.Now().UnixMilli()
	res, err := db.Exec(ctx, `INSERT INTO customers(name, created_at, updated_at) VALUES('Ayşe Yılmaz', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	cid, _ := res.LastInsertId()
	if _, err := db.Exec(ctx, `INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at)
		VALUES(?, ?, 'won', ?, 'TRY', ?, ?, ?)`, cid, leadID, total, now, now, now); err != nil {
		t.Fatal(err)
	}
}

// due makes the queued conversion jobs due now (a retry waits jobs.Backoff: 5 s, 20 s, …) and
// wakes the runner: the test does not wait out the backoff, the runner still does the retry.
func due(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	if _, err := db.Exec(context.Background(), `UPDATE jobs SET run_at = 0 WHERE kind = ? AND status = 'queued'`, conversions.JobSend); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
}

// The outbox: a platform that is down (503) is tried again with backoff until it answers, each
// try written on the delivery; one that refuses the payload (400) fails at once and waits for the
// owner's "try again", which sends it; a delivery already sent is never sent again, even when its
// job runs twice; and the same event is made once however often the conversation moves.
func TestOutboxRetryAndDedupe(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	var metaDown, tiktokRefuses = true, true
	var mu sync.Mutex
	p.mu.Lock()
	p.answer = func(path string, n int) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case path == metaPath && metaDown:
			return 503, `{"error":{"message":"Service temporarily unavailable"}}`
		case path == tiktokPath && tiktokRefuses:
			return 200, `{"code":40001,"message":"Access token is invalid"}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali Veli", "phone": "0532 765 43 21", "consent": true, "marketing": true, "lang": "tr",
		"attribution": map[string]string{"fbclid": "IwAR-x", "ttclid": "E.C.P.y"}})
	status := func(dest string) (st string, attempts int, lastErr string) {
		db.Read.QueryRow(`SELECT status, attempts, last_error FROM conversion_deliveries WHERE destination = ?`, dest).Scan(&st, &attempts, &lastErr)
		return
	}
	// The handler writes the delivery's outcome, then the runner the job's: wait for both jobs'
	// outcomes too (the delivery rows alone once let the test read a job still running).
	waitFor(t, "Meta's first try and TikTok's refusal", func() bool {
		_, a, _ := status("meta")
		st, _, _ := status("tiktok")
		return a == 1 && st == "failed" &&
			count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued' AND attempts = 1`, conversions.JobSend) == 1 &&
			count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'failed'`, conversions.JobSend) == 1
	})
	if st, a, msg := status("meta"); st != "queued" || a != 1 || msg != "HTTP 503: Service temporarily unavailable" {
		t.Fatalf("meta after a 503: %s %d %q", st, a, msg)
	}
	if st, a, msg := status("tiktok"); st != "failed" || a != 1 || !strings.Contains(msg, "40001") {
		t.Fatalf("tiktok after a refusal: %s %d %q", st, a, msg)
	}
	if n := count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'failed'`, conversions.JobSend); n != 1 {
		t.Fatalf("the refused delivery's job failed: %d", n)
	}
	// The wait is measured from when the failure was recorded (updated_at), not from now: on a
	// loaded machine seconds can pass between the runner's write and this read.
	var runAt, failedAt int64
	db.Read.QueryRow(`SELECT run_at, updated_at FROM jobs WHERE kind = ? AND status = 'queued'`, conversions.JobSend).Scan(&runAt, &failedAt)
	if wait := time.UnixMilli(runAt).Sub(time.UnixMilli(failedAt)); wait != jobs.Backoff(1) {
		t.Fatalf("the retry waits %v, want the first backoff (5 s)", wait)
	}
	// Still down on the second try; up on the third.
	due(t, db)
	waitFor(t, "Meta's second try, its job queued again", func() bool {
		_, a, _ := status("meta")
		return a == 2 && count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued' AND attempts = 2`, conversions.JobSend) == 1
	})
	mu.Lock()
	metaDown = false
	mu.Unlock()
	due(t, db)
	waitFor(t, "Meta's third try", func() bool { st, _, _ := status("meta"); return st == "sent" })
	if st, a, msg := status("meta"); a != 3 || msg != "" || st != "sent" || len(p.bodies(metaPath)) != 3 {
		t.Fatalf("meta: %s %d %q, %d calls", st, a, msg, len(p.bodies(metaPath)))
	}
	// The three tries carried the same event id (the platform drops repeats).
	ids := map[string]bool{}
	for _, b := range p.bodies(metaPath) {
		var m struct {
			Data []struct {
				EventID string `json:"event_id"`
			} `json:"data"`
		}
		json.Unmarshal([]byte(b), &m)
		ids[m.Data[0].EventID] = true
	}
	if len(ids) != 1 {
		t.Fatalf("event ids across retries: %v", ids)
	}

	// The owner fixes TikTok's token and tries again from the delivery log.
	mu.Lock()
	tiktokRefuses = false
	mu.Unlock()
	var tid int64
	db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'tiktok'`).Scan(&tid)
	page := owner.Get("/app/settings/conversions?lang=en")
	if page.Doc(t).Find(`tr[data-delivery="`+itoa(tid)+`"] form[action$="/retry"]`).Length() != 1 || !strings.Contains(page.Body, "40001") {
		t.Fatalf("the log shows the failure and a retry button:\n%s", page.Body)
	}
	if r := owner.Post("/app/settings/conversions/deliveries/"+itoa(tid)+"/retry", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.StatusCode)
	}
	waitFor(t, "TikTok sent", func() bool { st, _, _ := status("tiktok"); return st == "sent" })
	if r := owner.Post("/app/settings/conversions/deliveries/"+itoa(tid)+"/retry", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("a sent delivery cannot be retried: %d", r.StatusCode)
	}

	// A delivery job that runs again after success sends nothing.
	var mid int64
	db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'meta'`).Scan(&mid)
	calls := len(p.bodies(metaPath))
	jid, err := jobs.EnqueueDB(context.Background(), db, conversions.JobSend, map[string]int64{"delivery_id": mid}, jobs.Options{})
	if err != nil || jid == 0 {
		t.Fatal(err)
	}
	waitFor(t, "the repeated job done", func() bool {
		return count(t, db, `SELECT count(*) FROM jobs WHERE id = ? AND status = 'done'`, jid) == 1
	})
	if len(p.bodies(metaPath)) != calls {
		t.Fatal("a sent delivery was sent again")
	}

	// The same event is made once: a second conversation of the same person (same phone) is
	// qualified after the first; the lead's QualifiedLead exists once, with one delivery per destination.
	var leadID, conv1 int64
	db.Read.QueryRow(`SELECT lead_id, id FROM conversations ORDER BY id LIMIT 1`).Scan(&leadID, &conv1)
	conv2, err := e.Handlers.InboxService.Ingest(context.Background(), "usta", db, inboxCall("+905327654321"))
	if err != nil || conv2.LeadID != leadID {
		t.Fatalf("second conversation: %+v %v", conv2, err)
	}
	op := e.User("usta", "olga", "operator")
	for _, c := range []int64{conv1, conv2.ConversationID} {
		if r := op.Post("/app/inbox/"+itoa(c)+"/", url.Values{"state": {"qualified"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("qualify %d: %d", c, r.StatusCode)
		}
	}
	waitFor(t, "rule jobs done", func() bool {
		return count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running')`, conversions.JobRule) == 0 &&
			count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'done'`, conversions.JobRule) == 2
	})
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE name = 'QualifiedLead'`); n != 1 {
		t.Fatalf("%d QualifiedLead events for one lead", n)
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.name = 'QualifiedLead'`); n != 2 {
		t.Fatalf("%d deliveries of the QualifiedLead (Meta and TikTok; Google has no action for it)", n)
	}
}

// inboxCall is a phone call logged for a number (the same person as an earlier widget visitor).
func inboxCall(phone string) inbox.Inbound {
	return inbox.Inbound{Channel: "call", Phone: phone, Body: "Telefonla aradı"}
}

// A deal marked won before its order is recorded goes out with the value the team put on it: the
// owner's pipeline says the lead is expected to bring 174,000 TRY, the conversation is marked won
// the day the customer says yes, and Meta and Google receive a Purchase of 174,000 TRY. It went
// out as a Purchase of 0, which value-based bidding reads as a sale that brought nothing. A
// lead without an expected value still goes out at 0 (a recorded order or paid invoice stays the
// value: TestConversionPathFromAdClickToSale).
func TestPurchaseWithoutAnOrderCarriesTheExpectedValue(t *testing.T) {
	t.Parallel()
	e, p, _ := setup(t)
	db := e.DB("usta")
	operator := e.User("usta", "olga", "operator")
	visitor := func(name, phone, gclid string) (lead, conv int64) {
		res := widgetPost(t, e, map[string]any{"text": "Bahçe için kilit parke fiyatı?", "name": name, "phone": phone, "consent": true,
			"marketing": true, "lang": "tr", "attribution": map[string]string{"gclid": gclid, "utm_campaign": "bahar"}})
		conv = int64(res["conversation_id"].(float64))
		db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, conv).Scan(&lead)
		return lead, conv
	}
	purchase := func(lead int64) string {
		var body string
		waitFor(t, "the Purchase at Google", func() bool {
			for _, b := range p.bodies(googlePath) {
				if strings.Contains(b, "conversionActions/33") && strings.Contains(b, `"orderId":"`) &&
					strings.Contains(b, gclidOf(t, db, lead)) {
					body = b
					return true
				}
			}
			return false
		})
		return body
	}

	lead, conv := visitor("Kerem Öztürk", "+90 532 765 43 21", "Cj0-valued")
	if r := operator.Post("/app/leads/"+itoa(lead)+"/value", url.Values{"expected_value": {"174000"}}); r.StatusCode != http.StatusSeeOther && r.StatusCode != http.StatusOK {
		t.Fatalf("expected value: %d\n%s", r.StatusCode, r.Body)
	}
	if r := operator.Post("/app/inbox/"+itoa(conv)+"/", url.Values{"state": {"won"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("won: %d", r.StatusCode)
	}
	if g := purchase(lead); !strings.Contains(g, `"conversionValue":174000,`) || !strings.Contains(g, `"currencyCode":"TRY"`) {
		t.Errorf("Google's Purchase of a deal expected at 174,000 TRY: %s", g)
	}
	var meta string
	waitFor(t, "the Purchase at Meta", func() bool {
		for _, b := range p.bodies(metaPath) {
			if strings.Contains(b, `"event_name":"Purchase"`) {
				meta = b
				return true
			}
		}
		return false
	})
	if !strings.Contains(meta, `"custom_data":{"currency":"TRY","value":174000}`) {
		t.Errorf("Meta's Purchase of a deal expected at 174,000 TRY: %s", meta)
	}

	// Without an expected value the sale still goes out, without a value: Google takes the
	// conversion action's own default value (TestGoogleGetsNoValueWhereThereIsNone).
	lead2, conv2 := visitor("Derya Şahin", "+90 533 111 22 33", "Cj0-plain")
	if r := operator.Post("/app/inbox/"+itoa(conv2)+"/", url.Values{"state": {"won"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("won: %d", r.StatusCode)
	}
	if g := purchase(lead2); strings.Contains(g, `"conversionValue"`) || strings.Contains(g, `"currencyCode"`) {
		t.Errorf("Google's Purchase of a deal without a value: %s", g)
	}
}

// An event without a value reaches Google without one, so Google counts it at the conversion
// action's default value — the owner's "a lead is worth 500 TRY to us", which value-based bidding
// steers by. Every Lead went out as "conversionValue":0, which Google takes as a value and
// counts instead of the default: each lead from the ads was worth nothing to the bidding.
func TestGoogleGetsNoValueWhereThereIsNone(t *testing.T) {
	t.Parallel()
	e, p, _ := setup(t)
	res := widgetPost(t, e, map[string]any{"text": "Teras için traverten fiyatı?", "name": "Nazlı Güneş", "phone": "+90 534 222 33 44",
		"consent": true, "marketing": true, "lang": "tr", "attribution": map[string]string{"gclid": "Cj0-lead"}})
	if res["conversation_id"] == nil {
		t.Fatalf("widget: %v", res)
	}
	var lead string
	waitFor(t, "the Lead at Google", func() bool {
		for _, b := range p.bodies(googlePath) {
			if strings.Contains(b, `"gclid":"Cj0-lead"`) && strings.Contains(b, "conversionActions/11") {
				lead = b
				return true
			}
		}
		return false
	})
	if strings.Contains(lead, `"conversionValue"`) || strings.Contains(lead, `"currencyCode"`) {
		t.Errorf("the Lead carries a value of its own, which overrides the action's default: %s", lead)
	}
	// Meta and TikTok are sent no value for a Lead either, as before.
	waitFor(t, "the Lead at Meta and TikTok", func() bool { return len(p.bodies(metaPath)) == 1 && len(p.bodies(tiktokPath)) == 1 })
	if m, tk := p.bodies(metaPath)[0], p.bodies(tiktokPath)[0]; strings.Contains(m, "custom_data") || strings.Contains(tk, "properties") {
		t.Errorf("a Lead with a value: Meta %s, TikTok %s", m, tk)
	}
}

// gclidOf is the gclid of a lead's capture, as its Google upload names it.
func gclidOf(t *testing.T, db *tenantdb.DB, lead int64) string {
	t.Helper()
	var g string
	if err := db.Read.QueryRow(`SELECT gclid FROM lead_attribution WHERE lead_id = ?`, lead).Scan(&g); err != nil {
		t.Fatal(err)
	}
	return `"gclid":"` + g + `"`
}
