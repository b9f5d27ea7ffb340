package crm_test

import (
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// TestAmountsTypedWithTheirCurrency: an order's total, an invoice's amount and a product's price
// typed with their currency ("5.000 TL", "1.250,50 €") are stored as the number (they were
// refused as "not a number" while "₺ 5.000" was read); another currency's mark is refused next
// to the field and nothing is stored.
func TestAmountsTypedWithTheirCurrency(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"5.000 TL"}, "currency": {"TRY"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order of 5.000 TL: %d", r.StatusCode)
	}
	if r := owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {"1.250,50 €"}, "currency": {"EUR"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice of 1.250,50 €: %d", r.StatusCode)
	}
	if r := owner.Post("/products/", url.Values{"sku": {"MESE"}, "name": {"Meşe parke"}, "unit": {"m²"}, "unit_price": {"850 TL"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product of 850 TL: %d %s", r.StatusCode, r.Body)
	}
	var total, amount, price float64
	if err := db.Read.QueryRow(`SELECT (SELECT total FROM orders), (SELECT amount FROM invoices), (SELECT unit_price FROM products)`).Scan(&total, &amount, &price); err != nil {
		t.Fatal(err)
	}
	if total != 5000 || amount != 1250.50 || price != 850 {
		t.Errorf("stored order %v, invoice %v, product %v; want 5000, 1250.50, 850", total, amount, price)
	}

	// Dollars typed into a lira order: refused at the total, not read as liras.
	r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"5000 $"}, "currency": {"TRY"}})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("order of 5000 $ in TRY: %d, want 422", r.StatusCode)
	}
	if got := r.Doc(t).Find("#f-total").Parent().Find(".field-error").Text(); got != "Sıfır veya daha büyük bir tutar girin, örn. 1250,50." {
		t.Errorf("field error %q", got)
	}
	var n int
	if err := db.Read.QueryRow(`SELECT count(*) FROM orders`).Scan(&n); err != nil || n != 1 {
		t.Errorf("orders stored: %d (%v), want 1", n, err)
	}
}
