package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
)

// A person erased under KVKK is not a record the team failed to complete: the KPI center's data
// quality (leads with a name, leads with a phone or e-mail, customers with a phone or e-mail)
// leaves the emptied lead and customer out. Two people wrote on WhatsApp and one became a
// customer; the team had everything (100). The customer asked to be forgotten and the owner
// erased her: data quality fell to 50, as if the team had lost half its contacts.
func TestKVKKErasureLeavesDataQualityAlone(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	const secret = "s3"
	e.Set("acme", map[string]string{"whatsapp_app_secret": secret})
	key := e.APIKey("acme", "whatsapp_webhook")
	waWebhook(t, e, key, secret, "Ayla Demir", "905321110001", "wamid.q1", "Merhaba, bahçe için granit fiyatı?")
	waWebhook(t, e, key, secret, "Nevzat Tarhan", "905447778899", "wamid.q2", "Salon parkesi için keşif rica ediyorum.")
	db := e.DB("acme")
	ctx := context.Background()
	now := time.Now().UnixMilli()
	for _, p := range []struct{ name, phone string }{{"Ayla Demir", "+905321110001"}, {"Nevzat Tarhan", "+905447778899"}} {
		res, err := db.Exec(ctx, `INSERT INTO customers(name, phone, phone_e164, created_at, updated_at) VALUES(?, ?, ?, ?, ?)`, p.name, p.phone, p.phone, now, now)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := db.Exec(ctx, `UPDATE leads SET customer_id = ? WHERE phone_e164 = ?`, id, p.phone); err != nil {
			t.Fatal(err)
		}
	}
	quality := func() float64 {
		t.Helper()
		snap, _, err := analytics.Build(ctx, db, time.Now(), analytics.Params{Currency: "TRY"})
		if err != nil {
			t.Fatal(err)
		}
		return snap.KPI.DataQualityScore
	}
	if q := quality(); q != 100 {
		t.Fatalf("data quality before the erasure: %v, want 100", q)
	}
	var lead int64
	if err := db.Read.QueryRow(`SELECT id FROM leads WHERE phone_e164 = '+905447778899'`).Scan(&lead); err != nil {
		t.Fatal(err)
	}
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post(fmt.Sprintf("/app/kvkk/leads/%d/erase", lead), url.Values{"reason": {"istedi"}, "confirm": {"ERASE"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("erase: %d %s", r.StatusCode, r.Body)
	}
	if n := countRows(t, e, "acme", `SELECT count(*) FROM leads WHERE name = '' AND phone_e164 = ''`); n != 1 {
		t.Fatalf("emptied leads: %d, want the erased one", n)
	}
	if q := quality(); q != 100 {
		t.Errorf("data quality after erasing a person: %v, want 100 (the erased lead and customer are left out)", q)
	}
	// A lead that simply came in without a name still counts against it.
	waWebhook(t, e, key, secret, "", "905009998877", "wamid.q3", "fiyat?")
	if q := quality(); q == 100 {
		t.Errorf("data quality with a new lead without a name: %v, want below 100", q)
	}
}
