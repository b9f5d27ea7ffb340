package tenantdb

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
)

// recordSyncs counts the disk syncs of the WAL files and directories while the test runs.
func recordSyncs(t *testing.T, fail error) (files, dirs *atomic.Int64) {
	files, dirs = new(atomic.Int64), new(atomic.Int64)
	oldFile, oldDir := syncFile, syncDir
	syncFile = func(f *os.File) error {
		if filepath.Ext(f.Name()) != ".db-wal" {
			t.Errorf("synced %s, want a WAL file", f.Name())
		}
		if fail != nil {
			return fail
		}
		files.Add(1)
		return oldFile(f)
	}
	syncDir = func(dir string) error { dirs.Add(1); return oldDir(dir) }
	t.Cleanup(func() { syncFile, syncDir = oldFile, oldDir })
	return files, dirs
}

// TestCommitsSurviveAPowerCut: what InTx and Exec committed is on disk when they return. The writer
// runs with synchronous(NORMAL), under which a commit in WAL mode survives a crash of the process
// but can roll back after a power cut or a crash of the machine — and Meta does not send again a
// delivery that got its 200. So each of them syncs the WAL file after the commit, outside the
// writer; commits that come while a sync is under way share the next one; a WAL file not synced
// before gets its directory synced too; and a commit that cannot be synced is reported as failed.
// A power cut cannot be staged here: the syncs a commit waits for can be counted.
func TestCommitsSurviveAPowerCut(t *testing.T) {
	ctx := context.Background()
	files, dirs := recordSyncs(t, nil)
	path := filepath.Join(t.TempDir(), "d.db")
	db, err := open(ctx, path, nil, "", true)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	if _, err := db.Exec(ctx, `CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)`); err != nil {
		t.Fatal(err)
	}
	if files.Load() != 1 || dirs.Load() != 1 {
		t.Fatalf("Exec: %d WAL syncs and %d directory syncs, want 1 and 1 (a new WAL file)", files.Load(), dirs.Load())
	}
	insert := func() error {
		return db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO t(v) VALUES('x')`)
			return err
		})
	}
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	if files.Load() != 2 || dirs.Load() != 1 {
		t.Fatalf("InTx: %d WAL syncs and %d directory syncs in all, want 2 and 1 (the same WAL file)", files.Load(), dirs.Load())
	}

	// Sixteen writers at once: each returns with its commit on disk, and they share syncs.
	before := files.Load()
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := insert(); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := files.Load() - before; n < 1 || n > 16 {
		t.Errorf("16 concurrent commits: %d syncs, want between 1 and 16", n)
	}
	db.wal.mu.Lock()
	if db.wal.synced != db.wal.written.Load() {
		t.Errorf("after every commit returned: synced up to %d of %d commits", db.wal.synced, db.wal.written.Load())
	}
	db.wal.mu.Unlock()

	// The file closed (its WAL checkpointed and deleted) and opened again: a new WAL file, whose
	// directory entry is synced with it.
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the WAL outlived the last connection: %v", err)
	}
	if db, err = open(ctx, path, nil, "", true); err != nil {
		t.Fatal(err)
	}
	d0 := dirs.Load()
	if err := insert(); err != nil {
		t.Fatal(err)
	}
	if dirs.Load() != d0+1 {
		t.Errorf("a new WAL file after reopening: %d directory syncs, want 1", dirs.Load()-d0)
	}
	var n int
	if err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM t`).Scan(&n); err != nil || n != 18 {
		t.Errorf("rows: %d, %v; want 18", n, err)
	}
}

// TestCommitNotSyncedIsAFailure: when the disk refuses the sync, InTx and Exec say so; a caller
// that answers 200 only on success then tells nobody the data is stored.
func TestCommitNotSyncedIsAFailure(t *testing.T) {
	ctx := context.Background()
	db, err := open(ctx, filepath.Join(t.TempDir(), "d.db"), nil, "", false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(ctx, `CREATE TABLE t(id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	recordSyncs(t, errors.New("disk gone"))
	if err := db.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO t DEFAULT VALUES`)
		return err
	}); err == nil {
		t.Error("InTx: a commit that could not be synced was reported stored")
	}
	if _, err := db.Exec(ctx, `INSERT INTO t DEFAULT VALUES`); err == nil {
		t.Error("Exec: a commit that could not be synced was reported stored")
	}
}
