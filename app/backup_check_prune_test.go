package app_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/platform"
)

// TestBackupCheckPrunesItsRecord: every run of `highvibe backup check` added a row to platform.db
// (and one per database it restored) and none was ever removed, so a daily check grew the record
// without end. The check now prunes it after recording its own run: the newest 100 runs are kept,
// none older than a year, and the pruned runs' databases go with them; the backups page still
// reads the run just made.
func TestBackupCheckPrunesItsRecord(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")

	// A record left by a server that never pruned: 130 daily runs over the last 130 days and 20
	// weekly ones more than a year ago, each with its platform database's line.
	now := time.Now()
	pdb := e.Server.Mgr.Platform.Write
	if _, err := pdb.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
		INSERT INTO backup_checks(ran_at, ok, databases, failing)
		SELECT CASE WHEN i <= 130 THEN ? - i * ? ELSE ? - (i - 130) * ? END, 1, 1, 0 FROM n`,
		now.UnixMilli(), (24 * time.Hour).Milliseconds(),
		now.Add(-platform.KeepBackupChecksFor-time.Hour).UnixMilli(), (7 * 24 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	if _, err := pdb.Exec(`INSERT INTO backup_check_databases(check_id, kind, slug, ok, integrity) SELECT id, 'platform', '', 1, 'ok' FROM backup_checks`); err != nil {
		t.Fatal(err)
	}

	ctx := context.Background()
	e.Server.Heads.Flush()
	for _, p := range []string{filepath.Join(data, "platform.db"), filepath.Join(data, "tenants", "acme.db")} {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Fatalf("sync %s: %v", p, err)
		}
	}
	if code, out, errs := cli(t, data, "", "backup", "check", "--litestream", cfg, "--tmp", t.TempDir()); code != 0 {
		t.Fatalf("backup check: exit %d\n%s\n%s", code, out, errs)
	}

	db := e.Server.Mgr.Platform.Read
	var runs int
	var oldest, newest int64
	if err := db.QueryRow(`SELECT count(*), min(ran_at), max(ran_at) FROM backup_checks`).Scan(&runs, &oldest, &newest); err != nil {
		t.Fatal(err)
	}
	if runs != platform.KeepBackupChecks {
		t.Errorf("%d runs kept after the check, want the newest %d", runs, platform.KeepBackupChecks)
	}
	if time.UnixMilli(newest).Before(now) {
		t.Errorf("the newest run kept is from %v, want the check just run", time.UnixMilli(newest))
	}
	// The 100 newest are the check just run and the 99 daily ones before it.
	if want := now.UnixMilli() - 99*(24*time.Hour).Milliseconds(); oldest != want {
		t.Errorf("the oldest run kept is from %v, want %v", time.UnixMilli(oldest), time.UnixMilli(want))
	}
	var orphans, lines int
	if err := db.QueryRow(`SELECT count(*), sum(check_id NOT IN (SELECT id FROM backup_checks)) FROM backup_check_databases`).Scan(&lines, &orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 || lines < runs {
		t.Errorf("%d database lines of pruned runs remain (%d lines for %d runs)", orphans, lines, runs)
	}
	if v, _ := owner.Get("/app/settings/backups?lang=en").Doc(t).Find("#backup-check [data-check]").Attr("data-check"); v != "ok" {
		t.Errorf("after the check the backups page says %q, want ok", v)
	}

	// A server whose checks stopped for more than a year: the next run keeps itself and no run
	// older than a year, however few the runs are.
	if _, err := pdb.Exec(`UPDATE backup_checks SET ran_at = ran_at - ?`, (400 * 24 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	e.Server.Heads.Flush()
	if err := e.Server.Repl.Sync(ctx, filepath.Join(data, "platform.db")); err != nil {
		t.Fatal(err)
	}
	if code, out, errs := cli(t, data, "", "backup", "check", "--litestream", cfg, "--tmp", t.TempDir()); code != 0 {
		t.Fatalf("backup check: exit %d\n%s\n%s", code, out, errs)
	}
	if err := db.QueryRow(`SELECT count(*), min(ran_at) FROM backup_checks`).Scan(&runs, &oldest); err != nil {
		t.Fatal(err)
	}
	if runs != 1 || time.UnixMilli(oldest).Before(now) {
		t.Errorf("after a year without checks, %d runs kept, the oldest from %v; want only the new one", runs, time.UnixMilli(oldest))
	}
}
