package replica

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A database written in WAL mode, synced, then lost, comes back identical.
func TestSyncThenRestoreAfterLoss(t *testing.T) {
	dir := t.TempDir()
	cfg := mustParse(t, `
dbs:
  - path: data/platform.db
    replica:
      path: backup/platform.db
`, dir)
	ctx := testCtx(t)
	dbPath := filepath.Join(dir, "data", "platform.db")

	// The app migrates and writes before replication starts, and keeps
	// writing afterwards.
	db := openAppDB(t, dbPath)
	insertNotes(t, db, 1, 200)
	m := startManager(t, cfg, nil)
	insertNotes(t, db, 201, 300)

	if err := m.Sync(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	want := readNotes(t, dbPath)
	if want.Rows != 500 {
		t.Fatalf("source has %d rows, want 500", want.Rows)
	}

	// Sync alone (no Close) must leave a complete replica.
	early := filepath.Join(dir, "early", "platform.db")
	if err := Restore(ctx, cfg, dbPath, early, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := readNotes(t, early); got != want {
		t.Fatalf("restore while running = %+v, want %+v", got, want)
	}

	st := m.Status()
	if !st.Enabled || !st.Healthy || len(st.DBs) != 1 {
		t.Fatalf("status = %+v, want enabled, healthy, one db", st)
	}
	if st.DBs[0].LastSyncAt.IsZero() || st.DBs[0].Replica != "file://"+filepath.ToSlash(filepath.Join(dir, "backup", "platform.db")) {
		t.Fatalf("db status = %+v", st.DBs[0])
	}

	// Lose the database, then restore it in place.
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	removeDB(t, dbPath)
	if err := Restore(ctx, cfg, dbPath, dbPath, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := readNotes(t, dbPath); got != want {
		t.Fatalf("restored = %+v, want %+v", got, want)
	}

	// The output must not already exist.
	if err := Restore(ctx, cfg, dbPath, dbPath, time.Time{}); !errors.Is(err, os.ErrExist) {
		t.Fatalf("restore over an existing file: err = %v, want os.ErrExist", err)
	}

	// Back in service on the restored file: replication carries on into the
	// same replica and a later restore has the new rows too.
	db = openAppDB(t, dbPath)
	m = startManager(t, cfg, nil)
	insertNotes(t, db, 501, 25)
	if err := m.Sync(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	want = readNotes(t, dbPath)
	again := filepath.Join(dir, "again", "platform.db")
	if err := Restore(ctx, cfg, dbPath, again, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := readNotes(t, again); got != want || got.Rows != 525 {
		t.Fatalf("restore after resuming = %+v, want %+v (525 rows)", got, want)
	}
}

// A tenant database created after Start is replicated once Add is called.
func TestAddReplicatesTenantCreatedAfterStart(t *testing.T) {
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
	tenants := filepath.Join(dir, "data", "tenants")

	alpha := filepath.Join(tenants, "alpha.db")
	insertNotes(t, openAppDB(t, alpha), 1, 50)
	// Not SQLite, and not matching the pattern: never replicated.
	if err := os.WriteFile(filepath.Join(tenants, "notes.txt"), []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := startManager(t, cfg, func(m *Manager) { m.scanInterval = time.Hour })

	if paths := statusPaths(m); !containsAll(paths, Canonical(alpha)) || len(paths) != 2 {
		t.Fatalf("after start replicating %v, want platform.db and alpha.db", paths)
	}

	beta := filepath.Join(tenants, "beta.db")
	betaDB := openAppDB(t, beta)
	insertNotes(t, betaDB, 1, 120)

	for i := 0; i < 2; i++ { // idempotent
		ok, err := m.Add(ctx, beta)
		if err != nil || !ok {
			t.Fatalf("Add(beta) #%d = %v, %v; want true, nil", i+1, ok, err)
		}
	}
	// Relative spelling of the same file is the same database.
	wd, _ := os.Getwd()
	if rel, err := filepath.Rel(wd, beta); err == nil {
		if ok, err := m.Add(ctx, rel); !ok || err != nil {
			t.Fatalf("Add(relative beta) = %v, %v", ok, err)
		}
	}
	for _, p := range []string{
		filepath.Join(dir, "data", "other", "x.db"),
		filepath.Join(tenants, "notes.txt"),
		filepath.Join(tenants, "sub", "nested.db"),
	} {
		if ok, err := m.Add(ctx, p); ok || err != nil {
			t.Fatalf("Add(%s) = %v, %v; want false, nil", p, ok, err)
		}
	}
	if paths := statusPaths(m); len(paths) != 3 || !containsAll(paths, Canonical(beta)) {
		t.Fatalf("replicating %v, want 3 dbs including beta", paths)
	}

	insertNotes(t, betaDB, 121, 30)
	if err := m.Sync(ctx, beta); err != nil {
		t.Fatal(err)
	}
	// The CLI's directory layout: <replica path>/<name relative to dir>.
	if _, err := os.Stat(filepath.Join(dir, "backup", "tenants", "beta.db", "ltx", "0")); err != nil {
		t.Fatalf("replica layout: %v", err)
	}

	out := filepath.Join(dir, "restored", "beta.db")
	if err := Restore(ctx, cfg, beta, out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	want := readNotes(t, beta)
	if got := readNotes(t, out); got != want || got.Rows != 150 {
		t.Fatalf("restored beta = %+v, want %+v (150 rows)", got, want)
	}
}

// A tenant created by another process (the CLI) while the server runs is
// found by the directory scan without any Add call.
func TestScanPicksUpTenantCreatedElsewhere(t *testing.T) {
	dir := t.TempDir()
	cfg := mustParse(t, `
dbs:
  - dir: data/tenants
    pattern: "*.db"
    replica:
      url: file://`+filepath.ToSlash(filepath.Join(dir, "backup", "tenants"))+`
`, dir)
	ctx := testCtx(t)
	tenants := filepath.Join(dir, "data", "tenants")
	if err := os.MkdirAll(tenants, 0o750); err != nil {
		t.Fatal(err)
	}
	m := startManager(t, cfg, func(m *Manager) { m.scanInterval = 50 * time.Millisecond })
	if n := len(m.Status().DBs); n != 0 {
		t.Fatalf("replicating %d dbs before any tenant exists", n)
	}

	gamma := filepath.Join(tenants, "gamma.db")
	insertNotes(t, openAppDB(t, gamma), 1, 80)
	waitFor(t, 10*time.Second, "gamma.db to be replicated", func() bool {
		return containsAll(statusPaths(m), Canonical(gamma))
	})
	if err := m.Sync(ctx, gamma); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "restored", "gamma.db")
	if err := Restore(ctx, cfg, gamma, out, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, want := readNotes(t, out), readNotes(t, gamma); got != want {
		t.Fatalf("restored gamma = %+v, want %+v", got, want)
	}
}

// Restoring to a moment between two batches gives exactly the first batch.
func TestRestorePointInTime(t *testing.T) {
	dir := t.TempDir()
	cfg := mustParse(t, `
dbs:
  - path: data/tenants/acme.db
    replica:
      path: backup/acme.db
`, dir)
	ctx := testCtx(t)
	dbPath := filepath.Join(dir, "data", "tenants", "acme.db")

	// Registered before the file exists: replication starts when it appears.
	m := startManager(t, cfg, nil)
	db := openAppDB(t, dbPath)

	insertNotes(t, db, 1, 100)
	if err := m.Sync(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	first := readNotes(t, dbPath)

	// LTX files carry millisecond timestamps taken when they are written;
	// a clear gap on both sides of the target keeps this deterministic.
	time.Sleep(100 * time.Millisecond)
	target := time.Now()
	time.Sleep(100 * time.Millisecond)

	insertNotes(t, db, 101, 100)
	if err := m.Sync(ctx, dbPath); err != nil {
		t.Fatal(err)
	}
	latest := readNotes(t, dbPath)

	atTarget := filepath.Join(dir, "pit", "acme.db")
	if err := Restore(ctx, cfg, dbPath, atTarget, target); err != nil {
		t.Fatal(err)
	}
	if got := readNotes(t, atTarget); got != first || got.Rows != 100 {
		t.Fatalf("restore at target = %+v, want first batch %+v", got, first)
	}

	now := filepath.Join(dir, "latest", "acme.db")
	if err := Restore(ctx, cfg, dbPath, now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got := readNotes(t, now); got != latest || got.Rows != 200 {
		t.Fatalf("restore latest = %+v, want %+v", got, latest)
	}

	// Before the first backup there is nothing to restore.
	err := Restore(ctx, cfg, dbPath, filepath.Join(dir, "too-early.db"), target.Add(-time.Hour))
	if err == nil || !strings.Contains(err.Error(), "no backup at or before") {
		t.Fatalf("restore before first backup: err = %v", err)
	}
}

// A replica that cannot be written makes Status unhealthy with a reason.
func TestBrokenReplicaIsUnhealthy(t *testing.T) {
	dir := t.TempDir()
	// A regular file where the replica directory should be: fails even as root.
	if err := os.WriteFile(filepath.Join(dir, "blocker"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := mustParse(t, `
shutdown-sync-timeout: 0s
dbs:
  - path: data/platform.db
    replica:
      path: blocker/replica
`, dir)
	ctx := testCtx(t)
	dbPath := filepath.Join(dir, "data", "platform.db")
	insertNotes(t, openAppDB(t, dbPath), 1, 10)
	m := startManager(t, cfg, nil)

	if err := m.Sync(ctx, dbPath); err == nil {
		t.Fatal("Sync to an unwritable replica succeeded")
	}
	st := m.Status()
	if !st.Enabled || st.Healthy || len(st.DBs) != 1 || st.DBs[0].Err == "" {
		t.Fatalf("status = %+v, want enabled, unhealthy, with an error", st)
	}
}

// Without a config everything is a harmless no-op and says so.
func TestDisabledManager(t *testing.T) {
	ctx := testCtx(t)
	m, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := m.Add(ctx, "data/platform.db"); ok || err != nil {
		t.Fatalf("Add = %v, %v", ok, err)
	}
	if st := m.Status(); st.Enabled || !st.Healthy || len(st.DBs) != 0 {
		t.Fatalf("status = %+v, want disabled (and not failing readiness)", st)
	}
	if err := m.Sync(ctx, "data/platform.db"); !errors.Is(err, errDisabled) {
		t.Fatalf("Sync err = %v", err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := Restore(ctx, nil, "x.db", "y.db", time.Time{}); !errors.Is(err, errDisabled) {
		t.Fatalf("Restore err = %v", err)
	}
}

// Manager calls made in the wrong order fail clearly instead of hanging.
func TestManagerLifecycleErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := mustParse(t, "dbs:\n  - path: a.db\n    replica:\n      path: backup/a\n", dir)
	ctx := testCtx(t)
	m, err := New(cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Add(ctx, filepath.Join(dir, "a.db")); err == nil {
		t.Fatal("Add before Start succeeded")
	}
	if st := m.Status(); st.Healthy {
		t.Fatalf("status before Start = %+v, want unhealthy", st)
	}
	if err := m.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Start(ctx); err == nil {
		t.Fatal("second Start succeeded")
	}
	if err := m.Sync(ctx, filepath.Join(dir, "other.db")); err == nil {
		t.Fatal("Sync of an unknown db succeeded")
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := m.Add(ctx, filepath.Join(dir, "a.db")); err == nil {
		t.Fatal("Add after Close succeeded")
	}
}

func statusPaths(m *Manager) []string {
	var paths []string
	for _, d := range m.Status().DBs {
		paths = append(paths, d.Path)
	}
	return paths
}

func containsAll(have []string, want ...string) bool {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	for _, w := range want {
		if !set[w] {
			return false
		}
	}
	return true
}
