package conversions_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/inbox"
)

// The owner who pays for ads reads, beside each campaign's revenue and spend, what every lira
// spent brought back: the revenue the row shows divided by the spend the owner entered ("3.2×" in
// the page's number format), "—" where no spend was entered or it was 0, and a card with the
// month's return on the campaigns with spend taken together. The report had the revenue and the
// spend but no such column, so the owner divided by hand.
func TestAttributionShowsReturnOnAdSpend(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("usta", "parke_tas", "tr")
	e.Set("usta", map[string]string{"modules": "conversion_tracking"})
	owner := e.User("usta", "osman", "owner")
	db := e.DB("usta")
	ctx := context.Background()
	// The leads arrived in November 2026 on the business's clock (Istanbul, no zone saved): the
	// report is of the month a lead was created in that zone, and a month read from the test
	// machine's clock (UTC) was the month before from 21:00 UTC on a month's last day.
	month := "2026-11"
	now := time.Date(2026, time.November, 20, 15, 0, 0, 0, hours.DefaultLocation()).UnixMilli()
	lead := func(phone, campaign string, total float64) {
		r, err := e.Handlers.InboxService.Ingest(ctx, "usta", db, inbox.Inbound{Channel: "webchat", ExternalID: "v" + phone, Phone: phone, Body: "Merhaba"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE leads SET stage = 'won', utm_campaign = ?, created_at = ? WHERE id = ?`, campaign, now, r.LeadID); err != nil {
			t.Fatal(err)
		}
		if total == 0 {
			return
		}
		res, err := db.Exec(ctx, `INSERT INTO customers(name, created_at, updated_at) VALUES('Müşteri', ?, ?)`, now, now)
		if err != nil {
			t.Fatal(err)
		}
		cust, _ := res.LastInsertId()
		if _, err := db.Exec(ctx, `INSERT INTO orders(customer_id, lead_id, status, total, currency, ordered_at, created_at, updated_at)
			VALUES(?,?,'won',?,'TRY',?,?,?)`, cust, r.LeadID, total, now, now, now); err != nil {
			t.Fatal(err)
		}
	}
	lead("+905320000001", "kis", 20000)
	lead("+905320000002", "kis", 12000)
	lead("+905320000003", "yaz", 0)      // spend, no sale yet: 0.0×
	lead("+905320000004", "bahar", 9000) // no spend entered: —
	lead("+905320000005", "", 50000)     // came without an ad: not in the month's return
	for _, s := range []url.Values{{"campaign": {"kis"}, "amount": {"10.000"}}, {"campaign": {"yaz"}, "amount": {"2.500"}}} {
		s.Set("month", month)
		if r := owner.Post("/app/settings/conversions/spend", s); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("ad spend: %d\n%s", r.StatusCode, r.Body)
		}
	}
	cell := func(lang, campaign string) string {
		doc := owner.Get("/app/analytics/?lang=" + lang + "&attr_month=" + month).Doc(t)
		return strings.TrimSpace(doc.Find(`#attribution [data-attr-table="campaign"] tr[data-key="` + campaign + `"] [data-roas]`).Text())
	}
	card := func(lang string) string {
		return strings.TrimSpace(owner.Get("/app/analytics/?lang=" + lang + "&attr_month=" + month).Doc(t).Find(`#attribution [data-attr="roas"]`).Text())
	}
	for _, c := range []struct{ lang, campaign, want string }{
		{"tr", "kis", "3,2×"}, {"en", "kis", "3.2×"}, {"ar", "kis", "3.2×"},
		{"tr", "yaz", "0,0×"}, {"tr", "bahar", "—"}, {"tr", "", "—"},
	} {
		if got := cell(c.lang, c.campaign); got != c.want {
			t.Errorf("%s ROAS of campaign %q: %q, want %q", c.lang, c.campaign, got, c.want)
		}
	}
	// The month: the campaigns with spend brought 32,000 for 12,500 spent; the 50,000 of the
	// customer who came without an ad is not the ads' return.
	if got := card("tr"); got != "2,6×" {
		t.Errorf("the month's return on ad spend: %q, want 2,6×", got)
	}
	if got := card("en"); got != "2.6×" {
		t.Errorf("the month's return on ad spend in English: %q, want 2.6×", got)
	}
	// Spend of 0 is not a return of infinity: the campaign shows "—" and the card leaves it out.
	if _, err := db.Exec(ctx, `UPDATE ad_spend SET amount_minor = 0 WHERE campaign = 'kis'`); err != nil {
		t.Fatal(err)
	}
	if got := cell("tr", "kis"); got != "—" {
		t.Errorf("ROAS of a campaign with spend 0: %q, want —", got)
	}
	if got := card("tr"); got != "0,0×" {
		t.Errorf("the month's return with only yaz's spend left: %q, want 0,0×", got)
	}
}
