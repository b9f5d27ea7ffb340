package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
)

// TestArabicDigitsAreRead: an operator on an Arabic keyboard types digits as Arabic-Indic
// (٠١٢٣…) or Eastern Arabic (۰۱۲۳…), with the Arabic separators ٫ and ٬. Business hours, a phone
// on a new conversation and on a customer, a lead's value, an order's amount and date are all
// accepted and stored in their ASCII, canonical form; names and message bodies keep what was
// typed, and a value that is no number is still refused.
func TestArabicDigitsAreRead(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "ar")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	one := func(q string, args ...any) string {
		t.Helper()
		var s sql.NullString
		if err := db.Read.QueryRow(q, args...).Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return s.String
	}

	// Business hours: "٠٩:٠٠-١٨:٠٠", both digit families, the Arabic comma; closed days in Arabic digits.
	form := url.Values{"enabled": {"1"}, "zone": {"Asia/Riyadh"},
		"day1": {"٠٩:٠٠-١٨:٠٠"}, "day2": {"۰۹:۰۰-۱۲:۳۰، ١٣:٣٠-١٨:٠٠"}, "day3": {"09:00-18:00"}, "day4": {""},
		"day5": {""}, "day6": {""}, "day0": {""},
		"closed_days": {"٢٠٢٧-٠١-٠٢ جرد ٢"}, "half_days": {""},
		"away_from": {"٢٠٢٧-٠٨-٠٢"}, "away_until": {"۲۰۲۷-۰۸-۱۳"}, "away_message": {"عطلة حتى ١٦ أغسطس"},
		"after_hours": {"ack"}, "ack_message": {""}}
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != 303 {
		t.Fatalf("hours: %d %s", r.StatusCode, r.Body[:min(600, len(r.Body))])
	}
	s, err := hoursdb.Schedule(context.Background(), db.Read)
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config()
	if got := hours.FormatIntervals(cfg.Week[1]); got != "09:00-18:00" {
		t.Errorf("Monday stored as %q", got)
	}
	if got := hours.FormatIntervals(cfg.Week[2]); got != "09:00-12:30, 13:30-18:00" {
		t.Errorf("Tuesday stored as %q", got)
	}
	if len(cfg.Closed) != 1 || cfg.Closed[0].Date != "2027-01-02" || cfg.Closed[0].Name != "جرد ٢" {
		t.Errorf("closed days stored as %+v", cfg.Closed)
	}
	if cfg.Away == nil || cfg.Away.From != "2027-08-02" || cfg.Away.Until != "2027-08-13" || cfg.Away.Message != "عطلة حتى ١٦ أغسطس" {
		t.Errorf("away stored as %+v", cfg.Away)
	}
	// Junk in Arabic digits is still junk: the form comes back with what was typed. ("٠٩-١٨" is
	// 09-18, which the form now reads as 09:00-18:00; three digits are no time.)
	form.Set("day1", "٠٩٠-١٨")
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != 422 {
		t.Errorf("hours junk: %d", r.StatusCode)
	} else if v, _ := r.Doc(t).Find(`[name="day1"]`).Attr("value"); v != "٠٩٠-١٨" {
		t.Errorf("hours junk shown back as %q", v)
	}

	// A new conversation by phone: the phone is one person's E.164, the name and body as typed.
	r := owner.Post("/app/inbox/new/", url.Values{"name": {"أحمد ٣"}, "phone": {"٠٥٣٢ ١١١ ٢٢ ٣٣"}, "channel": {"call"}, "body": {"كم سعر ٥٠ م²؟"}})
	if r.StatusCode != 303 {
		t.Fatalf("new conversation: %d %s", r.StatusCode, r.Body[:min(600, len(r.Body))])
	}
	lead := one(`SELECT id FROM leads WHERE phone_e164 = '+905321112233'`)
	if got := one(`SELECT name FROM leads WHERE id = ?`, lead); got != "أحمد ٣" {
		t.Errorf("name rewritten: %q", got)
	}
	if got := one(`SELECT body FROM messages ORDER BY id DESC LIMIT 1`); got != "كم سعر ٥٠ م²؟" {
		t.Errorf("body rewritten: %q", got)
	}
	// The same person typed in Eastern Arabic digits is the same lead.
	if r := owner.Post("/app/inbox/new/", url.Values{"phone": {"+۹۰ ۵۳۲ ۱۱۱ ۲۲ ۳۳"}, "channel": {"manual"}, "body": {"زيارة"}}); r.StatusCode != 303 {
		t.Fatalf("second conversation: %d", r.StatusCode)
	}
	if got := one(`SELECT count(*) FROM leads`); got != "1" {
		t.Errorf("%s leads for one phone", got)
	}

	// The lead's value: Arabic-Indic, Eastern Arabic with the Arabic thousands separator.
	path := fmt.Sprintf("/app/leads/%s/value", lead)
	for in, want := range map[string]string{"٥٠٠٠": "5000", "۱۲٬۵۰۰": "12500"} {
		if r := owner.Post(path, url.Values{"expected_value": {in}}); r.StatusCode != 303 {
			t.Errorf("value %q: %d", in, r.StatusCode)
		} else if got := one(`SELECT expected_value FROM leads WHERE id = ?`, lead); got != want {
			t.Errorf("value %q stored as %s, want %s", in, got, want)
		}
	}
	for _, in := range []string{"٥x", "١٬٢٥", "١٫٥"} { // junk, bad grouping, a fraction of a whole amount
		if r := owner.Post(path, url.Values{"expected_value": {in}}); r.StatusCode != 422 {
			t.Errorf("value %q: %d, want 422", in, r.StatusCode)
		}
	}

	// A customer's phone, an order's amount with the Arabic decimal separator and its date.
	if r := owner.Post("/customers/new", url.Values{"name": {"سارة"}, "phone": {"+٩٧١ ٥٠ ١٢٣ ٤٥٦٧"}}); r.StatusCode != 303 {
		t.Fatalf("customer: %d %s", r.StatusCode, r.Body[:min(600, len(r.Body))])
	}
	cust := one(`SELECT id FROM customers WHERE phone_e164 = '+971501234567'`)
	if r := owner.Post("/orders/new", url.Values{"customer_id": {cust}, "status": {"open"}, "total": {"١٢٬٥٠٠٫٥٠"}, "currency": {"TRY"}, "ordered_at": {"٢٠٢٥-٠٣-٠١"}}); r.StatusCode != 303 {
		t.Fatalf("order: %d %s", r.StatusCode, r.Body[:min(600, len(r.Body))])
	}
	var total float64
	var at int64
	if err := db.Read.QueryRow(`SELECT total, ordered_at FROM orders`).Scan(&total, &at); err != nil {
		t.Fatal(err)
	}
	riyadh, _ := time.LoadLocation("Asia/Riyadh")
	if total != 12500.5 {
		t.Errorf("order total %v", total)
	}
	if d := time.UnixMilli(at).In(riyadh).Format(time.DateOnly); d != "2025-03-01" && time.UnixMilli(at).UTC().Format(time.DateOnly) != "2025-03-01" {
		t.Errorf("order date %s", d)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {cust}, "status": {"open"}, "total": {"١٢٫٥٫٠"}, "currency": {"TRY"}, "ordered_at": {"٢٠٢٥-١٣-٠١"}}); r.StatusCode != 422 {
		t.Errorf("order junk: %d", r.StatusCode)
	}
}
