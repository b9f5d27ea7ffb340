package crm_test

import (
	"net/http"
	"net/url"
	"strconv"
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

// A price or amount is read the way the panel writes it, in any of its languages: "1.250" is one
// thousand two hundred and fifty (Turkish thousands dot), as is "1,250" (English thousands comma);
// both used to be stored as 1,25 — the comma was taken for a decimal point and then the dot was.
// A number no language writes ("1.2345", "1,2,3") is refused next to its field.
func TestCRMReadsAmountsAsTyped(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	for i, s := range []struct {
		in   string
		want float64
	}{{"1.250", 1250}, {"1,250", 1250}, {"12.500,50", 12500.5}, {"12,500.50", 12500.5}, {"340,50", 340.5}, {"340.5", 340.5}, {"1250.50", 1250.5}, {"0", 0}} {
		sku := "SKU-" + strconv.Itoa(i)
		if r := owner.Post("/products/", url.Values{"sku": {sku}, "name": {"Granit"}, "unit_price": {s.in}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("price %q: %d", s.in, r.StatusCode)
			continue
		}
		var price float64
		if err := db.Read.QueryRow(`SELECT unit_price FROM products WHERE sku = ?`, sku).Scan(&price); err != nil || price != s.want {
			t.Errorf("price %q stored as %v (%v), want %v", s.in, price, err, s.want)
		}
		if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {s.in}, "currency": {"TRY"}, "description": {sku}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("order total %q: %d", s.in, r.StatusCode)
			continue
		}
		var total float64
		if err := db.Read.QueryRow(`SELECT total FROM orders WHERE description = ?`, sku).Scan(&total); err != nil || total != s.want {
			t.Errorf("order total %q stored as %v (%v), want %v", s.in, total, err, s.want)
		}
	}
	for _, v := range []string{"1.2345", "1,2,3", "12,5,0", "1.250.5", "abc", "-5", "1e5"} {
		r := owner.Post("/products/", url.Values{"sku": {"BAD"}, "name": {"Granit"}, "unit_price": {v}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("price %q: %d, want 422", v, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find("#unit_price").Parent().Find(".field-error").Text(); got == "" {
			t.Errorf("price %q: no message next to the field", v)
		}
		r = owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {v}, "currency": {"TRY"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invoice amount %q: %d, want 422", v, r.StatusCode)
		}
	}
	var n int
	if err := db.Read.QueryRow(`SELECT (SELECT count(*) FROM products WHERE sku = 'BAD') + (SELECT count(*) FROM invoices)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("stored %d refused records (%v)", n, err)
	}
}

// A product's edit form writes its price back as a number the form reads again: 1.250.000 liras
// used to come back as "1e+06"-style text the price field then refused.
func TestProductEditFormPriceReadsBack(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/products/", url.Values{"sku": {"BIG"}, "name": {"Granit"}, "unit_price": {"1.250.000"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", r.StatusCode)
	}
	var id int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM products WHERE sku = 'BIG'`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	v, _ := owner.Get("/products/?edit=" + strconv.FormatInt(id, 10)).Doc(t).Find("#unit_price").Attr("value")
	if v != "1250000" {
		t.Errorf("edit form price %q, want 1250000", v)
	}
	if r := owner.Post("/products/"+strconv.FormatInt(id, 10)+"/", url.Values{"sku": {"BIG"}, "name": {"Granit"}, "unit_price": {v}, "active": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("saving the form as it came: %d", r.StatusCode)
	}
}

// A currency code that is three capitals but no currency ("ABC", the test code "XXX") is refused on
// orders, invoices and products next to its field, in the person's language, and nothing is
// stored: these records used to take any three letters, while the business's own currency setting
// already checked ISO 4217. A product's price is today's, so the withdrawn Turkish lira is refused
// there too; an order or invoice records the past and may be in TRL.
func TestCRMRefusesCurrenciesNotInUse(t *testing.T) {
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
	const want = "Kullanımda olan bir para birimi değil: TRY, EUR veya USD gibi ISO 4217 kodunu yazın."
	for _, cur := range []string{"ABC", "xxx", "XTS"} {
		r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"100"}, "currency": {cur}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("order in %q: status %d, want 422", cur, r.StatusCode)
		} else if got := r.Doc(t).Find("#f-currency").Parent().Find(".field-error").Text(); got != want {
			t.Errorf("order in %q: field error %q", cur, got)
		}
		r = owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {"100"}, "currency": {cur}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("invoice in %q: status %d, want 422", cur, r.StatusCode)
		}
		r = owner.Post("/products/", url.Values{"sku": {"KP-" + cur}, "name": {"Kilit Parke"}, "unit_price": {"340"}, "currency": {cur}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("product in %q: status %d, want 422", cur, r.StatusCode)
		} else if !strings.Contains(r.Body, want) {
			t.Errorf("product in %q: the page does not say why", cur)
		}
	}
	if r := owner.Post("/products/", url.Values{"sku": {"KP-TRL"}, "name": {"Kilit Parke"}, "unit_price": {"340"}, "currency": {"TRL"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("product in TRL: status %d, want 422", r.StatusCode)
	}
	if count("orders") != 0 || count("invoices") != 0 || count("products") != 0 {
		t.Errorf("stored: %d orders, %d invoices, %d products", count("orders"), count("invoices"), count("products"))
	}
	for _, cur := range []string{"EUR", "usd", "AZN", "TRL"} { // real ones still pass, in any case
		if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"100"}, "currency": {cur}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("order in %q: status %d, want 303", cur, r.StatusCode)
		}
	}
}
