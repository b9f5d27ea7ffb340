package tenantdb

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"highvibe/schema"
)

// TestCheckSeesTheFileChangeUnderIt: Check, the readiness test of an open database, said "ready"
// as long as a file was at the path: one written over with other bytes, or another file put in
// its place, passed while every query of the pools failed or went to the other file. It now reads
// the file's header and compares the file with the one Open opened, through one descriptor kept
// open (closing a descriptor of the file on each probe would drop SQLite's locks on it).
func TestCheckSeesTheFileChangeUnderIt(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.db")
	db, err := Open(ctx, path, schema.FS, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fds := func() int {
		es, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Skip("no /proc/self/fd")
		}
		return len(es)
	}
	if err := db.Check(); err != nil {
		t.Fatalf("fresh database: %v", err)
	}
	before := fds()
	for range 50 {
		if err := db.Check(); err != nil {
			t.Fatal(err)
		}
	}
	if after := fds(); after != before {
		t.Errorf("50 checks changed the open descriptors from %d to %d", before, after)
	}

	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); !errors.Is(err, ErrNotADatabase) {
		t.Errorf("written over with text: %v", err)
	}
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Errorf("written back: %v", err)
	}

	other := filepath.Join(dir, "other.db")
	if err := os.WriteFile(other, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(other, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); !errors.Is(err, ErrReplaced) {
		t.Errorf("another file put in its place: %v", err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("removed: %v", err)
	}
}

// TestManagerHandsOutNoHandleWhoseFileFailsCheck: a tenant whose file was written over while open
// was handed out as before, so its pages and jobs ran against the broken file. Now Tenant answers
// ErrUnavailable while Check fails, and the handle again once the file is written back.
func TestManagerHandsOutNoHandleWhoseFileFailsCheck(t *testing.T) {
	ctx := context.Background()
	m, err := NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	db, err := m.Create(ctx, "beta")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	path := m.TenantPath("beta")
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("notes, not a database\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Tenant(ctx, "beta"); !errors.Is(err, ErrUnavailable) || !errors.Is(err, ErrNotADatabase) {
		t.Errorf("written over: %v", err)
	}
	if err := os.WriteFile(path, good, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := m.Tenant(ctx, "beta"); err != nil || got != db {
		t.Errorf("written back: %v", err)
	}
}
