package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"highvibe/app/i18n"
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

// flash stores a one-time message shown on the next page. Rooms queue banners with FlashKey,
// FlashSay or FlashError (flashkey.go), never as words, so a banner is said in the language of the
// page that shows it.
func flash(w http.ResponseWriter, r *http.Request, ok bool, msg string) {
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
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(true)
	_ = enc.Encode(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	// The length lets Gzip leave a short answer (a webhook's "accepted") uncompressed.
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// JSONError answers a refused request of a JSON endpoint outside the typed API — the widget's API,
// the channel webhooks, the busy guard — in the same RFC 9457 problem details shape as /api/v1
// (one JSON error shape everywhere): code is the stable machine word (the problem's `code` and
// `type`, and what /metrics counts as the reason a webhook delivery was refused, see Observe),
// detail the sentence for the caller, already in its language. The title is the status's title
// in p's language (nil: the request's).
func JSONError(w http.ResponseWriter, r *http.Request, p *i18n.Printer, status int, code, detail string) {
	c := From(r)
	if p == nil {
		p = c.P
	}
	title := fmt.Sprintf("error.%d.title", status)
	if !p.Has(title) {
		title = "error.500.title"
	}
	writeProblemIn(w, p.Lang, Problem{Type: ProblemType + code, Title: p.T(title), Status: status, Detail: detail,
		Instance: r.URL.Path, Code: code, RequestID: c.ReqID})
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
