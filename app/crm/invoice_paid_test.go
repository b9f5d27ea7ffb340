package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
)

// An invoice that is not paid has no paid date: moved from paid back to sent, it kept the date,
// and the invoices list and the export still showed it paid that day. A paid date after today in
// the business's time zone (a year typed wrong) is refused next to the field, nothing stored.
func TestInvoicePaidDateOnlyWhilePaid(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	owner := e.User("acme", "olga", "owner")
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	// "Today" as the server reads it: the business's time zone (the server's own until the
	// business picks one), so the test holds also when Istanbul is a day ahead of the server.
	loc, err := hoursdb.Zone(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc).Format(time.DateOnly)
	form := func(status, paid string) url.Values {
		return url.Values{"customer_id": {"1"}, "number": {"F-7"}, "amount": {"1000"}, "currency": {"TRY"},
			"status": {status}, "issued_at": {today}, "paid_at": {paid}}
	}
	paidAt := func() (n int) {
		if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM invoices WHERE paid_at IS NOT NULL`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	nextYear := time.Now().In(loc).AddDate(1, 0, 0).Format(time.DateOnly)
	r := owner.Post("/invoices/new?lang=en", form("paid", nextYear))
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "The paid date cannot be later than today") {
		t.Fatalf("paid a year ahead: %d", r.StatusCode)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM invoices`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d invoices stored after a refused form", n)
	}
	if r := owner.Post("/invoices/new", form("paid", today)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("paid today: %d", r.StatusCode)
	}
	if paidAt() != 1 {
		t.Fatal("paid invoice stored without its date")
	}
	// Back to sent, the form still carrying the date it showed.
	if r := owner.Post("/invoices/1/", form("sent", today)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("back to sent: %d %s", r.StatusCode, r.Body)
	}
	if paidAt() != 0 {
		t.Error("a sent invoice kept its paid date")
	}
}
