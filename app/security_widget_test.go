package app_test

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// Security tests for the public forms behind Caddy (issue "Security that holds on a real VPS",
// "One visitor can switch off a tenant's widget"): the real binary, the proxy trusted, visitors
// told apart by the address Caddy puts in X-Forwarded-For.

func widgetTenant(t *testing.T) (dir string, p *apptest.Proc) {
	t.Helper()
	dir = proxyTenant(t)
	if _, e, code := apptest.CLI(t, dir, "", "tenant", "set", "--slug", "acme", "chat_widget_enabled=true", "consent_required=false", "landing_enabled=true"); code != 0 {
		t.Fatalf("tenant set: %s", e)
	}
	return dir, apptest.Serve(t, dir, nil, "--trusted-proxies", "127.0.0.1/32,::1/128")
}

// widgetPost sends one widget message as the visitor at addr (as Caddy forwards it) and returns
// the status and the visitor token.
func widgetPost(t *testing.T, base, addr, token, text string) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token, "text": text})
	req, _ := http.NewRequest("POST", base+"/widget/api/acme/messages", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", addr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out.Token
}

func countLeads(t *testing.T, dir string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tenants", "acme.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM leads`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSecurityWidgetOneVisitorCannotSwitchItOff: one visitor who keeps posting is refused, but the
// refusals spend nothing, so the next visitor at the same address, and every visitor elsewhere,
// still gets 201. On the old code every visitor behind Caddy shared 127.0.0.1's allowance and
// refused posts used it up: 20 posts from one visitor blocked everyone.
func TestSecurityWidgetOneVisitorCannotSwitchItOff(t *testing.T) {
	t.Parallel()
	_, p := widgetTenant(t)
	const office = "203.0.113.10"
	code, token := widgetPost(t, p.URL, office, "", "merhaba")
	if code != http.StatusCreated {
		t.Fatalf("first post: %d", code)
	}
	refused := 0
	for i := 0; i < 25; i++ {
		if code, _ := widgetPost(t, p.URL, office, token, fmt.Sprintf("spam %d", i)); code == http.StatusTooManyRequests {
			refused++
		}
	}
	if refused < 15 {
		t.Fatalf("only %d of 25 rapid posts from one visitor were refused", refused)
	}
	if code, _ := widgetPost(t, p.URL, office, "", "colleague at the same office"); code != http.StatusCreated {
		t.Fatalf("another visitor at the flooding visitor's address: %d, want 201 (refused posts used up the address)", code)
	}
	if code, _ := widgetPost(t, p.URL, "198.51.100.20", "", "a visitor somewhere else"); code != http.StatusCreated {
		t.Fatalf("a visitor at another address: %d, want 201", code)
	}
}

// TestSecurityWidgetJunkLeads: a script posting as a new visitor every time may create only a few
// leads per address; someone at another address is not affected. On the old code 20 posts made 20
// leads.
func TestSecurityWidgetJunkLeads(t *testing.T) {
	t.Parallel()
	dir, p := widgetTenant(t)
	before := countLeads(t, dir)
	created := 0
	for i := 0; i < 20; i++ {
		if code, _ := widgetPost(t, p.URL, "203.0.113.30", "", fmt.Sprintf("junk %d", i)); code == http.StatusCreated {
			created++
		}
	}
	if got := countLeads(t, dir) - before; got > 5 || got != created {
		t.Fatalf("20 new-visitor posts from one address made %d leads (%d answered 201), want at most 5", got, created)
	}
	if code, _ := widgetPost(t, p.URL, "198.51.100.31", "", "a real customer"); code != http.StatusCreated {
		t.Fatalf("a visitor at another address after the flood: %d, want 201", code)
	}
}

// TestSecurityLandingPerAddress: the landing page's demo-request limit counts each visitor's own
// address behind Caddy; one address flooding the form does not stop another. On the old code every
// visitor was Caddy's 127.0.0.1.
func TestSecurityLandingPerAddress(t *testing.T) {
	t.Parallel()
	dir, p := widgetTenant(t)
	before := countLeads(t, dir)
	form := func(i int) url.Values {
		return url.Values{"name": {fmt.Sprintf("Ayşe %d", i)}, "contact": {"ayse@example.com"}, "message": {"teklif"}, "consent": {"1"}}
	}
	refused := 0
	for i := 0; i < 10; i++ {
		switch r := rawSend(t, "POST", p.URL+"/", form(i), map[string]string{"X-Forwarded-For": "203.0.113.40"}); r.StatusCode {
		case http.StatusTooManyRequests:
			refused++
		case http.StatusSeeOther:
		default:
			t.Fatalf("landing post %d: %d", i, r.StatusCode)
		}
	}
	if refused < 7 {
		t.Fatalf("only %d of 10 landing posts from one address were refused", refused)
	}
	if got := countLeads(t, dir) - before; got > 3 {
		t.Fatalf("one address made %d landing leads, want at most 3", got)
	}
	if r := rawSend(t, "POST", p.URL+"/", form(99), map[string]string{"X-Forwarded-For": "198.51.100.41"}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("another address after the flood: %d, want 303", r.StatusCode)
	}
}
