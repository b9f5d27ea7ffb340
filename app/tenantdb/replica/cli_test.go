package replica

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"highvibe/app/tenantdb/replica/replicatest"
)

// What HighVibe writes, the official `litestream restore` reads: both a
// path: database and a database replicated through a dir: entry.
func TestOfficialCLIRestoresOurReplica(t *testing.T) {
	bin := replicatest.LitestreamCLI(t)

	dir := t.TempDir()
	cfg := mustParse(t, `
dbs:
  - path: data/platform.db
    replica:
      path: backup/platform.db
  - dir: data/tenants
    pattern: "*.db"
    replica:
      path: backup/tenants
`, dir)
	ctx := testCtx(t)
	platform := filepath.Join(dir, "data", "platform.db")
	acme := filepath.Join(dir, "data", "tenants", "acme.db")

	platformDB := openAppDB(t, platform)
	insertNotes(t, platformDB, 1, 40)
	acmeDB := openAppDB(t, acme)
	insertNotes(t, acmeDB, 1, 90)

	m := startManager(t, cfg, func(m *Manager) { m.scanInterval = time.Hour })
	insertNotes(t, platformDB, 41, 10)
	insertNotes(t, acmeDB, 91, 25)
	for _, p := range []string{platform, acme} {
		if err := m.Sync(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	wantPlatform, wantAcme := readNotes(t, platform), readNotes(t, acme)

	// The CLI's restore looks databases up by path: only, so the tenant gets
	// the path: entry that the CLI's own directory mode implies.
	cliCfg := filepath.Join(dir, "litestream-cli.yml")
	yml := fmt.Sprintf(`dbs:
  - path: %s
    replica:
      path: %s
  - path: %s
    replica:
      url: file://%s
`, platform, filepath.Join(dir, "backup", "platform.db"),
		acme, filepath.ToSlash(filepath.Join(dir, "backup", "tenants", "acme.db")))
	if err := os.WriteFile(cliCfg, []byte(yml), 0o600); err != nil {
		t.Fatal(err)
	}

	restore := func(args ...string) {
		t.Helper()
		cmd := exec.CommandContext(ctx, bin, append([]string{"restore"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("litestream restore %v: %v\n%s", args, err, out)
		}
	}

	out := filepath.Join(dir, "cli", "platform.db")
	restore("-config", cliCfg, "-o", out, platform)
	if got := readNotes(t, out); got != wantPlatform {
		t.Fatalf("CLI-restored platform.db = %+v, want %+v", got, wantPlatform)
	}

	out = filepath.Join(dir, "cli", "acme.db")
	restore("-config", cliCfg, "-o", out, acme)
	if got := readNotes(t, out); got != wantAcme {
		t.Fatalf("CLI-restored acme.db = %+v, want %+v", got, wantAcme)
	}

	// And straight from the replica URL, without any config.
	out = filepath.Join(dir, "cli", "acme-by-url.db")
	restore("-o", out, "file://"+filepath.ToSlash(filepath.Join(dir, "backup", "tenants", "acme.db")))
	if got := readNotes(t, out); got != wantAcme {
		t.Fatalf("CLI-restored (url) acme.db = %+v, want %+v", got, wantAcme)
	}
}
