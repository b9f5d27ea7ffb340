package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
)

func requestIn(lang, path string) *http.Request {
	r := httptest.NewRequest("GET", path, nil)
	return With(r, &Ctx{ReqID: "req-1", Lang: lang, P: i18n.For(lang)})
}

// TestWriteProblemShapeAndLanguage: each kind gets its status, the RFC 9457 members, its
// content type and the message in the caller's language; internal errors never leak their text.
func TestWriteProblemShapeAndLanguage(t *testing.T) {
	var fields fault.Fields
	fields.Add("name", "validation.required")
	fields.Add("name", "validation.email") // the first error of a field wins
	fields.Add("title", "validation.too_long", 80)
	scenarios := []struct {
		name     string
		lang     string
		err      error
		status   int
		code     string
		detail   string
		errs     []ProblemField
		noDetail string
	}{
		{name: "not found tr", lang: "tr", err: fmt.Errorf("load: %w", tenantdb.ErrNotFound), status: 404, code: "not_found",
			detail: i18n.For("tr").T("error.404.body")},
		{name: "conflict en with key and code", lang: "en", err: fault.Conflict("error.409.body").WithCode("changed").Wrap(errors.New("sql")), status: 409, code: "changed",
			detail: i18n.For("en").T("error.409.body")},
		{name: "invalid tr", lang: "tr", err: fields.Err(), status: 422, code: "invalid",
			detail: i18n.For("tr").T("error.422.body"),
			errs: []ProblemField{
				{Field: "name", Detail: "Bu alan zorunludur.", Code: "validation.required"},
				{Field: "title", Detail: "En fazla 80 karakter olabilir.", Code: "validation.too_long"},
			}},
		{name: "forbidden en", lang: "en", err: fault.Forbidden(""), status: 403, code: "forbidden", detail: i18n.For("en").T("error.403.generic")},
		{name: "rate limited", lang: "en", err: fault.RateLimited(""), status: 429, code: "rate_limited", detail: i18n.For("en").T("error.429.body")},
		{name: "unavailable", lang: "tr", err: fault.Unavailable(""), status: 503, code: "unavailable", detail: i18n.For("tr").T("error.503.body")},
		{name: "internal hides text", lang: "en", err: errors.New("secret table broke"), status: 500, code: "internal",
			detail: i18n.For("en").T("error.500.body"), noDetail: "secret"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			WriteProblem(w, requestIn(s.lang, "/api/v1/leads/7"), s.err)
			if w.Code != s.status {
				t.Fatalf("status %d, want %d", w.Code, s.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json; charset=utf-8" {
				t.Fatalf("content type %q", ct)
			}
			var p Problem
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			title := i18n.For(s.lang).T(fmt.Sprintf("error.%d.title", s.status))
			if p.Status != s.status || p.Code != s.code || p.Type != ProblemType+fault.KindOf(s.err).String() ||
				p.Title != title || p.Detail != s.detail || p.Instance != "/api/v1/leads/7" || p.RequestID != "req-1" {
				t.Fatalf("problem = %+v\nwant status %d code %s title %q detail %q", p, s.status, s.code, title, s.detail)
			}
			if len(p.Errors) != len(s.errs) {
				t.Fatalf("errors = %+v, want %+v", p.Errors, s.errs)
			}
			for i := range s.errs {
				if p.Errors[i] != s.errs[i] {
					t.Fatalf("errors[%d] = %+v, want %+v", i, p.Errors[i], s.errs[i])
				}
			}
			if s.noDetail != "" && strings.Contains(w.Body.String(), s.noDetail) {
				t.Fatalf("internal text leaked: %s", w.Body.String())
			}
			// The raw members are RFC 9457's names.
			var raw map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &raw)
			for _, k := range []string{"type", "title", "status", "detail", "instance"} {
				if _, ok := raw[k]; !ok {
					t.Fatalf("member %q missing: %s", k, w.Body.String())
				}
			}
		})
	}
}

// TestStatusOfEveryKind pins the kind → status table.
func TestStatusOfEveryKind(t *testing.T) {
	want := map[fault.Kind]int{
		fault.KindInternal: 500, fault.KindNotFound: 404, fault.KindConflict: 409, fault.KindInvalid: 422,
		fault.KindMalformed: 400, fault.KindUnauthorized: 401, fault.KindForbidden: 403, fault.KindTooLarge: 413,
		fault.KindRateLimited: 429, fault.KindUnavailable: 503,
	}
	for k, st := range want {
		if got := StatusOf(fault.New(k, "")); got != st {
			t.Errorf("%v: status %d, want %d", k, got, st)
		}
	}
	if StatusOf(nil) != 500 || StatusOf(errors.New("x")) != 500 {
		t.Error("errors without a kind must be 500")
	}
}

// TestStatusProblem: the middleware's answers without an error (a missing permission, a method
// the route does not take) are problem details too when JSON was asked for.
func TestStatusProblem(t *testing.T) {
	for _, s := range []struct {
		status       int
		detail, code string
	}{
		{403, "Rolünüz (viewer) bu işleme izin vermiyor: x.", "forbidden"},
		{405, "", "http_405"},
	} {
		w := httptest.NewRecorder()
		writeStatusProblem(w, requestIn("tr", "/app/x"), s.status, s.detail)
		var p Problem
		if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
			t.Fatal(err)
		}
		tr := i18n.For("tr")
		wantDetail := s.detail
		if wantDetail == "" {
			wantDetail = tr.T(fmt.Sprintf("error.%d.body", s.status))
		}
		if w.Code != s.status || p.Status != s.status || p.Code != s.code || p.Title != tr.T(fmt.Sprintf("error.%d.title", s.status)) || p.Detail != wantDetail {
			t.Fatalf("%d: %d %+v", s.status, w.Code, p)
		}
	}
}
