package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestLoginThrottlePerUser: a burst of wrong passwords for one user locks that user out with 429
// and Retry-After, even when the right password then arrives.
func TestLoginThrottlePerUser(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.User("acme", "olga", "owner")
	c := e.Client()
	var last *apptest.Resp
	for i := 0; i < 6; i++ {
		last = c.Post("/login/", url.Values{"username": {"olga"}, "password": {"wrong"}})
		if last.StatusCode == http.StatusTooManyRequests {
			break
		}
		if last.StatusCode != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: status %d, want 401", i+1, last.StatusCode)
		}
	}
	if last.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("after a burst of wrong passwords: status %d, want 429", last.StatusCode)
	}
	if s, err := strconv.Atoi(last.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After = %q, want seconds", last.Header.Get("Retry-After"))
	}
	r := c.Post("/login/", url.Values{"username": {"olga"}, "password": {apptest.Password}})
	if r.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password while locked: status %d, want 429", r.StatusCode)
	}
	if r := c.Get("/app/"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("locked client reached the panel: %d", r.StatusCode)
	}
}

// TestLoginThrottlePerIP: spraying many usernames from one address is throttled by the IP key.
func TestLoginThrottlePerIP(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	c := e.Client()
	got429 := false
	for i := 0; i < 30 && !got429; i++ {
		r := c.Post("/login/", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"x"}})
		if r.StatusCode == http.StatusTooManyRequests {
			got429 = true
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
		}
	}
	if !got429 {
		t.Fatal("30 different usernames from one IP were never throttled")
	}
}

// TestCrossSitePostRefused: a state-changing post from another site is refused and changes nothing.
func TestCrossSitePostRefused(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	for _, h := range []map[string]string{
		{"Origin": "https://evil.example"},
		{"Sec-Fetch-Site": "cross-site"},
	} {
		form := url.Values{"name": {"Pwned Ltd"}}
		req, _ := http.NewRequest("POST", e.URL+"/app/settings/profile", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		r := owner.Do(req)
		if r.StatusCode != http.StatusForbidden {
			t.Fatalf("cross-site post %v: status %d, want 403", h, r.StatusCode)
		}
	}
	tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if tn.Name == "Pwned Ltd" {
		t.Fatal("a cross-site post changed the tenant name")
	}
	// The same post from the panel itself works (so the 403 above was the origin check).
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Acme Stone"}}); r.StatusCode >= 400 {
		t.Fatalf("same-origin post: %d", r.StatusCode)
	}
}

// TestSessionCookieFlags: HttpOnly and SameSite=Lax always, Secure behind a trusted TLS proxy.
func TestSessionCookieFlags(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{TrustedProxies: "127.0.0.1/32,::1/128"})
	e.Tenant("acme")
	e.User("acme", "olga", "owner")
	for _, tls := range []bool{false, true} {
		c := e.Client()
		form := url.Values{"username": {"olga"}, "password": {apptest.Password}}
		req, _ := http.NewRequest("POST", e.URL+"/login/", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if tls {
			req.Header.Set("X-Forwarded-Proto", "https")
		}
		r := c.Do(req)
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("login: %d", r.StatusCode)
		}
		var found bool
		for _, ck := range r.Cookies() {
			if ck.Value == "" {
				continue
			}
			found = true
			if !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
				t.Fatalf("cookie %s: HttpOnly=%v SameSite=%v", ck.Name, ck.HttpOnly, ck.SameSite)
			}
			if ck.Secure != tls {
				t.Fatalf("cookie %s: Secure=%v behind TLS=%v", ck.Name, ck.Secure, tls)
			}
		}
		if !found {
			t.Fatal("login set no session cookie")
		}
	}
}

// TestNoInlineScriptAnywhere: the CSP forbids inline script, and no page of the panel, the login
// or the guide needs any: no <script> without src, no on* attributes.
func TestNoInlineScriptAnywhere(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	staff := e.User("", "stan", "staff")
	owner := e.User("acme", "olga", "owner")
	paths := []string{"/login/", "/guide", "/guide/philosophy", "/"}
	for _, rt := range e.Server.Routes(e.Handlers) {
		if m, p := routeRequest(rt.Pattern, "1"); m == http.MethodGet && isPanel(rt) {
			paths = append(paths, p)
		}
	}
	for _, c := range []*apptest.Client{e.Client(), owner, staff} {
		for _, p := range paths {
			r := c.Get(p)
			csp := r.Header.Get("Content-Security-Policy")
			if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				continue
			}
			if csp == "" {
				t.Fatalf("%s: no Content-Security-Policy", p)
			}
			for _, d := range strings.Split(csp, ";") {
				d = strings.TrimSpace(d)
				if (strings.HasPrefix(d, "script-src") || strings.HasPrefix(d, "default-src")) && strings.Contains(d, "unsafe-inline") {
					t.Fatalf("%s: CSP allows inline script: %q", p, d)
				}
			}
			if !strings.Contains(csp, "frame-ancestors") {
				t.Fatalf("%s: CSP without frame-ancestors: %q", p, csp)
			}
			if r.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Fatalf("%s: no nosniff", p)
			}
			doc := r.Doc(t)
			doc.Find("script").Each(func(_ int, s *goquery.Selection) {
				if _, ok := s.Attr("src"); !ok {
					if typ, _ := s.Attr("type"); typ != "application/json" {
						t.Errorf("%s: inline <script> without src: %.80s", p, s.Text())
					}
				}
			})
			doc.Find("*").Each(func(_ int, s *goquery.Selection) {
				for _, a := range s.Nodes[0].Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Errorf("%s: inline event handler %s=%q", p, a.Key, a.Val)
					}
				}
			})
		}
	}
}

// TestLanguageChoice checks the language order (guide: 18-language.md): ?lang= wins and is remembered; otherwise the tenant's
// primary locale beats Accept-Language; with neither, Accept-Language; else English. Arabic is RTL.
func TestLanguageChoice(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	htmlLang := func(r *apptest.Resp) (string, string) {
		d := r.Doc(t)
		l, _ := d.Find("html").Attr("lang")
		dir, _ := d.Find("html").Attr("dir")
		return l, dir
	}
	// Tenant locale tr beats the browser's German.
	owner.Header.Set("Accept-Language", "de-DE,de;q=0.9")
	if l, _ := htmlLang(owner.Get("/app/")); l != "tr" {
		t.Fatalf("tenant primary_locale tr vs Accept-Language de: lang=%q, want tr", l)
	}
	// ?lang=ar switches to Arabic, right to left, and is remembered without the parameter.
	if l, dir := htmlLang(owner.Get("/app/?lang=ar")); l != "ar" || dir != "rtl" {
		t.Fatalf("?lang=ar: lang=%q dir=%q", l, dir)
	}
	if l, dir := htmlLang(owner.Get("/app/")); l != "ar" || dir != "rtl" {
		t.Fatalf("remembered choice: lang=%q dir=%q, want ar rtl", l, dir)
	}
	if l, dir := htmlLang(owner.Get("/app/settings/?lang=fr")); l != "fr" || dir != "ltr" {
		t.Fatalf("?lang=fr: lang=%q dir=%q", l, dir)
	}
	// Without a tenant (login page), Accept-Language decides; unsupported → English.
	anon := e.Client()
	anon.Header.Set("Accept-Language", "es-ES,es;q=0.9,en;q=0.5")
	if l, _ := htmlLang(anon.Get("/login/")); l != "es" {
		t.Fatalf("Accept-Language es: lang=%q", l)
	}
	anon2 := e.Client()
	anon2.Header.Set("Accept-Language", "ja-JP")
	if l, _ := htmlLang(anon2.Get("/login/")); l != "en" {
		t.Fatalf("unsupported Accept-Language: lang=%q, want en", l)
	}
	// The guide takes ?lang too.
	if l, _ := htmlLang(anon2.Get("/guide?lang=tr")); l != "tr" {
		t.Fatalf("/guide?lang=tr: lang=%q", l)
	}
}
