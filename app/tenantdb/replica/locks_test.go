package replica

import (
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// An outside sqlite3 that opens and closes a database this process is writing must find the
// process's SHARED lock on the file; otherwise it believes it is the last user, checkpoints and
// deletes the WAL, and every later commit of the server goes to an unlinked file. These tests
// drive the two ways replication used to drop that lock (reading a database's header with a
// plain descriptor in the directory scan; Litestream closing its descriptor when its first sync
// fails because the replica does not answer) and then let Debian's sqlite3 shell read and close.

// sqlite3Shell returns the sqlite3 command, skipping locally (failing under CI) without it.
func sqlite3Shell(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("sqlite3 shell not installed (.ci/run installs Debian's sqlite3)")
		}
		t.Skip("sqlite3 shell not installed; install Debian's sqlite3 to run this test")
	}
	return p
}

// outsideQuery runs one statement in a separate sqlite3 process, which opens and closes the file.
func outsideQuery(t *testing.T, shell, path, sql string) string {
	t.Helper()
	out, err := exec.Command(shell, path, sql).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %q: %v\n%s", sql, err, out)
	}
	return strings.TrimSpace(string(out))
}

// holdsSharedLock reports whether this process holds a POSIX read lock on SQLite's SHARED byte
// range of path, as /proc/locks shows it.
func holdsSharedLock(t *testing.T, path string) bool {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ino := strconv.FormatUint(fi.Sys().(*syscall.Stat_t).Ino, 10)
	b, err := os.ReadFile("/proc/locks")
	if err != nil {
		t.Skipf("no /proc/locks: %v", err)
	}
	pid := strconv.Itoa(os.Getpid())
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		// 1: POSIX  ADVISORY  READ 1234 fe:00:5678 1073741826 1073742335
		if len(f) >= 8 && f[1] == "POSIX" && f[4] == pid && strings.HasSuffix(f[5], ":"+ino) && f[6] == "1073741826" {
			return true
		}
	}
	return false
}

// checkOutsideReaderSafe commits, lets sqlite3 read and close, commits again, and asserts that
// another process sees both commits and that the WAL the server writes is still the one on disk.
func checkOutsideReaderSafe(t *testing.T, db *sql.DB, path string) {
	t.Helper()
	shell := sqlite3Shell(t)
	var before int
	if err := db.QueryRow(`SELECT count(*) FROM notes`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	insertNotes(t, db, 1, 10)
	if !holdsSharedLock(t, path) {
		t.Fatalf("this process holds no SHARED lock on %s before the outside read", filepath.Base(path))
	}
	if got, want := outsideQuery(t, shell, path, "SELECT count(*) FROM notes"), strconv.Itoa(before+10); got != want {
		t.Fatalf("outside reader saw %s rows, want %s", got, want)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Fatalf("the outside reader deleted the server's WAL: %v", err)
	}
	insertNotes(t, db, 11, 5)
	if got, want := outsideQuery(t, shell, path, "SELECT count(*) FROM notes"), strconv.Itoa(before+15); got != want {
		t.Fatalf("after the outside read, commits of this process are invisible to others: outside sees %s rows, want %s", got, want)
	}
}

func TestDirectoryScanKeepsTheServersLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tenants", "acme.db")
	db := openAppDB(t, path)
	db.SetMaxIdleConns(1)
	insertNotes(t, db, 100, 1)
	cfg := mustParse(t, "dbs:\n  - dir: tenants\n    pattern: \"*.db\"\n    replica:\n      path: replica\n", dir)
	m := startManager(t, cfg, func(m *Manager) { m.scanInterval = time.Hour })
	// What the scan loop does every few seconds, for every tenant.
	for range 3 {
		if got := m.scanDir(cfg.DBs[0]); len(got) != 1 {
			t.Fatalf("scan found %v, want the one database", got)
		}
	}
	checkOutsideReaderSafe(t, db, path)
}

func TestUnansweringReplicaKeepsTheServersLock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "acme.db")
	db := openAppDB(t, path)
	db.SetMaxIdleConns(1)
	insertNotes(t, db, 100, 1)
	// Port 1 on loopback refuses at once: a replica that is down when the server starts.
	cfg := mustParse(t, "dbs:\n  - path: acme.db\n    replica:\n      url: sftp://backup@127.0.0.1:1/srv/acme.db\n      password: x\n", dir)
	m := startManager(t, cfg, func(m *Manager) { m.scanInterval = 20 * time.Millisecond })
	// Wait until the manager either holds the database back (the fix) or Litestream has tried
	// its first sync and, failing, closed its descriptor (before the fix: the lock is gone).
	deadline := time.Now().Add(10 * time.Second)
	for {
		m.mu.Lock()
		_, waiting := m.pending[Canonical(path)]
		m.mu.Unlock()
		if waiting || !holdsSharedLock(t, path) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replication neither held the database back nor tried to sync it: %+v", m.Status())
		}
		time.Sleep(10 * time.Millisecond)
	}
	checkOutsideReaderSafe(t, db, path)
	if st := m.Status(); st.Healthy || !strings.Contains(st.DBs[0].Err, "not answering") {
		t.Fatalf("status = %+v, want the database shown as waiting for its replica", st)
	}
}
