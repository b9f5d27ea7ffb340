package audit_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"highvibe/app/audit"
	"highvibe/app/tenantdb"
)

// newDB opens a freshly migrated tenant database in a temp dir.
func newDB(t *testing.T) *tenantdb.DB {
	t.Helper()
	m, err := tenantdb.NewManager(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close() })
	db, err := m.Create(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func writeN(t *testing.T, db *tenantdb.DB, n int) {
	t.Helper()
	for i := range n {
		if err := audit.Log(context.Background(), db, audit.Entry{Provider: "conversation_inbox", ActionType: "update",
			Summary: fmt.Sprintf("change %d", i+1), Payload: map[string]any{"n": i + 1}, ModelName: "human-review", ActorUserID: 7, ActorName: "olga"}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyIntactChain(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	if n, err := audit.Verify(ctx, db); err != nil || n != 0 {
		t.Fatalf("empty chain: n=%d err=%v", n, err)
	}
	writeN(t, db, 25)
	n, err := audit.Verify(ctx, db)
	if err != nil || n != 25 {
		t.Fatalf("intact chain: n=%d err=%v", n, err)
	}
	rows, err := audit.Search(ctx, db, audit.Filter{Limit: 1})
	if err != nil || len(rows) != 1 || rows[0].Summary != "change 25" || rows[0].Payload != `{"n":25}` {
		t.Fatalf("newest row: %+v %v", rows, err)
	}
}

func TestTriggersRefuseUpdateAndDelete(t *testing.T) {
	db := newDB(t)
	writeN(t, db, 3)
	for _, q := range []string{
		`UPDATE action_logs SET decision_summary = 'forged' WHERE id = 2`,
		`DELETE FROM action_logs WHERE id = 2`,
		`DELETE FROM action_logs`,
	} {
		_, err := db.Write.ExecContext(context.Background(), q)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: want append-only refusal, got %v", q, err)
		}
	}
	if n, err := audit.Verify(context.Background(), db); err != nil || n != 3 {
		t.Fatalf("after refused changes: n=%d err=%v", n, err)
	}
}

// dropTriggers is what an attacker with file access would do first.
func dropTriggers(t *testing.T, db *tenantdb.DB) {
	t.Helper()
	for _, q := range []string{`DROP TRIGGER action_logs_no_update`, `DROP TRIGGER action_logs_no_delete`} {
		if _, err := db.Write.ExecContext(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	scenarios := []struct {
		name   string
		tamper []string
		badID  int64
	}{
		{"altered text", []string{`UPDATE action_logs SET decision_summary = 'nothing happened' WHERE id = 4`}, 4},
		{"altered payload", []string{`UPDATE action_logs SET payload = '{"n":99}' WHERE id = 7`}, 7},
		{"altered time", []string{`UPDATE action_logs SET created_at = created_at - 1000 WHERE id = 2`}, 2},
		{"rehashed row", []string{`UPDATE action_logs SET decision_summary = 'x', hash = 'ab' WHERE id = 5`}, 5},
		{"middle row deleted", []string{`DELETE FROM action_logs WHERE id = 6`}, 6},
		{"first row deleted", []string{`DELETE FROM action_logs WHERE id = 1`}, 1},
		{"newest row deleted", []string{`DELETE FROM action_logs WHERE id = 10`}, 10},
		{"tail deleted", []string{`DELETE FROM action_logs WHERE id >= 8`}, 8},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			db := newDB(t)
			writeN(t, db, 10)
			dropTriggers(t, db)
			for _, q := range sc.tamper {
				if _, err := db.Write.ExecContext(context.Background(), q); err != nil {
					t.Fatal(err)
				}
			}
			_, err := audit.Verify(context.Background(), db)
			var te *audit.ErrTampered
			if !errors.As(err, &te) {
				t.Fatalf("want ErrTampered, got %v", err)
			}
			if te.ID != sc.badID {
				t.Fatalf("first bad row %d, want %d (%v)", te.ID, sc.badID, err)
			}
		})
	}
}

// Removing the newest row and then writing new ones leaves a gap in the ids (the next row takes
// the following id from sqlite_sequence); Verify names the missing row.
func TestVerifyAfterWriteContinuesChain(t *testing.T) {
	db := newDB(t)
	writeN(t, db, 5)
	dropTriggers(t, db)
	if _, err := db.Write.ExecContext(context.Background(), `DELETE FROM action_logs WHERE id = 5`); err != nil {
		t.Fatal(err)
	}
	writeN(t, db, 1) // a new row after the deletion takes id 6 and links to row 4
	_, err := audit.Verify(context.Background(), db)
	var te *audit.ErrTampered
	if !errors.As(err, &te) || te.ID != 5 {
		t.Fatalf("want row 5 missing, got %v", err)
	}
}

func TestConcurrentWritersKeepChainLinear(t *testing.T) {
	db := newDB(t)
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- audit.Log(context.Background(), db, audit.Entry{Provider: "widget", ActionType: "message",
					Summary: fmt.Sprintf("writer %d message %d", w, i)})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	n, err := audit.Verify(context.Background(), db)
	if err != nil || n != writers*each {
		t.Fatalf("concurrent chain: n=%d err=%v", n, err)
	}
}

// handledTx is a transaction that names its handle, as the inbox's batch statements do.
type handledTx struct {
	*sql.Tx
	db *tenantdb.DB
}

func (h handledTx) Handle() *tenantdb.DB { return h.db }

func writeHandled(t *testing.T, db *tenantdb.DB, summary string) {
	t.Helper()
	if err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		_, err := audit.Write(context.Background(), handledTx{tx, db}, audit.Entry{Provider: "whatsapp_webhook", ActionType: "message_received", Summary: summary})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func newestGen(t *testing.T, db *tenantdb.DB) int64 {
	t.Helper()
	var gen int64
	if err := db.Read.QueryRow(`SELECT key_version FROM action_logs ORDER BY id DESC LIMIT 1`).Scan(&gen); err != nil {
		t.Fatal(err)
	}
	return gen
}

// A write through a Handled transaction keeps the key ring with the handle, and a rotation — here
// or by another process, which adds the generation to the file and logs a row keyed with it —
// makes the next write read the file again and key with the new generation; the chain verifies.
func TestHandledWritesFollowKeyRotation(t *testing.T) {
	db := newDB(t)
	ctx := context.Background()
	writeHandled(t, db, "first")
	writeHandled(t, db, "second")
	if g := newestGen(t, db); g != 1 {
		t.Fatalf("generation %d, want 1", g)
	}
	if _, _, err := audit.RotateTenantKey(ctx, db, "test"); err != nil { // a plain transaction
		t.Fatal(err)
	}
	writeHandled(t, db, "after rotation")
	if g := newestGen(t, db); g != 2 {
		t.Fatalf("a write after the rotation was keyed with generation %d, want 2", g)
	}
	// Another process rotates: the file gets generation 3 and a row keyed with it.
	if _, err := audit.RotateKey(audit.KeyPath(db.Path), 2); err != nil {
		t.Fatal(err)
	}
	writeN(t, db, 1)
	writeHandled(t, db, "after the other rotation")
	if g := newestGen(t, db); g != 3 {
		t.Fatalf("a write after another process's rotation was keyed with generation %d, want 3", g)
	}
	if n, err := audit.Verify(ctx, db); err != nil || n != 6 {
		t.Fatalf("verify: n=%d err=%v", n, err)
	}
}
