package landing_test

import (
	"net/url"
	"testing"

	"highvibe/app/apptest"
)

// TestLandingNameIsOneLineOfText: a name sent through the landing page's form with a right-to-left
// override, a new line and a control character is stored as one line of plain text: the override
// turned the rest of the panel's lines around where the name is shown.
func TestLandingNameIsOneLineOfText(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	e.Set("acme", map[string]string{"landing_enabled": "true"})
	form := url.Values{"name": {"Mehmet\u202e Kaya\r\nIBAN\u2067 TR12\u0001"}, "contact": {"0532 111 22 33"}, "message": {"Bahçe için kilit parke"}, "consent": {"1"}}
	if r := e.Client().Post("/", form); r.StatusCode != 303 {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Body)
	}
	var name string
	if err := e.DB("acme").Read.QueryRow(`SELECT name FROM leads`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	if name != "Mehmet Kaya IBAN TR12" {
		t.Errorf("the lead's name is stored as %q", name)
	}
}
