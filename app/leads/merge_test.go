package leads_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// Two leads of one person: the owner finds the look-alike on the lead page and merges it; the
// conversations move, empty details are filled, the merged lead's address leads to the kept one,
// a new message from the merged lead's e-mail lands on the kept lead, and the action log holds both
// leads before and the kept one after. Operators may not merge; a merge of a lead into itself or of
// a merged lead is refused and changes nothing.
func TestLeadMerge(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	owner := e.User("parke", "sahip", "owner")
	op := e.User("parke", "ayse", "operator")
	keep, _ := seed(t, e, "parke", "whatsapp", "905321112233", "Ayşe Yılmaz", "+90 532 111 22 33", "Merhaba", nil)
	var drop int64
	err := e.DB("parke").InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		drop, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "crm-9", Phone: "0532 111 22 33",
			Email: "ayse@example.com", Stage: "qualified", Source: "import"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	in, err := e.Handlers.InboxService.Ingest(context.Background(), "parke", e.DB("parke"), inbox.Inbound{Channel: "email",
		ExternalID: "thread-1", Email: "ayse@example.com", Body: "Teklif bekliyorum", Kind: "text"})
	if err != nil || in.LeadID != drop {
		t.Fatalf("e-mail to the imported lead: lead %d, %v", in.LeadID, err)
	}
	dropConv := in.ConversationID
	setValue(t, e, "parke", drop, 30000)

	doc := owner.Get(fmt.Sprintf("/app/leads/%d/", keep)).Doc(t)
	if doc.Find(fmt.Sprintf(`#lead-merge [data-merge="%d"]`, drop)).Length() != 1 {
		t.Fatalf("the look-alike is not offered: %s", doc.Find("#lead-merge").Text())
	}
	if op.Get(fmt.Sprintf("/app/leads/%d/", keep)).Doc(t).Find("#lead-merge").Length() != 0 {
		t.Error("an operator sees the merge")
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/merge", keep), url.Values{"merge_id": {id(drop)}}); r.StatusCode != 403 {
		t.Fatalf("operator merge: %d", r.StatusCode)
	}
	if r := owner.Post(fmt.Sprintf("/app/leads/%d/merge", keep), url.Values{"merge_id": {id(keep)}}); r.StatusCode != 422 {
		t.Fatalf("merge into itself: %d", r.StatusCode)
	}
	// The search finds it too.
	doc = owner.Get(fmt.Sprintf("/app/leads/%d/?merge_q=%s", keep, url.QueryEscape("ayse@"))).Doc(t)
	if doc.Find(fmt.Sprintf(`#lead-merge [data-merge="%d"]`, drop)).Length() != 1 {
		t.Error("the search does not find the other lead")
	}

	r := owner.Post(fmt.Sprintf("/app/leads/%d/merge", keep), url.Values{"merge_id": {id(drop)}})
	if r.StatusCode != 303 {
		t.Fatalf("merge: %d %s", r.StatusCode, r.Body)
	}
	db := e.DB("parke").Read
	var email, stage string
	var value int64
	_ = db.QueryRow(`SELECT email, stage, expected_value FROM leads WHERE id = ?`, keep).Scan(&email, &stage, &value)
	if email != "ayse@example.com" || stage != "qualified" || value != 30000 {
		t.Errorf("kept lead after merge: %q %q %d", email, stage, value)
	}
	var owned int64
	_ = db.QueryRow(`SELECT lead_id FROM conversations WHERE id = ?`, dropConv).Scan(&owned)
	if owned != keep {
		t.Errorf("the merged lead's conversation belongs to %d", owned)
	}
	if r := owner.Get(fmt.Sprintf("/app/leads/%d/", drop)); r.StatusCode != 303 || r.Header.Get("Location") != fmt.Sprintf("/app/leads/%d/", keep) {
		t.Errorf("merged lead's page: %d → %s", r.StatusCode, r.Header.Get("Location"))
	}
	if ids := rowIDs(t, owner.Get("/app/leads/")); len(ids) != 1 || ids[0] != id(keep) {
		t.Errorf("list after merge: %v", ids)
	}
	var payload string
	_ = db.QueryRow(`SELECT payload FROM action_logs WHERE provider = 'lead_pipeline' AND action_type = 'lead_merged'`).Scan(&payload)
	var p struct {
		LeadID int64 `json:"lead_id"`
		Merged int64 `json:"merged_lead_id"`
		Before struct {
			Kept, Merged map[string]any
		}
		After map[string]any
	}
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		t.Fatalf("payload %s: %v", payload, err)
	}
	if p.LeadID != keep || p.Merged != drop || p.Before.Kept["email"] != "" || p.Before.Merged["email"] != "ayse@example.com" ||
		p.After["email"] != "ayse@example.com" || p.Before.Kept["stage"] != "new" || p.After["stage"] != "qualified" {
		t.Errorf("merge log: %s", payload)
	}
	// The kept lead's page shows both conversations and the merge.
	doc = owner.Get(fmt.Sprintf("/app/leads/%d/", keep)).Doc(t)
	if n := doc.Find("#lead-conversations [data-conversation]").Length(); n != 2 {
		t.Errorf("conversations after merge: %d", n)
	}
	if doc.Find(`#lead-events [data-action="lead_merged"]`).Length() != 1 {
		t.Error("the merge is not among the lead's events")
	}
	// A new e-mail from the merged lead's address comes to the kept lead.
	res, err := e.Handlers.InboxService.Ingest(context.Background(), "parke", e.DB("parke"), inbox.Inbound{Channel: "email",
		ExternalID: "other-thread", Email: "ayse@example.com", Body: "Bir sorum daha var", Kind: "text"})
	if err != nil || res.LeadID != keep {
		t.Errorf("new message after merge went to lead %d (%v)", res.LeadID, err)
	}
	// The same merge again (a double tap, a second tab) is what is done: it says so, not "this lead
	// was merged into another one" in red, and logs nothing more.
	if r := owner.Post(fmt.Sprintf("/app/leads/%d/merge", keep), url.Values{"merge_id": {id(drop)}}); r.StatusCode != 303 {
		t.Errorf("second merge: %d %s", r.StatusCode, r.Body)
	}
	doc = owner.Get(fmt.Sprintf("/app/leads/%d/", keep)).Doc(t)
	if f := doc.Find(".flash"); f.Length() != 1 || f.HasClass("flash-error") || !strings.Contains(f.Text(), fmt.Sprintf("#%d", drop)) {
		h, _ := f.Parent().Html()
		t.Errorf("second merge says: %s", h)
	}
	var merges int
	_ = db.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'lead_merged'`).Scan(&merges)
	if merges != 1 {
		t.Errorf("%d merge log rows after a second tap", merges)
	}
	// Merging it into another lead is still refused.
	other, _ := seed(t, e, "parke", "whatsapp", "905329998877", "Başka Biri", "+90 532 999 88 77", "Selam", nil)
	if r := owner.Post(fmt.Sprintf("/app/leads/%d/merge", other), url.Values{"merge_id": {id(drop)}}); r.StatusCode == 303 {
		if !strings.Contains(owner.Get(fmt.Sprintf("/app/leads/%d/", other)).Body, "flash-error") {
			t.Error("a merged lead merged into a third lead")
		}
	}
	_ = db.QueryRow(`SELECT merged_into FROM leads WHERE id = ?`, drop).Scan(&owned)
	if owned != keep {
		t.Errorf("the merged lead now points at %d", owned)
	}
}

// Link customer (sales module): search a customer and link it, or create one from the lead; the
// link is logged; viewers cannot; with the sales module off the route is gone.
func TestLeadLinkCustomer(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("parke", "parke_tas", "tr")
	e.Set("parke", map[string]string{"modules": "sales"})
	op := e.User("parke", "ayse", "operator")
	viewer := e.User("parke", "veli", "viewer")
	lead, _ := seed(t, e, "parke", "webchat", "v1", "Mehmet Kaya", "+90 533 444 55 66", "Merhaba", nil)
	if r := op.Post("/customers/new", url.Values{"name": {"Kaya İnşaat"}, "phone": {"+90 212 555 00 11"}}); r.StatusCode != 303 {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body)
	}
	var cust int64
	_ = e.DB("parke").Read.QueryRow(`SELECT id FROM customers WHERE name = 'Kaya İnşaat'`).Scan(&cust)

	doc := op.Get(fmt.Sprintf("/app/leads/%d/?customer_q=%s", lead, url.QueryEscape("Kaya"))).Doc(t)
	if doc.Find(fmt.Sprintf(`[data-link-customer="%d"]`, cust)).Length() != 1 {
		t.Fatalf("search does not offer the customer: %s", doc.Find("#lead-link").Text())
	}
	if r := viewer.Post(fmt.Sprintf("/app/leads/%d/customer", lead), url.Values{"customer_id": {id(cust)}}); r.StatusCode != 403 {
		t.Errorf("viewer link: %d", r.StatusCode)
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/customer", lead), url.Values{"customer_id": {"999999"}}); r.StatusCode != 422 {
		t.Errorf("unknown customer: %d", r.StatusCode)
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/customer", lead), url.Values{"customer_id": {id(cust)}}); r.StatusCode != 303 {
		t.Fatalf("link: %d %s", r.StatusCode, r.Body)
	}
	linked := func() int64 {
		var c sql.NullInt64
		_ = e.DB("parke").Read.QueryRow(`SELECT customer_id FROM leads WHERE id = ?`, lead).Scan(&c)
		return c.Int64
	}
	if linked() != cust {
		t.Fatalf("linked to %d", linked())
	}
	if !strings.Contains(op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find("#lead-customer").Text(), "Kaya İnşaat") {
		t.Error("the page does not show the customer")
	}
	// Create one from the lead: a bad e-mail re-renders at 422 and stores nothing.
	var before int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM customers`).Scan(&before)
	if r := op.Post(fmt.Sprintf("/app/leads/%d/customer", lead), url.Values{"name": {"Mehmet Kaya"}, "email": {"not an address"}}); r.StatusCode != 422 {
		t.Errorf("bad e-mail: %d", r.StatusCode)
	}
	var after int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM customers`).Scan(&after)
	if after != before || linked() != cust {
		t.Errorf("a refused create stored something: %d → %d customers, linked %d", before, after, linked())
	}
	if r := op.Post(fmt.Sprintf("/app/leads/%d/customer", lead), url.Values{"name": {"Mehmet Kaya"}, "phone": {"+90 533 444 55 66"}}); r.StatusCode != 303 {
		t.Fatalf("create: %d %s", r.StatusCode, r.Body)
	}
	var name string
	_ = e.DB("parke").Read.QueryRow(`SELECT c.name FROM leads l JOIN customers c ON c.id = l.customer_id WHERE l.id = ?`, lead).Scan(&name)
	if name != "Mehmet Kaya" {
		t.Errorf("created and linked: %q", name)
	}
	var n int
	_ = e.DB("parke").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'lead_customer_linked'`).Scan(&n)
	if n != 2 {
		t.Errorf("link log rows: %d", n)
	}
	// Sales off: the route is not there.
	e.Set("parke", map[string]string{"modules": ""})
	if r := op.Post(fmt.Sprintf("/app/leads/%d/customer", lead), url.Values{"customer_id": {id(cust)}}); r.StatusCode != 404 {
		t.Errorf("sales off: %d", r.StatusCode)
	}
	if op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find("#lead-link").Length() != 0 {
		t.Error("sales off: the link control is shown")
	}
}
