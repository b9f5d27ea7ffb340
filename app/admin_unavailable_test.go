package app_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
)

// unwritable makes a file the server cannot write: 0444 for an ordinary user; as root, who writes
// any file whatever its mode, the immutable attribute (chattr +i), without which the test cannot
// be made and is skipped. It returns how to give the file back.
func unwritable(t *testing.T, path string) (fix func()) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(path, 0o444); err != nil {
			t.Fatal(err)
		}
		return func() { _ = os.Chmod(path, 0o644) }
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("running as root, and the file system cannot make a file read-only (chattr +i: %v %s)", err, out)
	}
	fixed := false
	fix = func() {
		if !fixed {
			fixed = true
			_ = exec.Command("chattr", "-i", path).Run()
		}
	}
	t.Cleanup(fix)
	return fix
}

// TestServeStartsBesideATenantFileThatDoesNotOpen: one business's file the server's user cannot
// write (a copy made as root, a chmod) and another's cut short. Before, the first stopped the
// whole server at start ("jobs: recover: attempt to write a readonly database"): every other
// business was down because of one. Now the server starts and serves the others; /readyz/ says
// "degraded" and names both (it stays 200, since the others are served); the two businesses' panel, widget and WhatsApp webhook answer 503 in the
// reader's language, without internal words (Meta retries a 503); the log names each file and
// why once, however many requests come; and once the file is given back to the server's user
// the business opens within seconds, without a restart.
func TestServeStartsBesideATenantFileThatDoesNotOpen(t *testing.T) {
	t.Parallel()
	b := &binServer{t: t, data: t.TempDir()}
	const pw = "a-long-password-1"
	for _, s := range []string{"alpha", "beta", "gamma", "delta"} {
		b.run("", "tenant", "create", "--slug", s, "--name", strings.ToUpper(s), "--locale", "tr")
		b.run(pw+"\n", "user", "create", "--username", s+"-owner", "--password-stdin", "--tenant", s, "--role", "owner")
	}
	b.run("", "tenant", "set", "--slug", "beta", "whatsapp_app_secret=beta-secret", "whatsapp_verify_token=verify")
	out := b.run("", "apikey", "create", "--tenant", "beta", "--name", "meta", "--scope", "whatsapp_webhook")
	key := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
	// A person in two businesses, one of which (gamma) will not open.
	b.run(pw+"\n", "user", "create", "--username", "pat", "--password-stdin", "--tenant", "gamma", "--role", "operator")
	b.run("", "user", "create", "--username", "pat", "--tenant", "alpha", "--role", "operator")
	// And one in beta and delta: beta comes first by name, and will not open.
	b.run(pw+"\n", "user", "create", "--username", "quinn", "--password-stdin", "--tenant", "beta", "--role", "operator")
	b.run("", "user", "create", "--username", "quinn", "--tenant", "delta", "--role", "operator")
	fix := unwritable(t, filepath.Join(b.data, "tenants", "beta.db"))
	gamma := filepath.Join(b.data, "tenants", "gamma.db")
	st, err := os.Stat(gamma)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(gamma, st.Size()/3); err != nil {
		t.Fatal(err)
	}

	srv := apptest.Serve(t, b.data, nil) // before: "highvibe serve did not start"
	b.url = srv.URL

	code, body := srv.Get("/readyz/")
	if code != http.StatusOK || !strings.HasPrefix(body, "degraded: 2 of 4 businesses failing: beta, gamma\n") ||
		!strings.Contains(body, "FAIL tenant beta: not open: its file tenants/beta.db cannot be opened for writing by the server's user") ||
		!strings.Contains(body, "FAIL tenant gamma: not open: its file tenants/gamma.db is damaged") ||
		!strings.Contains(body, "platform + 2 of 4 tenants open, migrations current in those; failing: beta, gamma") {
		t.Fatalf("readyz with beta not writable and gamma cut short: %d\n%s", code, body)
	}

	// Turkish readers: a person's panel, and the widget's visitor.
	get := func(br *browser, path string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, b.url+path, nil)
		req.Header.Set("Accept-Language", "tr")
		r, err := br.c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer r.Body.Close()
		body, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(body), r.Header
	}
	alpha := b.browser()
	alpha.login("alpha-owner", pw)
	if code, body, _ := get(alpha, "/app/"); code != http.StatusOK {
		t.Fatalf("alpha's panel beside the broken ones: %d %.300s", code, body)
	}
	for _, s := range []string{"beta", "gamma"} {
		br := b.browser()
		br.login(s+"-owner", pw)
		code, body, _ := get(br, "/app/")
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "Bu işletmenin verileri şu anda açılamıyor") ||
			strings.Contains(body, "readonly") || strings.Contains(body, "malformed") || strings.Contains(body, "tenantdb") ||
			strings.Contains(body, "Referans:") {
			t.Errorf("%s's panel: %d\n%.3000s", s, code, body)
		}
		code, body, h := get(br, "/widget/api/"+s+"/config?lang=tr")
		if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" || !strings.Contains(body, "Bu işletme şu anda mesaj alamıyor") {
			t.Errorf("%s's widget: %d %q %s", s, code, h.Get("Retry-After"), body)
		}
	}

	// The person in alpha and gamma switches to gamma, which does not open: its 503 page offers
	// alpha, and switching back works (every page, the switch too, answered 503: one business
	// that does not open shut them out of the others).
	both := b.browser()
	both.login("pat", pw)
	if code, _, _ := both.do("POST", "/app/switch/", url.Values{"tenant": {"gamma"}}); code != http.StatusSeeOther {
		t.Fatalf("switch to gamma: %d", code)
	}
	code, body, _ = get(both, "/app/")
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "Diğer işletmeleriniz her zamanki gibi açılıyor") ||
		!strings.Contains(body, `<input type="hidden" name="tenant" value="alpha">`) || strings.Contains(body, `<input type="hidden" name="tenant" value="gamma">`) {
		t.Errorf("gamma's 503 page for a person also in alpha: %d, no switch to alpha\n%.4000s", code, body)
	}
	if code, body, h := both.do("POST", "/app/switch/", url.Values{"tenant": {"alpha"}}); code != http.StatusSeeOther || h.Get("Location") != "/app/" {
		t.Fatalf("switch to alpha from gamma that does not open: %d %q %.300s", code, h.Get("Location"), body)
	}
	if code, body, _ := get(both, "/app/"); code != http.StatusOK || !strings.Contains(body, "ALPHA") {
		t.Errorf("alpha's panel after the switch: %d %.300s", code, body)
	}

	// Signing in, the person in beta and delta lands in delta, which opens, not on beta's 503.
	quinn := b.browser()
	quinn.login("quinn", pw)
	if code, body, _ := get(quinn, "/app/"); code != http.StatusOK || !strings.Contains(body, "DELTA") {
		t.Errorf("quinn's first page after signing in: %d %.300s", code, body)
	}

	delivery := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"905320000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Ayşe"},"wa_id":"905321112233"}],"messages":[{"from":"905321112233","id":"wamid.unavailable.1","timestamp":"1733300000","type":"text","text":{"body":"Merhaba"}}]}}]}]}`)
	deliver := func() (int, string) {
		req, _ := http.NewRequest(http.MethodPost, b.url+"/api/webhooks/whatsapp/", bytes.NewReader(delivery))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Api-Key", key)
		req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(delivery, "beta-secret"))
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		body, _ := io.ReadAll(r.Body)
		return r.StatusCode, r.Header.Get("Retry-After") + " " + string(body)
	}
	for range 3 { // Meta's retries: each 503, none counted against the sender's address
		if code, body := deliver(); code != http.StatusServiceUnavailable || !strings.Contains(body, "tenant_unavailable") || strings.HasPrefix(body, " ") {
			t.Fatalf("WhatsApp delivery to beta: %d %s", code, body)
		}
	}

	log := srv.Log()
	for _, s := range []string{"beta", "gamma"} {
		if n := strings.Count(log, `msg="cannot open tenant" tenant=`+s+" "); n != 1 {
			t.Errorf("the log names %s's file %d times, want once:\n%s", s, n, log)
		}
	}
	if strings.Contains(log, "request failed") || strings.Contains(log, "whatsapp: api key") {
		t.Errorf("each request to a business that does not open is logged again:\n%s", log)
	}

	// The administrator gives the file back: beta opens within seconds, without a restart, and
	// Meta's next retry is stored.
	fix()
	srv.Await(t, "beta to open once its file was fixed (/readyz/ no longer naming it)", func() bool {
		_, body := srv.Get("/readyz/")
		return !strings.Contains(body, "tenant beta")
	})
	if code, body := deliver(); code != http.StatusOK {
		t.Fatalf("WhatsApp delivery to beta once its file is fixed: %d %s", code, body)
	}
	if !strings.Contains(srv.Log(), `msg="tenant opened" tenant=beta`) {
		t.Errorf("the log does not say beta opened:\n%s", srv.Log())
	}
}

// TestATenantFileOverwrittenWhileServedIsUnavailable, against the real binary: a business's file
// written over while the server has it open (a text file copied in its place). Before, its panel
// and widget went on running against the broken file (a 500 "something went wrong" with a
// reference, or pages of another file) and its jobs logged an error every second. Now it is
// served as a business whose file does not open: the panel and the widget answer 503 in the
// reader's language, /readyz/ names it, and the log says so once, not once a second; alpha goes on.
func TestATenantFileOverwrittenWhileServedIsUnavailable(t *testing.T) {
	t.Parallel()
	b := &binServer{t: t, data: t.TempDir()}
	const pw = "a-long-password-1"
	for _, s := range []string{"alpha", "beta"} {
		b.run("", "tenant", "create", "--slug", s, "--name", strings.ToUpper(s), "--locale", "tr")
		b.run(pw+"\n", "user", "create", "--username", s+"-owner", "--password-stdin", "--tenant", s, "--role", "owner")
	}
	srv := apptest.Serve(t, b.data, nil)
	b.url = srv.URL
	get := func(br *browser, path string) (int, string, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, b.url+path, nil)
		req.Header.Set("Accept-Language", "tr")
		r, err := br.c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer r.Body.Close()
		body, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(body), r.Header
	}
	alpha, beta := b.browser(), b.browser()
	alpha.login("alpha-owner", pw)
	beta.login("beta-owner", pw)
	if code, body, _ := get(beta, "/app/"); code != http.StatusOK {
		t.Fatalf("beta's panel before: %d %.300s", code, body)
	}

	if err := os.WriteFile(filepath.Join(b.data, "tenants", "beta.db"), []byte("these are notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, body := srv.Get("/readyz/?tenant=beta"); code != http.StatusServiceUnavailable ||
		!strings.Contains(body, "FAIL tenant beta: its file tenants/beta.db is not a SQLite database any more") {
		t.Errorf("readyz with beta overwritten: %d\n%s", code, body)
	}
	for _, path := range []string{"/app/", "/app/inbox/"} {
		code, body, _ := get(beta, path)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, "Bu işletmenin verileri şu anda açılamıyor") ||
			strings.Contains(body, "Referans:") || strings.Contains(body, "not a database") {
			t.Errorf("beta's %s with its file overwritten: %d\n%.3000s", path, code, body)
		}
	}
	if code, body, h := get(beta, "/widget/api/beta/config?lang=tr"); code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" ||
		!strings.Contains(body, "Bu işletme şu anda mesaj alamıyor") {
		t.Errorf("beta's widget with its file overwritten: %d %q %s", code, h.Get("Retry-After"), body)
	}
	if code, body, _ := get(alpha, "/app/"); code != http.StatusOK || !strings.Contains(body, "ALPHA") {
		t.Errorf("alpha's panel beside beta: %d %.300s", code, body)
	}

	// The log: the server says once that beta does not open (its tenant watch, every two
	// seconds); over the next few passes of the watch and of the job runner (every second) beta
	// is not named again.
	srv.Await(t, "the log to say beta does not open", func() bool {
		log := srv.Log()
		return strings.Contains(log, `tenant=beta`) && strings.Contains(log, "cannot open tenant")
	})
	from := len(srv.Log())
	time.Sleep(5 * time.Second) // a window the watch (2 s) and the job runner (1 s) pass through several times
	var named []string
	for _, l := range strings.Split(srv.Log()[from:], "\n") {
		if strings.Contains(l, "beta") {
			named = append(named, l)
		}
	}
	if len(named) > 1 {
		t.Errorf("the log names beta %d times in 5 s after saying it does not open:\n%s", len(named), strings.Join(named, "\n"))
	}
}
