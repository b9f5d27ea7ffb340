package apptest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// OpenAPIPath is where the server serves the integration API's OpenAPI document.
const OpenAPIPath = "/api/v1/openapi.json"

// APIClient calls the integration API and checks every request and answer against the OpenAPI
// document the server itself serves: an answer that does not match it (an undocumented status,
// field, type or content type) fails the test; whether the request matched is returned, so a test
// can also assert that the document refuses what the server refuses.
type APIClient struct {
	*Client
	Doc    *openapi3.T
	router routers.Router
}

// APIClient fetches and loads the server's OpenAPI document (failing the test unless it is a
// valid OpenAPI 3.1 document) and returns a client that validates against it.
func (e *Env) APIClient() *APIClient {
	e.T.Helper()
	c := e.Client()
	r := c.Get(OpenAPIPath)
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		e.T.Fatalf("GET %s: %d %s", OpenAPIPath, r.StatusCode, r.Header.Get("Content-Type"))
	}
	doc, err := LoadOpenAPI([]byte(r.Body))
	if err != nil {
		e.T.Fatal(err)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		e.T.Fatalf("openapi router: %v", err)
	}
	return &APIClient{Client: c, Doc: doc, router: router}
}

// LoadOpenAPI parses and validates an OpenAPI document, which must be version 3.1.
func LoadOpenAPI(b []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	if !doc.IsOpenAPI31OrLater() || !strings.HasPrefix(doc.OpenAPI, "3.1.") {
		return nil, fmt.Errorf("openapi: version %q, want 3.1.x", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid document: %w", err)
	}
	return doc, nil
}

// keyPresent is the document's security check: the scheme's header is there (the server decides
// whether the key is good).
func keyPresent(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	s := in.SecurityScheme
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		if strings.HasPrefix(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer ") {
			return nil
		}
	case s.Type == "apiKey" && s.In == "header":
		if in.RequestValidationInput.Request.Header.Get(s.Name) != "" {
			return nil
		}
	}
	return fmt.Errorf("no %s credentials", in.SecuritySchemeName)
}

// Call sends method path with the key (as a bearer token; none when empty) and, when body is
// not empty, the body with its content type. It fails the test when the answer does not match the
// document and returns the answer with the request's own validation error (nil: the document
// accepts the request).
func (a *APIClient) Call(method, path, key, contentType, body string) (*Resp, error) {
	a.E.T.Helper()
	h := http.Header{}
	if key != "" {
		h.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return a.Send(method, path, h, body)
}

// Send is Call with the request's headers given.
func (a *APIClient) Send(method, path string, h http.Header, body string) (*Resp, error) {
	t := a.E.T
	t.Helper()
	req, _ := http.NewRequest(method, a.E.URL+path, strings.NewReader(body))
	req.Header = h.Clone()
	in, reqErr := a.validateRequest(req, body)
	res := a.Do(req)
	if in == nil {
		t.Errorf("%s %s: no operation of the OpenAPI document (%v)", method, path, reqErr)
		return res, reqErr
	}
	if err := a.validateResponse(in, res); err != nil {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not allow: %v\nbody: %s", method, path, res.StatusCode, err, res.Body)
	}
	return res, reqErr
}

func (a *APIClient) validateRequest(req *http.Request, body string) (*openapi3filter.RequestValidationInput, error) {
	// The router matches on the document's server; the document names none, so "/".
	probe := req.Clone(context.Background())
	probe.URL.Scheme, probe.URL.Host, probe.Host = "", "", ""
	probe.Body = io.NopCloser(strings.NewReader(body))
	route, params, err := a.router.FindRoute(probe)
	if err != nil {
		return nil, err
	}
	in := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: keyPresent, MultiError: true}}
	return in, openapi3filter.ValidateRequest(context.Background(), in)
}

// validateResponse checks the answer; its status must be written in the document (the
// "default" answer stands for unexpected errors only, which no test should meet).
func (a *APIClient) validateResponse(in *openapi3filter.RequestValidationInput, res *Resp) error {
	if in.Route.Operation.Responses.Status(res.StatusCode) == nil {
		return fmt.Errorf("status %d is not documented for %s %s", res.StatusCode, in.Route.Method, in.Route.Path)
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode, Header: res.Header,
		Body: io.NopCloser(bytes.NewReader([]byte(res.Body))), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.Options.AuthenticationFunc = keyPresent
	return openapi3filter.ValidateResponse(context.Background(), out)
}

// Operations lists the document's operations as "METHOD /path" in the route table's spelling.
func (a *APIClient) Operations() []string {
	var out []string
	for path, item := range a.Doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+path)
		}
	}
	return out
}
