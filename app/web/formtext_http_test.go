package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A form carrying bytes that are not UTF-8, or a NUL, is refused before any handler stores it
// (400, in the person's language): the panel's pages are UTF-8, so only a script sends them, and
// stored they broke the quote PDF (a 500) and the CSV export. Panel, staff console and public
// forms alike; a clean form still goes through.
func TestFormsRefuseTextThatIsNotUTF8(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"landing_enabled": "true"})
	owner := e.User("acme", "olga", "owner")
	staff := e.User("", "stan", "staff")
	db := e.DB("acme")
	count := func(q string) int {
		var n int
		if err := db.Read.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const tr = "okunamayan karakterler"
	for _, bad := range []string{"Ali\xff\xfe", "Ali\x00Veli", "\xc3\x28"} {
		r := owner.Post("/customers/new", url.Values{"name": {bad}, "notes": {"x"}})
		if r.StatusCode != http.StatusBadRequest || !strings.Contains(r.Body, tr) {
			t.Errorf("customer %q: %d, want 400 with the Turkish message; body has it: %v", bad, r.StatusCode, strings.Contains(r.Body, tr))
		}
		// A bad field name is as bad as a bad value.
		if r := owner.Post("/customers/new", url.Values{"name": {"Ali"}, bad: {"x"}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("field named %q: %d, want 400", bad, r.StatusCode)
		}
		if r := staff.Post("/staff/tenants/acme/profile", url.Values{"name": {bad}, "niche": {"parke_tas"}, "primary_locale": {"tr"}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("staff console, tenant name %q: %d, want 400", bad, r.StatusCode)
		}
		if r := e.Client().Post("/", url.Values{"name": {bad}, "contact": {"ali@example.com"}, "message": {"x"}, "consent": {"1"}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("landing form %q: %d, want 400", bad, r.StatusCode)
		}
	}
	if n := count(`SELECT count(*) FROM customers`); n != 0 {
		t.Errorf("%d customers stored from refused forms", n)
	}
	if n := count(`SELECT count(*) FROM leads`); n != 0 {
		t.Errorf("%d leads stored from refused landing forms", n)
	}
	if tt, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme"); tt.Name != "Acme Ltd" {
		t.Errorf("tenant name now %q", tt.Name)
	}
	// Tabs, new lines and every script still pass.
	if r := owner.Post("/customers/new", url.Values{"name": {"Ayşe Yılmaz"}, "notes": {"satır 1\r\nsatır 2\tسلام"}}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("clean customer: %d", r.StatusCode)
	}
}
