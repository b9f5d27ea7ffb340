package api_test

import (
	"net/http"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A CSV header row naming a column twice is refused naming it (one of its two values was
// silently dropped), and so is a column without a name that holds values; an empty column
// without a name (the trailing comma a spreadsheet leaves) is ignored. Nothing is stored from a
// refused body; the answers are in the caller's language.
func TestImportCSVHeaderColumnsAreNamedOnce(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.APIClient()
	h := func() map[string][]string {
		return map[string][]string{"Authorization": {"Bearer " + imp}, "Content-Type": {"text/csv"}, "Accept-Language": {"tr"}}
	}
	for _, k := range []struct{ body, want string }{
		{"name,phone,Name\nAli Veli,05321112233,Ayşe\n", "name"},
		{"name,,phone\nAli Veli,x,05321112233\n", "2. sütun"},
	} {
		r, _ := c.Send("POST", "/api/v1/leads", h(), k.body)
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d %s, want 400", k.body, r.StatusCode, r.Body)
			continue
		}
		if p := problem(t, r); p.Code != "malformed" || !strings.Contains(p.Detail, k.want) || !strings.Contains(p.Detail, "başlık") {
			t.Errorf("%q: problem %+v, want a Turkish malformed naming %q", k.body, p, k.want)
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM leads`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("leads stored from refused bodies: %d (%v)", n, err)
	}
	r, _ := c.Send("POST", "/api/v1/leads", h(), "name,phone,\nAli Veli,05321112233,\n")
	if r.StatusCode != http.StatusCreated {
		t.Errorf("a trailing empty column: %d %s, want 201", r.StatusCode, r.Body)
	}
}
