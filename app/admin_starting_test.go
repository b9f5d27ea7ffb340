package app_test

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// TestARequestDuringStartIsAnsweredAtOnce: serve takes its address before it opens the
// databases, and a start can be slow (a business's file locked by another program, migrations
// after an update). A request in that time waited unanswered for the whole start — here ten
// seconds, SQLite's wait for the lock. It is now answered at once: 503 with Retry-After, in the
// reader's language; once the start is over the same address serves the panel.
func TestARequestDuringStartIsAnsweredAtOnce(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	mustCLI(t, data, "", "tenant", "create", "--slug", "slow", "--name", "Slow")
	// Another program holds the business's write lock: the server's open waits for it.
	unlock := holdWriteLock(t, filepath.Join(data, "tenants", "slow.db"))

	free, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := free.Addr().String()
	free.Close()
	cmd := exec.Command(apptest.Binary(t), "serve", "--addr", addr, "--data", data)
	cmd.Dir = data
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	var listening atomic.Bool
	started := make(chan struct{})
	go func() {
		lines := bufio.NewScanner(out)
		for lines.Scan() {
			if strings.Contains(lines.Text(), "listening on") && !listening.Swap(true) {
				close(started)
			}
		}
	}()
	deadline := time.Now().Add(8 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve never took %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	client := &http.Client{Timeout: 3 * time.Second}
	get := func(path string) (int, string) {
		r, err := client.Get("http://" + addr + path)
		if err != nil {
			return 0, err.Error()
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return r.StatusCode, string(b)
	}
	req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/login/", nil)
	req.Header.Set("Accept-Language", "tr")
	begun := time.Now()
	r, err := client.Do(req)
	if err != nil {
		t.Fatalf("a request while the server starts: %v (after %s)", err, time.Since(begun).Round(time.Millisecond))
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if listening.Load() {
		t.Fatal("the start was over before the request: the lock did not hold it back")
	}
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), "HighVibe başlatılıyor. Bu sayfa birkaç saniye içinde kendiliğinden açılacak.") || !strings.Contains(string(body), `lang="tr"`) ||
		!strings.Contains(string(body), `<meta http-equiv="refresh" content="5">`) {
		t.Fatalf("a request while the server starts: %d Retry-After %q\n%s", r.StatusCode, r.Header.Get("Retry-After"), body)
	}

	if code, body := get("/healthz/"); code != http.StatusOK {
		t.Errorf("/healthz/ while the server starts (the process is alive): %d %s", code, body)
	}
	if code, body := get("/readyz/"); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz/ while the server starts: %d %s", code, body)
	}

	unlock()
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not finish starting once the lock was let go")
	}
	r, err = client.Get("http://" + addr + "/login/")
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusOK {
		t.Fatalf("the sign-in page once started: %d", r.StatusCode)
	}
}

// holdWriteLock takes the write lock of a database file as another program would (a sqlite3
// shell with a transaction open) and returns how to let it go (also done at the test's end).
func holdWriteLock(t *testing.T, path string) (unlock func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	unlock = func() {
		once.Do(func() {
			_, _ = conn.ExecContext(ctx, "ROLLBACK")
			_ = conn.Close()
			_ = db.Close()
		})
	}
	t.Cleanup(unlock)
	return unlock
}

// TestReadyzNamesATenantFileLockedAtStart: another program held a business's write lock through
// the whole of SQLite's wait while the server started. /readyz/ names the business and says what
// it is — a lock, nothing damaged — where it offered a restore "if the file is damaged"; once the
// lock is let go the business opens within seconds.
func TestReadyzNamesATenantFileLockedAtStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustCLI(t, dir, "", "tenant", "create", "--slug", "held", "--name", "Held")
	unlock := holdWriteLock(t, filepath.Join(dir, "tenants", "held.db"))
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	r := e.Client().Get("/readyz/")
	if r.StatusCode != http.StatusServiceUnavailable || !strings.HasPrefix(r.Body, "not ready\n") || // its only business
		!strings.Contains(r.Body, "FAIL tenant held: not open: another program held its write lock") ||
		strings.Contains(r.Body, "restore --tenant held") {
		t.Fatalf("readyz with held's lock held through the start: %d\n%s", r.StatusCode, r.Body)
	}
	unlock()
	if _, err := e.Server.OpenAllTenants(context.Background()); err != nil { // what the watcher does every 2 s
		t.Fatal(err)
	}
	if r := e.Client().Get("/readyz/"); r.StatusCode != http.StatusOK {
		t.Fatalf("readyz once the lock is let go: %d\n%s", r.StatusCode, r.Body)
	}
}
