package conversions_test

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/conversions"
	"highvibe/app/erasure"
	"highvibe/app/hours"
	"highvibe/app/inbox"
)

// The settings page: a destination switched on without what it needs, a bad id and a bad
// currency come back at 422 with the message by each field, the typed values kept and no secret
// echoed, and nothing stored; a secret left empty keeps the saved one, its box removes it;
// operators may not open the page; with the module off the page is not there.
func TestSettingsPageChecksEverything(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	owner := e.User("usta", "osman", "owner")
	if r := owner.Get("/app/settings/conversions"); r.StatusCode != http.StatusNotFound {
		t.Fatalf("module off: %d", r.StatusCode)
	}
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	if r := e.User("usta", "olga", "operator").Get("/app/settings/conversions"); r.StatusCode != http.StatusForbidden {
		t.Fatalf("operator: %d", r.StatusCode)
	}
	db := e.DB("usta")
	bad := url.Values{"currency": {"lira"}, "meta_on": {"1"}, "meta_pixel_id": {"12ab"}, "meta_access_token": {"EAAtyped"},
		"google_on": {"1"}, "google_customer_id": {"123-456-7890"}, "tiktok_test_code": {"TEST 1"}}
	r := owner.Post("/app/settings/conversions?lang=en", bad)
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad form: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	for field, msg := range map[string]string{"currency": "“lira” is not a currency code in use", "meta_pixel_id": "Digits only", "google_developer_token": "Needed to send events here",
		"google_action_purchase": "at least one event", "tiktok_test_code": "Letters, digits"} {
		if got := doc.Find(`#` + field + `-error`).Text(); !strings.Contains(got, msg) || doc.Find(`#`+field+`.is-invalid`).Length() != 1 {
			t.Errorf("%s: error %q, want %q", field, got, msg)
		}
	}
	if v, _ := doc.Find(`#google_customer_id`).Attr("value"); v != "123-456-7890" || strings.Contains(r.Body, "EAAtyped") {
		t.Errorf("typed values kept (%q), secrets never echoed", v)
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_settings`); n != 0 {
		t.Fatal("a refused form stored settings")
	}
	good := url.Values{"rule_won": {"1"}, "currency": {"EUR"}, "meta_on": {"1"}, "meta_pixel_id": {"111"}, "meta_access_token": {"EAAfirst"}}
	if r := owner.Post("/app/settings/conversions", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	good.Set("meta_access_token", "")
	if r := owner.Post("/app/settings/conversions", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save again: %d", r.StatusCode)
	}
	st, err := conversions.LoadSettings(context.Background(), db.Read, "TRY")
	if err != nil || st.MetaAccessToken != "EAAfirst" || st.RuleLead || st.RuleQualified || !st.RuleWon || st.Currency != "EUR" {
		t.Fatalf("an empty secret keeps the saved one; rules as ticked: %+v %v", st, err)
	}
	page := owner.Get("/app/settings/conversions?lang=en")
	if strings.Contains(page.Body, "EAAfirst") || page.Doc(t).Find(`#conv-meta .badge.state-won`).Length() != 1 {
		t.Fatalf("the saved token is shown as saved, never itself:\n%s", page.Body)
	}
	good.Set("meta_access_token_clear", "1")
	if r := owner.Post("/app/settings/conversions", good); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("removing the token of a destination switched on: %d", r.StatusCode)
	}
	good.Del("meta_on")
	if r := owner.Post("/app/settings/conversions", good); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("remove the token: %d", r.StatusCode)
	}
	if st, _ := conversions.LoadSettings(context.Background(), db.Read, "TRY"); st.MetaAccessToken != "" || st.MetaOn {
		t.Fatalf("token removed: %+v", st)
	}
	if n := count(t, db, `SELECT count(*) FROM action_logs WHERE action_type = 'conversion_settings_saved' AND payload NOT LIKE '%EAA%'`); n != 3 {
		t.Fatalf("%d settings changes logged without secrets", n)
	}
	// Ids typed on an Arabic keyboard (Arabic-Indic digits) are the same numbers, stored in ASCII.
	arabic := url.Values{"currency": {"EUR"}, "meta_on": {"1"}, "meta_pixel_id": {"١١١٢٢٢٣٣٣"}, "meta_access_token": {"EAAar"},
		"google_customer_id": {"١٢٣-٤٥٦-٧٨٩٠"}, "google_action_purchase": {"٣٣"}}
	if r := owner.Post("/app/settings/conversions?lang=ar", arabic); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ids in Arabic digits: %d %s", r.StatusCode, r.Doc(t).Find(".field-error").Text())
	}
	if st, _ := conversions.LoadSettings(context.Background(), db.Read, "TRY"); st.MetaPixelID != "111222333" || st.GoogleCustomerID != "1234567890" ||
		st.GoogleActionPurchase != "33" {
		t.Fatalf("ids stored as %q %q %q", st.MetaPixelID, st.GoogleCustomerID, st.GoogleActionPurchase)
	}

	// Ad spend: a bad amount is refused, a good one stored, "remove" deletes it.
	if r := owner.Post("/app/settings/conversions/spend?lang=en", url.Values{"campaign": {"kis"}, "month": {"2026-12"}, "amount": {"çok"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc(t).Find("#spend-amount-error").Text(), "Enter an amount") {
		t.Fatalf("bad amount: %d", r.StatusCode)
	}
	if r := owner.Post("/app/settings/conversions/spend", url.Values{"campaign": {"kis"}, "month": {"2026-12"}, "amount": {"1.250,50"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("spend: %d", r.StatusCode)
	}
	if n := count(t, db, `SELECT amount_minor FROM ad_spend WHERE campaign = 'kis' AND month = '2026-12'`); n != 125050 {
		t.Fatalf("spend stored as %d", n)
	}
	// The month is named in the reader's language, on the settings and on the KPI page's report.
	if h := owner.Get("/app/settings/conversions?lang=tr&month=2026-12").Doc(t).Find("h2:contains('reklam harcaması')").Text(); h != "Ara\u00a02026 reklam harcaması" {
		t.Errorf("spend heading %q, want the month's name", h)
	}
	if nav := owner.Get("/app/analytics/?lang=ar&attr_month=2026-07").Doc(t).Find("#attribution .page-actions").Text(); !strings.Contains(nav, "يونيو\u00a02026") ||
		!strings.Contains(nav, "يوليو\u00a02026") || !strings.Contains(nav, "أغسطس\u00a02026") || strings.Contains(nav, "2026-0") {
		t.Errorf("attribution months %q, want their Arabic names", nav)
	}
	owner.Post("/app/settings/conversions/spend", url.Values{"campaign": {"kis"}, "month": {"2026-12"}, "remove": {"1"}})
	if n := count(t, db, `SELECT count(*) FROM ad_spend`); n != 0 {
		t.Fatal("spend not removed")
	}
	// Spend is money already paid: a month that has not begun, or a slip like 1900-01, is refused
	// with the months that can be chosen; 0 records nothing and says how to take spend away.
	// Nothing is stored by a refused form.
	next := time.Now().AddDate(0, 2, 0).Format("2006-01")
	for _, tc := range []struct{ month, amount, field, want string }{
		{"1900-01", "500", "#spend-month-error", "from January 2000 up to"},
		{next, "500", "#spend-month-error", "from January 2000 up to"},
		{"2026-11", "0", "#spend-amount-error", "press Remove"},
		{"2026-11", "0,00 TL", "#spend-amount-error", "press Remove"},
	} {
		r := owner.Post("/app/settings/conversions/spend?lang=en", url.Values{"campaign": {"kis"}, "month": {tc.month}, "amount": {tc.amount}})
		if got := r.Doc(t).Find(tc.field).Text(); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(got, tc.want) {
			t.Errorf("spend %s %q: %d %q", tc.month, tc.amount, r.StatusCode, got)
		}
	}
	if n := count(t, db, `SELECT count(*) FROM ad_spend`); n != 0 {
		t.Fatalf("refused spend forms stored %d rows", n)
	}
}

// Withdrawing marketing consent on the lead page: what waits is not sent (its delivery fails with
// the reason), later events are kept unsent, and the page says so.
func TestWithdrawnConsentStopsDeliveries(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	p.mu.Lock()
	p.answer = func(string, int) (int, string) { return 503, `{"error":{"message":"down"}}` } // nothing gets through yet
	p.mu.Unlock()
	res := widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"gclid": "Cj0-w"}})
	var leadID int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res["conversation_id"].(float64))).Scan(&leadID)
	waitFor(t, "first tries", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE attempts = 1 AND status = 'queued'`) == 3
	})
	if r := e.User("usta", "olga", "operator").Post("/app/conversions/leads/"+itoa(leadID)+"/withdraw", url.Values{"confirm": {"yes"}}); r.StatusCode != http.StatusForbidden {
		t.Fatalf("an operator may not withdraw: %d", r.StatusCode)
	}
	// It cannot be undone: the page asks for the box to be ticked, and a withdrawal without it
	// changes nothing and says so.
	form := owner.Get("/app/leads/" + itoa(leadID) + "/?lang=en").Doc(t).Find(`form#withdraw-consent`)
	if form.Find(`input[type=checkbox][name=confirm][value=yes][required]`).Length() != 1 || !strings.Contains(form.Text(), "cannot be undone") {
		t.Fatalf("the withdraw form asks for no confirmation: %q", form.Text())
	}
	if r := owner.Post("/app/conversions/leads/"+itoa(leadID)+"/withdraw", url.Values{"next": {"/app/leads/" + itoa(leadID) + "/"}}); r.StatusCode != http.StatusSeeOther ||
		r.Header.Get("Location") != "/app/leads/"+itoa(leadID)+"/" {
		t.Fatalf("withdraw without the box: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if n := count(t, db, `SELECT count(*) FROM lead_attribution WHERE withdrawn_at IS NOT NULL AND withdrawn_at <> 0`); n != 0 {
		t.Fatal("consent withdrawn without the confirmation")
	}
	if f := owner.Get("/app/leads/" + itoa(leadID) + "/?lang=en").Doc(t).Find(".flash").Text(); !strings.Contains(f, "not withdrawn") {
		t.Fatalf("the page does not say why nothing happened: %q", f)
	}
	if r := owner.Post("/app/conversions/leads/"+itoa(leadID)+"/withdraw", url.Values{"confirm": {"yes"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", r.StatusCode)
	}
	p.mu.Lock()
	p.answer = nil
	p.mu.Unlock()
	calls := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath))
	due(t, db)
	waitFor(t, "the waiting deliveries failed", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE status = 'failed' AND reason = 'no_consent' AND last_error = ''`) == 3
	})
	if after := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath)); after != calls {
		t.Fatal("a delivery went out after the consent was withdrawn")
	}
	r := owner.Get("/app/conversions/leads/" + itoa(leadID) + "?lang=en")
	if !strings.Contains(r.Body, "withdrawn") || r.Doc(t).Find(`form[action$="/withdraw"]`).Length() != 0 {
		t.Fatalf("the page says consent was withdrawn:\n%s", r.Body)
	}
}

// The landing page offers the marketing box (module on) and carries the ad's click ids from its
// address to the form; a request with the box ticked keeps them on the lead.
func TestLandingPageCapture(t *testing.T) {
	t.Parallel()
	e, _, _ := setup(t)
	e.Set("usta", map[string]string{"landing_enabled": "true"})
	c := e.Client()
	page := c.Get("/?lang=tr&gclid=Cj0-landing&utm_campaign=bahar")
	doc := page.Doc(t)
	if v, _ := doc.Find(`#demo input[name="gclid"]`).Attr("value"); v != "Cj0-landing" || doc.Find(`#marketing-consent input[name="marketing"]`).Length() != 1 {
		t.Fatalf("landing form: gclid %q\n%s", v, page.Body)
	}
	r := c.Post("/", url.Values{"name": {"Deniz"}, "contact": {"deniz@example.com"}, "consent": {"1"}, "marketing": {"1"},
		"gclid": {"Cj0-landing"}, "utm_campaign": {"bahar"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("landing post: %d %s", r.StatusCode, r.Body)
	}
	db := e.DB("usta")
	if n := count(t, db, `SELECT count(*) FROM lead_attribution WHERE channel = 'landing' AND gclid = 'Cj0-landing' AND utm_campaign = 'bahar'`); n != 1 {
		t.Fatalf("landing capture: %d", n)
	}
	// Without the tick nothing is kept.
	c.Post("/", url.Values{"name": {"Ece"}, "contact": {"ece@example.com"}, "consent": {"1"}, "gclid": {"Cj0-other"}})
	if n := count(t, db, `SELECT count(*) FROM lead_attribution`); n != 1 {
		t.Fatalf("%d captures", n)
	}
}

// An erasure (KVKK) while a delivery waits for its retry: the waiting delivery is given up and its
// job sends nothing; the consent counts as withdrawn, so a later stage change makes no delivery.
func TestErasureGivesUpWaitingDeliveries(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	p.mu.Lock()
	p.answer = func(string, int) (int, string) { return 503, `{"error":{"message":"down"}}` }
	p.mu.Unlock()
	res := widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"gclid": "Cj0-e"}})
	convID := int64(res["conversation_id"].(float64))
	var leadID int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, convID).Scan(&leadID)
	waitFor(t, "first tries", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE attempts = 1 AND status = 'queued'`) == 3
	})
	s := &erasure.Subject{LeadID: leadID, ConversationIDs: []int64{convID}, Names: []string{"Ali"}, Emails: []string{"ali@example.com"}}
	if err := db.InTx(context.Background(), func(tx *sql.Tx) error { _, err := conversions.EraseLeadTx(context.Background(), tx, s); return err }); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	p.answer = nil
	p.mu.Unlock()
	calls := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath))
	due(t, db)
	waitFor(t, "the delivery jobs done", func() bool {
		return count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running')`, conversions.JobSend) == 0
	})
	if after := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath)); after != calls {
		t.Fatal("an erased person's event went out")
	}
	if r := e.User("usta", "olga", "operator").Post("/app/inbox/"+itoa(convID)+"/", url.Values{"state": {"qualified"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("qualify: %d", r.StatusCode)
	}
	waitFor(t, "the rule job", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_events WHERE name = 'QualifiedLead'`) == 1
	})
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE name = 'QualifiedLead' AND consent = 0 AND em_hash = ''`); n != 1 {
		t.Fatal("an event after the erasure carries consent or hashes")
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.name = 'QualifiedLead'`); n != 0 {
		t.Fatal("deliveries queued after the erasure")
	}
	// The owner's log says, in Turkish, why they were not sent, and offers no "try again" that
	// could only fail; the button's address refuses them too.
	page := owner.Get("/app/settings/conversions")
	if n := strings.Count(page.Body, "Gönderilmedi: kişinin verileri silindi (KVKK)."); n != 3 || page.Doc(t).Find(`form[action$="/retry"]`).Length() != 0 {
		t.Fatalf("the log of an erased person's deliveries (%d reasons):\n%s", n, page.Body)
	}
	var did int64
	db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'meta'`).Scan(&did)
	if r := owner.Post("/app/settings/conversions/deliveries/"+itoa(did)+"/retry", nil); r.StatusCode != http.StatusNotFound {
		t.Fatalf("retrying an erased person's delivery: %d", r.StatusCode)
	}
}

// Meta refuses an expired access token with HTTP 400 and error code 190: the delivery fails at
// once (no retries against a dead token), and the owner's log says in their language that the
// token was refused and what to do, with Meta's own words beside it; the internal reason code
// never shows. After a new token is saved, "try again" sends it.
func TestExpiredMetaTokenTellsTheOwner(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	var mu sync.Mutex
	expired := true
	p.mu.Lock()
	p.answer = func(path string, _ int) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		if path == metaPath && expired {
			return 400, `{"error":{"message":"Error validating access token: Session has expired on Tuesday, 01-Dec-26 10:00:00 PST.","type":"OAuthException","code":190,"error_subcode":463,"fbtrace_id":"Ax1"}}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-t"}})
	waitFor(t, "Meta's refusal", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'meta' AND status = 'failed'`) == 1
	})
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'meta' AND attempts = 1 AND reason = 'credentials'`); n != 1 {
		t.Fatal("the expired token is not recorded as refused credentials after one try")
	}
	for _, c := range []struct{ lang, want string }{
		{"tr", "Platform erişim anahtarını (token) veya kimlik bilgilerini reddetti"},
		{"en", "The platform refused the access token or the credentials"},
		{"ar", "رفضت المنصة رمز الوصول أو بيانات الاعتماد"},
	} {
		page := owner.Get("/app/settings/conversions?lang=" + c.lang)
		if !strings.Contains(page.Body, c.want) || !strings.Contains(page.Body, "Session has expired") ||
			strings.Contains(page.Body, ">credentials<") || page.Doc(t).Find(`form[action$="/retry"]`).Length() != 1 {
			t.Fatalf("%s: the log explains the refused token and offers to try again:\n%s", c.lang, page.Body)
		}
	}
	mu.Lock()
	expired = false
	mu.Unlock()
	if r := owner.Post("/app/settings/conversions", url.Values{"rule_lead": {"1"}, "currency": {"TRY"}, "meta_on": {"1"},
		"meta_pixel_id": {"111222333"}, "meta_access_token": {"EAAnew"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new token: %d %s", r.StatusCode, r.Body)
	}
	var did int64
	db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'meta'`).Scan(&did)
	if r := owner.Post("/app/settings/conversions/deliveries/"+itoa(did)+"/retry", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("retry: %d", r.StatusCode)
	}
	waitFor(t, "Meta sent", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE id = ? AND status = 'sent' AND reason = ''`, did) == 1
	})
}

// A Purchase's value comes from the lead's won order, else its customer's newest paid invoice;
// the attribution report counts leads, qualified, won and revenue by source, campaign and
// platform, with cost per lead from the month's spend.
func TestPurchaseValueAndReport(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	db := e.DB("usta")
	ctx := context.Background()
	t0 := time.Now()
	lead := func(phone, stage string) int64 {
		r, err := e.Handlers.InboxService.Ingest(ctx, "usta", db, inbox.Inbound{Channel: "webchat", ExternalID: "v" + phone, Phone: phone, Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE leads SET stage = ? WHERE id = ?`, stage, r.LeadID); err != nil {
			t.Fatal(err)
		}
		return r.LeadID
	}
	now := t0.UnixMilli()
	exec := func(q string, args ...any) int64 {
		res, err := db.Exec(ctx, q, args...)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		return id
	}
	a, b, c := lead("+905320000001", "won"), lead("+905320000002", "won"), lead("+905320000003", "qualified")
	lead("+905320000004", "new")
	cust := exec(`INSERT INTO customers(name, created_at, updated_at) VALUES('Müşteri', ?, ?)`, now, now)
	exec(`UPDATE leads SET customer_id = ? WHERE id = ?`, cust, b)
	exec(`INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(?,?,'won',1000.25,'TRY',?,?,?)`, cust, a, now, now, now)
	exec(`INSERT INTO invoices(customer_id, amount, currency, status, issued_at, paid_at, created_at, updated_at) VALUES(?,500,'EUR','paid',?,?,?,?)`, cust, now, now, now, now)
	if v, cur, err := conversions.PurchaseValue(ctx, db.Read, a, 0); err != nil || v != 100025 || cur != "TRY" {
		t.Fatalf("order value: %d %s %v", v, cur, err)
	}
	if v, cur, err := conversions.PurchaseValue(ctx, db.Read, b, cust); err != nil || v != 50000 || cur != "EUR" {
		t.Fatalf("invoice value: %d %s %v", v, cur, err)
	}
	if v, cur, _ := conversions.PurchaseValue(ctx, db.Read, c, 0); v != 0 || cur != "" {
		t.Fatalf("no value: %d %s", v, cur)
	}
	svc := e.Handlers.ConversionsSvc
	tenant, _ := e.Server.Platform.TenantBySlug(ctx, "usta")
	for _, x := range []struct {
		id   int64
		caps map[string]string
	}{{a, map[string]string{"gclid": "G", "utm_campaign": "kis"}}, {b, map[string]string{"fbclid": "F", "utm_campaign": "kis"}},
		{c, map[string]string{"ttclid": "T", "utm_campaign": "yaz"}}} {
		if err := svc.Captured(ctx, tenant, db, x.id, false, "webchat", conversions.ParseCapture(func(k string) string { return x.caps[k] }, t0), "text"); err != nil {
			t.Fatal(err)
		}
		// The campaign is the lead's own (the widget stores it with the capture).
		exec(`UPDATE leads SET utm_campaign = ? WHERE id = ?`, x.caps["utm_campaign"], x.id)
	}
	// The month is the business's (Istanbul, no zone saved), as the KPI page reads it: the test
	// machine's (UTC) month was the one before from 21:00 UTC on a month's last day.
	loc := hours.DefaultLocation()
	month := t0.In(loc).Format("2006-01")
	exec(`INSERT INTO ad_spend(campaign, month, amount_minor, updated_at) VALUES('kis', ?, 300000, ?)`, month, now)
	rep, err := conversions.BuildReport(ctx, db.Read, month, loc, "TRY")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Leads != 4 || rep.Total.Qualified != 3 || rep.Total.Won != 2 || rep.Total.RevenueMinor != 100025 || rep.Total.SpendMinor != 300000 {
		t.Fatalf("total: %+v", rep.Total)
	}
	find := func(rows []conversions.ReportRow, k string) conversions.ReportRow {
		for _, r := range rows {
			if r.Key == k {
				return r
			}
		}
		t.Fatalf("no row %q in %+v", k, rows)
		return conversions.ReportRow{}
	}
	if k := find(rep.ByCampaign, "kis"); k.Leads != 2 || k.Won != 2 || k.CostPerLead() != 150000 || k.RevenueMinor != 100025 {
		t.Fatalf("campaign kis: %+v", k)
	}
	if g := find(rep.ByPlatform, "google"); g.Leads != 1 || g.RevenueMinor != 100025 {
		t.Fatalf("google: %+v", g)
	}
	if n := find(rep.ByPlatform, ""); n.Leads != 1 || rep.ByPlatform[len(rep.ByPlatform)-1].Key != "" {
		t.Fatalf("no platform comes last: %+v", rep.ByPlatform)
	}
	if s := find(rep.BySource, "webchat"); s.Leads != 4 {
		t.Fatalf("source: %+v", s)
	}

	// A person who came from an ad and wrote again from another number: the team merged the ad
	// lead into the one that bought. The report counts the person once, under the ad's campaign
	// and platform, with the kept lead's stage and the family's orders.
	adLead, buyer := lead("+905320000005", "new"), lead("+905320000006", "won")
	if err := svc.Captured(ctx, tenant, db, adLead, false, "webchat", conversions.ParseCapture(func(k string) string {
		return map[string]string{"ttclid": "T2", "utm_campaign": "bahar"}[k]
	}, t0), "text"); err != nil {
		t.Fatal(err)
	}
	exec(`UPDATE leads SET utm_campaign = 'bahar' WHERE id = ?`, adLead)
	exec(`INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(?,?,'won',200,'TRY',?,?,?)`, cust, buyer, now, now, now)
	if err := inbox.MergeLeads(ctx, db, buyer, adLead, inbox.LeadActor{UserID: 1, Name: "owner"}); err != nil {
		t.Fatal(err)
	}
	rep, err = conversions.BuildReport(ctx, db.Read, month, loc, "TRY")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.Leads != 5 || rep.Total.Won != 3 || rep.Total.RevenueMinor != 120025 {
		t.Fatalf("total with a merged ad lead: %+v (the person must count once, won, with her order)", rep.Total)
	}
	if k := find(rep.ByCampaign, "bahar"); k.Leads != 1 || k.Won != 1 || k.RevenueMinor != 20000 {
		t.Fatalf("campaign of the merged ad lead: %+v", k)
	}
	if k := find(rep.ByPlatform, "tiktok"); k.Leads != 2 || k.Won != 1 || k.RevenueMinor != 20000 {
		t.Fatalf("tiktok with the merged ad lead: %+v", k)
	}

	// Orders in another currency are not converted and not in the revenue, but the report says
	// what they came to, so the owner does not read the revenue as all there was. A cancelled one
	// does not count.
	exec(`INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(?,?,'won',500.25,'EUR',?,?,?)`, cust, a, now, now, now)
	exec(`INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(?,?,'fulfilled',250.25,'EUR',?,?,?)`, cust, adLead, now, now, now)
	exec(`INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at) VALUES(?,?,'cancelled',90,'USD',?,?,?)`, cust, c, now, now, now)
	rep, err = conversions.BuildReport(ctx, db.Read, month, loc, "TRY")
	if err != nil {
		t.Fatal(err)
	}
	if rep.Total.RevenueMinor != 120025 || len(rep.Other) != 1 || rep.Other[0] != (conversions.OtherRevenue{Currency: "EUR", Orders: 2, AmountMinor: 75050}) {
		t.Fatalf("other currencies: revenue %d, %+v", rep.Total.RevenueMinor, rep.Other)
	}
	owner := e.User("usta", "osman", "owner")
	note := owner.Get("/app/analytics/?lang=tr&attr_month=" + month).Doc(t).Find(`#attribution [data-attr="other"]`).Text()
	if !strings.Contains(note, "Başka para birimlerinde de kazanıldı") || !strings.Contains(note, "750,50") || !strings.Contains(note, "(2 sipariş)") {
		t.Errorf("the KPI page's note on other currencies: %q", note)
	}
}

// The lead page's conversion events say why a delivery failed, in the reader's language and in
// the words of the settings page's log, with the platform's answer beside them: the owner gets
// "Try again", which comes back to the lead page; an operator reads who can act on it.
func TestLeadPageSaysWhyADeliveryFailed(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	p.mu.Lock()
	p.answer = func(path string, _ int) (int, string) {
		if path == metaPath {
			return 400, `{"error":{"message":"Error validating access token: Session has expired.","type":"OAuthException","code":190}}`
		}
		return 0, ""
	}
	p.mu.Unlock()
	res := widgetPost(t, e, map[string]any{"text": "Fiyat?", "name": "Ali", "email": "ali@example.com", "consent": true, "marketing": true,
		"lang": "tr", "attribution": map[string]string{"fbclid": "IwAR-l"}})
	var leadID int64
	db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, int64(res["conversation_id"].(float64))).Scan(&leadID)
	waitFor(t, "Meta's refusal", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE destination = 'meta' AND status = 'failed'`) == 1
	})
	var did int64
	db.Read.QueryRow(`SELECT id FROM conversion_deliveries WHERE destination = 'meta'`).Scan(&did)
	lead := "/app/leads/" + itoa(leadID) + "/"
	for _, c := range []struct{ lang, want string }{
		{"tr", "Platform erişim anahtarını (token) veya kimlik bilgilerini reddetti"},
		{"en", "The platform refused the access token or the credentials"},
		{"ar", "رفضت المنصة رمز الوصول أو بيانات الاعتماد"},
	} {
		page := owner.Get(lead + "?lang=" + c.lang)
		fail := page.Doc(t).Find(`#lead-conversions [data-failed-delivery="` + itoa(did) + `"]`)
		if !strings.Contains(fail.Text(), c.want) || !strings.Contains(fail.Text(), "Session has expired") ||
			fail.Find(`form[action="/app/settings/conversions/deliveries/`+itoa(did)+`/retry"]`).Length() != 1 || strings.Contains(page.Body, ">credentials<") {
			t.Fatalf("%s: the lead page explains the failed delivery:\n%s", c.lang, page.Body)
		}
		if n := page.Doc(t).Find(`#lead-conversions [data-failed-delivery]`).Length(); n != 1 {
			t.Fatalf("%s: %d failures shown, want only Meta's", c.lang, n)
		}
	}
	op := e.User("usta", "olga", "operator").Get(lead)
	fail := op.Doc(t).Find(`#lead-conversions [data-failed-delivery]`)
	if !strings.Contains(fail.Text(), "Platform erişim anahtarını") || fail.Find("form").Length() != 0 ||
		!strings.Contains(fail.Text(), "yalnızca işletme sahibidir") {
		t.Fatalf("the operator's lead page:\n%s", op.Body)
	}
	r := owner.Post("/app/settings/conversions/deliveries/"+itoa(did)+"/retry", url.Values{"next": {lead + "#lead-conversions"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != lead+"#lead-conversions" {
		t.Fatalf("try again from the lead page: %d %q", r.StatusCode, r.Header.Get("Location"))
	}
}

// A business that sells in euros and never saved the conversion settings: the attribution
// report on the KPI page counts its euro orders as revenue, in euros like the cards above it,
// the settings page offers EUR (the business currency) for the events and the ad spend, and a
// Purchase without an order or invoice goes out in euros. The default was TRY for every
// business: a euro shop read its sales as "Also won in other currencies" under a revenue of
// ₺0.00, and its ad spend in lira.
func TestConversionsInTheBusinessCurrency(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	e.Set("usta", map[string]string{"modules": "conversion_tracking", "currency": "EUR"})
	db := e.DB("usta")
	ctx := context.Background()
	r, err := e.Handlers.InboxService.Ingest(ctx, "usta", db, inbox.Inbound{Channel: "webchat", ExternalID: "v1", Phone: "+905320000001", Body: "Hallo"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UnixMilli()
	if _, err := db.Exec(ctx, `UPDATE leads SET stage = 'won' WHERE id = ?`, r.LeadID); err != nil {
		t.Fatal(err)
	}
	res, err := db.Exec(ctx, `INSERT INTO customers(name, created_at, updated_at) VALUES('Kunde', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	cust, _ := res.LastInsertId()
	if _, err := db.Exec(ctx, `INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at)
		VALUES(?,?,'won',1200,'EUR',?,?,?)`, cust, r.LeadID, now, now, now); err != nil {
		t.Fatal(err)
	}
	owner := e.User("usta", "osman", "owner")
	doc := owner.Get("/app/analytics/?lang=en").Doc(t)
	if got := doc.Find(`#attribution [data-attr="revenue"]`).Text(); !strings.Contains(got, "€1,200.00") {
		t.Errorf("the report's revenue: %q, want the euro order in euros", got)
	}
	if other := doc.Find(`#attribution [data-attr="other"]`).Text(); other != "" {
		t.Errorf("the business's own currency is no other currency: %q", other)
	}
	if v, _ := owner.Get("/app/settings/conversions?lang=en").Doc(t).Find(`#currency`).Attr("value"); v != "EUR" {
		t.Errorf("the settings page offers %q, want the business currency EUR", v)
	}
	lead2, err := e.Handlers.InboxService.Ingest(ctx, "usta", db, inbox.Inbound{Channel: "webchat", ExternalID: "v2", Phone: "+905320000002", Body: "Hallo"})
	if err != nil {
		t.Fatal(err)
	}
	id, err := e.Handlers.ConversionsSvc.Record(ctx, "usta", db, lead2.LeadID, lead2.ConversationID, conversions.EventPurchase, time.Now())
	if err != nil || id == 0 {
		t.Fatalf("record: %d %v", id, err)
	}
	var cur string
	if err := db.Read.QueryRowContext(ctx, `SELECT currency FROM conversion_events WHERE id = ?`, id).Scan(&cur); err != nil || cur != "EUR" {
		t.Errorf("a Purchase without an order goes out in %q (%v), want EUR", cur, err)
	}

	// The owner sets USD for events without a value (the ad account bills in dollars): the KPI
	// page's report stays in the business currency, like the cards above it, and so does the ad
	// spend the settings page asks for. The report counted only dollar orders as revenue.
	if r := owner.Post("/app/settings/conversions", url.Values{"rule_won": {"1"}, "currency": {"USD"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	doc = owner.Get("/app/analytics/?lang=en").Doc(t)
	if got := doc.Find(`#attribution [data-attr="revenue"]`).Text(); !strings.Contains(got, "€1,200.00") {
		t.Errorf("the report's revenue with USD for events: %q, want the euro order in euros", got)
	}
	if got := owner.Get("/app/settings/conversions?lang=en").Doc(t).Find(`label[for="spend-amount"]`).Text(); !strings.Contains(got, "EUR") {
		t.Errorf("the ad spend is asked in %q, want the business currency EUR", got)
	}
}

// The attribution report's arrows stop at the current month: the month after it has not begun,
// and its page said "No lead arrived in this month" of a month nobody could have arrived in. An
// earlier month keeps both arrows.
func TestAttributionOffersNoFutureMonth(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	owner := e.User("usta", "osman", "owner")
	doc := owner.Get("/app/analytics/?lang=en").Doc(t)
	if doc.Find(`#attribution a[rel=prev]`).Length() != 1 || doc.Find(`#attribution a[rel=next]`).Length() != 0 {
		t.Errorf("this month's report: want a link back and none forward: %q", doc.Find("#attribution .page-actions").Text())
	}
	last := time.Now().AddDate(0, -1, -time.Now().Day()+1).Format("2006-01")
	doc = owner.Get("/app/analytics/?lang=en&attr_month=" + last).Doc(t)
	if doc.Find(`#attribution a[rel=prev]`).Length() != 1 || doc.Find(`#attribution a[rel=next]`).Length() != 1 {
		t.Errorf("last month's report: want both arrows: %q", doc.Find("#attribution .page-actions").Text())
	}
}

// A Purchase of a lead that other leads were merged into is worth the newest won order of the
// person, whichever of her leads it was recorded on: the quote was accepted on her first lead,
// the team then merged that lead into the one her WhatsApp conversation is on and marked that
// conversation won. The value was 0 (the order stayed on the merged lead).
func TestPurchaseValueOfAMergedPerson(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	db := e.DB("usta")
	ctx := context.Background()
	lead := func(ext string) int64 {
		r, err := e.Handlers.InboxService.Ingest(ctx, "usta", db, inbox.Inbound{Channel: "webchat", ExternalID: ext, Phone: "+90532000000" + ext, Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		return r.LeadID
	}
	first, kept := lead("1"), lead("2")
	now := time.Now().UnixMilli()
	res, err := db.Exec(ctx, `INSERT INTO customers(name, created_at, updated_at) VALUES('Ayşe', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	cust, _ := res.LastInsertId()
	if _, err := db.Exec(ctx, `INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at)
		VALUES(?,?,'won',4200.5,'TRY',?,?,?)`, cust, first, now, now, now); err != nil {
		t.Fatal(err)
	}
	if err := inbox.MergeLeads(ctx, db, kept, first, inbox.LeadActor{UserID: 1, Name: "owner"}); err != nil {
		t.Fatal(err)
	}
	if v, cur, err := conversions.PurchaseValue(ctx, db.Read, kept, 0); err != nil || v != 420050 || cur != "TRY" {
		t.Errorf("the merged person's purchase: %d %q %v, want 420050 TRY", v, cur, err)
	}
}

// One sale is one Purchase: the customer wrote on the website and then on WhatsApp (one lead, two
// conversations); the team marked both won for the one order. Each went out as a Purchase of the
// order's value, so the platforms counted the revenue twice. A later order, in either
// conversation, is a new sale.
func TestOneSaleIsOnePurchase(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "en")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	owner := e.User("usta", "osman", "owner")
	if r := owner.Post("/app/settings/conversions", url.Values{"rule_won": {"1"}, "currency": {"TRY"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", r.StatusCode)
	}
	db := e.DB("usta")
	ctx := context.Background()
	in := func(channel, ext string) (lead, conv int64) {
		r, err := e.Handlers.InboxService.Ingest(ctx, "usta", db, inbox.Inbound{Channel: channel, ExternalID: ext, Phone: "+905320000001", Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		return r.LeadID, r.ConversationID
	}
	lead, web := in("webchat", "w-1")
	lead2, wa := in("whatsapp", "905320000001")
	if lead2 != lead || wa == web {
		t.Fatalf("one person on two channels: leads %d %d, conversations %d %d", lead, lead2, web, wa)
	}
	now := time.Now().UnixMilli()
	res, err := db.Exec(ctx, `INSERT INTO customers(name, created_at, updated_at) VALUES('Ayşe', ?, ?)`, now, now)
	if err != nil {
		t.Fatal(err)
	}
	cust, _ := res.LastInsertId()
	order := func(total float64, at int64) {
		if _, err := db.Exec(ctx, `INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at)
			VALUES(?,?,'won',?,'TRY',?,?,?)`, cust, lead, total, at, at, at); err != nil {
			t.Fatal(err)
		}
	}
	won := func(conv int64) int64 {
		id, err := e.Handlers.ConversionsSvc.Record(ctx, "usta", db, lead, conv, conversions.EventPurchase, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	purchases := func() string {
		rows, err := db.Read.Query(`SELECT value_minor FROM conversion_events WHERE name = 'Purchase' ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var v int64
			rows.Scan(&v)
			out = append(out, strconv.FormatInt(v, 10))
		}
		return strings.Join(out, ",")
	}
	order(4200.50, now)
	if won(web) == 0 {
		t.Fatal("the website conversation marked won made no Purchase")
	}
	won(wa)
	if got := purchases(); got != "420050" {
		t.Fatalf("one order, two conversations marked won: purchases %s, want one of 420050", got)
	}
	// Months later she orders again, on WhatsApp: a new sale.
	order(1500, now+1000)
	if won(wa) == 0 {
		t.Fatal("a second order made no Purchase")
	}
	won(web)
	if got := purchases(); got != "420050,150000" {
		t.Errorf("two orders: purchases %s, want 420050,150000", got)
	}
}
