package app_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestReadyzNamesATenantFileThatDoesNotOpen: a tenant whose file was cut short (a copy
// interrupted by a full disk) or is missing when the server starts: /readyz/ says "degraded", names
// the tenant, what is wrong with its file and how to restore it, while the other tenants keep
// working (it stays 200: the server still serves them; ?tenant=beta answers 503). Before, /readyz/
// said "ready" with one tenant fewer open, and the only trace was a log line repeated every two
// seconds.
func TestReadyzNamesATenantFileThatDoesNotOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, s := range []string{"alpha", "beta", "gamma"} {
		mustCLI(t, dir, "", "tenant", "create", "--slug", s, "--name", strings.ToUpper(s))
	}
	beta := filepath.Join(dir, "tenants", "beta.db")
	st, err := os.Stat(beta)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(beta, st.Size()/3); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "tenants", "gamma.db")); err != nil {
		t.Fatal(err)
	}
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	r := e.Client().Get("/readyz/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("readyz with a damaged and a missing tenant file: %d\n%s", r.StatusCode, r.Body)
	}
	if r := e.Client().Get("/readyz/?tenant=beta"); r.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz for beta alone, its file damaged: %d\n%s", r.StatusCode, r.Body)
	}
	for _, want := range []string{
		"degraded: 2 of 3 businesses failing: beta, gamma\n",
		"FAIL tenant beta: not open: its file tenants/beta.db is damaged",
		"highvibe restore --tenant beta",
		"FAIL tenant gamma: not open: its file tenants/gamma.db is missing",
		"platform + 1 of 3 tenants open, migrations current in those; failing: beta, gamma",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("readyz does not say %q:\n%s", want, r.Body)
		}
	}
	if strings.Contains(r.Body, "tenant alpha") {
		t.Errorf("readyz blames alpha:\n%s", r.Body)
	}
}

// TestReadyzNamesATenantFileOverwrittenWhileServed, against the real binary: a business's file
// that something other than the server wrote over while the server had it open (a text file, or
// a copy of the wrong thing, put in its place). Before, /readyz/ went on answering 200 "ready",
// "platform + 2 tenants open, migrations current", while every page and job of that business
// failed with "file is not a database". Now it says "degraded" (the server still serves alpha; a
// monitor of beta alone, ?tenant=beta, gets 503), names the file, what is wrong with it and what to do, and the databases line says how many of the businesses the server serves are
// open and which are not.
func TestReadyzNamesATenantFileOverwrittenWhileServed(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, s := range []string{"alpha", "beta"} {
		if _, errs, code := apptest.CLI(t, dir, "", "tenant", "create", "--slug", s, "--name", strings.ToUpper(s)); code != 0 {
			t.Fatalf("tenant create %s: exit %d: %s", s, code, errs)
		}
	}
	srv := apptest.Serve(t, dir, nil)
	if code, body := srv.Get("/readyz/"); code != http.StatusOK || !strings.Contains(body, "databases: platform + 2 tenants open, migrations current\n") {
		t.Fatalf("readyz before: %d\n%s", code, body)
	}
	// Written over in place (the same file, new bytes), as `cp notes.txt beta.db` does.
	if err := os.WriteFile(filepath.Join(dir, "tenants", "beta.db"), []byte("these are notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, body := srv.Get("/readyz/")
	if code != http.StatusOK {
		t.Fatalf("readyz with beta overwritten while served: %d\n%s", code, body)
	}
	if code, body := srv.Get("/readyz/?tenant=beta"); code != http.StatusServiceUnavailable {
		t.Errorf("readyz for beta alone, overwritten while served: %d\n%s", code, body)
	}
	for _, want := range []string{
		"degraded: 1 of 2 businesses failing: beta\n",
		"FAIL tenant beta: its file tenants/beta.db is not a SQLite database any more",
		"highvibe restore --tenant beta",
		"databases: platform + 1 of 2 tenants open, migrations current in those; failing: beta",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("readyz with beta overwritten while served does not say %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "tenant alpha") || strings.Contains(body, "platform + 2 tenants open") {
		t.Errorf("readyz blames alpha or counts beta as open:\n%s", body)
	}
}

// TestReadyzCountsTheTenantsItServes, against the real binary: with one business's file not a
// database when the server starts, the databases line said "platform + 2 tenants open,
// migrations current" under the FAIL line, as if the server served two businesses and all was
// current. Now it says two of the three are open and which is failing.
func TestReadyzCountsTheTenantsItServes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, s := range []string{"alpha", "beta", "gamma"} {
		if _, errs, code := apptest.CLI(t, dir, "", "tenant", "create", "--slug", s, "--name", strings.ToUpper(s)); code != 0 {
			t.Fatalf("tenant create %s: exit %d: %s", s, code, errs)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "tenants", "gamma.db"), []byte("these are notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	srv := apptest.Serve(t, dir, nil)
	code, body := srv.Get("/readyz/")
	if code != http.StatusOK || !strings.HasPrefix(body, "degraded: 1 of 3 businesses failing: gamma\n") {
		t.Fatalf("readyz with gamma not a database at start: %d\n%s", code, body)
	}
	for _, want := range []string{
		"FAIL tenant gamma: not open: its file tenants/gamma.db is damaged",
		"databases: platform + 2 of 3 tenants open, migrations current in those; failing: gamma",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("readyz with gamma not a database at start does not say %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "platform + 2 tenants open") {
		t.Errorf("readyz counts only the open tenants:\n%s", body)
	}
}
