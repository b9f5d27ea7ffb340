package crm_test

import (
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// TestEditFormsWriteAmountsAsTheirLanguage: an order's total, an invoice's amount and a product's
// price come back into their edit forms the way the page's language writes numbers — "282855" and
// "1250,50" on a Turkish page, "1250.50" on an English one — instead of "282855.00" with a point,
// which a Turkish reader takes for a thousands mark. Saved again unchanged, nothing moves.
func TestEditFormsWriteAmountsAsTheirLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"282.855"}, "currency": {"TRY"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("order: %d", r.StatusCode)
	}
	if r := owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {"1.250,50"}, "currency": {"TRY"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	if r := owner.Post("/products/", url.Values{"sku": {"MESE"}, "name": {"Meşe parke"}, "unit": {"m²"}, "unit_price": {"340,5"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product: %d %s", r.StatusCode, r.Body)
	}
	for _, c := range []struct{ lang, total, amount, price string }{
		{"tr", "282855", "1250,50", "340,50"},
		{"en", "282855", "1250.50", "340.50"},
		{"ar", "282855", "1250.50", "340.50"},
	} {
		q := "?lang=" + c.lang
		if got, _ := owner.Get("/orders/1/" + q).Doc(t).Find("#f-total").Attr("value"); got != c.total {
			t.Errorf("%s: order total in its form %q, want %q", c.lang, got, c.total)
		}
		if got, _ := owner.Get("/invoices/1/" + q).Doc(t).Find("#f-amount").Attr("value"); got != c.amount {
			t.Errorf("%s: invoice amount in its form %q, want %q", c.lang, got, c.amount)
		}
		if got, _ := owner.Get("/products/" + q + "&edit=1").Doc(t).Find("#unit_price").Attr("value"); got != c.price {
			t.Errorf("%s: product price in its form %q, want %q", c.lang, got, c.price)
		}
	}
	// The Turkish form's values, sent back unchanged, store the same amounts.
	if r := owner.Post("/invoices/1/", url.Values{"customer_id": {"1"}, "status": {"draft"}, "amount": {"1250,50"}, "currency": {"TRY"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice saved again: %d", r.StatusCode)
	}
	if r := owner.Post("/products/1/", url.Values{"sku": {"MESE"}, "name": {"Meşe parke"}, "unit": {"m²"}, "unit_price": {"340,50"}, "active": {"1"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("product saved again: %d %s", r.StatusCode, r.Body)
	}
	var total, amount, price float64
	if err := db.Read.QueryRow(`SELECT (SELECT total FROM orders), (SELECT amount FROM invoices), (SELECT unit_price FROM products)`).Scan(&total, &amount, &price); err != nil {
		t.Fatal(err)
	}
	if total != 282855 || amount != 1250.50 || price != 340.50 {
		t.Errorf("stored order %v, invoice %v, product %v; want 282855, 1250.50, 340.50", total, amount, price)
	}
}
