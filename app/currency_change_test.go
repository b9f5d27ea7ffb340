package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/inbox"
)

// The business currency does not change while amounts with no currency of their own are stored in
// it: a lead's expected value and a month's ad spend are bare numbers read in the business
// currency, so switching TRY to EUR turned 174.000 ₺ into €174,000 on the leads list, the board's
// sums and the KPIs. The settings page marks the field naming how many and where, the command
// line says the same, nothing is stored; with the amounts at 0 the currency changes as before.
func TestCurrencyStaysWhileAmountsAreStoredInIt(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"modules": "conversion_tracking"})
	owner := e.User("acme", "sahip", "owner")
	db := e.DB("acme")
	var lead int64
	if err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		lead, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "c-1", Name: "Aday", Stage: "new", Source: "import"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	valuePath := fmt.Sprintf("/app/leads/%d/value", lead)
	if r := owner.Post(valuePath, url.Values{"expected_value": {"174.000"}}); r.StatusCode != 303 {
		t.Fatalf("value: %d", r.StatusCode)
	}
	currency := func() string {
		tn, err := e.Server.Platform.TenantBySlug(context.Background(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		return tn.Currency
	}
	r := owner.Post("/app/settings/profile", url.Values{"currency": {"EUR"}})
	if r.StatusCode != 422 {
		t.Fatalf("currency EUR with a lead value in TRY: %d, want 422", r.StatusCode)
	}
	msg := strings.TrimSpace(r.Doc(t).Find("#currency").Parent().Find(".field-error").Text())
	if !strings.Contains(msg, "beklenen değeri olan adaylar: 1,") || !strings.Contains(msg, "reklam harcaması girilmiş aylar: 0") || !strings.Contains(msg, "para birimi TRY kalıyor") {
		t.Errorf("field error %q", msg)
	}
	if got := currency(); got != "TRY" {
		t.Fatalf("currency stored as %s after a refused change", got)
	}
	if body := owner.Get("/app/leads/").Body; !strings.Contains(body, "₺") || strings.Contains(body, "€") {
		t.Errorf("leads list no longer in TRY")
	}

	// The command line refuses it the same way, naming how many and where.
	code, out, errs := cli(t, e.Dir, "", "tenant", "set", "--slug", "acme", "currency=EUR")
	if code == 0 || !strings.Contains(errs, "1 lead(s) with an expected value") || !strings.Contains(errs, "keep TRY") {
		t.Errorf("tenant set currency=EUR: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	if got := currency(); got != "TRY" {
		t.Fatalf("currency stored as %s after a refused command", got)
	}

	// With the value at 0 the currency changes; a month of ad spend then holds it in EUR.
	if r := owner.Post(valuePath, url.Values{"expected_value": {"0"}}); r.StatusCode != 303 {
		t.Fatalf("value 0: %d", r.StatusCode)
	}
	if r := owner.Post("/app/settings/profile", url.Values{"currency": {"EUR"}}); r.StatusCode != 303 || currency() != "EUR" {
		t.Fatalf("currency EUR with no amounts: %d, stored %s", r.StatusCode, currency())
	}
	if r := owner.Post("/app/settings/conversions/spend", url.Values{"campaign": {"kis"}, "month": {"2026-12"}, "amount": {"1.250"}}); r.StatusCode != 303 {
		t.Fatalf("spend: %d", r.StatusCode)
	}
	r = owner.Post("/app/settings/profile?lang=en", url.Values{"currency": {"USD"}})
	msg = strings.TrimSpace(r.Doc(t).Find("#currency").Parent().Find(".field-error").Text())
	if r.StatusCode != 422 || !strings.Contains(msg, "months of ad spend: 1") || !strings.Contains(msg, "stored in EUR") || currency() != "EUR" {
		t.Errorf("currency USD with ad spend in EUR: %d, stored %s, field error %q", r.StatusCode, currency(), msg)
	}
}

// A lead's expected value is whole units: the leads list, the lead's page and the board show it
// without the ",00" it never has ("174.000 ₺", "₺174,000"); they showed "174.000,00 ₺".
func TestLeadValueShownWithoutDecimals(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "sahip", "owner")
	var lead int64
	if err := e.DB("acme").InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		lead, _, err = inbox.UpsertLead(context.Background(), tx, &inbox.LeadRecord{ExternalID: "w-1", Name: "Aday", Stage: "new", Source: "import"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r := owner.Post(fmt.Sprintf("/app/leads/%d/value", lead), url.Values{"expected_value": {"174.000"}}); r.StatusCode != 303 {
		t.Fatalf("value: %d", r.StatusCode)
	}
	for _, c := range []struct{ path, want string }{
		{"/app/leads/", "174.000 ₺"}, {fmt.Sprintf("/app/leads/%d/", lead), "174.000 ₺"}, {"/app/pipeline/", "174.000 ₺"},
		{"/app/leads/?lang=en", "₺174,000"}, {"/app/pipeline/?lang=en", "₺174,000"},
	} {
		body := owner.Get(c.path).Body
		if !strings.Contains(body, c.want) || strings.Contains(body, "174.000,00") || strings.Contains(body, "174,000.00") {
			t.Errorf("%s: want %q, no decimals", c.path, c.want)
		}
	}
}
