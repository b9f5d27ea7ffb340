package msp_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// An address with letters outside ASCII before the @ was stored, and mail servers without UTF-8
// support refuse it; one with Turkish letters in its domain was stored as typed, which those servers
// refuse too. The first is refused beside its field with why, on the MSP client and the customer
// forms alike; the second is kept in the form mail servers read (IDNA).
func TestEmailAddressesMailServersRead(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	e.Set("bilisim", map[string]string{"modules": "sales,msp"})
	owner := e.User("bilisim", "owner", "owner")
	why := i18n.For("tr").T("validation.email_local_ascii")
	for _, f := range []struct{ path, field string }{{"/app/msp/clients/new", "contact_email"}, {"/customers/new", "email"}} {
		r := owner.Post(f.path, url.Values{"name": {"Şükrü Bilişim"}, f.field: {"şükrü@example.com"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, why) {
			t.Errorf("%s şükrü@example.com: %d, want 422 saying why", f.path, r.StatusCode)
		}
		if r := owner.Post(f.path, url.Values{"name": {"Şirket " + f.field}, f.field: {"Info@Şirket.com.tr"}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("%s Info@Şirket.com.tr: %d %.400s", f.path, r.StatusCode, r.Body)
		}
	}
	var client, customer string
	db := e.DB("bilisim").Read
	_ = db.QueryRow(`SELECT contact_email FROM msp_clients WHERE contact_email <> ''`).Scan(&client)
	_ = db.QueryRow(`SELECT email FROM customers WHERE name = 'Şirket email'`).Scan(&customer)
	if client != "Info@xn--irket-idb.com.tr" || customer != "Info@xn--irket-idb.com.tr" {
		t.Errorf("kept as %q (client) and %q (customer), want Info@xn--irket-idb.com.tr", client, customer)
	}
	var n int
	_ = db.QueryRow(`SELECT count(*) FROM customers WHERE name = 'Şükrü Bilişim'`).Scan(&n)
	if n != 0 {
		t.Errorf("%d refused records stored", n)
	}
}
