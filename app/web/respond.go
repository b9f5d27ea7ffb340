package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// IsHTMX reports whether the request came from htmx.
func IsHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// Redirect sends the browser to url after a POST: HX-Redirect for htmx, 303 otherwise.
func Redirect(w http.ResponseWriter, r *http.Request, to string) {
	if IsHTMX(r) {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// Flash stores a one-time message shown on the next page.
func Flash(w http.ResponseWriter, r *http.Request, ok bool, msg string) {
	c := From(r)
	if c.Session == nil {
		return
	}
	key := "ok"
	if !ok {
		key = "err"
	}
	c.Session.AddFlash(msg, key)
	_ = c.Session.Save(r, w)
}

// JSON writes v as JSON with status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
}

// APIError is the error shape of every JSON API (widget, integration API): a readable sentence in
// the caller's language and a machine word.
type APIError struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// JSONError writes {"error","code"} with status; the code is also what /metrics counts as the
// reason a webhook delivery was refused (see Observe).
func JSONError(w http.ResponseWriter, status int, code, msg string) {
	noteCode(w, code)
	JSON(w, status, APIError{Error: msg, Code: code})
}

// Errors collects field errors during validation; empty means valid.
type Errors map[string]string

// Add records the first error of a field.
func (e Errors) Add(field, msg string) {
	if _, ok := e[field]; !ok {
		e[field] = msg
	}
}

// Any reports whether there are errors.
func (e Errors) Any() bool { return len(e) > 0 }

// SafeNext returns next when it is a local path (no open redirects), else fallback.
func SafeNext(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return fallback
	}
	u, err := url.Parse(next)
	if err != nil || u.Host != "" || u.Scheme != "" {
		return fallback
	}
	return next
}
