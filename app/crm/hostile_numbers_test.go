package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// An amount that parses as a float but is not a number (NaN) or not finite is refused next to its
// field (422), in the person's language, and nothing is stored — it used to reach the database,
// whose NOT NULL check answered a 500.
func TestCRMRefusesAmountsThatAreNotNumbers(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	count := func(table string) int {
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	for _, v := range []string{"NaN", "nan", "+Inf", "-Inf", "Infinity", "1e309"} {
		r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {v}, "currency": {"TRY"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("order total %q: status %d, want 422", v, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find("#f-total").Parent().Find(".field-error").Text(); got != "Sıfır veya daha büyük bir tutar girin, örn. 1250,50." {
			t.Errorf("order total %q: field error %q", v, got)
		}
		r = owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {v}, "currency": {"TRY"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invoice amount %q: status %d, want 422", v, r.StatusCode)
		}
	}
	if count("orders") != 0 || count("invoices") != 0 {
		t.Errorf("stored: %d orders, %d invoices", count("orders"), count("invoices"))
	}
}

// A record's date in a year such as 0000 or 9999 (a slip on the date field's year) is refused next
// to its field, in the person's language, and nothing is stored; an order "of 01.01.0000" used to
// be saved.
func TestCRMRefusesDatesOutsideTheBusinessYears(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	for _, day := range []string{"0000-01-01", "0001-06-15", "1999-12-31", "2101-01-01", "9999-12-31"} {
		r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"100"}, "currency": {"TRY"}, "ordered_at": {day}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("ordered %s: %d, want 422", day, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find("#f-ordered_at").Parent().Find(".field-error").Text(); !strings.Contains(got, "2000") {
			t.Errorf("ordered %s: field error %q", day, got)
		}
		if r := owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {"5"}, "currency": {"TRY"}, "issued_at": {day}}); r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invoice issued %s: %d, want 422", day, r.StatusCode)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT (SELECT count(*) FROM orders) + (SELECT count(*) FROM invoices)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("stored %d records (%v)", n, err)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"100"}, "currency": {"TRY"}, "ordered_at": {"2026-03-01"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("a good order: %d", r.StatusCode)
	}
}
