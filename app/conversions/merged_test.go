package conversions_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/conversions"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// adLead is a visitor's first message on the chat widget after an ad click, with the marketing
// box ticked: it returns the lead and its conversation.
func adLead(t *testing.T, e *apptest.Env, name, gclid, fbclid string) (lead, conv int64) {
	t.Helper()
	res := widgetPost(t, e, map[string]any{"text": "Bahçe taşı fiyatı?", "name": name, "consent": true, "marketing": true, "lang": "tr",
		"attribution": map[string]string{"gclid": gclid, "fbclid": fbclid, "utm_campaign": "bahar-" + gclid}})
	conv = int64(res["conversation_id"].(float64))
	if err := e.DB("usta").Read.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, conv).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	return lead, conv
}

// whatsappLead is the same person writing on WhatsApp: a lead of its own (the widget knew no
// phone), with its conversation.
func whatsappLead(t *testing.T, e *apptest.Env, phone string) (lead, conv int64) {
	t.Helper()
	in, err := e.Handlers.InboxService.Ingest(context.Background(), "usta", e.DB("usta"), inbox.Inbound{Channel: "whatsapp",
		ExternalID: strings.TrimPrefix(phone, "+"), Phone: phone, Name: "Ayşe Yılmaz", Body: "Taşlar için sipariş vermek istiyorum", Kind: "text"})
	if err != nil {
		t.Fatal(err)
	}
	return in.LeadID, in.ConversationID
}

// rulesDone waits until every rule job queued so far has run.
func rulesDone(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	waitFor(t, "the rule jobs done", func() bool {
		return count(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running')`, conversions.JobRule) == 0
	})
}

// The sale of a merged person reaches the ad platforms. The person clicked a Google/Meta ad and
// wrote on the website chat (ticking the marketing box), clicked another ad a day later and wrote
// again from another browser, then ordered on WhatsApp; the owner merged both chat leads into the
// WhatsApp lead, where the order was recorded and the conversation marked won. The click ids and
// the consent stayed on the merged chat leads, so the Purchase was kept as "no marketing consent"
// and never sent, and the lead page's "withdraw consent" answered 404. Now the Purchase goes out
// once, with the first ad click the person brought (the one the attribution report credits), and
// the QualifiedLead made before the merge is not made a second time; withdrawing consent on the
// kept lead stops the whole person's events.
func TestMergedAdLeadSaleReachesThePlatforms(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	operator := e.User("usta", "olga", "operator")

	first, firstConv := adLead(t, e, "Ayşe", "Cj0-first", "IwAR-first")
	var fbc string
	db.Read.QueryRow(`SELECT fbc FROM lead_attribution WHERE lead_id = ?`, first).Scan(&fbc)
	if !strings.HasSuffix(fbc, ".IwAR-first") {
		t.Fatalf("the first click's fbc: %q", fbc)
	}
	// The chat lead is qualified before the merge: its QualifiedLead goes out (Meta, TikTok).
	if r := operator.Post("/app/inbox/"+itoa(firstConv)+"/", url.Values{"state": {"qualified"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("qualified: %d", r.StatusCode)
	}
	// A day later, another ad click from another browser: a second chat lead with its own capture.
	if _, err := db.Exec(context.Background(), `UPDATE lead_attribution SET created_at = created_at - 86400000 WHERE lead_id = ?`, first); err != nil {
		t.Fatal(err)
	}
	second, _ := adLead(t, e, "Ayşe Y.", "Cj0-second", "IwAR-second")
	kept, keptConv := whatsappLead(t, e, "+905551112233")
	if kept == first || kept == second {
		t.Fatal("the WhatsApp message made no lead of its own")
	}
	rulesDone(t, db)
	waitFor(t, "the two Lead events and the QualifiedLead delivered", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE status = 'sent'`) == 8
	})

	for _, drop := range []int64{first, second} {
		if r := owner.Post("/app/leads/"+itoa(kept)+"/merge", url.Values{"merge_id": {itoa(drop)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("merge %d into %d: %d %s", drop, kept, r.StatusCode, r.Body)
		}
	}
	seedWonOrder(t, db, kept, 8750)
	var orderID int64
	db.Read.QueryRow(`SELECT id FROM orders WHERE lead_id = ?`, kept).Scan(&orderID)
	if r := operator.Post("/app/inbox/"+itoa(keptConv)+"/", url.Values{"state": {"won"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("won: %d", r.StatusCode)
	}
	rulesDone(t, db)

	var eventID, gclid, evFBC string
	var consent bool
	var purchaseID int64
	if err := db.Read.QueryRow(`SELECT id, event_id, consent, gclid, fbc FROM conversion_events WHERE name = 'Purchase' AND lead_id = ?`, kept).
		Scan(&purchaseID, &eventID, &consent, &gclid, &evFBC); err != nil {
		t.Fatalf("no Purchase for the won conversation: %v", err)
	}
	if !consent || gclid != "Cj0-first" || evFBC != fbc || !strings.HasSuffix(eventID, "-purchase-order-"+itoa(orderID)) {
		t.Fatalf("the merged person's Purchase: consent %v, gclid %q, fbc %q, id %q (want the first click's ids, sent, for order %d)",
			consent, gclid, evFBC, eventID, orderID)
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE name = 'QualifiedLead'`); n != 1 {
		t.Fatalf("%d QualifiedLead events for one person (the merge must not make a second one to send)", n)
	}
	waitFor(t, "the Purchase delivered to the three platforms", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE event_id = ? AND status = 'sent'`, purchaseID) == 3
	})
	var meta struct {
		Data []struct {
			EventID  string `json:"event_id"`
			UserData struct {
				Fbc string `json:"fbc"`
			} `json:"user_data"`
		} `json:"data"`
	}
	for _, b := range p.bodies(metaPath) {
		if strings.Contains(b, `"event_name":"Purchase"`) {
			json.Unmarshal([]byte(b), &meta)
		}
	}
	if len(meta.Data) != 1 || meta.Data[0].UserData.Fbc != fbc || meta.Data[0].EventID != eventID {
		t.Fatalf("Meta's Purchase: %+v", meta.Data)
	}
	gs := p.bodies(googlePath)
	if !strings.Contains(gs[len(gs)-1], `"gclid":"Cj0-first"`) || !strings.Contains(gs[len(gs)-1], "conversionActions/33") {
		t.Fatalf("Google's Purchase: %s", gs[len(gs)-1])
	}

	// The KPI page's report credits the person to the same click's campaign and platform.
	k := owner.Get("/app/analytics/?lang=en").Doc(t)
	if k.Find(`[data-attr-table="campaign"] tr[data-key="bahar-Cj0-first"]`).Length() != 1 ||
		k.Find(`[data-attr-table="campaign"] tr[data-key="bahar-Cj0-second"]`).Length() != 0 || k.Find(`#attribution [data-attr="won"]`).Text() != "1" {
		t.Fatalf("attribution report: %s", k.Find("#attribution").Text())
	}

	// The kept lead's page shows the click the sale went with, and its "withdraw" works there:
	// nothing more of the person is sent, whichever of her leads a later sale is on.
	doc := owner.Get("/app/leads/" + itoa(kept) + "/?lang=en").Doc(t)
	form := doc.Find(`section#lead-conversions form[action="/app/conversions/leads/` + itoa(kept) + `/withdraw"]`)
	if form.Length() != 1 || !strings.Contains(doc.Find("#lead-attribution").Text(), "Cj0-first") {
		t.Fatalf("the kept lead's section: %s", doc.Find("section#lead-conversions").Text())
	}
	if r := owner.Post("/app/conversions/leads/"+itoa(kept)+"/withdraw", url.Values{"confirm": {"yes"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw on the kept lead: %d", r.StatusCode)
	}
	if n := count(t, db, `SELECT count(*) FROM lead_attribution WHERE withdrawn_at IS NULL`); n != 0 {
		t.Fatalf("%d of the person's captures still consented after the withdrawal", n)
	}
	calls := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath))
	seedWonOrder(t, db, kept, 1200)
	id, err := e.Handlers.ConversionsSvc.Record(context.Background(), "usta", db, kept, keptConv, conversions.EventPurchase, time.Now())
	if err != nil || id == 0 {
		t.Fatalf("the new sale's Purchase: %d %v", id, err)
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE id = ? AND consent = 0 AND gclid = '' AND em_hash = ''`, id); n != 1 {
		t.Fatal("a sale after the withdrawal was kept with consent or click ids")
	}
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE event_id = ?`, id); n != 0 {
		t.Fatal("a sale after the withdrawal was queued for the platforms")
	}
	if after := len(p.bodies(metaPath)) + len(p.bodies(googlePath)) + len(p.bodies(tiktokPath)); after != calls {
		t.Fatal("something reached a platform after the withdrawal")
	}
}

// A withdrawal on any lead of the person stops the family's events: she withdrew her consent on
// the second chat (not the click the sale goes with) before the leads were merged; the sale on
// the kept lead is kept unsent, and a delivery still waiting for the first chat's lead fails
// with "no marketing consent".
func TestWithdrawalOnAMergedLeadStopsThePerson(t *testing.T) {
	t.Parallel()
	e, p, owner := setup(t)
	db := e.DB("usta")
	p.mu.Lock()
	p.answer = func(string, int) (int, string) { return 503, `{"error":{"message":"down"}}` } // the Lead events wait for a retry
	p.mu.Unlock()
	first, _ := adLead(t, e, "Ayşe", "Cj0-a", "IwAR-a")
	second, _ := adLead(t, e, "Ayşe Y.", "Cj0-b", "")
	kept, keptConv := whatsappLead(t, e, "+905551112244")
	waitFor(t, "the Lead events' first tries", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE attempts = 1 AND status = 'queued'`) == 6
	})
	if r := owner.Post("/app/conversions/leads/"+itoa(second)+"/withdraw", url.Values{"confirm": {"yes"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw on the second chat: %d", r.StatusCode)
	}
	for _, drop := range []int64{first, second} {
		if r := owner.Post("/app/leads/"+itoa(kept)+"/merge", url.Values{"merge_id": {itoa(drop)}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("merge: %d", r.StatusCode)
		}
	}
	p.mu.Lock()
	p.answer = nil
	p.mu.Unlock()
	seedWonOrder(t, db, kept, 500)
	if r := e.User("usta", "olga", "operator").Post("/app/inbox/"+itoa(keptConv)+"/", url.Values{"state": {"won"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("won: %d", r.StatusCode)
	}
	rulesDone(t, db)
	if n := count(t, db, `SELECT count(*) FROM conversion_events WHERE name = 'Purchase' AND lead_id = ? AND consent = 0 AND gclid = ''`, kept); n != 1 {
		t.Fatal("the sale of a person who withdrew consent was kept with it")
	}
	due(t, db)
	waitFor(t, "the waiting Lead deliveries of the first chat failed", func() bool {
		return count(t, db, `SELECT count(*) FROM conversion_deliveries d JOIN conversion_events e ON e.id = d.event_id
			WHERE e.lead_id = ? AND d.status = 'failed' AND d.reason = 'no_consent'`, first) == 3
	})
	if n := count(t, db, `SELECT count(*) FROM conversion_deliveries WHERE status = 'sent'`); n != 0 {
		t.Fatalf("%d deliveries of a person who withdrew consent were sent", n)
	}
	if doc := owner.Get("/app/leads/" + itoa(kept) + "/?lang=en").Doc(t); doc.Find(`section#lead-conversions form[action$="/withdraw"]`).Length() != 0 ||
		!strings.Contains(doc.Find("#lead-attribution").Text(), "withdrawn") {
		t.Fatalf("the kept lead's page must say the consent was withdrawn: %s", doc.Find("section#lead-conversions").Text())
	}
}
