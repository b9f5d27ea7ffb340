package api_test

import (
	"io/fs"
	"net/http"
	"slices"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/api"
	"highvibe/app/channels/chanutil"
	"highvibe/app/web"
	"highvibe/guide"
)

// TestOpenAPIDocumentCoversEveryRoute: the served document is valid OpenAPI 3.1, and its
// operations are exactly the /api/v1 routes of the route table, each with a summary, its key's
// security (all but the document itself) and problem details for its errors.
func TestOpenAPIDocumentCoversEveryRoute(t *testing.T) {
	e := apptest.New(t)
	c := e.APIClient() // fails unless the document loads and validates as OpenAPI 3.1
	ops := c.Operations()
	var routes []string
	for _, rt := range e.Server.Routes(e.Handlers) {
		if method, path, _ := strings.Cut(rt.Pattern, " "); strings.HasPrefix(path, "/api/v1/") {
			routes = append(routes, method+" "+path)
		}
	}
	if len(routes) < 12 {
		t.Fatalf("only %d /api/v1 routes in the route table: %v", len(routes), routes)
	}
	for _, rt := range routes {
		if !slices.Contains(ops, rt) {
			t.Errorf("route %s is missing from %s", rt, api.OpenAPIPath)
		}
	}
	for _, op := range ops {
		if !slices.Contains(routes, op) {
			t.Errorf("%s documents %s, which the route table does not serve", api.OpenAPIPath, op)
		}
	}
	for path, item := range c.Doc.Paths.Map() {
		for method, op := range item.Operations() {
			name := method + " " + path
			if op.Summary == "" || op.OperationID == "" {
				t.Errorf("%s: no summary or operationId", name)
			}
			if path == api.OpenAPIPath {
				if op.Security == nil || len(*op.Security) != 0 {
					t.Errorf("%s must be public", name)
				}
				continue
			}
			if op.Security == nil || len(*op.Security) != 2 {
				t.Errorf("%s: want the bearer and X-Api-Key schemes", name)
			}
			for _, st := range []string{"401", "403", "429", "default"} {
				resp := op.Responses.Value(st)
				if resp == nil || resp.Value.Content.Get("application/problem+json") == nil {
					t.Errorf("%s: %s is not documented as problem details", name, st)
				}
			}
		}
	}
	if r := c.Get(api.OpenAPIPath); !strings.Contains(r.Body, `"openapi": "3.1.0"`) {
		t.Errorf("version line: %.200s", r.Body)
	}
}

// TestIntegrationAPIErrorsAreProblems: every refusal of the API is RFC 9457 problem details in
// the caller's language, with its documented status and code, checked against the document.
func TestIntegrationAPIErrorsAreProblems(t *testing.T) {
	e := apptest.New(t)
	// The shipped limit (bursts of 100, 20/s) with a refill so slow that a loaded machine, where
	// 400 requests take longer than 15 s, cannot refill the bucket as fast as the test drains it.
	// Set before the first request reaches the server.
	e.Handlers.Channels.API.Limits = chanutil.NewLimiters(0.01, 100)
	e.Tenant("acme")
	read := e.APIKey("acme", "read")
	imp := e.APIKey("acme", "import")
	c := e.APIClient()
	cases := []struct {
		method, path, key, ctype, body string
		status                         int
		code                           string
		docRefuses                     bool // the document itself refuses the request
	}{
		{"GET", "/api/v1/leads", "", "", "", 401, "missing_key", true},
		{"GET", "/api/v1/leads", "hv_nope", "", "", 401, "unknown_key", false},
		{"GET", "/api/v1/leads?limit=0", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/leads?cursor=-3", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/conversations?handoff=maybe", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/recommendations?status=lost", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/action-logs?limit=501", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/action-logs?cursor=abc", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/action-logs?cursor=0", read, "", "", 400, "bad_query", true},
		{"GET", "/api/v1/conversations/999", read, "", "", 404, "not_found", false},
		{"POST", "/api/v1/conversations/999/messages", imp, "application/json", `{"text":"x"}`, 404, "not_found", false},
		{"POST", "/api/v1/conversations/1/messages", read, "application/json", `{"text":"x"}`, 403, "wrong_scope", false},
		{"POST", "/api/v1/leads", imp, "text/csv", "name\n", 400, "malformed", false},
		{"POST", "/api/v1/products", imp, "application/json", `{"sku":"G1","name":"Granit","unit_price":"çok"}`, 422, "invalid_rows", false},
		{"POST", "/api/v1/customers", imp, "application/json", "[" + strings.Repeat(`{"name":"x"},`, 5000) + `{"name":"y"}]`, 413, "too_many_rows", true},
		{"POST", "/api/v1/conversations/999/messages", imp, "application/json", `{"text":"` + strings.Repeat("ş", 65537) + `"}`, 413, "too_long", true},
		{"POST", "/api/v1/conversations/999/messages", imp, "application/json", `{"direction":"sideways","text":"x"}`, 422, "bad_direction", true},
		{"POST", "/api/v1/conversations/999/messages", imp, "application/json", `{"text":"  "}`, 422, "text_required", false},
		{"POST", "/api/v1/conversations/999/messages", imp, "application/json", `["x"]`, 400, "malformed", true},
	}
	for _, tc := range cases {
		r, reqErr := c.Call(tc.method, tc.path, tc.key, tc.ctype, tc.body)
		name := tc.method + " " + tc.path
		if (reqErr != nil) != tc.docRefuses {
			t.Errorf("%s: the document refuses it: %v, want %v", name, reqErr, tc.docRefuses)
		}
		if r.StatusCode != tc.status {
			t.Errorf("%s: %d %s, want %d", name, r.StatusCode, r.Body, tc.status)
			continue
		}
		p := problem(t, r)
		if p.Code != tc.code || p.Status != tc.status || p.Title == "" || p.Detail == "" || p.Instance != strings.SplitN(tc.path, "?", 2)[0] || !strings.HasPrefix(p.Type, "urn:") {
			t.Errorf("%s: problem %+v, want code %s", name, p, tc.code)
		}
	}

	// Over the key's rate limit (a burst of 100): 429 with Retry-After, as documented.
	burst := e.APIKey("acme", "read") // its own key: the others keep their budget
	limited := false
	for i := 0; i < 150 && !limited; i++ {
		r, _ := c.Call("GET", "/api/v1/recommendations", burst, "", "")
		if r.StatusCode == http.StatusTooManyRequests {
			limited = true
			if p := problem(t, r); p.Code != "rate_limited" || r.Header.Get("Retry-After") == "" {
				t.Errorf("rate limited: %s %q", r.Body, r.Header.Get("Retry-After"))
			}
		}
	}
	if !limited {
		t.Error("150 requests in a row never met the rate limit (a burst of 100)")
	}

	// The caller's language: a Turkish integrator reads Turkish.
	h := http.Header{"Authorization": {"Bearer " + imp}, "Content-Type": {"application/json"}, "Accept-Language": {"tr"}}
	r, _ := c.Send("POST", "/api/v1/products", h, `[{"sku":"G1","name":"Granit","unit_price":"çok"},{"sku":"M1","name":"Mermer"}]`)
	p := problem(t, r)
	if r.StatusCode != 422 || !strings.Contains(p.Detail, "geçersiz") || len(p.Errors) != 1 || p.Errors[0].Field != "1.unit_price" || !strings.Contains(p.Detail, "1/2") || p.Errors[0].Detail != "Bir sayı olmalı." {
		t.Errorf("Turkish problem: %d %s", r.StatusCode, r.Body)
	}
	r, _ = c.Send("POST", "/api/v1/leads", h, `{"name":"Kemal","email":"kemal@","stage":"hot"}`)
	got := map[string]web.ProblemField{}
	for _, f := range problem(t, r).Errors {
		got[f.Field] = f
	}
	if r.StatusCode != 422 || got["1.email"].Detail != "Geçerli bir e-posta adresi değil." || got["1.stage"].Code != "api.row.one_of" ||
		!strings.Contains(got["1.stage"].Detail, "Şunlardan biri olmalı: new, contacted") {
		t.Errorf("Turkish lead row errors: %d %s", r.StatusCode, r.Body)
	}
	h = http.Header{"Authorization": {"Bearer " + read}, "Accept-Language": {"tr"}}
	if r, _ := c.Send("GET", "/api/v1/leads?limit=0", h, ""); !strings.Contains(problem(t, r).Detail, "arasında") {
		t.Errorf("Turkish bad query: %s", r.Body)
	}
}

// TestGuideDescribesEveryOperation: the guide's Integration API page, in English and Turkish,
// names every path of the document, shows curl examples and the problem details shape.
func TestGuideDescribesEveryOperation(t *testing.T) {
	e := apptest.New(t)
	c := e.APIClient()
	for _, lang := range []string{"en", "tr"} {
		b, err := fs.ReadFile(guide.FS, lang+"/31-integration-api.md")
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		for _, op := range c.Operations() {
			_, path, _ := strings.Cut(op, " ")
			if !strings.Contains(page, strings.ReplaceAll(path, "{id}", "<id>")) {
				t.Errorf("guide/%s/31-integration-api.md does not name %s", lang, path)
			}
		}
		for _, want := range []string{"curl ", "application/problem+json", "Accept-Language", "`request_id`", "invalid_rows"} {
			if !strings.Contains(page, want) {
				t.Errorf("guide/%s/31-integration-api.md does not show %q", lang, want)
			}
		}
	}
}

// TestIntegrationAPIUnknownPathIsAProblem: a path or method no route serves under /api/v1/ is a
// 404 in problem details too, not the panel's HTML page.
func TestIntegrationAPIUnknownPathIsAProblem(t *testing.T) {
	e := apptest.New(t)
	c := e.Client()
	for _, tc := range [][2]string{{"GET", "/api/v1/nope"}, {"DELETE", "/api/v1/leads"}, {"GET", "/api/v1/leads/7"}} {
		req, _ := http.NewRequest(tc[0], e.URL+tc[1], nil)
		r := c.Do(req)
		if p := problem(t, r); r.StatusCode != 404 || p.Code != "not_found" || p.Instance != tc[1] {
			t.Errorf("%s %s: %d %s", tc[0], tc[1], r.StatusCode, r.Body)
		}
	}
}
