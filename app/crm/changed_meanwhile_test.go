package crm_test

import (
	"database/sql"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// Two people change the same invoice's status from pages drawn at the same time: Olga marks it
// paid, Oscar (his page from before) marks it void. The later save used to win without a
// word: the payment was gone. Now Oscar's save stores nothing (not his new number either) and his form
// comes back saying, in his language, that a colleague saved "Paid" meanwhile and he chose
// "Void", his choices kept; pressed again, his status is stored deliberately.
func TestInvoiceSameFieldChangedMeanwhileIsRefused(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	olga := e.User("acme", "olga", "owner")
	oscar := e.User("acme", "oscar", "operator")
	if r := olga.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := olga.Post("/invoices/new", url.Values{"customer_id": {"1"}, "number": {"F-7"}, "amount": {"1000"}, "currency": {"TRY"},
		"status": {"sent"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	hers := recordForm(t, olga.Get("/invoices/1/").Doc(t))
	his := recordForm(t, oscar.Get("/invoices/1/?lang=en").Doc(t))
	hers.Set("status", "paid")
	hers.Set("paid_at", time.Now().Format(time.DateOnly))
	if r := olga.Post("/invoices/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("paid: %d", r.StatusCode)
	}
	his.Set("status", "void")
	his.Set("number", "F-007")
	r := oscar.Post("/invoices/1/", his)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("void over paid: %d, want 409", r.StatusCode)
	}
	doc := r.Doc(t)
	if top := doc.Find("[data-changed-meanwhile]").Text(); !strings.Contains(top, "Not saved") {
		t.Fatalf("notice above the form: %q", top)
	}
	beside := doc.Find(`select[name="status"]`).Parent().Find(".field-error").Text()
	if !strings.Contains(beside, "Paid") || !strings.Contains(beside, "Void") {
		t.Fatalf("beside the status: %q", beside)
	}
	// The number, which only Oscar changed, says nothing.
	if msg := doc.Find(`input[name="number"]`).Parent().Find(".field-error").Text(); msg != "" {
		t.Fatalf("beside the number, which only oscar changed: %q", msg)
	}
	var number, status string
	if err := e.DB("acme").Read.QueryRow(`SELECT number, status FROM invoices WHERE id = 1`).Scan(&number, &status); err != nil {
		t.Fatal(err)
	}
	if number != "F-7" || status != "paid" {
		t.Fatalf("after the refused save: number %q, status %q", number, status)
	}
	again := recordForm(t, doc)
	if again.Get("status") != "void" || again.Get("was_status") != "paid" || again.Get("number") != "F-007" {
		t.Fatalf("the form shown again: %v", again)
	}
	if r := oscar.Post("/invoices/1/", again); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second press: %d %.300s", r.StatusCode, r.Body)
	}
	if err := e.DB("acme").Read.QueryRow(`SELECT number, status FROM invoices WHERE id = 1`).Scan(&number, &status); err != nil {
		t.Fatal(err)
	}
	if number != "F-007" || status != "void" {
		t.Fatalf("after the second press: number %q, status %q", number, status)
	}
}

// Olga's "paid" lands between Oscar's save reading the stored invoice and storing his number:
// the read was done just before his save's transaction, so her status was not seen and his save,
// the status left as drawn, made the invoice "sent" again. The stored record is now read inside
// his save's transaction.
func TestRecordSaveReadsWhatIsStoredInItsTransaction(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	olga := e.User("acme", "olga", "owner")
	oscar := e.User("acme", "oscar", "operator")
	if r := olga.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := olga.Post("/invoices/new", url.Values{"customer_id": {"1"}, "number": {"F-7"}, "amount": {"1000"}, "currency": {"TRY"},
		"status": {"sent"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	his := recordForm(t, oscar.Get("/invoices/1/").Doc(t))
	his.Set("number", "F-007")
	r := apptest.MeanwhileInItsTransaction(t, e.DB("acme"), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE invoices SET status = 'paid', paid_at = ? WHERE id = 1`, time.Now().UnixMilli()) // Olga's save
		return err
	}, func() *apptest.Resp { return oscar.Post("/invoices/1/", his) })
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("oscar's number: %d %.300s", r.StatusCode, r.Body)
	}
	var number, status string
	var paid bool
	if err := e.DB("acme").Read.QueryRow(`SELECT number, status, paid_at IS NOT NULL FROM invoices WHERE id = 1`).Scan(&number, &status, &paid); err != nil {
		t.Fatal(err)
	}
	if number != "F-007" || status != "paid" || !paid {
		t.Fatalf("after both saves: number %q, status %q, paid date %v", number, status, paid)
	}
}

// The invoice's customer, changed by two people from pages drawn at the same time: the refusal
// names both customers as the select shows them ("Mehmet Kaya (#2)"), in the reader's language,
// where it said only that a colleague saved "another choice".
func TestInvoiceCustomerChangedMeanwhileNamesBothCustomers(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	olga := e.User("acme", "olga", "owner")
	oscar := e.User("acme", "oscar", "operator")
	for _, name := range []string{"Ayşe Yılmaz", "Mehmet Kaya", "Zeynep Demir"} {
		if r := olga.Post("/customers/new", url.Values{"name": {name}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("customer: %d", r.StatusCode)
		}
	}
	if r := olga.Post("/invoices/new", url.Values{"customer_id": {"1"}, "number": {"F-7"}, "amount": {"1000"}, "currency": {"TRY"},
		"status": {"sent"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	hers := recordForm(t, olga.Get("/invoices/1/").Doc(t))
	his := recordForm(t, oscar.Get("/invoices/1/?lang=en").Doc(t))
	hers.Set("customer_id", "2")
	if r := olga.Post("/invoices/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("hers: %d", r.StatusCode)
	}
	his.Set("customer_id", "3")
	r := oscar.Post("/invoices/1/", his)
	if r.StatusCode != http.StatusConflict {
		t.Fatalf("his over hers: %d, want 409", r.StatusCode)
	}
	beside := r.Doc(t).Find(`select[name="customer_id"]`).Parent().Find(".field-error").Text()
	if !strings.Contains(beside, "Mehmet Kaya (#2)") || !strings.Contains(beside, "Zeynep Demir (#3)") || !strings.Contains(beside, "you chose") {
		t.Fatalf("beside the customer: %q, want both customers named", beside)
	}
}
