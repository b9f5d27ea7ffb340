package app_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestReadyzChecksTenantsWithoutWakingThem: /readyz/ answers 200 while every database is there and
// migrated, opens no connection to the tenants it checks (a monitor probing every few seconds must
// not keep 50 idle tenants' SQLite connections alive), and answers 503 naming the tenant whose
// file disappeared.
func TestReadyzChecksTenantsWithoutWakingThem(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	for _, s := range []string{"alpha", "beta", "gamma"} {
		e.Tenant(s)
	}
	for _, s := range []string{"alpha", "beta", "gamma"} {
		db := e.DB(s)
		db.ReleaseIdle()
		if n := db.Read.Stats().OpenConnections + db.Write.Stats().OpenConnections; n != 0 {
			t.Fatalf("%s: %d connections open after ReleaseIdle", s, n)
		}
	}
	r := e.Client().Get("/readyz/")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "3 tenants open, migrations current") {
		t.Fatalf("readyz: %d %s", r.StatusCode, r.Body)
	}
	for _, s := range []string{"alpha", "beta", "gamma"} {
		db := e.DB(s)
		if n := db.Read.Stats().OpenConnections + db.Write.Stats().OpenConnections; n != 0 {
			t.Errorf("%s: readyz opened %d connections", s, n)
		}
	}
	if err := os.Rename(e.DB("beta").Path, e.DB("beta").Path+".moved"); err != nil {
		t.Fatal(err)
	}
	r = e.Client().Get("/readyz/")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.Contains(r.Body, "FAIL tenant beta") || strings.Contains(r.Body, "FAIL tenant alpha") {
		t.Fatalf("readyz after losing beta's file: %d %s", r.StatusCode, r.Body)
	}
}
