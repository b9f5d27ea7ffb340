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
// not keep 50 idle tenants' SQLite connections alive), and names the tenant whose file
// disappeared. One business failing does not take the whole server out of a load balancer (it
// answered 503 for all of them): /readyz/ stays 200 and says "degraded" with the business's name,
// /readyz/?tenant=beta answers 503 for that business alone, and /metrics counts it failing
// (highvibe_tenants_failing) and, with the metrics token, names it (highvibe_tenant_up).
func TestReadyzChecksTenantsWithoutWakingThem(t *testing.T) {
	t.Parallel()
	const token = "readyz-metrics-token"
	e := apptest.NewWith(t, apptest.Options{NoJobs: true, MetricsToken: token})
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
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Body, "degraded: 1 of 3 businesses failing: beta\n") ||
		!strings.Contains(r.Body, "FAIL tenant beta: its file tenants/beta.db was moved or deleted") ||
		!strings.Contains(r.Body, "databases: platform + 2 of 3 tenants open, migrations current in those; failing: beta") ||
		strings.Contains(r.Body, "FAIL tenant alpha") {
		t.Fatalf("readyz after losing beta's file: %d %s", r.StatusCode, r.Body)
	}
	for _, c := range []struct {
		slug, first string
		code        int
	}{
		{"beta", "not ready\ntenant beta: FAILING: its file tenants/beta.db was moved or deleted", http.StatusServiceUnavailable},
		{"alpha", "ready\ntenant alpha: open\n", http.StatusOK},
		{"nosuch", `no business "nosuch" on this server`, http.StatusNotFound},
	} {
		if r := e.Client().Get("/readyz/?tenant=" + c.slug); r.StatusCode != c.code || !strings.HasPrefix(r.Body, c.first) {
			t.Errorf("readyz for %s alone: %d %s", c.slug, r.StatusCode, r.Body)
		}
	}
	fams := scrape(t, e, token)
	if v := sample(t, fams, "highvibe_tenants_failing", nil).GetGauge().GetValue(); v != 1 {
		t.Errorf("highvibe_tenants_failing = %v, want 1", v)
	}
	for slug, want := range map[string]float64{"alpha": 1, "beta": 0, "gamma": 1} {
		if v := sample(t, fams, "highvibe_tenant_up", map[string]string{"tenant": slug}).GetGauge().GetValue(); v != want {
			t.Errorf("highvibe_tenant_up{tenant=%q} = %v, want %v", slug, v, want)
		}
	}

	// Every business failing, the server serves none (a server of one business is down): not ready.
	for _, s := range []string{"alpha", "gamma"} {
		if err := os.Rename(e.DB(s).Path, e.DB(s).Path+".moved"); err != nil {
			t.Fatal(err)
		}
	}
	if r := e.Client().Get("/readyz/"); r.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(r.Body, "not ready\n") ||
		!strings.Contains(r.Body, "0 of 3 tenants open") {
		t.Fatalf("readyz with every business failing: %d %s", r.StatusCode, r.Body)
	}

	// The platform database is every business's: its loss takes the server out of service.
	if err := os.Rename(e.Server.Mgr.Platform.Path, e.Server.Mgr.Platform.Path+".moved"); err != nil {
		t.Fatal(err)
	}
	if r := e.Client().Get("/readyz/"); r.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(r.Body, "not ready\n") ||
		!strings.Contains(r.Body, "FAIL platform: ") {
		t.Fatalf("readyz after losing platform.db: %d %s", r.StatusCode, r.Body)
	}
}
