package audit_test

import (
	"context"
	"strings"
	"testing"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// TestPlatformTrail: rows chain and verify, list newest first by tenant and text, refuse UPDATE
// and DELETE, and a row changed behind the database's back (triggers dropped) is found by
// VerifyPlatform.
func TestPlatformTrail(t *testing.T) {
	ctx := context.Background()
	m, err := tenantdb.NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	db := m.Platform
	for _, e := range []audit.PlatformEntry{
		{ActorUserID: 1, ActorName: "stan", Via: "console", TenantSlug: "acme", Action: "tenant_created", Summary: "tenant acme created"},
		{ActorName: "cli", Via: "cli", TenantSlug: "bravo", Action: "tenant_suspended", Summary: "set status", Payload: map[string]any{"keys": []string{"status"}}},
		{ActorUserID: 1, ActorName: "stan", Via: "console", Action: "two_factor_reset", Summary: "two-step sign-in of ola reset"},
	} {
		if err := audit.LogPlatform(ctx, db, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := audit.LogPlatform(ctx, db, audit.PlatformEntry{ActorName: "x", Via: "web", Action: "a"}); err == nil {
		t.Fatal("an unknown via was accepted")
	}
	if n, err := audit.VerifyPlatform(ctx, db); err != nil || n != 3 {
		t.Fatalf("verify: %d %v", n, err)
	}
	rows, err := audit.PlatformTrail(ctx, db, "", "", 10)
	if err != nil || len(rows) != 3 || rows[0].Action != "two_factor_reset" || rows[2].ActorUserID != 1 || rows[1].ActorUserID != 0 {
		t.Fatalf("trail %+v %v", rows, err)
	}
	if rows, _ := audit.PlatformTrail(ctx, db, "bravo", "", 10); len(rows) != 1 || rows[0].Via != "cli" {
		t.Fatalf("bravo's trail %+v", rows)
	}
	if rows, _ := audit.PlatformTrail(ctx, db, "", "ola", 10); len(rows) != 1 {
		t.Fatalf("search ola %+v", rows)
	}
	if rows, _ := audit.PlatformTrail(ctx, db, "", "100%", 10); len(rows) != 0 {
		t.Fatal("a % in the search matched everything")
	}
	for _, q := range []string{`UPDATE platform_audit SET summary = 'x'`, `DELETE FROM platform_audit`} {
		if _, err := db.Write.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("%s: %v", q, err)
		}
	}
	for _, q := range []string{`DROP TRIGGER platform_audit_no_update`, `UPDATE platform_audit SET summary = 'nothing happened' WHERE id = 2`} {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := audit.VerifyPlatform(ctx, db); err == nil || !strings.Contains(err.Error(), "row 2") {
		t.Fatalf("verify after tampering: %v", err)
	}
}
