package leads_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/crm"
	"highvibe/app/inbox"
)

// TestLeadPhoneCorrectionReachesItsCustomer: a lead's number corrected on the lead page left the
// linked CRM customer (made from that lead, so with the same wrong number) on the old one: the
// next call from the customer record went to the wrong number. A customer whose number was the
// lead's old one now gets the new one, in the same save, with its own action-log row, and the
// flash says so. A customer with a number of its own keeps it, and removing the lead's number
// removes nothing from the customer.
func TestLeadPhoneCorrectionReachesItsCustomer(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"modules": "sales"})
	op := e.User("acme", "ayse", "operator")
	db := e.DB("acme")
	ctx := context.Background()
	svc := &inbox.Service{Channels: channels.Registry()}
	linked := func(ext, name, leadPhone, customerPhone string) (lead, customer int64) {
		t.Helper()
		res, err := svc.Ingest(ctx, "acme", db, inbox.Inbound{Channel: "webchat", ExternalID: ext, Name: name, Phone: leadPhone, Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		cu := &crm.Customer{Name: name, Phone: customerPhone}
		if err := db.InTx(ctx, func(tx *sql.Tx) error {
			if err := crm.SaveCustomer(ctx, tx, cu); err != nil {
				return err
			}
			return inbox.LinkLeadCustomer(ctx, tx, res.LeadID, cu.ID, inbox.LeadActor{})
		}); err != nil {
			t.Fatal(err)
		}
		return res.LeadID, cu.ID
	}
	customerPhone := func(id int64) (p, e164 string) {
		_ = db.Read.QueryRow(`SELECT phone, phone_e164 FROM customers WHERE id = ?`, id).Scan(&p, &e164)
		return
	}
	set := func(lead int64, phone string) string {
		t.Helper()
		if r := op.Post(fmt.Sprintf("/app/leads/%d/phone", lead), url.Values{"lead_phone": {phone}}); r.StatusCode != 303 {
			t.Fatalf("save %q: %d %.300s", phone, r.StatusCode, r.Body)
		}
		return strings.TrimSpace(op.Get(fmt.Sprintf("/app/leads/%d/", lead)).Doc(t).Find(".flash").Text())
	}

	// Made from the lead: the same number, typed the way the chat had it.
	deniz, denizCu := linked("w1", "Deniz Ak", "0532 111 22 3", "0532 111 22 3")
	// The lead's number was no valid number: nothing to recognise on the customer; it stays.
	if flash := set(deniz, "0532 111 22 33"); flash != "Telefon numarası kaydedildi." {
		t.Errorf("flash %q", flash)
	}
	if p, _ := customerPhone(denizCu); p != "0532 111 22 3" {
		t.Errorf("a customer whose number was no number changed to %q", p)
	}
	ece, eceCu := linked("w2", "Ece Kaya", "0532 999 88 77", "+90 (532) 999 88 77")
	if flash := set(ece, "0533 999 88 77"); flash != "Telefon numarası kaydedildi. Bağlı müşteride de eski numara kayıtlıydı; o da güncellendi." {
		t.Errorf("flash %q", flash)
	}
	if p, e164 := customerPhone(eceCu); p != "+905339998877" || e164 != "+905339998877" {
		t.Errorf("the customer made from the lead has %q %q, want the corrected +905339998877", p, e164)
	}
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'customer_updated' AND json_extract(payload, '$.id') = ?
		AND json_extract(payload, '$.lead_id') = ? AND json_extract(payload, '$.after.phone_e164') = '+905339998877'`, eceCu, ece).Scan(&n)
	if n != 1 {
		t.Errorf("%d action-log rows for the customer's new number, want 1", n)
	}
	// Removing the lead's number leaves the customer's.
	set(ece, "")
	if p, _ := customerPhone(eceCu); p != "+905339998877" {
		t.Errorf("removing the lead's number changed the customer's to %q", p)
	}
	// A customer with a number of its own (the company's switchboard) keeps it.
	mert, mertCu := linked("w3", "Mert Usta", "0532 777 66 55", "0212 555 66 77")
	if flash := set(mert, "0532 777 66 56"); flash != "Telefon numarası kaydedildi." {
		t.Errorf("flash %q", flash)
	}
	if p, _ := customerPhone(mertCu); p != "0212 555 66 77" {
		t.Errorf("a customer with its own number got %q", p)
	}
}
