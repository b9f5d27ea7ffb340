package app_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/apptest"
)

// newestMigration is this binary's newest migration of dir in schema (file name without .sql).
func newestMigration(t *testing.T, dir string) string {
	t.Helper()
	es, err := os.ReadDir(filepath.Join("../schema", dir))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(es[len(es)-1].Name(), ".sql")
}

// markNewer records in the SQLite file at path a migration this binary does not have, as a newer
// HighVibe that migrated the file did.
func markNewer(t *testing.T, path string, version int64) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (?, 1)", version); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
}

// TestOlderBinaryRefusesDataANewerOneMigrated: an owner updates, the new version migrates every
// database, and the owner puts the old binary back (a rollback). The old binary's goose, allowing
// migrations out of order, applied nothing, said nothing and started on tables and columns it does
// not know. Now serve stops with one line naming the file, the newest migration this program knows
// and the one in the file, and what to do; nothing in the file is changed (the unknown migration is
// still recorded, no migration of this binary runs twice). A tenant's file alone does the same.
//
// It exits with its own code, app.ExitNewerData (65), which the service unit of the README and of
// the guide (EN and TR) names in RestartPreventExitStatus=: before, it exited 1 like any failure,
// and systemd's Restart=on-failure started it again every five seconds, for ever, with the same
// line, where nothing but the owner's choice (newer program back, or a restore) can help.
func TestOlderBinaryRefusesDataANewerOneMigrated(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	mustCLI(t, data, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	mustCLI(t, data, "", "tenant", "create", "--slug", "beta", "--name", "Beta")

	tenant := filepath.Join(data, "tenants", "beta.db")
	markNewer(t, tenant, 99001)
	code, errs := serveOnce(t, root, "--addr", "127.0.0.1:0", "--data", data)
	last := lastLine(errs)
	if code != app.ExitNewerData || !strings.Contains(last, "beta.db was written by a newer version of HighVibe") ||
		!strings.Contains(last, "migration 99001") || !strings.Contains(last, newestMigration(t, "tenant")) ||
		!strings.Contains(last, "Put the newer program back") || !strings.Contains(last, "restore the backups taken before the update") {
		t.Fatalf("serve on a tenant a newer version migrated: exit %d, stderr:\n%s", code, errs)
	}
	out, cliErr, cliCode := apptest.CLI(t, data, "", "migrate", "status")
	if !strings.Contains(out, "newer version of HighVibe") {
		t.Fatalf("migrate status does not say beta's file is newer: exit %d\n%s%s", cliCode, out, cliErr)
	}

	db, err := sql.Open("sqlite", tenant)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM goose_db_version WHERE version_id = 99001").Scan(&n); err != nil || n != 1 {
		t.Fatalf("the newer migration's row: %d, %v", n, err)
	}
	db.Close()

	markNewer(t, filepath.Join(data, "platform.db"), 99002)
	code, errs = serveOnce(t, root, "--addr", "127.0.0.1:0", "--data", data)
	last = lastLine(errs)
	if code != app.ExitNewerData || !strings.Contains(last, "platform.db was written by a newer version of HighVibe") ||
		!strings.Contains(last, "migration 99002") || !strings.Contains(last, newestMigration(t, "platform")) {
		t.Fatalf("serve on a platform.db a newer version migrated: exit %d, stderr:\n%s", code, errs)
	}

	// The shipped units do not restart it, and do restart every other failure.
	prevent := regexp.MustCompile(`(?m)^RestartPreventExitStatus=(.*)$`)
	for _, p := range []string{"../README.md", "../guide/en/29-installing-on-a-vps.md", "../guide/tr/29-installing-on-a-vps.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, unit, _ := strings.Cut(string(b), "[Service]\n")
		unit, _, _ = strings.Cut(unit, "[Install]")
		m := prevent.FindStringSubmatch(unit)
		if m == nil || strings.TrimSpace(m[1]) != strconv.Itoa(app.ExitNewerData) {
			t.Errorf("%s: the unit does not keep systemd from restarting a program older than its data (RestartPreventExitStatus=%d): %q", p, app.ExitNewerData, m)
		}
	}
	if app.ExitNewerData == app.ExitRuntime || app.ExitNewerData == app.ExitUsage {
		t.Errorf("ExitNewerData %d is another failure's code", app.ExitNewerData)
	}
}
