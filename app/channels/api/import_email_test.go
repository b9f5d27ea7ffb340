package api_test

import (
	"net/http"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestImportEmailSaysWhy: an imported lead whose e-mail address has letters such as ç or ş before
// the @ is refused with the reason the panel's forms give (most mail servers refuse such an
// address; Turkish letters in the domain are fine), in the caller's language; another bad address
// keeps the API's own message. The import answered "not a valid email address" for both, so an
// integrator whose customer typed "ayşe@…" could not tell what to change. A customer row says the
// same as a lead row. Nothing of a refused batch is stored.
func TestImportEmailSaysWhy(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	imp := e.APIKey("acme", "import")
	c := e.Client()
	for _, lang := range []string{"tr", "en", "ar"} {
		tr := i18n.For(lang)
		for _, kind := range []string{"leads", "customers"} {
			r := c.PostJSON("/api/v1/"+kind, []byte(`[{"name":"Ayşe Kaya","email":"ayşe.kaya@example.com"},{"name":"Kemal","email":"kemal@"},`+
				`{"name":"Ali Usta","email":"ali@şirket.com.tr"}]`), map[string]string{"Authorization": "Bearer " + imp, "Accept-Language": lang})
			if r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("%s %s: %d %s, want 422", lang, kind, r.StatusCode, r.Body)
			}
			got := map[string][2]string{}
			for _, f := range problem(t, r).Errors {
				got[f.Field] = [2]string{f.Code, f.Detail}
			}
			if w := tr.T("validation.email_local_ascii"); got["1.email"] != [2]string{"validation.email_local_ascii", w} {
				t.Errorf("%s %s: a letter ş before the @ answers %q, want %q", lang, kind, got["1.email"], w)
			}
			if got["2.email"][1] == "" || got["2.email"][0] == "validation.email_local_ascii" {
				t.Errorf("%s %s: kemal@ answers %q, want the plain invalid address", lang, kind, got["2.email"])
			}
			if lang == "tr" && kind == "leads" && got["2.email"][1] != "Geçerli bir e-posta adresi değil." {
				t.Errorf("kemal@ in Turkish answers %q", got["2.email"][1])
			}
			if _, refused := got["3.email"]; refused || len(got) != 2 {
				t.Errorf("%s %s: errors %q; want only rows 1 and 2 (a Turkish domain is fine)", lang, kind, got)
			}
		}
	}
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT (SELECT count(*) FROM leads) + (SELECT count(*) FROM customers)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d leads and customers stored from refused batches (%v)", n, err)
	}
	// The Turkish domain alone is kept in the form mail servers read, as the guide says.
	if r := c.PostJSON("/api/v1/leads", []byte(`{"name":"Ali Usta","email":"ali@şirket.com.tr"}`), map[string]string{"Authorization": "Bearer " + imp}); r.StatusCode != http.StatusCreated {
		t.Fatalf("a Turkish domain: %d %s", r.StatusCode, r.Body)
	}
	var email string
	if err := e.DB("acme").Read.QueryRow(`SELECT email FROM leads`).Scan(&email); err != nil || email != "ali@xn--irket-idb.com.tr" {
		t.Errorf("stored %q (%v), want ali@xn--irket-idb.com.tr", email, err)
	}
}
