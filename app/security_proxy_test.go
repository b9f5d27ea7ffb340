package app_test

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"highvibe/app/apptest"
)

// Security tests for the proxy rule (issue "Security that holds on a real VPS", "Behind a proxy"):
// each starts the real binary, as deployed behind Caddy, and replays what a hostile visitor sent.

// proxyTenant prepares a data dir with one tenant and an owner through the binary's CLI.
func proxyTenant(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if _, e, code := apptest.CLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme"); code != 0 {
		t.Fatalf("tenant create: %s", e)
	}
	if _, e, code := apptest.CLI(t, dir, apptest.Password+"\n", "user", "create", "--username", "olga", "--password-stdin", "--tenant", "acme", "--role", "owner"); code != 0 {
		t.Fatalf("user create: %s", e)
	}
	return dir
}

func rawSend(t *testing.T, method, u string, body url.Values, headers map[string]string) *http.Response {
	t.Helper()
	var req *http.Request
	if body != nil {
		req, _ = http.NewRequest(method, u, strings.NewReader(body.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req, _ = http.NewRequest(method, u, nil)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestSecurityMetricsFollowTheProxyRule: behind a trusted proxy on loopback, a visitor's address
// arrives in X-Real-IP or Forwarded; /metrics must not treat that visitor as loopback. Before the
// fix only X-Forwarded-For was looked at, so these were served.
func TestSecurityMetricsFollowTheProxyRule(t *testing.T) {
	t.Parallel()
	dir := proxyTenant(t)
	p := apptest.Serve(t, dir, nil, "--trusted-proxies", "127.0.0.1/32,::1/128")
	for _, h := range []map[string]string{
		{"X-Real-IP": "203.0.113.9"},
		{"Forwarded": "for=203.0.113.9;proto=https"},
		{"X-Forwarded-For": "203.0.113.9"},
		{"X-Forwarded-For": "127.0.0.1, 203.0.113.9"}, // spoofed loopback to the left of the real visitor
	} {
		if r := rawSend(t, "GET", p.URL+"/metrics", nil, h); r.StatusCode != http.StatusForbidden {
			t.Errorf("/metrics with %v through the trusted proxy: %d, want 403", h, r.StatusCode)
		}
	}
	if r := rawSend(t, "GET", p.URL+"/metrics", nil, nil); r.StatusCode != http.StatusOK {
		t.Fatalf("/metrics from the machine itself: %d, want 200", r.StatusCode)
	}
	// Without the flag nobody's headers count: loopback stays loopback, whatever it claims.
	p.Stop()
	p = apptest.Serve(t, dir, nil)
	if r := rawSend(t, "GET", p.URL+"/metrics", nil, map[string]string{"X-Forwarded-For": "203.0.113.9"}); r.StatusCode != http.StatusOK {
		t.Fatalf("/metrics from loopback with an untrusted X-Forwarded-For: %d, want 200", r.StatusCode)
	}
}

// TestSecurityForwardedHeadersIgnoredWithoutTrust: without --trusted-proxies, a client that
// invents a new X-Forwarded-For for every guess must still meet the per-address login throttle,
// and X-Forwarded-Proto must not decide whether cookies are Secure. Before the fix loopback's
// X-Forwarded-For was believed without being configured, so each guess counted as a new address.
func TestSecurityForwardedHeadersIgnoredWithoutTrust(t *testing.T) {
	t.Parallel()
	dir := proxyTenant(t)
	p := apptest.Serve(t, dir, nil)
	throttled := false
	for i := 0; i < 30 && !throttled; i++ {
		r := rawSend(t, "POST", p.URL+"/login/", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"x"}},
			map[string]string{"X-Forwarded-For": fmt.Sprintf("198.51.100.%d", i+1)})
		throttled = r.StatusCode == http.StatusTooManyRequests
	}
	if !throttled {
		t.Fatal("30 guesses with invented X-Forwarded-For were never throttled by address")
	}
	p.Stop()
	dir = proxyTenant(t)
	p = apptest.Serve(t, dir, nil)
	r := rawSend(t, "POST", p.URL+"/login/", url.Values{"username": {"olga"}, "password": {apptest.Password}}, map[string]string{"X-Forwarded-Proto": "https"})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", r.StatusCode)
	}
	for _, c := range r.Cookies() {
		if c.Secure {
			t.Fatalf("cookie %s marked Secure because an untrusted peer said https", c.Name)
		}
	}
}

// TestSecurityTrustedProxyGivesRealAddresses: with Caddy trusted, the login throttle counts each
// visitor's own address (one visitor's failures do not lock out another), cookies are Secure when
// Caddy says https, and the audit log records the visitor's address, not the proxy's.
func TestSecurityTrustedProxyGivesRealAddresses(t *testing.T) {
	t.Parallel()
	dir := proxyTenant(t)
	p := apptest.Serve(t, dir, []string{"HIGHVIBE_TRUSTED_PROXIES=127.0.0.1/32"})
	throttled := false
	for i := 0; i < 30 && !throttled; i++ {
		r := rawSend(t, "POST", p.URL+"/login/", url.Values{"username": {fmt.Sprintf("guess%d", i)}, "password": {"x"}},
			map[string]string{"X-Forwarded-For": "203.0.113.66"})
		throttled = r.StatusCode == http.StatusTooManyRequests
	}
	if !throttled {
		t.Fatal("one visitor's 30 guesses were never throttled")
	}
	r := rawSend(t, "POST", p.URL+"/login/", url.Values{"username": {"olga"}, "password": {apptest.Password}},
		map[string]string{"X-Forwarded-For": "203.0.113.77", "X-Forwarded-Proto": "https"})
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("another visitor's good login: %d, want 303 (locked out by someone else's guesses?)", r.StatusCode)
	}
	secure := false
	for _, c := range r.Cookies() {
		secure = secure || c.Secure
	}
	if !secure {
		t.Fatal("session cookie not Secure although the trusted proxy said https")
	}
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tenants", "acme.db")+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var payload string
	if err := db.QueryRow(`SELECT payload FROM action_logs WHERE action_type = 'login' ORDER BY id DESC LIMIT 1`).Scan(&payload); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(payload, "203.0.113.77") {
		t.Fatalf("audit row of the login records %s, want the visitor's 203.0.113.77", payload)
	}
}
