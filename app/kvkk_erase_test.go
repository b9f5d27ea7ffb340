package app_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/conversions"
	"highvibe/app/inbox"
	"highvibe/app/media/mediatest"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

// waWebhook is a signed WhatsApp Cloud API delivery of one text from one sender.
func waWebhook(t *testing.T, e *apptest.Env, key, secret, name, waID, wamid, text string) {
	t.Helper()
	body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":%q},"wa_id":%q}],
"messages":[{"from":%q,"id":%q,"timestamp":"1735689600","type":"text","text":{"body":%q}}]},"field":"messages"}]}]}`, name, waID, waID, wamid, text))
	if r := e.Client().PostJSON("/api/webhooks/whatsapp/", body, map[string]string{"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign(body, secret)}); r.StatusCode != 200 {
		t.Fatalf("webhook: %d %s", r.StatusCode, r.Body)
	}
}

// settle waits until every job of the tenant (the webhook's processing, triage, notifications)
// that is due or was tried has finished, a retry after a failed first try included
// (apptest.Settle).
func settle(t testing.TB, db *tenantdb.DB) {
	t.Helper()
	apptest.SettleBut(t, db, inbox.JobDeliver) // the replies cannot reach WhatsApp here; they retry for minutes
}

// findEverywhere reads every row of every table of db (sqlite_master: real tables, the FTS
// indexes' shadow tables and the virtual tables themselves) and returns "table.column" for each
// text or blob value that holds one of needles (compared lower-cased, Turkish rules too).
func findEverywhere(t *testing.T, db *sql.DB, needles []string) []string {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 3 {
		t.Fatalf("only %d tables", len(tables))
	}
	var lowered []string
	for _, n := range needles {
		lowered = append(lowered, strings.ToLower(n), strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(n, "I", "ı"), "İ", "i")))
	}
	var hits []string
	for _, tb := range tables {
		rs, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rs.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rs.Next() {
			if err := rs.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var s string
				switch x := v.(type) {
				case string:
					s = x
				case []byte:
					s = string(x)
				default:
					continue
				}
				s = strings.ToLower(s)
				for j, n := range lowered {
					if strings.Contains(s, n) {
						hits = append(hits, fmt.Sprintf("%s.%s (%q)", tb, cols[i], needles[j/2]))
					}
				}
			}
		}
		rs.Close()
	}
	return hits
}

// TestKVKKEraseLeavesNoTrace: a person who wrote on WhatsApp (name, number and e-mail in the
// message too), got a photo, a CRM customer record with an order and an invoice, the assistant's
// proposals, notifications and action-log rows, is exported (JSON and summary, logged) and then
// erased by the owner with a reason and the typed word. Afterwards every table of the tenant
// file — the FTS indexes' own tables included — and of the media database is read value by value
// and holds none of the stored forms of the phone, the name, the e-mail or their SHA-256 hashes;
// the search finds nothing; the other customer is untouched; counts and amounts stay; `audit
// verify` still passes, with the masked rows vouched for by the erasure row, which names who and
// why. Operators and viewers reach none of it; a refused erase changes nothing.
func TestKVKKEraseLeavesNoTrace(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	allModules(e, "acme")
	const secret = "app-secret"
	// WhatsApp sending set up, so the team's reply below is queued (a channel that cannot send refuses it).
	e.Set("acme", map[string]string{"whatsapp_app_secret": secret, "whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055"})
	key := e.APIKey("acme", "whatsapp_webhook")
	db := e.DB("acme")
	ctx := context.Background()
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "olga", "operator")
	viewer := e.User("acme", "vera", "viewer")

	const name, wa, email = "Zerrin Karabıyık", "905329876543", "Zerrin.K@ornek.com.tr"
	waWebhook(t, e, key, secret, name, wa, "wamid.z1", "Merhaba, ben Zerrin Karabıyık. 120 m2 mermer için fiyat alabilir miyim? Numaram 0532 987 65 43, e-posta zerrin.k@ornek.com.tr")
	waWebhook(t, e, key, secret, "Okan Demirtaş", "905331110099", "wamid.o1", "Bahçe için kilit parke fiyatı nedir?")
	// Her second number wrote too; the team merged that lead into hers (the merged lead's row stays,
	// pointing at hers): erasing her must erase it as well.
	waWebhook(t, e, key, secret, "Zerrin K.", "905421112233", "wamid.z2", "Bu da diğer numaram.")
	settle(t, db)
	var conv, lead, otherLead int64
	_ = db.Read.QueryRow(`SELECT id, lead_id FROM conversations WHERE external_id = ?`, wa).Scan(&conv, &lead)
	_ = db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE external_id = '905331110099'`).Scan(&otherLead)
	if conv == 0 || otherLead == 0 {
		t.Fatal("the webhook made no conversations")
	}
	var second int64
	_ = db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE external_id = '905421112233'`).Scan(&second)
	if second == 0 || second == lead {
		t.Fatal("the second number made no lead of its own")
	}
	// A site visit booked on the second number stays with that lead when it is merged: her export
	// must still hold it (and the merged lead's own details).
	if _, err := db.Write.Exec(`INSERT INTO site_visits(lead_id, starts_at, address, token, created_at, updated_at) VALUES(?, ?, 'Moda Cad. No:12 Kadıköy', 'visit-z2', ?, ?)`,
		second, time.Now().Add(72*time.Hour).UnixMilli(), time.Now().UnixMilli(), time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	if err := inbox.MergeLeads(ctx, db, lead, second, inbox.LeadActor{UserID: 1, Name: "talha"}); err != nil {
		t.Fatal(err)
	}
	cpath := "/app/inbox/" + strconv.FormatInt(conv, 10) + "/"
	// Her message is dated long ago (the webhook's fixed timestamp): as if she had just written,
	// so WhatsApp's 24-hour window is open and the composer sends the reply.
	if _, err := db.Write.Exec(`UPDATE conversations SET last_inbound_at = ? WHERE id = ?`, time.Now().UnixMilli(), conv); err != nil {
		t.Fatal(err)
	}
	// The team writes about her: a reply with her name, a note, a next action.
	for _, f := range []url.Values{
		{"body": {"Zerrin Hanım, 0532 987 65 43 numarasından sizi arayacağız."}},
		{"body": {"Zerrin Karabıyık keşif istiyor, adresi Kadıköy."}, "direction": {"system"}},
		{"next_action": {"Zerrin Karabıyık'ı yarın ara"}},
	} {
		if r := owner.Post(cpath, f); r.StatusCode >= 400 {
			t.Fatalf("conversation post %v: %d", f, r.StatusCode)
		}
	}
	// A photo she sent.
	photo := mediatest.JPEG(40, 40)
	prep, err := e.Handlers.Media.Prepare(ctx, "acme", photo, "zerrin-salon.jpg", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Handlers.InboxService.AddMessage(ctx, "acme", db, conv, inbox.Outgoing{Direction: "inbound", Body: "[image: zerrin-salon.jpg]",
		Attach: func(ctx context.Context, tx *sql.Tx, id int64, cv *inbox.Conversation) error {
			_, err := prep.Attach(ctx, tx, id, cv.ID, cv.LeadID, cv.Channel)
			return err
		}}, ""); err != nil {
		t.Fatal(err)
	}
	// Her customer record, linked to the lead, with an order and an invoice.
	if r := owner.Post("/customers/new", url.Values{"name": {name}, "phone": {"+90 532 987 65 43"}, "email": {email}, "city": {"İstanbul"}, "notes": {"Zerrin Hanım mermer seviyor"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	var cust int64
	_ = db.Read.QueryRow(`SELECT id FROM customers WHERE email = ?`, email).Scan(&cust)
	if _, err := db.Write.Exec(`UPDATE leads SET customer_id = ? WHERE id = ?`, cust, lead); err != nil { // as the lead page's "link customer" does
		t.Fatal(err)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {fmt.Sprint(cust)}, "lead_id": {fmt.Sprint(lead)}, "status": {"won"}, "total": {"48000"}, "currency": {"TRY"},
		"description": {"Zerrin Karabıyık salon mermeri 120 m2"}, "ordered_at": {"2026-11-20"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body)
	}
	if r := owner.Post("/invoices/new", url.Values{"customer_id": {fmt.Sprint(cust)}, "number": {"F-2026-0042"}, "amount": {"48000"}, "currency": {"TRY"},
		"status": {"sent"}, "issued_at": {"2026-11-21"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d %s", r.StatusCode, r.Body)
	}
	// She asked for IT help too: a ticket from her conversation, naming her.
	if _, err := msp.Create(ctx, db, msp.NewTicket{Subject: "Zerrin Karabıyık: e-posta açılmıyor", Description: "Zerrin Hanım 0532 987 65 43'ten aradı",
		ConversationID: conv}, msp.Actor{UserID: 1, Name: "talha"}); err != nil {
		t.Fatal(err)
	}
	// She came from a Meta ad with marketing consent: click ids, and events with her hashed data.
	if err := conversions.SeedDemo(ctx, "acme", "TRY", db, []conversions.DemoCapture{{LeadID: lead, ConversationID: conv, Stage: "won", Platform: "meta",
		Campaign: "kis-mermer", At: time.Now().Add(-48 * time.Hour)}}, nil); err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, e, "acme", fmt.Sprint(`SELECT count(*) FROM conversion_events WHERE ph_hash <> '' AND fn_hash <> '' AND lead_id = `, lead)); n == 0 {
		t.Fatal("no conversion event with her hashed data: the test would not cover conversion tracking")
	}
	settle(t, db)

	page := "/app/kvkk/leads/" + strconv.FormatInt(lead, 10) + "/"
	for _, c := range []*apptest.Client{op, viewer} {
		for _, p := range []string{page, page + "export.json", page + "summary"} {
			if r := c.Get(p); r.StatusCode != http.StatusForbidden {
				t.Errorf("%s as a non-owner: %d", p, r.StatusCode)
			}
		}
		if r := c.Post(page+"erase", url.Values{"reason": {"x"}, "confirm": {"SİL"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("a non-owner erased: %d", r.StatusCode)
		}
		if c.Get(cpath).Doc(t).Find("[data-lead-kvkk]").Length() != 0 {
			t.Error("a non-owner sees the personal data link")
		}
	}
	if owner.Get(cpath).Doc(t).Find("[data-lead-kvkk]").Length() != 1 {
		t.Error("the conversation does not link the person's data for the owner")
	}
	leadPage := "/app/leads/" + strconv.FormatInt(lead, 10) + "/"
	if d := owner.Get(leadPage).Doc(t); d.Find("#lead-kvkk [data-lead-kvkk]").Length() != 1 || d.Find("#lead-kvkk [data-lead-export-json]").Length() != 1 {
		t.Error("the lead page has no personal-data section for the owner")
	}
	if r := op.Get(leadPage); r.StatusCode != 200 || r.Doc(t).Find("#lead-kvkk").Length() != 0 {
		t.Errorf("the lead page shows an operator the personal-data section (%d)", r.StatusCode)
	}
	if r := owner.Get(page); r.StatusCode != 200 || !strings.Contains(r.Body, name) {
		t.Fatalf("person page: %d", r.StatusCode)
	}
	js := owner.Get(page + "export.json")
	if js.StatusCode != 200 || !strings.Contains(js.Body, "Numaram 0532 987 65 43") || !strings.Contains(js.Body, `"name": "Zerrin Karabıyık"`) ||
		!strings.Contains(js.Body, `"total": 48000`) || !strings.Contains(js.Body, `"fbclid": "IwAR-demo`) || !strings.Contains(js.Body, `"name": "Purchase"`) || !strings.Contains(js.Header.Get("Content-Disposition"), "acme-person-") {
		t.Errorf("JSON export: %d %.400s", js.StatusCode, js.Body)
	}
	if r := owner.Get(page + "summary"); r.StatusCode != 200 || !strings.Contains(r.Body, "120 m2 mermer") || !strings.Contains(r.Body, "Zerrin Karabıyık salon mermeri") ||
		!strings.Contains(r.Body, "Bu da diğer numaram.") || !strings.Contains(r.Body, "Moda Cad. No:12 Kadıköy") || r.Doc(t).Find(fmt.Sprintf("[data-merged-lead='%d']", second)).Length() != 1 {
		t.Errorf("summary: %d, or it leaves out the merged lead, its conversation or its visit", r.StatusCode)
	}
	var merged struct {
		Merged []struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Phone string `json:"phone"`
		} `json:"merged_leads"`
		Visits []struct {
			Address string `json:"address"`
		} `json:"site_visits"`
	}
	if err := json.Unmarshal([]byte(js.Body), &merged); err != nil || len(merged.Merged) != 1 || merged.Merged[0].ID != second || merged.Merged[0].Name != "Zerrin K." ||
		!strings.Contains(merged.Merged[0].Phone, "5421112233") || len(merged.Visits) != 1 || merged.Visits[0].Address != "Moda Cad. No:12 Kadıköy" {
		t.Errorf("the JSON export leaves out the lead merged into hers or its visit: %+v %v", merged, err)
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM action_logs WHERE action_type = 'person_exported' AND actor_name = 'talha'`); n != 2 {
		t.Errorf("%d person exports logged, want 2", n)
	}

	// Refused erasures change nothing.
	for _, f := range []url.Values{{"confirm": {"SİL"}}, {"reason": {"istedi"}}, {"reason": {"istedi"}, "confirm": {"evet"}}} {
		if r := owner.Post(page+"erase", f); r.StatusCode != 422 {
			t.Errorf("erase %v: %d, want 422", f, r.StatusCode)
		}
	}
	if r := owner.Post(page+"erase", url.Values{"reason": {"istedi"}}); !strings.Contains(r.Body, "Silmeyi onaylamak için tam olarak SİL yazın.") {
		t.Error("the missing word is not said in Turkish")
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM leads WHERE name = 'Zerrin Karabıyık'`); n != 1 {
		t.Fatal("a refused erase changed the lead")
	}

	counts := func() [6]int {
		var c [6]int
		for i, q := range []string{`SELECT count(*) FROM conversations`, `SELECT count(*) FROM messages`, `SELECT count(*) FROM orders`,
			`SELECT count(*) FROM invoices`, `SELECT CAST(sum(total) AS INTEGER) FROM orders`, `SELECT count(*) FROM decision_recommendations`} {
			c[i] = countRows(t, e, "acme", q)
		}
		return c
	}
	before := counts()
	recs := countRows(t, e, "acme", fmt.Sprint(`SELECT count(*) FROM decision_recommendations WHERE lead_id = `, lead))
	if recs == 0 || countRows(t, e, "acme", `SELECT count(*) FROM notifications`) == 0 {
		t.Fatal("the assistant proposed nothing or nobody was notified: the test would not cover their tables")
	}
	mdb, _ := e.Server.Mgr.Media(ctx, "acme")
	var blobsBefore int
	_ = mdb.Read.QueryRow(`SELECT count(*) FROM blobs`).Scan(&blobsBefore)

	r := owner.Post(page+"erase", url.Values{"reason": {"Zerrin Karabıyık 3 Aralık'ta WhatsApp'tan silinmesini istedi"}, "confirm": {"sil"}})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d %s", r.StatusCode, r.Body)
	}
	if got := owner.Get(r.Header.Get("Location")); !strings.Contains(got.Body, "Kişi silindi:") || got.Doc(t).Find("[data-erased]").Length() != 1 {
		t.Error("the page does not say the person is erased")
	} else if flash := got.Doc(t).Find(".flash-ok").Text(); strings.Contains(flash, "%!") || !strings.Contains(flash, " mesaj boşaltıldı") {
		t.Errorf("the erasure's banner does not count what it emptied: %q", flash)
	}

	// Every stored form: as typed, E.164, digits, national, with the trunk zero, spaced, the
	// search index's 7-digit suffix; the name as written and folded; the e-mail; the hashes ad
	// platforms are sent.
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	needles := []string{"+90 532 987 65 43", "+905329876543", wa, "5329876543", "05329876543", "0532 987 65 43", "532 987 65 43", "9876543",
		name, "Zerrin", "Karabıyık", "karabiyik", email, "zerrin.k@ornek", sum("zerrin.k@ornek.com.tr"), sum(wa), sum("+" + wa), sum("zerrin"), sum("karabıyık"), "IwAR-demo",
		"905421112233", "5421112233", "Zerrin K."}
	if hits := findEverywhere(t, db.Read, needles); len(hits) > 0 {
		t.Errorf("the erased person is still stored in %d places:\n%s", len(hits), strings.Join(hits, "\n"))
	}
	if hits := findEverywhere(t, mdb.Read, needles); len(hits) > 0 {
		t.Errorf("the media database still holds the person: %s", strings.Join(hits, "\n"))
	}
	// The search index's vocabulary (terms, not only documents) and the search itself.
	if _, err := db.Write.Exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.cs_vocab USING fts5vocab(main, conversation_search, 'row')`); err != nil {
		t.Fatal(err)
	}
	var terms int
	_ = db.Write.QueryRow(`SELECT count(*) FROM temp.cs_vocab WHERE term IN ('zerrin','karabiyik','905329876543','5329876543','9876543','ornek')`).Scan(&terms)
	if terms != 0 {
		t.Errorf("%d of the person's words are still terms of the search index", terms)
	}
	if r := owner.Get("/app/inbox/?q=Karab%C4%B1y%C4%B1k"); r.Doc(t).Find("[data-conversation-id]").Length() != 0 {
		t.Error("the inbox search still finds the erased person")
	}
	if r := owner.Get("/app/inbox/?q=Demirta%C5%9F"); r.Doc(t).Find("[data-conversation-id]").Length() != 1 {
		t.Error("the search lost the other customer")
	}
	var blobs int
	_ = mdb.Read.QueryRow(`SELECT count(*) FROM blobs`).Scan(&blobs)
	if blobs >= blobsBefore {
		t.Errorf("blobs %d → %d: the photo was not deleted", blobsBefore, blobs)
	}
	if n := countRows(t, e, "acme", fmt.Sprint(`SELECT count(*) FROM conversion_events WHERE external_hash = '' AND fbc = '' AND lead_id = `, lead)); n == 0 {
		t.Error("her conversion events were not emptied (or are gone)")
	}
	// The figures stay; the other customer stays whole.
	if after := counts(); after != before {
		t.Errorf("counts changed: %v → %v", before, after)
	}
	if n := countRows(t, e, "acme", fmt.Sprint(`SELECT count(*) FROM leads WHERE name = 'Okan Demirtaş' AND phone_e164 = '+905331110099' AND id = `, otherLead)); n != 1 {
		t.Error("the other customer's lead changed")
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM messages WHERE body = 'Bahçe için kilit parke fiyatı nedir?'`); n != 1 {
		t.Error("the other customer's message changed")
	}
	// The action log: who and why (her name masked in the reason), every masked row vouched for.
	var who, why, payload string
	_ = db.Read.QueryRow(`SELECT actor_name, input_excerpt, payload FROM action_logs WHERE action_type = 'person_erased'`).Scan(&who, &why, &payload)
	if who != "talha" || why != "••• 3 Aralık'ta WhatsApp'tan silinmesini istedi" || !strings.Contains(payload, `"redacted":[`) {
		t.Errorf("erasure row: %q %q %s", who, why, payload)
	}
	rep, err := audit.CheckDB(ctx, db, audit.KeyPath(db.Path), nil)
	if err != nil {
		t.Fatalf("audit verify after the erasure: %v", err)
	}
	if rep.Redacted == 0 {
		t.Error("no action-log row was redacted")
	}
	// Outside an erasure the log stays append-only, redacted rows included.
	if _, err := db.Write.Exec(`UPDATE action_logs SET decision_summary = 'x', redacted_by = 999999 WHERE id = 1`); err == nil {
		t.Error("an action-log row was changed outside an erasure")
	}
	if _, err := db.Write.Exec(`UPDATE action_logs SET input_excerpt = 'forged' WHERE redacted_by IS NOT NULL`); err == nil {
		t.Error("a redacted row was changed again outside an erasure")
	}
}

// TestKVKKEraseCatchesWhatArrivesAfterThePreread: the erasure finds the person's rows in the
// large tables (messages, action log, jobs) on a read connection before its transaction, and
// the transaction tests only those and what can have changed since. Everything written between
// the two — a new delivery quoting the person (its message, its action-log row, its stored job)
// and an older job's error that names them — is masked all the same.
func TestKVKKEraseCatchesWhatArrivesAfterThePreread(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	const secret = "s3"
	e.Set("acme", map[string]string{"whatsapp_app_secret": secret})
	key := e.APIKey("acme", "whatsapp_webhook")
	const name, phone = "Nevzat Tarhan", "905447778899"
	waWebhook(t, e, key, secret, name, phone, "wamid.p1", "Merhaba, salon parkesi için keşif rica ediyorum.")
	waWebhook(t, e, key, secret, "Selin Ak", "905301112233", "wamid.o1", "Komşum Nevzat Tarhan önerdi.")
	db := e.DB("acme")
	settle(t, db)
	var lead, otherJob int64
	if err := db.Read.QueryRow(`SELECT id FROM leads WHERE phone_e164 = '+905447778899'`).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	if err := db.Read.QueryRow(`SELECT min(id) FROM jobs WHERE status = 'done' AND payload NOT LIKE '%Nevzat%' AND payload NOT LIKE '%7778899%'`).Scan(&otherJob); err != nil {
		t.Fatal(err)
	}
	svc := e.Handlers.KVKK.Svc
	svc.Between = func() {
		svc.Between = nil
		waWebhook(t, e, key, secret, "Selin Ak", "905301112233", "wamid.o2", "Nevzat Tarhan'ın numarası 0544 777 88 99, ona da teklif verin.")
		settle(t, db)
		now := time.Now().UnixMilli()
		if _, err := db.Write.Exec(`UPDATE jobs SET last_error = 'retry for 0544 777 88 99', updated_at = ? WHERE id = ?`, now, otherJob); err != nil {
			t.Error(err)
		}
	}
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post(fmt.Sprintf("/app/kvkk/leads/%d/erase", lead), url.Values{"reason": {"istedi"}, "confirm": {"ERASE"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d %s", r.StatusCode, r.Body)
	}
	if svc.Between != nil {
		t.Fatal("the erasure did not run its pre-read")
	}
	if hits := findEverywhere(t, db.Read, []string{name, "Nevzat", "Tarhan", phone, "5447778899", "0544 777 88 99"}); len(hits) > 0 {
		t.Errorf("written after the pre-read and still there:\n%s", strings.Join(hits, "\n"))
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM messages WHERE body LIKE '%teklif verin%'`); n != 1 {
		t.Errorf("the late message quoting the person: %d, want it kept (masked)", n)
	}
}

// TestKVKKEraseSentOnce: the erase form is sent once. A double click on "Erase for good" (or the
// phone resending the post) erased the person a second time and wrote a second "A person erased
// (KVKK)" row to the action log, with a second banner counting messages emptied that were empty
// already; the second post now leads to the person's page with "This form was already sent".
func TestKVKKEraseSentOnce(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	res, err := e.Handlers.InboxService.Ingest(t.Context(), "acme", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905447778899",
		Phone: "+90 544 777 88 99", Name: "Nevzat Tarhan", ProviderMessageID: "wamid.once", Body: "Merhaba, keşif rica ediyorum."})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/app/kvkk/leads/%d/", res.LeadID)
	token, _ := owner.Get(page).Doc(t).Find(`form[action$="/erase"] input[name=form_once]`).Attr("value")
	if token == "" {
		t.Fatal("the erase form carries no one-time token")
	}
	form := url.Values{"reason": {"e-postayla istedi"}, "confirm": {"SİL"}, "form_once": {token}}
	for i := range 2 {
		r := owner.Post(page+"erase", form)
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != page {
			t.Fatalf("post %d: %d to %q, want 303 to the person's page", i+1, r.StatusCode, r.Header.Get("Location"))
		}
		if i == 1 {
			if got := owner.Get(page).Doc(t).Find(".flashes").Text(); !strings.Contains(got, "Bu form zaten gönderilmişti") {
				t.Errorf("after the second post the page says %q, want that the form was already sent", got)
			}
		}
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM action_logs WHERE action_type = '`+audit.ErasureAction+`'`); n != 1 {
		t.Errorf("%d erasure rows in the action log, want 1", n)
	}
}
