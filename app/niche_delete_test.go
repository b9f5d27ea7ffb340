package app_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// TestNicheDelete: `niche delete` removes a custom niche only when no tenant uses it — refused,
// naming every tenant that does, until each has another niche — records the removal in the
// platform trail with the niche as it was, and never touches a built-in niche.
func TestNicheDelete(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	refused := func(want string, args ...string) {
		t.Helper()
		code, _, errs := cli(t, dir, "", args...)
		if code != 2 || !strings.Contains(errs, want) {
			t.Fatalf("%v: exit %d stderr %q, want 2 and %q", args, code, errs, want)
		}
	}
	mustCLI(t, dir, "", "niche", "create", "--id", "hvac", "--name-en", "HVAC service", "--modules", "repair,msp")
	mustCLI(t, dir, "", "tenant", "create", "--slug", "klima-usta", "--name", "Klima Usta", "--niche", "hvac")
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme", "--niche", "hvac")
	mustCLI(t, dir, "", "tenant", "create", "--slug", "cicek", "--name", "Çiçek", "--niche", "cicekci")

	refused("still used by 2 tenant(s): acme, klima-usta", "niche", "delete", "--id", "hvac")
	mustCLI(t, dir, "", "tenant", "set", "--slug", "acme", "niche=default")
	refused("still used by 1 tenant(s): klima-usta", "niche", "delete", "--id", "hvac")
	if out := mustCLI(t, dir, "", "niche", "list"); !strings.Contains(out, "hvac") {
		t.Fatalf("a refused delete removed the niche:\n%s", out)
	}
	mustCLI(t, dir, "", "tenant", "set", "--slug", "klima-usta", "niche=default")
	if out := mustCLI(t, dir, "", "niche", "delete", "--id", "hvac"); !strings.Contains(out, "niche hvac deleted") {
		t.Fatalf("delete output %q", out)
	}
	if out := mustCLI(t, dir, "", "niche", "list"); strings.Contains(out, "hvac") {
		t.Fatalf("the deleted niche is still listed:\n%s", out)
	}
	refused(`no custom niche "hvac"`, "niche", "delete", "--id", "hvac")
	refused(`"cicekci" is a built-in niche`, "niche", "delete", "--id", "cicekci")
	refused("--id is required", "niche", "delete")
	refused("invalid niche", "tenant", "set", "--slug", "acme", "niche=hvac")

	m, err := tenantdb.NewManager(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	var payload string
	if err := m.Platform.Read.QueryRow(`SELECT payload FROM platform_audit WHERE action = 'niche_deleted'`).Scan(&payload); err != nil {
		t.Fatalf("no trail row: %v", err)
	}
	if !strings.Contains(payload, `"HVAC service"`) {
		t.Fatalf("trail payload %s", payload)
	}
	if slices.Contains(platform.Niches, "hvac") {
		t.Fatal("hvac became built-in")
	}
}
