package replica

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// appDSN opens a database the way the app does (pragmas in the DSN so every
// pooled connection gets them; immediate transactions for the writer).
func appDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate"
}

// openAppDB creates (if needed) and opens a WAL database with a notes table.
func openAppDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", appDSN(path))
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Exec(`CREATE TABLE IF NOT EXISTS notes (
		id   INTEGER PRIMARY KEY,
		body TEXT NOT NULL,
		data BLOB NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v; want wal", mode, err)
	}
	return db
}

// insertNotes writes rows first..first+n-1 in one transaction.
func insertNotes(t *testing.T, db *sql.DB, first, n int) {
	t.Helper()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for id := first; id < first+n; id++ {
		sum := sha256.Sum256([]byte(fmt.Sprint(id)))
		blob := make([]byte, 0, 256)
		for len(blob) < 256 {
			blob = append(blob, sum[:]...)
		}
		if _, err := tx.Exec(`INSERT INTO notes (id, body, data) VALUES (?, ?, ?)`,
			id, fmt.Sprintf("note %d — çğıöşü", id), blob); err != nil {
			_ = tx.Rollback()
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// snapshot is what we compare between an original and a restored database.
type snapshot struct {
	Rows   int
	Digest string
}

// readNotes returns the row count and a digest of every notes row in order.
func readNotes(t *testing.T, path string) snapshot {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database missing: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT id, body, data FROM notes ORDER BY id`)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	defer rows.Close()
	h := sha256.New()
	var s snapshot
	for rows.Next() {
		var id int
		var body string
		var data []byte
		if err := rows.Scan(&id, &body, &data); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%d|%s|%x\n", id, body, data)
		s.Rows++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of %s = %q, %v", path, check, err)
	}
	s.Digest = hex.EncodeToString(h.Sum(nil))
	return s
}

func mustParse(t *testing.T, yml, baseDir string) *Config {
	t.Helper()
	cfg, err := ParseConfig([]byte(yml), baseDir)
	if err != nil {
		t.Fatalf("ParseConfig: %v\n%s", err, yml)
	}
	return cfg
}

// testLogger is silent unless REPLICA_TEST_LOG is set; Litestream logs from
// background goroutines that may outlive a test's t.Log.
func testLogger() *slog.Logger {
	if os.Getenv("REPLICA_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// startManager starts a Manager; tune may adjust it before Start. It is
// closed when the test ends unless the test closes it first.
func startManager(t *testing.T, cfg *Config, tune func(*Manager)) *Manager {
	t.Helper()
	m, err := New(cfg, testLogger())
	if err != nil {
		t.Fatal(err)
	}
	if tune != nil {
		tune(m)
	}
	if err := m.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Close(ctx)
	})
	return m
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// removeDB deletes a database and its sidecar files, as a lost disk would.
func removeDB(t *testing.T, path string) {
	t.Helper()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", within, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
