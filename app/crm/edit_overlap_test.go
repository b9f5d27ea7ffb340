package crm_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/hours/hoursdb"
)

// recordForm is what a browser sends for a record's form as drawn on doc (apptest.FormValues).
func recordForm(t *testing.T, doc *goquery.Document) url.Values {
	t.Helper()
	f := doc.Find(`form.form[method="post"]`)
	if f.Length() != 1 {
		t.Fatalf("%d record forms", f.Length())
	}
	return apptest.FormValues(f)
}

// Two people have the same invoice open. Olga records the payment (status paid, paid today);
// Oscar, whose page was drawn before, corrects the invoice number and saves. His save sent the
// status and paid date his page showed, and the paid invoice was "sent" again, its payment gone
// from the revenue figures without a word. Now a save changes only the fields its sender changed
// on the page. The same for a customer: one adds the phone, the other the notes; both stay.
func TestRecordEditKeepsWhatAnotherChangedMeanwhile(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	olga := e.User("acme", "olga", "owner")
	oscar := e.User("acme", "oscar", "operator")
	if r := olga.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	// "Today" as the server reads it: the business's time zone (the server's own until the
	// business picks one), so the test holds also when Istanbul is a day ahead of the server.
	loc, err := hoursdb.Zone(t.Context(), e.DB("acme").Read)
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(loc).Format(time.DateOnly)
	if r := olga.Post("/invoices/new", url.Values{"customer_id": {"1"}, "number": {"F-7"}, "amount": {"1000"}, "currency": {"TRY"},
		"status": {"sent"}, "issued_at": {today}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("invoice: %d", r.StatusCode)
	}
	hers := recordForm(t, olga.Get("/invoices/1/").Doc(t))
	his := recordForm(t, oscar.Get("/invoices/1/").Doc(t))
	hers.Set("status", "paid")
	hers.Set("paid_at", today)
	if r := olga.Post("/invoices/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("paid: %d", r.StatusCode)
	}
	his.Set("number", "F-007")
	if r := oscar.Post("/invoices/1/", his); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("number: %d %.300s", r.StatusCode, r.Body)
	}
	var number, status string
	var paid bool
	if err := e.DB("acme").Read.QueryRow(`SELECT number, status, paid_at IS NOT NULL FROM invoices WHERE id = 1`).Scan(&number, &status, &paid); err != nil {
		t.Fatal(err)
	}
	if number != "F-007" || status != "paid" || !paid {
		t.Fatalf("after both saves: number %q, status %q, paid date %v", number, status, paid)
	}

	hers = recordForm(t, olga.Get("/customers/1/").Doc(t))
	his = recordForm(t, oscar.Get("/customers/1/").Doc(t))
	hers.Set("phone", "+90 532 111 22 33")
	if r := olga.Post("/customers/1/", hers); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("phone: %d", r.StatusCode)
	}
	his.Set("notes", "Kapı kodu 1234")
	if r := oscar.Post("/customers/1/", his); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("notes: %d", r.StatusCode)
	}
	var phone, notes string
	if err := e.DB("acme").Read.QueryRow(`SELECT phone, notes FROM customers WHERE id = 1`).Scan(&phone, &notes); err != nil {
		t.Fatal(err)
	}
	if phone == "" || notes != "Kapı kodu 1234" {
		t.Fatalf("after both saves: phone %q, notes %q", phone, notes)
	}
}
