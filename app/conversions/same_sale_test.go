package conversions_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// One sale is one Purchase at the ad platforms. A deal marked won the day the customer says yes
// went out as a Purchase of its expected value; the team recorded the order, reopened the
// conversation for a question and marked it won again: the order's Purchase went out too, under
// the order's id, and Google and TikTok (which drop a repeat only of the same id) counted the
// sale twice, Meta too once its deduplication window had passed. Now the order is the sale the
// first Purchase counted: it is kept, not sent, and the settings page's log and the lead page say
// why. Every path: won → reopened → won (nothing new), a second conversation won without an order
// (kept as the same sale), won → order → won again (kept), order → won (sent once, with the
// order's value), won → lost → a new order won (a new sale, sent).
func TestOneSaleIsOnePurchaseAtThePlatforms(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	e.Set("usta", map[string]string{"modules": "conversion_tracking,sales"}) // orders are recorded on the order form
	db := e.DB("usta")
	operator := e.User("usta", "olga", "operator")
	state := func(conv int64, s string) {
		t.Helper()
		if r := operator.Post("/app/inbox/"+itoa(conv)+"/", url.Values{"state": {s}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("conversation %d marked %s: %d\n%s", conv, s, r.StatusCode, r.Body)
		}
		apptest.Settle(t, db) // what the change makes is made before the next step
	}
	// purchases are the Purchases Google and TikTok received for a click (each counts every one).
	purchases := func(gclid string) (google, tiktok []string) {
		apptest.Settle(t, db)
		for _, b := range p.bodies(googlePath) {
			if strings.Contains(b, "conversionActions/33") && strings.Contains(b, `"gclid":"`+gclid+`"`) {
				google = append(google, b)
			}
		}
		var lead int64
		db.Read.QueryRow(`SELECT lead_id FROM lead_attribution WHERE gclid = ?`, gclid).Scan(&lead)
		var ext string
		db.Read.QueryRow(`SELECT external_hash FROM conversion_events WHERE lead_id = ? LIMIT 1`, lead).Scan(&ext)
		for _, b := range p.bodies(tiktokPath) {
			if strings.Contains(b, `"event":"CompletePayment"`) && strings.Contains(b, ext) {
				tiktok = append(tiktok, b)
			}
		}
		return google, tiktok
	}
	visitor := func(name, phone, gclid string) (lead, conv int64) {
		res := widgetPost(t, e, map[string]any{"text": "Bahçe için kilit parke fiyatı?", "name": name, "phone": phone, "consent": true,
			"marketing": true, "lang": "tr", "attribution": map[string]string{"gclid": gclid, "utm_campaign": "bahar"}})
		conv = int64(res["conversation_id"].(float64))
		db.Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, conv).Scan(&lead)
		if r := operator.Post("/app/leads/"+itoa(lead)+"/value", url.Values{"expected_value": {"90000"}}); r.StatusCode >= 400 {
			t.Fatalf("expected value: %d", r.StatusCode)
		}
		return lead, conv
	}
	order := func(name string, lead int64, total string) {
		t.Helper()
		if r := owner.Post("/customers/new", url.Values{"name": {name}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("customer: %d\n%s", r.StatusCode, r.Body)
		}
		var cust int64
		db.Read.QueryRow(`SELECT max(id) FROM customers WHERE name = ?`, name).Scan(&cust)
		if r := owner.Post("/orders/new", url.Values{"customer_id": {itoa(cust)}, "lead_id": {itoa(lead)}, "status": {"won"}, "total": {total},
			"currency": {"TRY"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("order: %d\n%s", r.StatusCode, r.Body)
		}
	}

	// Won before the order: one Purchase of the expected value. Reopened and won again with
	// nothing new: nothing more.
	lead, conv := visitor("Kerem Öztürk", "+90 532 765 43 21", "Cj0-kerem")
	state(conv, "won")
	if g, tk := purchases("Cj0-kerem"); len(g) != 1 || len(tk) != 1 || !strings.Contains(g[0], `"conversionValue":90000,`) {
		t.Fatalf("won before the order: Google %d, TikTok %d Purchases, want 1 each of the expected 90,000\n%v", len(g), len(tk), g)
	}
	state(conv, "negotiation")
	state(conv, "won")
	if g, tk := purchases("Cj0-kerem"); len(g) != 1 || len(tk) != 1 {
		t.Fatalf("won again without an order: Google %d, TikTok %d Purchases, want 1 each", len(g), len(tk))
	}

	// The same person writes on WhatsApp and that conversation is marked won too, with no order
	// yet: the same sale, kept.
	r, err := e.Handlers.InboxService.Ingest(context.Background(), "usta", db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905327654321",
		Phone: "+905327654321", Body: "Siparişi onaylıyorum"})
	if err != nil || r.LeadID != lead {
		t.Fatalf("the same person on WhatsApp: lead %d (want %d), %v", r.LeadID, lead, err)
	}
	state(r.ConversationID, "won")
	if g, tk := purchases("Cj0-kerem"); len(g) != 1 || len(tk) != 1 {
		t.Fatalf("a second conversation won without an order: Google %d, TikTok %d Purchases, want 1 each", len(g), len(tk))
	}
	if txt := owner.Get("/app/settings/conversions?lang=tr").Doc(t).Find(`#deliveries tr[data-same-sale]`).Text(); !strings.Contains(txt, "Yeni bir sipariş olmadan") {
		t.Errorf("the log's row of the second conversation's Purchase (tr): %q", txt)
	}

	// The order is recorded (nothing goes out for it by itself), the conversation reopened for a
	// question and marked won again: the order is the sale already counted.
	order("Kerem Öztürk", lead, "92500")
	state(conv, "negotiation")
	state(conv, "won")
	if g, tk := purchases("Cj0-kerem"); len(g) != 1 || len(tk) != 1 {
		t.Fatalf("won again after the order: Google %d, TikTok %d Purchases, want still 1 each (the order is the same sale)", len(g), len(tk))
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE lead_id = ? AND name = 'Purchase' AND same_sale_as <> ''`, lead); n != 2 {
		t.Fatalf("the order's Purchase kept as the same sale: %d rows", n)
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.event_id WHERE e.same_sale_as <> ''`); n != 0 {
		t.Fatalf("a Purchase kept as the same sale has %d deliveries", n)
	}
	// The owner reads why in the log, in their language, and on the lead.
	var firstAt int64
	db.Read.QueryRow(`SELECT event_time FROM conversion_events WHERE lead_id = ? AND name = 'Purchase' AND same_sale_as = ''`, lead).Scan(&firstAt)
	row := owner.Get("/app/settings/conversions?lang=tr").Doc(t).Find(`#deliveries tr[data-same-sale]`).First() // the newest first
	if when := time.UnixMilli(firstAt).In(istanbul(t)).Format("02.01.2006 15:04"); !strings.Contains(row.Text(), when+" tarihli") {
		t.Errorf("the log's row does not say when the sale was counted (%s): %q", when, row.Text())
	}
	if row.Length() != 1 || !strings.Contains(row.Text(), "Gönderilmedi") || !strings.Contains(row.Text(), "beklenen değerle gönderilmişti") ||
		!strings.Contains(row.Text(), "Satış") {
		t.Errorf("the log's row of the kept Purchase (tr): %d rows, %q", row.Length(), row.Text())
	}
	if txt := owner.Get("/app/settings/conversions?lang=en").Doc(t).Find(`#deliveries tr[data-same-sale]`).Text(); !strings.Contains(txt, "count the sale twice") {
		t.Errorf("the log's row of the kept Purchase (en): %q", txt)
	}
	if txt := owner.Get("/app/conversions/leads/" + itoa(lead) + "?lang=tr").Doc(t).Find(`#lead-conversion-events [data-same-sale]`).Text(); !strings.Contains(txt, "aynı satış") {
		t.Errorf("the lead's kept Purchase (tr): %q", txt)
	}

	// A second deal, lost: its Purchase stood for a sale that did not happen, so the order the
	// customer places months later is a new sale.
	lead2, conv2 := visitor("Derya Şahin", "+90 533 111 22 33", "Cj0-derya")
	state(conv2, "won")
	state(conv2, "lost")
	order("Derya Şahin", lead2, "40000")
	state(conv2, "negotiation")
	state(conv2, "won")
	if g, tk := purchases("Cj0-derya"); len(g) != 2 || len(tk) != 2 || !strings.Contains(g[1], `"conversionValue":40000,`) {
		t.Fatalf("won, lost, then a new order won: Google %d, TikTok %d Purchases, want 2 each, the second of 40,000\n%v", len(g), len(tk), g)
	}

	// A deal marked won and never given its order stands for a sale only so long: the order the
	// customer places four months later is a new sale.
	lead4, conv4 := visitor("Emre Kaya", "+90 535 444 55 66", "Cj0-emre")
	state(conv4, "won")
	if _, err := db.Write.Exec(`UPDATE conversion_events SET event_time = event_time - ? WHERE lead_id = ? AND name = 'Purchase'`,
		(91 * 24 * time.Hour).Milliseconds(), lead4); err != nil {
		t.Fatal(err)
	}
	order("Emre Kaya", lead4, "52000")
	state(conv4, "negotiation")
	state(conv4, "won")
	if g, tk := purchases("Cj0-emre"); len(g) != 2 || len(tk) != 2 || !strings.Contains(g[1], `"conversionValue":52000,`) {
		t.Fatalf("won, then an order 91 days later: Google %d, TikTok %d Purchases, want 2 each, the second of 52,000\n%v", len(g), len(tk), g)
	}

	// Order first, then won: one Purchase of the order's value; won again: nothing more.
	lead3, conv3 := visitor("Nazlı Güneş", "+90 534 222 33 44", "Cj0-nazli")
	order("Nazlı Güneş", lead3, "61000")
	state(conv3, "won")
	state(conv3, "negotiation")
	state(conv3, "won")
	if g, tk := purchases("Cj0-nazli"); len(g) != 1 || len(tk) != 1 || !strings.Contains(g[0], `"conversionValue":61000,`) {
		t.Fatalf("order, then won twice: Google %d, TikTok %d Purchases, want 1 each of 61,000\n%v", len(g), len(tk), g)
	}
}

// istanbul is the business's zone (the demo and these tests are in Turkey).
func istanbul(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
