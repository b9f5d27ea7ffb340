package crm_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/hours"
	"highvibe/app/i18n"
)

// A business that never saved its business hours page lives in the zone that page offers
// (hours.DefaultZone: Istanbul), not in the server's: on a server whose clock reads another day
// than Istanbul's, an invoice paid on the owner's today was refused as "later than today" (or
// one paid on the owner's tomorrow was taken), and the hours page named the server's zone while
// its field showed Istanbul. The server's zone here is set to read another day than Istanbul at
// whatever hour the test runs: a day behind in Istanbul's morning, a day ahead after noon.
// Not parallel: it changes the process's local zone, restored once the server is closed.
func TestUnsavedBusinessLivesInTheDefaultZone(t *testing.T) {
	ist := hours.DefaultLocation()
	server := time.FixedZone("UTC-12", -12*3600)
	if time.Now().In(ist).Hour() >= 14 {
		server = time.FixedZone("UTC+14", 14*3600)
	}
	was := time.Local
	time.Local = server
	t.Cleanup(func() { time.Local = was })
	if hours.DefaultZone() != hours.ProductZone {
		t.Fatalf("default zone %s on a server in %s, want %s", hours.DefaultZone(), server, hours.ProductZone)
	}
	now := time.Now()
	today, tomorrow := now.In(ist).Format(time.DateOnly), now.In(ist).AddDate(0, 0, 1).Format(time.DateOnly)
	if now.In(server).Format(time.DateOnly) == today {
		t.Fatalf("the server's day %s is Istanbul's: the test would prove nothing", today)
	}

	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"modules": "sales"})
	owner := e.User("acme", "olga", "owner")

	// The hours page offers Istanbul and says it is the zone in use until saved.
	doc := owner.Get("/app/settings/hours?lang=en").Doc(t)
	if v, _ := doc.Find("#zone").Attr("value"); v != hours.ProductZone {
		t.Errorf("the zone field shows %q, want %s", v, hours.ProductZone)
	}
	if hint, want := doc.Find("#zone-unsaved").Text(), i18n.For("en").ZoneName(ist, now); !strings.Contains(hint, want) {
		t.Errorf("the unsaved page says %q, want the zone it uses, %s", hint, want)
	}

	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("customer: %d", r.StatusCode)
	}
	form := func(number, paid string) url.Values {
		return url.Values{"customer_id": {"1"}, "number": {number}, "amount": {"1000"}, "currency": {"TRY"},
			"status": {"paid"}, "issued_at": {paid}, "paid_at": {paid}}
	}
	if r := owner.Post("/invoices/new?lang=en", form("F-1", tomorrow)); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Body, "The paid date cannot be later than today") {
		t.Errorf("paid on Istanbul's tomorrow (%s, the server's %s): %d, want refused", tomorrow, now.In(server).Format(time.DateOnly), r.StatusCode)
	}
	if r := owner.Post("/invoices/new?lang=en", form("F-2", today)); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("paid on Istanbul's today (%s, the server's %s): %d, want taken", today, now.In(server).Format(time.DateOnly), r.StatusCode)
	}
	// Stored at noon of that day in Istanbul, and shown as that day.
	var paidAt int64
	if err := e.DB("acme").Read.QueryRow(`SELECT paid_at FROM invoices WHERE number = 'F-2'`).Scan(&paidAt); err != nil {
		t.Fatal(err)
	}
	if got := time.UnixMilli(paidAt).In(ist); got.Format(time.DateOnly) != today || got.Hour() != 12 {
		t.Errorf("paid date stored as %v, want noon of %s in Istanbul", got, today)
	}
}
