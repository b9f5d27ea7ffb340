package web

import (
	"compress/gzip"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"highvibe/app/i18n"
)

// LangCookie remembers the language a browser chose with ?lang= or the switcher.
const LangCookie = "hv_lang"

// CSP is the content security policy of every HTML response: no inline script anywhere.
// Inline styles are allowed because the chart library sets them from its own (self-hosted) script.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"

// Chain applies middleware so that the first listed runs first.
func Chain(h http.Handler, mw ...func(http.Handler) http.Handler) http.Handler {
	for i := len(mw) - 1; i >= 0; i-- {
		h = mw[i](h)
	}
	return h
}

// statusWriter remembers the status for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(s int) {
	if w.status == 0 {
		w.status = s
	}
	w.ResponseWriter.WriteHeader(s)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe reports every answered request to fn: the route pattern the mux matched ("" when none
// did), the status, the error code a JSON error body named (see JSONError; "" for none) and the
// time taken. The mux records the pattern on the request it is handed, so nothing between Observe
// and the mux may replace the request (Base does, so Observe goes after it).
func Observe(fn func(route string, status int, code string, d time.Duration)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ow := &observedWriter{statusWriter: statusWriter{ResponseWriter: w}}
			finished := false
			defer func() {
				status := ow.status
				switch {
				case !finished: // a panic on its way to Base, which answers 500
					status = http.StatusInternalServerError
				case status == 0:
					status = http.StatusOK
				}
				fn(r.Pattern, status, ow.code, time.Since(start))
			}()
			next.ServeHTTP(ow, r)
			finished = true
		})
	}
}

// observedWriter is the status writer that also hears the code of a JSON error.
type observedWriter struct {
	statusWriter
	code string
}

// noteCode tells the Observe writer under w (through any wrappers) which error code is answered.
func noteCode(w http.ResponseWriter, code string) {
	for {
		switch x := w.(type) {
		case *observedWriter:
			x.code = code
			return
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return
		}
	}
}

// Base creates the request Ctx (id, language), recovers panics into a 500 page and logs the request.
func Base(log *slog.Logger, render func(w http.ResponseWriter, r *http.Request, status int)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			id := make([]byte, 6)
			_, _ = rand.Read(id)
			c := &Ctx{ReqID: hex.EncodeToString(id), hangUp: closeAfterAnswer(w)}
			rememberLang(w, r)
			c.Lang = chooseLang(r, "", "")
			c.P = i18n.For(c.Lang)
			c.SetZone(nil) // the product's default zone until a tenant's is known
			sw := &statusWriter{ResponseWriter: w}
			defer func() {
				if p := recover(); p != nil {
					if p == http.ErrAbortHandler {
						panic(p)
					}
					log.Error("panic", "req", c.ReqID, "path", r.URL.Path, "panic", p, "stack", string(debug.Stack()))
					if sw.status == 0 {
						render(sw, r, http.StatusInternalServerError)
					}
				}
				if !strings.HasPrefix(r.URL.Path, "/static/") {
					log.Debug("request", "req", c.ReqID, "method", r.Method, "path", r.URL.Path, "status", sw.status, "dur", time.Since(start))
				}
			}()
			next.ServeHTTP(sw, With(r, c))
		})
	}
}

// rememberLang keeps a ?lang= choice in a cookie for this browser, once per answer (the language
// is chosen again when the tenant is known, and the cookie must not be set twice).
func rememberLang(w http.ResponseWriter, r *http.Request) {
	if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
		if ck, err := r.Cookie(LangCookie); err != nil || ck.Value != q {
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		}
	}
}

// chooseLang picks the language in this order (guide: 18-language.md): ?lang= (remembered in a
// cookie by rememberLang) → cookie → the signed-in person's last choice (userLocale) → tenant
// primary locale → Accept-Language → English.
func chooseLang(r *http.Request, tenantLocale, userLocale string) string {
	if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
		return q
	}
	user := ""
	if ck, err := r.Cookie(LangCookie); err == nil && i18n.Supported(ck.Value) {
		user = ck.Value
	} else if i18n.Supported(userLocale) {
		user = userLocale
	}
	return i18n.Negotiate(user, tenantLocale, r.Header.Get("Accept-Language"))
}

// ChosenLang is the language this browser chose explicitly (?lang= or the cookie it left), ""
// when it chose none: what the panel remembers as the person's own language.
func ChosenLang(r *http.Request) string {
	if q := r.URL.Query().Get("lang"); i18n.Supported(q) {
		return q
	}
	if ck, err := r.Cookie(LangCookie); err == nil && i18n.Supported(ck.Value) {
		return ck.Value
	}
	return ""
}

// ApplyTenantLocale re-chooses the language once the tenant is known (its primary locale ranks
// below the person's own choice — this browser's, else the one they made last anywhere — but
// above the browser's Accept-Language).
func ApplyTenantLocale(w http.ResponseWriter, r *http.Request, c *Ctx, locale string) {
	userLocale := ""
	if c.User != nil {
		userLocale = c.User.Locale
	}
	c.Lang = chooseLang(r, locale, userLocale)
	c.P = i18n.For(c.Lang).In(c.Loc)
}

// SecurityHeaders sets the headers every response carries.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		if !strings.HasPrefix(r.URL.Path, "/widget") {
			h.Set("Content-Security-Policy", CSP)
			h.Set("X-Frame-Options", "DENY")
		}
		next.ServeHTTP(w, r)
	})
}

var gzPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, gzip.DefaultCompression); return w }}

type gzipWriter struct {
	http.ResponseWriter
	gz          *gzip.Writer
	wroteHeader bool
	skip        bool
}

func (g *gzipWriter) WriteHeader(s int) {
	if g.wroteHeader {
		return
	}
	g.wroteHeader = true
	h := g.Header()
	ct := h.Get("Content-Type")
	if h.Get("Content-Encoding") != "" || s == http.StatusNoContent || s == http.StatusNotModified || short(h.Get("Content-Length")) ||
		strings.HasPrefix(ct, "text/event-stream") || !(strings.HasPrefix(ct, "text/") || strings.Contains(ct, "json") || strings.Contains(ct, "javascript")) {
		g.skip = true
	} else {
		h.Set("Content-Encoding", "gzip")
		h.Del("Content-Length")
		g.gz = gzPool.Get().(*gzip.Writer)
		g.gz.Reset(g.ResponseWriter)
	}
	h.Add("Vary", "Accept-Encoding")
	g.ResponseWriter.WriteHeader(s)
}

// minGzip is the smallest declared body worth compressing: below it gzip's header and the
// compressor's reset cost more than the bytes they save (every webhook acknowledgement is one).
const minGzip = 1024

// short reports whether a declared Content-Length is below minGzip.
func short(cl string) bool {
	n, err := strconv.Atoi(cl)
	return err == nil && n < minGzip
}

func (g *gzipWriter) Write(b []byte) (int, error) {
	if !g.wroteHeader {
		if g.Header().Get("Content-Type") == "" {
			g.Header().Set("Content-Type", http.DetectContentType(b))
		}
		g.WriteHeader(http.StatusOK)
	}
	if g.skip {
		return g.ResponseWriter.Write(b)
	}
	return g.gz.Write(b)
}

func (g *gzipWriter) Flush() {
	if g.gz != nil {
		_ = g.gz.Flush()
	}
	if f, ok := g.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (g *gzipWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

func (g *gzipWriter) close() {
	if g.gz != nil {
		_ = g.gz.Close()
		gzPool.Put(g.gz)
		g.gz = nil
	}
}

// Gzip compresses text responses for clients that accept it (static files carry their own
// precompressed copies and are skipped).
func Gzip(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") || !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") ||
			r.Header.Get("Accept") == "text/event-stream" {
			next.ServeHTTP(w, r)
			return
		}
		g := &gzipWriter{ResponseWriter: w}
		defer g.close()
		next.ServeHTTP(g, r)
	})
}
