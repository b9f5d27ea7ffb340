package platform_test

import (
	"context"
	"errors"
	"testing"

	"highvibe/app/fault"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// TestDuplicatesAreErrExistsByCode: a taken username and a taken tenant slug are recognised from
// SQLite's UNIQUE result code on a real platform file and answered as ErrExists (a field error on
// the username form, a conflict for the slug),
// and nothing second is stored.
func TestDuplicatesAreErrExistsByCode(t *testing.T) {
	ctx := context.Background()
	m, err := tenantdb.NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := platform.NewService(m)

	if _, err := s.CreateUser(ctx, "olga", "long enough password", false); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateUser(ctx, "olga", "another long password", false)
	if !errors.Is(err, platform.ErrExists) || fault.FieldKeys(err)["username"] != "settings.username_taken" {
		t.Fatalf("duplicate user: %v (fields %v), want ErrExists as a field error on username", err, fault.FieldKeys(err))
	}

	// A tenants row without its database file reaches the INSERT, so the UNIQUE index answers.
	if _, err := m.Platform.Write.Exec(`INSERT INTO tenants(slug, name, niche_id, primary_locale) VALUES('acme', 'Acme', 'default', 'tr')`); err != nil {
		t.Fatal(err)
	}
	_, err = s.CreateTenant(ctx, "acme", "Acme again", "default", "tr")
	if !errors.Is(err, platform.ErrExists) || fault.KindOf(err) != fault.KindConflict {
		t.Fatalf("duplicate tenant: %v (kind %v), want ErrExists", err, fault.KindOf(err))
	}
	var users, tenants int
	_ = m.Platform.Read.QueryRow(`SELECT count(*) FROM users`).Scan(&users)
	_ = m.Platform.Read.QueryRow(`SELECT count(*) FROM tenants`).Scan(&tenants)
	if users != 1 || tenants != 1 {
		t.Fatalf("users %d tenants %d after the refused duplicates, want 1 and 1", users, tenants)
	}
}
