package web

import (
	"html"
	"net/http"

	"highvibe/app/i18n"
)

// StartingWait is the Retry-After of a request that came while the server was starting.
const StartingWait = "5"

// Starting answers a request that arrives while the server is still starting: serve takes its
// address first (a port in use stops the start before anything is opened), then opens and
// migrates every business's file, which takes seconds — longer after an update with migrations.
// A request in that time waited, unanswered, for all of it; it now gets 503 with Retry-After at
// once, in the reader's language (?lang=, the language cookie, Accept-Language), as problem
// details to a caller that asked for JSON. Nothing here touches a database.
func Starting(w http.ResponseWriter, r *http.Request) {
	lang := chooseLang(r, "", "")
	p := i18n.For(lang)
	h := w.Header()
	h.Set("Retry-After", StartingWait)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	if WantsJSON(r) {
		writeProblemIn(w, lang, Problem{Type: ProblemType + "starting", Title: p.T("error.503.title"), Status: http.StatusServiceUnavailable,
			Detail: p.T("error.starting"), Instance: r.URL.Path, Code: "starting"})
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	w.WriteHeader(http.StatusServiceUnavailable)
	// A page asked for (GET) opens by itself once the server is up: the browser loads it again
	// after Retry-After's seconds, so a person who opened the panel during a restart need not
	// reload by hand. A form sent (POST) is not sent again.
	refresh := ""
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		refresh = `<meta http-equiv="refresh" content="` + StartingWait + `">`
	}
	_, _ = w.Write([]byte(`<!doctype html><html lang="` + lang + `" dir="` + i18n.Dir(lang) + `"><meta charset="utf-8">` + refresh +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>` + html.EscapeString(p.T("error.503.title")) +
		`</title><p style="font-family:system-ui,sans-serif;margin:3rem auto;max-width:36rem;padding:0 1rem">` +
		html.EscapeString(p.T("error.starting")) + "</p></html>\n"))
}
