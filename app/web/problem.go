package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"

	"highvibe/app/fault"
)

// ProblemType is the prefix of every problem's `type`; the kind's machine word follows
// ("urn:highvibe:problem:not_found"). A URN names the kind for programs without promising a page
// at an address.
const ProblemType = "urn:highvibe:problem:"

// Problem is the JSON error shape of every HTTP API (RFC 9457 problem details, served as
// application/problem+json): Type names the kind, Title is the status's title and Detail the
// message, both in the caller's language; Instance is the request path. Code (a machine word:
// the error's Code or its kind), RequestID and Errors (one entry per invalid field) are
// extension members.
type Problem struct {
	Type      string         `json:"type"`
	Title     string         `json:"title"`
	Status    int            `json:"status"`
	Detail    string         `json:"detail,omitempty"`
	Instance  string         `json:"instance,omitempty"`
	Code      string         `json:"code"`
	RequestID string         `json:"request_id,omitempty"`
	Errors    []ProblemField `json:"errors,omitempty"`
	// Items is, for an action over many items, the outcome of each (which succeeded, which were
	// refused and why): see WriteProblemItems.
	Items any `json:"items,omitempty"`
}

// ProblemField is one invalid field of a problem: its name, the message in the caller's language
// and the message's catalog key as a stable machine word.
type ProblemField struct {
	Field  string `json:"field"`
	Detail string `json:"detail"`
	Code   string `json:"code"`
}

// statusOfKind is the one place a fault kind becomes an HTTP status.
var statusOfKind = [...]int{
	fault.KindInternal:     http.StatusInternalServerError,
	fault.KindNotFound:     http.StatusNotFound,
	fault.KindConflict:     http.StatusConflict,
	fault.KindInvalid:      http.StatusUnprocessableEntity,
	fault.KindMalformed:    http.StatusBadRequest,
	fault.KindUnauthorized: http.StatusUnauthorized,
	fault.KindForbidden:    http.StatusForbidden,
	fault.KindTooLarge:     http.StatusRequestEntityTooLarge,
	fault.KindRateLimited:  http.StatusTooManyRequests,
	fault.KindUnavailable:  http.StatusServiceUnavailable,
}

// StatusOf maps an error to its HTTP status through its fault kind (stores never return HTTP
// errors themselves); nil and errors without a kind are 500.
func StatusOf(err error) int {
	k := fault.KindOf(err)
	if int(k) < len(statusOfKind) {
		return statusOfKind[k]
	}
	return http.StatusInternalServerError
}

// Message is err's message in the request's language: the error's own key when it has one, the
// generic message of its status otherwise. Internal errors never show their text.
func Message(r *http.Request, err error) string {
	c := From(r)
	if key, args := fault.KeyOf(err); key != "" {
		return c.T(key, args...)
	}
	return c.T(messageKey(c, err))
}

// messageKey is the catalog key of the generic message of err's status (an error without a key of
// its own).
func messageKey(c *Ctx, err error) string {
	st := StatusOf(err)
	if st == http.StatusForbidden {
		return "error.403.generic" // the page's 403 body names a role and a permission
	}
	key := fmt.Sprintf("error.%d.body", st)
	if !c.P.Has(key) {
		key = "error.500.body"
	}
	return key
}

// FieldErrors returns the field errors err carries, translated into the request's language
// (field → message), for re-rendering a form; nil when err has none.
func FieldErrors(r *http.Request, err error) map[string]string {
	e := fault.As(err)
	if e == nil || len(e.Fields) == 0 {
		return nil
	}
	c := From(r)
	m := make(map[string]string, len(e.Fields))
	for _, f := range e.Fields {
		m[f.Field] = c.T(f.Key, wordArgs(c, f.Args)...)
	}
	if ChangedMeanwhile(err) { // what happened, for the top of the form (the layout shows it)
		m[MeanwhileField] = c.T(e.Key)
	}
	return m
}

// wordArgs is args with each Word translated.
func wordArgs(c *Ctx, args []any) []any {
	out := args
	for i, a := range args {
		var s string
		switch x := a.(type) {
		case Word:
			s = c.T(string(x))
		case Day:
			t, err := time.Parse(time.DateOnly, string(x))
			if err != nil {
				continue
			}
			s = c.P.In(nil).Date(t) // the day as stored, in no zone
		case Amount:
			s = c.P.WholeMoney(x.Units, x.Currency)
		default:
			continue
		}
		if &out[0] == &args[0] {
			out = slices.Clone(args)
		}
		out[i] = bannerWord(s)
	}
	return out
}

// NewProblem builds the problem details of err for the request, in the request's language.
func NewProblem(r *http.Request, err error) Problem {
	c := From(r)
	st := StatusOf(err)
	kind := fault.KindOf(err)
	p := Problem{
		Type:      ProblemType + kind.String(),
		Status:    st,
		Detail:    Message(r, err),
		Instance:  r.URL.Path,
		Code:      kind.String(),
		RequestID: c.ReqID,
	}
	titleKey := fmt.Sprintf("error.%d.title", st)
	if !c.P.Has(titleKey) {
		titleKey = "error.500.title"
	}
	p.Title = c.T(titleKey)
	if e := fault.As(err); e != nil {
		if e.Code != "" {
			p.Code = e.Code
		}
		for _, f := range e.Fields {
			p.Errors = append(p.Errors, ProblemField{Field: f.Field, Detail: c.T(f.Key, wordArgs(c, f.Args)...), Code: f.Key})
		}
	}
	return p
}

// WriteProblem answers err as RFC 9457 problem details (application/problem+json) in the
// request's language, with the status of err's kind. It does not log: callers log internal
// errors once (Renderer.Fail does). The problem's code is also what /metrics counts as the
// reason a request was refused (see Observe).
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	writeProblem(w, r, NewProblem(r, err))
}

// WriteProblemDetail answers err as WriteProblem does, with title and detail (already in the
// request's language) in place of its kind's title and err's message: for a refusal whose reason
// the page words more precisely than err's own key (the approval queue's "the customer cannot be
// reached: …", which is no "changed in the meantime" conflict), so a program is told what a
// person is told. An empty title or detail keeps the general one.
func WriteProblemDetail(w http.ResponseWriter, r *http.Request, err error, title, detail string) {
	p := NewProblem(r, err)
	if title != "" {
		p.Title = title
	}
	if detail != "" {
		p.Detail = detail
	}
	writeProblem(w, r, p)
}

// WriteProblemItems answers an action over many items that some of them refused, as
// WriteProblemDetail does, with items (the outcome of each, in the caller's language) as the
// problem's "items" member: a program learns which items went and which did not, and why.
func WriteProblemItems(w http.ResponseWriter, r *http.Request, err error, title, detail string, items any) {
	p := NewProblem(r, err)
	if title != "" {
		p.Title = title
	}
	if detail != "" {
		p.Detail = detail
	}
	p.Items = items
	writeProblem(w, r, p)
}

func writeProblem(w http.ResponseWriter, r *http.Request, p Problem) {
	writeProblemIn(w, From(r).Lang, p)
}

// writeProblemIn writes p with lang as its Content-Language.
func writeProblemIn(w http.ResponseWriter, lang string, p Problem) {
	noteCode(w, p.Code)
	w.Header().Set("Content-Type", "application/problem+json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if lang != "" {
		w.Header().Set("Content-Language", lang)
	}
	w.WriteHeader(p.Status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(p)
}

// writeStatusProblem answers a status without an error (the middleware's 403 and 404) as problem
// details; detail is already in the request's language (the generic message when empty).
func writeStatusProblem(w http.ResponseWriter, r *http.Request, status int, detail string) {
	kind := fault.KindInternal
	for k, st := range statusOfKind {
		if st == status {
			kind = fault.Kind(k)
		}
	}
	p := NewProblem(r, fault.New(kind, ""))
	p.Status = status
	if kind == fault.KindInternal && status != http.StatusInternalServerError {
		p.Code = fmt.Sprintf("http_%d", status)
		p.Type = ProblemType + p.Code
		c := From(r)
		if key := fmt.Sprintf("error.%d.title", status); c.P.Has(key) {
			p.Title = c.T(key)
		}
		if key := fmt.Sprintf("error.%d.body", status); c.P.Has(key) {
			p.Detail = c.T(key)
		}
	}
	if detail != "" {
		p.Detail = detail
	}
	writeProblem(w, r, p)
}
