package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A conversation list asked for a state or a channel that does not exist ("open", a typo) is a
// 400 bad_query in the caller's language naming the allowed values, as the OpenAPI document's
// enums say, not an empty page an integration would read as "nothing to do".
func TestConversationListRefusesUnknownStateAndChannel(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	rd := e.APIKey("acme", "read")
	c := e.APIClient()
	for _, q := range []string{"state=open", "state=Won", "channel=sms", "channel=WhatsApp"} {
		h := http.Header{"Authorization": {"Bearer " + rd}, "Accept-Language": {"tr"}}
		r, reqErr := c.Send("GET", "/api/v1/conversations?"+q, h, "")
		if reqErr == nil {
			t.Errorf("%s: the OpenAPI document accepts it", q)
		}
		if r.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", q, r.StatusCode, r.Body)
			continue
		}
		p := problem(t, r)
		name, _, _ := strings.Cut(q, "=")
		if p.Code != "bad_query" || !strings.Contains(p.Detail, name) || !strings.Contains(p.Detail, "olmalı") {
			t.Errorf("%s: problem %+v, want a Turkish bad_query naming %s", q, p, name)
		}
	}
	for _, q := range []string{"state=won", "state=negotiation", "channel=whatsapp", "channel=manual", "state=lost&channel=email"} {
		r, err := c.Call("GET", "/api/v1/conversations?"+q, rd, "", "")
		noReqErr(t, q, err)
		if r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s, want 200", q, r.StatusCode, r.Body)
		}
	}
}

// An import to an endpoint of a module the business has off answers 404 module_off, and the
// OpenAPI document lists that answer (apptest.APIClient fails on an undocumented status).
func TestImportOfAModuleThatIsOffIsDocumented(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("shop")
	e.Set("shop", map[string]string{"modules": "repair"}) // sales and msp off
	imp := e.APIKey("shop", "import")
	c := e.APIClient()
	for _, kind := range []string{"customers", "products", "orders", "invoices", "devices"} {
		r, _ := c.Call("POST", "/api/v1/"+kind, imp, "application/json", `{"name":"x"}`)
		if r.StatusCode != http.StatusNotFound || problem(t, r).Code != "module_off" {
			t.Errorf("%s with its module off: %d %s, want 404 module_off", kind, r.StatusCode, r.Body)
		}
	}
}

// q is bounded to 200 characters, as the document and the message say, not 200 bytes: a search
// of Turkish or Arabic words (two bytes a letter) up to 200 letters is answered.
func TestConversationSearchCountsCharactersNotBytes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	rd := e.APIKey("acme", "read")
	c := e.APIClient()
	for _, q := range []string{strings.Repeat("ş", 150), strings.Repeat("ع", 200)} {
		r, err := c.Call("GET", "/api/v1/conversations?q="+url.QueryEscape(q), rd, "", "")
		noReqErr(t, "q of 200 letters", err)
		if r.StatusCode != http.StatusOK {
			t.Errorf("q of %d letters: %d %s, want 200", len([]rune(q)), r.StatusCode, r.Body)
		}
	}
	r, _ := c.Call("GET", "/api/v1/conversations?q="+url.QueryEscape(strings.Repeat("ş", 201)), rd, "", "")
	if r.StatusCode != http.StatusBadRequest {
		t.Errorf("q of 201 letters: %d, want 400", r.StatusCode)
	}
}
