package app_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// cli runs `highvibe args... --data dir` in-process and returns exit code, stdout and stderr.
func cli(t *testing.T, dir, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errw bytes.Buffer
	full := append([]string{"highvibe"}, args...)
	full = append(full, "--data", dir)
	code := app.Main(context.Background(), full, strings.NewReader(stdin), &out, &errw)
	return code, out.String(), errw.String()
}

// mustCLI runs a command that must succeed.
func mustCLI(t *testing.T, dir, stdin string, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, dir, stdin, args...)
	if code != app.ExitOK {
		t.Fatalf("highvibe %v: exit %d: %s", args, code, errs)
	}
	return out
}

// TestCLIWhileServerRuns: what an operator does on the VPS — create a tenant and a user with the
// CLI while the server runs — works within seconds and without a restart; so does `tenant set`.
func TestCLIWhileServerRuns(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir})
	mustCLI(t, dir, "", "tenant", "create", "--slug", "kuzey-tas", "--name", "Kuzey Taş", "--niche", "parke_tas", "--locale", "en")
	mustCLI(t, dir, "s3cret-pass-123\n", "user", "create", "--username", "kemal", "--password-stdin", "--tenant", "kuzey-tas", "--role", "owner")
	c := e.Client()
	deadline := time.Now().Add(5 * time.Second)
	for {
		r := c.Post("/login/", url.Values{"username": {"kemal"}, "password": {"s3cret-pass-123"}})
		if r.StatusCode == http.StatusSeeOther {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("user created by the CLI cannot log in: %d", r.StatusCode)
		}
		time.Sleep(100 * time.Millisecond)
	}
	header := func() string {
		r := c.Get("/app/")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("dashboard: %d", r.StatusCode)
		}
		return strings.TrimSpace(r.Doc(t).Find(".tenant-name").First().Text())
	}
	if h := header(); h != "Kuzey Taş" {
		t.Fatalf("header tenant name %q", h)
	}
	mustCLI(t, dir, "", "tenant", "set", "--slug", "kuzey-tas", "name=Kuzey Taş ve Parke", "greeting=Merhaba!")
	deadline = time.Now().Add(5 * time.Second)
	for header() != "Kuzey Taş ve Parke" {
		if time.Now().After(deadline) {
			t.Fatalf("tenant set name not shown without restart: header %q", header())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// The running server picks up the new tenant's database for jobs and replication too.
	deadline = time.Now().Add(5 * time.Second)
	for !contains(e.Server.Mgr.OpenSlugs(), "kuzey-tas") {
		if time.Now().After(deadline) {
			t.Fatal("the running server never opened the tenant created by the CLI")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// platformCounts is what "nothing written" means for the control database.
func platformCounts(t *testing.T, dir string) string {
	t.Helper()
	m, err := tenantdb.NewManager(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var b strings.Builder
	for _, q := range []string{"tenants", "users", "memberships", "api_keys", "tenant_settings"} {
		var n int
		if err := m.Platform.Read.QueryRow(`SELECT count(*) FROM ` + q).Scan(&n); err != nil {
			// A table another engineer renamed must not hide the rest of the check.
			b.WriteString(q + "=? ")
			continue
		}
		b.WriteString(q + "=" + strconv.Itoa(n) + " ")
	}
	var settings string
	_ = m.Platform.Read.QueryRow(`SELECT group_concat(key || '=' || value, ';') FROM (SELECT * FROM tenant_settings ORDER BY key)`).Scan(&settings)
	var names string
	_ = m.Platform.Read.QueryRow(`SELECT group_concat(slug || ':' || name || ':' || status, ';') FROM tenants`).Scan(&names)
	return b.String() + "|" + settings + "|" + names
}

// TestCLIBadInput: every usage mistake exits 2 with one clear line on stderr and writes nothing.
func TestCLIBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	mustCLI(t, dir, "pw-acme-owner-1\n", "user", "create", "--username", "olga", "--password-stdin", "--tenant", "acme", "--role", "owner")
	scenarios := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"invalid slug upper", "", []string{"tenant", "create", "--slug", "Bad_Slug", "--name", "X"}},
		{"invalid slug short", "", []string{"tenant", "create", "--slug", "ab", "--name", "X"}},
		{"missing name", "", []string{"tenant", "create", "--slug", "newco"}},
		{"duplicate tenant", "", []string{"tenant", "create", "--slug", "acme", "--name", "Again"}},
		{"unknown flag", "", []string{"tenant", "create", "--slug", "newco", "--name", "N", "--colour", "red"}},
		{"set unknown key", "", []string{"tenant", "set", "--slug", "acme", "colour=red"}},
		{"set bad value", "", []string{"tenant", "set", "--slug", "acme", "chat_widget_enabled=maybe"}},
		{"set bad value after good", "", []string{"tenant", "set", "--slug", "acme", "name=Changed", "status=sleeping"}},
		{"set bad locale", "", []string{"tenant", "set", "--slug", "acme", "primary_locale=xx"}},
		{"set not key=value", "", []string{"tenant", "set", "--slug", "acme", "name"}},
		{"set no pairs", "", []string{"tenant", "set", "--slug", "acme"}},
		{"set no slug", "", []string{"tenant", "set", "name=X"}},
		{"set unknown tenant", "", []string{"tenant", "set", "--slug", "nobody", "name=X"}},
		{"user bad role", "pw-xyz-123456\n", []string{"user", "create", "--username", "x1", "--password-stdin", "--tenant", "acme", "--role", "admin"}},
		{"user role without tenant", "pw-xyz-123456\n", []string{"user", "create", "--username", "x2", "--password-stdin", "--role", "owner"}},
		{"user no username", "pw\n", []string{"user", "create", "--password-stdin"}},
		{"user new without password", "", []string{"user", "create", "--username", "x3", "--tenant", "acme", "--role", "viewer"}},
		{"user unknown tenant", "pw-xyz-123456\n", []string{"user", "create", "--username", "x4", "--password-stdin", "--tenant", "nobody", "--role", "viewer"}},
		{"user exists", "pw-xyz-123456\n", []string{"user", "create", "--username", "olga", "--password-stdin"}},
		{"apikey no scope", "", []string{"apikey", "create", "--tenant", "acme", "--name", "k"}},
		{"apikey bad scope", "", []string{"apikey", "create", "--tenant", "acme", "--name", "k", "--scope", "everything"}},
		{"apikey no name", "", []string{"apikey", "create", "--tenant", "acme", "--scope", "read"}},
		{"apikey no tenant", "", []string{"apikey", "create", "--name", "k", "--scope", "read"}},
		{"apikey revoke no id", "", []string{"apikey", "revoke", "--tenant", "acme"}},
		{"apikey revoke unknown id", "", []string{"apikey", "revoke", "--tenant", "acme", "--id", "42"}},
		{"restore neither", "", []string{"restore"}},
		{"restore both", "", []string{"restore", "--tenant", "acme", "--platform"}},
		{"restore bad time", "", []string{"restore", "--platform", "--timestamp", "yesterday"}},
		{"unknown command", "", []string{"frobnicate"}},
		{"unknown subcommand", "", []string{"tenant", "delete"}},
		{"audit verify no tenant", "", []string{"audit", "verify"}},
	}
	before := platformCounts(t, dir)
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			code, out, errs := cli(t, dir, sc.stdin, sc.args...)
			if code != app.ExitUsage {
				t.Fatalf("exit %d, want 2; stdout %q stderr %q", code, out, errs)
			}
			lines := strings.Split(strings.TrimRight(errs, "\n"), "\n")
			if len(lines) != 1 || !strings.HasPrefix(lines[0], "highvibe: ") || len(lines[0]) < 20 {
				t.Fatalf("stderr is not one clear line: %q", errs)
			}
			if after := platformCounts(t, dir); after != before {
				t.Fatalf("a refused command wrote something:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// TestCLISuccessPaths: the happy paths exit 0; an API key is printed once and never listed.
func TestCLISuccessPaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme Taş", "--niche", "parke_tas", "--locale", "tr")
	if !strings.Contains(out, "acme") {
		t.Fatalf("tenant create said %q", out)
	}
	mustCLI(t, dir, "pw-staff-1234\n", "user", "create", "--username", "stan", "--password-stdin", "--staff")
	mustCLI(t, dir, "pw-olga-1234\n", "user", "create", "--username", "olga", "--password-stdin", "--tenant", "acme", "--role", "owner")
	// An existing user gets a membership without a password.
	mustCLI(t, dir, "", "tenant", "create", "--slug", "beta-co", "--name", "Beta")
	mustCLI(t, dir, "", "user", "create", "--username", "olga", "--tenant", "beta-co", "--role", "viewer")
	out = mustCLI(t, dir, "", "tenant", "set", "--slug", "acme", "greeting=Hoş geldiniz", "chat_widget_enabled=off", "whatsapp_access_token=tok-SECRET-99", "monthly_budget_usd=12.5")
	if strings.Contains(out, "tok-SECRET-99") {
		t.Fatalf("tenant set echoed a secret: %q", out)
	}
	list := mustCLI(t, dir, "", "tenant", "list")
	for _, want := range []string{"acme", "Acme Taş", "active", "parke_tas", "beta-co"} {
		if !strings.Contains(list, want) {
			t.Fatalf("tenant list lacks %q:\n%s", want, list)
		}
	}
	code, key, errs := cli(t, dir, "", "apikey", "create", "--tenant", "acme", "--name", "meta", "--scope", "whatsapp_webhook,read")
	key = strings.TrimSpace(key)
	if code != 0 || len(key) < 32 || strings.Contains(key, "\n") {
		t.Fatalf("apikey create: exit %d key %q stderr %q", code, key, errs)
	}
	if strings.Contains(errs, key) {
		t.Fatal("the key was printed twice")
	}
	keys := mustCLI(t, dir, "", "apikey", "list", "--tenant", "acme")
	if strings.Contains(keys, key) || strings.Contains(keys, key[len(key)/2:]) {
		t.Fatalf("apikey list shows the key:\n%s", keys)
	}
	if !strings.Contains(keys, "meta") || !strings.Contains(keys, "whatsapp_webhook") {
		t.Fatalf("apikey list lacks the key's row:\n%s", keys)
	}
	m, err := tenantdb.NewManager(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var stored int
	if err := m.Platform.Read.QueryRow(`SELECT count(*) FROM api_keys WHERE instr(key_hash, ?) > 0 OR key_hash = ?`, key, key).Scan(&stored); err != nil || stored != 0 {
		t.Fatal("the key is stored in clear")
	}
	m.Close()
	id := strings.Fields(strings.Split(keys, "\n")[1])[0]
	mustCLI(t, dir, "", "apikey", "revoke", "--tenant", "acme", "--id", id)
	if keys := mustCLI(t, dir, "", "apikey", "list", "--tenant", "acme"); strings.Count(keys, "-\n") == len(strings.Split(strings.TrimSpace(keys), "\n")) {
		t.Fatalf("revoked key not marked revoked:\n%s", keys)
	}
	st := mustCLI(t, dir, "", "migrate", "status")
	for _, want := range []string{"platform", "acme", "beta-co", "applied"} {
		if !strings.Contains(st, want) {
			t.Fatalf("migrate status lacks %q:\n%s", want, st)
		}
	}
	// The state is a line's last column (a migration's file name may contain the word, as
	// 00033_search_pending.sql does).
	for _, line := range strings.Split(st, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[len(f)-1] == "pending" {
			t.Fatalf("migrate status shows pending migrations:\n%s", st)
		}
	}
	if out := mustCLI(t, dir, "", "audit", "verify", "--tenant", "acme"); !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: %q", out)
	}
}

// `highvibe serve -h` (and any command's -h or --help) lists that command's flags and exits 0; it
// is not refused as a usage error.
func TestCLICommandHelp(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"serve", "-h"}, "-addr"},
		{[]string{"tenant", "set", "--help"}, "-slug"},
		{[]string{"backup", "check", "-h"}, "-max-lag"},
	} {
		code, out, errs := cli(t, dir, "", c.args...)
		if code != app.ExitOK || !strings.Contains(out+errs, "usage: highvibe") || !strings.Contains(out+errs, c.flag) || strings.Contains(errs, "help requested") {
			t.Errorf("highvibe %v: exit %d, stdout %q, stderr %q", c.args, code, out, errs)
		}
	}
}

// `highvibe serve -h` names the environment variable the metrics token is read from (the guide's
// monitoring page sets it there), and never prints the token itself.
func TestCLIServeHelpKeepsTheMetricsToken(t *testing.T) {
	t.Setenv("HIGHVIBE_METRICS_TOKEN", "s3cret-metrics-token-4711")
	_, out, errs := cli(t, t.TempDir(), "", "serve", "-h")
	if !strings.Contains(out+errs, "env HIGHVIBE_METRICS_TOKEN") || strings.Contains(out+errs, "s3cret-metrics-token-4711") {
		t.Errorf("serve -h: %s%s", out, errs)
	}
}
