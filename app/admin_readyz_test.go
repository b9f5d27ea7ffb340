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
// interrupted by a full disk) or is missing when the server starts is not "ready": /readyz/
// answers 503 and names the tenant, what is wrong with its file and how to restore it, while the
// other tenants keep working. Before, /readyz/ said "ready" with one tenant fewer open, and the
// only trace was a log line repeated every two seconds.
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
	if r.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("readyz with a damaged and a missing tenant file: %d\n%s", r.StatusCode, r.Body)
	}
	for _, want := range []string{
		"FAIL tenant beta: not open: its file tenants/beta.db is damaged",
		"highvibe restore --tenant beta",
		"FAIL tenant gamma: not open: its file tenants/gamma.db is missing",
		"platform + 1 tenants open",
	} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("readyz does not say %q:\n%s", want, r.Body)
		}
	}
	if strings.Contains(r.Body, "tenant alpha") {
		t.Errorf("readyz blames alpha:\n%s", r.Body)
	}
}
