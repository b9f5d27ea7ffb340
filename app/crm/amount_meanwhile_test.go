package crm_test

import (
	"net/http"
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// amountEnv is a business with one customer and one invoice of 1250.50 liras, kept by Olga
// (owner) and Oscar (operator).
func amountEnv(t *testing.T) (*apptest.Env, *apptest.Client, *apptest.Client) {
	t.Helper()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	olga := e.User("acme", "olga", "owner")
	oscar := e.User("acme", "oscar", "operator")
	if r := olga.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	if r := olga.Post("/invoices/new", url.Values{"customer_id": {"1"}, "number": {"F-7"}, "amount": {"1250,50"}, "currency": {"TRY"},
		"status": {"sent"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	return e, olga, oscar
}

func invoiceNow(t *testing.T, e *apptest.Env) (number string, amount float64) {
	t.Helper()
	if err := e.DB("acme").Read.QueryRow(`SELECT number, amount FROM invoices WHERE id = 1`).Scan(&number, &amount); err != nil {
		t.Fatal(err)
	}
	return number, amount
}

// Oscar retypes the invoice's amount as he writes amounts ("1,250.5" for the "1250.50" his page
// showed: the same amount) while correcting its number; meanwhile Olga set the amount to 1300.
// The amount was compared as written, so his save was refused as if he had changed it too. It
// is compared as the form reads it now: his number is stored and her amount stays.
func TestInvoiceAmountRetypedIsNoChange(t *testing.T) {
	t.Parallel()
	e, olga, oscar := amountEnv(t)
	hers := recordForm(t, olga.Get("/invoices/1/").Doc(t))
	his := recordForm(t, oscar.Get("/invoices/1/").Doc(t))
	hers.Set("amount", "1300")
	if r := olga.Post("/invoices/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("her amount: %d", r.StatusCode)
	}
	if his.Get("amount") != "1250.50" {
		t.Fatalf("the amount as drawn: %q", his.Get("amount"))
	}
	his.Set("amount", "1,250.5")
	his.Set("number", "F-007")
	if r := oscar.Post("/invoices/1/", his); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("his number with the amount retyped: %d, want 303 %.300s", r.StatusCode, r.Body)
	}
	if number, amount := invoiceNow(t, e); number != "F-007" || amount != 1300 {
		t.Fatalf("after both saves: number %q, amount %v", number, amount)
	}
}

// Oscar's page was drawn in Turkish ("1250,50"); he switched the panel to English in another tab
// and then changed the amount on that page. Nobody else touched the invoice, yet his save was
// refused as changed meanwhile: the stored amount, written in English ("1250.50"), differed as
// text from what his page showed. It is the same amount, so his change is stored.
func TestInvoiceAmountAfterLanguageSwitchIsNoConflict(t *testing.T) {
	t.Parallel()
	e, _, oscar := amountEnv(t)
	his := recordForm(t, oscar.Get("/invoices/1/?lang=tr").Doc(t))
	if his.Get("amount") != "1250,50" {
		t.Fatalf("the amount as drawn in Turkish: %q", his.Get("amount"))
	}
	oscar.Get("/invoices/?lang=en") // the panel now speaks English
	his.Set("amount", "1400")
	if r := oscar.Post("/invoices/1/", his); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("his amount after switching language: %d, want 303 %.300s", r.StatusCode, r.Body)
	}
	if _, amount := invoiceNow(t, e); amount != 1400 {
		t.Fatalf("amount %v, want 1400", amount)
	}
}
