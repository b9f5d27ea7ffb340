package apptest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"highvibe/app/tenantdb"
)

// MeanwhileInItsTransaction runs send (a save through HTTP) while db's one writer is held by a
// transaction that runs change (a colleague's save), and lets that transaction commit only once
// send's request waits for the writer: whatever the request read before its own transaction
// began misses the change; what it reads inside its transaction sees it. It returns send's
// answer.
func MeanwhileInItsTransaction(t *testing.T, db *tenantdb.DB, change func(tx *sql.Tx) error, send func() *Resp) *Resp {
	t.Helper()
	tx, err := db.Write.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := change(tx); err != nil {
		_ = tx.Rollback()
		t.Fatal(err)
	}
	waits := db.Write.Stats().WaitCount
	done := make(chan *Resp, 1)
	go func() { done <- send() }()
	// database/sql says nothing when a caller starts waiting for the pool's one connection: its
	// wait count is looked at until it grows (or the request answered without waiting).
	deadline := time.Now().Add(20 * time.Second)
	for db.Write.Stats().WaitCount == waits {
		select {
		case r := <-done:
			_ = tx.Rollback()
			t.Fatalf("the save answered %d without waiting for the writer", r.StatusCode)
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = tx.Rollback()
			t.Fatal("the save never waited for the writer")
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return <-done
}
