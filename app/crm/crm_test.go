package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

func TestCRMCreateEditValidateAndRoles(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	viewer := e.User("acme", "vera", "viewer")
	db := e.DB("acme")
	n := func(q string) int {
		var k int
		if err := db.Read.QueryRow(q).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}

	// 422: bad email and empty name, nothing stored, messages next to the fields.
	r := owner.Post("/customers/new", url.Values{"name": {""}, "email": {"not-an-email"}})
	if r.StatusCode != http.StatusUnprocessableEntity || n(`SELECT count(*) FROM customers`) != 0 {
		t.Fatalf("invalid customer: %d, rows %d", r.StatusCode, n(`SELECT count(*) FROM customers`))
	}
	if doc := r.Doc(t); doc.Find(".field-error").Length() != 2 {
		t.Errorf("want 2 field errors, got %d", doc.Find(".field-error").Length())
	}
	r = owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}, "phone": {"0532 111 22 33"}, "email": {"ayse@example.com"}, "city": {"İzmir"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/customers/1/" {
		t.Fatalf("create customer: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if got := n(`SELECT count(*) FROM customers WHERE phone_e164 = '+905321112233'`); got != 1 {
		t.Errorf("phone not normalised (%d)", got)
	}
	r = owner.Post("/customers/1/", url.Values{"name": {"Ayşe Yılmaz Demir"}, "phone": {"0532 111 22 33"}})
	if r.StatusCode != http.StatusSeeOther || n(`SELECT count(*) FROM customers WHERE name = 'Ayşe Yılmaz Demir'`) != 1 {
		t.Fatalf("edit customer: %d", r.StatusCode)
	}
	// Orders: unknown customer → 422; valid → stored; invoices paid without date → 422.
	if r := owner.Post("/orders/new", url.Values{"customer_id": {"99"}, "status": {"open"}, "total": {"100"}, "currency": {"TRY"}}); r.StatusCode != 422 {
		t.Errorf("order with unknown customer: %d", r.StatusCode)
	}
	if r := owner.Post("/orders/new", url.Values{"customer_id": {"1"}, "status": {"open"}, "total": {"12500,50"}, "currency": {"try"}, "ordered_at": {"2025-03-01"}}); r.StatusCode != 303 {
		t.Errorf("order: %d %s", r.StatusCode, r.Body)
	}
	if r := owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "status": {"paid"}, "amount": {"500"}, "currency": {"TRY"}}); r.StatusCode != 422 {
		t.Errorf("paid invoice without date: %d", r.StatusCode)
	}
	if r := owner.Post("/invoices/new", url.Values{"customer_id": {"1"}, "order_id": {"1"}, "status": {"paid"}, "amount": {"500"}, "currency": {"TRY"}, "paid_at": {"2025-03-05"}}); r.StatusCode != 303 {
		t.Errorf("invoice: %d", r.StatusCode)
	}
	if n(`SELECT count(*) FROM orders WHERE total = 12500.5 AND currency = 'TRY'`) != 1 || n(`SELECT count(*) FROM invoices`) != 1 {
		t.Error("order/invoice not stored as typed")
	}
	// Lists show dates as every page does (the page's format); the form keeps yyyy-mm-dd for
	// <input type=date>.
	if b := owner.Get("/orders/?lang=tr").Body; !strings.Contains(b, "01.03.2025") || strings.Contains(b, "2025-03-01") {
		t.Error("the order list does not show the date as 01.03.2025")
	}
	if b := owner.Get("/invoices/?lang=en").Body; !strings.Contains(b, "Mar 5, 2025") || strings.Contains(b, "2025-03-05") {
		t.Error("the invoice list does not show the date as Mar 5, 2025")
	}
	if b := owner.Get("/orders/1/").Body; !strings.Contains(b, `value="2025-03-01"`) {
		t.Error("the order form does not keep the date as yyyy-mm-dd")
	}
	if got := n(`SELECT count(*) FROM action_logs WHERE provider = 'crm'`); got != 4 {
		t.Errorf("action logs = %d, want 4", got)
	}

	// Viewer: reads lists and records, cannot write (403, nothing changed).
	for _, p := range []string{"/customers/", "/orders/?status=open", "/invoices/?q=ay", "/customers/1/", "/repair-requests/"} {
		if r := viewer.Get(p); r.StatusCode != 200 {
			t.Errorf("viewer GET %s = %d", p, r.StatusCode)
		}
	}
	if r := viewer.Get("/customers/?q=Ayşe"); !strings.Contains(r.Body, "Ayşe Yılmaz Demir") {
		t.Error("search did not find the customer")
	}
	if r := viewer.Post("/customers/new", url.Values{"name": {"X"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("viewer create = %d", r.StatusCode)
	}
	if r := viewer.Post("/customers/1/", url.Values{"name": {"X"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("viewer edit = %d", r.StatusCode)
	}
	if n(`SELECT count(*) FROM customers`) != 1 {
		t.Error("viewer changed data")
	}

	// Repair requests are a module a florist does not start with (app/modules_test.go covers the gate).
	e.Tenant("flora", "cicekci")
	fo := e.User("flora", "fiona", "owner")
	if r := fo.Get("/repair-requests/"); r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "/guide/modules") {
		t.Errorf("disabled module = %d", r.StatusCode)
	}
	if r := fo.Get("/customers/"); r.StatusCode != 200 {
		t.Errorf("customers for florist = %d", r.StatusCode)
	}
}
