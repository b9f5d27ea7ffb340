package audit_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// attached opens tenant acme in a manager whose writes record the chain head, as the server's do.
func attached(t *testing.T) (*tenantdb.Manager, *tenantdb.DB) {
	t.Helper()
	m, err := tenantdb.NewManager(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	audit.Attach(m, nil)
	db, err := m.Create(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return m, db
}

func TestHeadFollowsEveryWrite(t *testing.T) {
	m, db := attached(t)
	ctx := context.Background()
	writeN(t, db, 4)
	h, err := audit.ReadHead(ctx, m.Platform, "acme")
	if err != nil || h == nil || h.ID != 4 || h.KeyedFrom != 1 {
		t.Fatalf("head after 4 writes: %+v %v", h, err)
	}
	rep, err := audit.Check(ctx, m, "acme")
	if err != nil || rep.Rows != 4 || rep.Ahead != 0 || rep.KeyedFrom != 1 || rep.Unkeyed != 0 {
		t.Fatalf("check: %+v %v", rep, err)
	}
	// A record that lags (two hooks that raced) never moves the head back.
	rec := &audit.Recorder{Platform: m.Platform}
	if _, err := m.Platform.Exec(ctx, `UPDATE audit_heads SET head_id = 9, head_hash = ?`, strings.Repeat("a", 64)); err != nil {
		t.Fatal(err)
	}
	if err := rec.Record(ctx, "acme", db, false); err != nil {
		t.Fatal(err)
	}
	if h, _ := audit.ReadHead(ctx, m.Platform, "acme"); h.ID != 9 {
		t.Fatalf("head moved back to %d", h.ID)
	}
}

// A crash after the tenant commit and before the platform.db record leaves the file ahead: that
// verifies, as long as the extra rows are keyed and link to the recorded head.
func TestFileAheadOfRecordedHead(t *testing.T) {
	m, db := attached(t)
	ctx := context.Background()
	writeN(t, db, 6)
	var hash4 string
	if err := db.Read.QueryRow(`SELECT hash FROM action_logs WHERE id = 4`).Scan(&hash4); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Platform.Exec(ctx, `UPDATE audit_heads SET head_id = 4, head_hash = ?`, hash4); err != nil {
		t.Fatal(err)
	}
	rep, err := audit.Check(ctx, m, "acme")
	if err != nil || rep.Ahead != 2 || rep.Head.ID != 4 {
		t.Fatalf("file two rows ahead: %+v %v", rep, err)
	}
	// The recorded row itself replaced: named.
	if _, err := m.Platform.Exec(ctx, `UPDATE audit_heads SET head_hash = ?`, strings.Repeat("b", 64)); err != nil {
		t.Fatal(err)
	}
	var te *audit.ErrTampered
	if _, err := audit.Check(ctx, m, "acme"); !errors.As(err, &te) || te.ID != 4 {
		t.Fatalf("recorded head differs: %v", err)
	}
}

func TestWriteRefusesWithoutTheKeyOfAKeyedChain(t *testing.T) {
	m, db := attached(t)
	ctx := context.Background()
	writeN(t, db, 2)
	keyFile := filepath.Join(m.DataDir, audit.KeyDir, "acme.key")
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	err := audit.Log(ctx, db, audit.Entry{Provider: "settings", ActionType: "x"})
	var km *audit.ErrKeyMissing
	if !errors.As(err, &km) || km.Path != keyFile {
		t.Fatalf("write without the key: %v", err)
	}
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatal("a write made a new key behind the chain's back")
	}
	if n, err := audit.Verify(ctx, db); !errors.As(err, &km) || km.Row != 1 || n != 0 {
		t.Fatalf("verify without the key: %d %v", n, err)
	}
}

// The HMAC is the whole difference: the same rows under another key do not verify.
func TestAnotherKeyDoesNotVerify(t *testing.T) {
	m, db := attached(t)
	ctx := context.Background()
	writeN(t, db, 3)
	keyFile := filepath.Join(m.DataDir, audit.KeyDir, "acme.key")
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, []byte("1 "+strings.Repeat("07", 32)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var te *audit.ErrTampered
	if _, err := audit.Verify(ctx, db); !errors.As(err, &te) || te.ID != 1 {
		t.Fatalf("verify under another key: %v", err)
	}
}

// TestAsyncHeadAfterABurst: with the head recorded off the committing goroutine, and at most every
// 50 ms while commits keep landing, the last commit of a burst is still recorded: Flush waits for
// it, and the head is the file's newest row.
func TestAsyncHeadAfterABurst(t *testing.T) {
	m, err := tenantdb.NewManager(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	rec := audit.Attach(m, nil)
	rec.Async = true
	db, err := m.Create(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	writeN(t, db, 150)
	rec.Flush()
	h, err := audit.ReadHead(context.Background(), m.Platform, "acme")
	if err != nil || h == nil || h.ID != 150 {
		t.Fatalf("head after a burst of 150 writes: %+v %v", h, err)
	}
}
