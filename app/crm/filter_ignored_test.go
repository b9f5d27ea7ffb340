package crm_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// An order, invoice or repair status in the list's address that is not one (a mistyped or cut
// link) is not silently read as "every status": the list shows every record, and a line above it
// says the status filter was ignored, quoting what the address said.
func TestListStatusNotUnderstoodIsSaid(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "en")
	owner := e.User("tas", "olga", "owner")
	db := e.DB("tas")
	if _, err := db.Write.Exec(`INSERT INTO customers(name, created_at, updated_at) VALUES('Ayşe', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	for _, st := range []string{"open", "won"} {
		if _, err := db.Write.Exec(`INSERT INTO orders(customer_id, status, total, currency, description, ordered_at, created_at, updated_at)
			VALUES(1, ?, 100, 'TRY', 'x', 1767225600000, 1, 1)`, st); err != nil {
			t.Fatal(err)
		}
	}
	r := owner.Get("/orders/?status=shipped-ish")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("status %d", r.StatusCode)
	}
	d := r.Doc(t)
	if n := d.Find("#records tbody tr").Length(); n != 2 {
		t.Errorf("%d orders, want both", n)
	}
	note := d.Find(`.ignored-filters [data-ignored-filter="status"]`).Text()
	if !strings.Contains(note, "shipped-ish") || !strings.Contains(note, "ignored") {
		t.Errorf("no line saying the status filter was ignored: %q", note)
	}
	d = owner.Get("/orders/?status=open").Doc(t)
	if n := d.Find("#records tbody tr").Length(); n != 1 || d.Find(".ignored-filters").Length() != 0 {
		t.Errorf("open orders: %d rows, note %q", n, d.Find(".ignored-filters").Text())
	}
	for _, path := range []string{"/invoices/?status=nope", "/repair-requests/?status=nope"} {
		r := owner.Get(path)
		if r.StatusCode != http.StatusOK || r.Doc(t).Find(`[data-ignored-filter="status"]`).Length() != 1 {
			t.Errorf("%s: %d, no line about the ignored status", path, r.StatusCode)
		}
	}
}

// A page link of a CRM list that cannot be followed (?after=zzz) opens the first page, and a line
// above the list says so, rather than silently.
func TestListPageLinkNotFollowedIsSaid(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "en")
	owner := e.User("tas", "olga", "owner")
	if _, err := e.DB("tas").Write.Exec(`INSERT INTO customers(name, created_at, updated_at) VALUES('Ayşe', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/customers/?after=zzz", "/orders/?after=1.x", "/invoices/?after=-3"} {
		r := owner.Get(path)
		note := r.Doc(t).Find(`.ignored-filters [data-ignored-filter="after"]`).Text()
		if r.StatusCode != http.StatusOK || !strings.Contains(note, "first page") {
			t.Errorf("%s: %d, notice %q", path, r.StatusCode, note)
		}
	}
	if d := owner.Get("/customers/").Doc(t); d.Find(".ignored-filters").Length() != 0 || d.Find("#records tbody tr").Length() != 1 {
		t.Errorf("the first page: a notice, or not the customer")
	}
}

// An export address with an order, invoice or repair status that is none (a hand-made or cut link)
// exported every record while the action log recorded the status as the filter applied. It is
// refused, as the leads, inbox and MSP exports refuse a filter they cannot read: a 400 page in the
// reader's language, no file and no export in the action log. A real status still exports.
func TestExportStatusNotUnderstoodIsRefused(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "tr")
	e.Set("tas", map[string]string{"modules": "sales,repair,msp"})
	owner := e.User("tas", "olga", "owner")
	db := e.DB("tas")
	if _, err := db.Write.Exec(`INSERT INTO customers(name, created_at, updated_at) VALUES('Ayşe', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.Exec(`INSERT INTO orders(customer_id, status, total, currency, description, ordered_at, created_at, updated_at)
		VALUES(1, 'open', 100, 'TRY', 'x', 1767225600000, 1, 1)`); err != nil {
		t.Fatal(err)
	}
	exports := func() (n int) {
		_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type LIKE '%export%'`).Scan(&n)
		return
	}
	for _, path := range []string{"/orders/export?status=shipped-ish", "/invoices/export?status=nope&format=xlsx", "/repair-requests/export?status=nope",
		"/app/msp/tickets/export?status=nope"} {
		r := owner.Get(path)
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, "Listenin filtreleri okunamadı") {
			t.Errorf("%s: %d, want 400 saying the filters could not be read", path, r.StatusCode)
		}
	}
	if n := exports(); n != 0 {
		t.Errorf("%d refused exports in the action log", n)
	}
	if r := owner.Get("/orders/export?status=open"); r.StatusCode != http.StatusOK || exports() != 1 {
		t.Errorf("open orders: %d, %d exports logged", r.StatusCode, exports())
	}
}
