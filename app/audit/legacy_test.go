package audit

import (
	"context"
	"errors"
	"testing"

	"highvibe/app/tenantdb"
)

// Rows written before keying (plain SHA-256, key_version 0) keep verifying; the keyed rows that
// follow link to them; a plain row after a keyed one is refused.
func TestUnkeyedPrefixThenKeyedRows(t *testing.T) {
	ctx := context.Background()
	m, err := tenantdb.NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	db, err := m.Create(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	prev := genesis
	insert := func(id int64, gen int64, secret []byte) {
		r := &Row{ID: id, Provider: "settings", ActionType: "old", Status: "completed", Payload: "{}", CreatedAt: 1000 + id, PrevHash: prev, KeyVersion: gen}
		r.Hash = rowHash(r, secret)
		if _, err := db.Write.ExecContext(ctx, `INSERT INTO action_logs(id, provider, action_type, status, payload, created_at, prev_hash, hash, key_version)
			VALUES(?,?,?,?,?,?,?,?,?)`, r.ID, r.Provider, r.ActionType, r.Status, r.Payload, r.CreatedAt, r.PrevHash, r.Hash, r.KeyVersion); err != nil {
			t.Fatal(err)
		}
		prev = r.Hash
	}
	for id := int64(1); id <= 3; id++ {
		insert(id, 0, nil)
	}
	if err := Log(ctx, db, Entry{Provider: "settings", ActionType: "new"}); err != nil {
		t.Fatal(err)
	}
	rep, err := CheckDB(ctx, db, KeyPath(db.Path), nil)
	if err != nil || rep.Rows != 4 || rep.Unkeyed != 3 || rep.KeyedFrom != 4 {
		t.Fatalf("plain prefix + keyed row: %+v %v", rep, err)
	}
	if err := db.Read.QueryRowContext(ctx, `SELECT hash FROM action_logs WHERE id = 4`).Scan(&prev); err != nil {
		t.Fatal(err)
	}
	insert(5, 0, nil) // a plain row appended by someone without the key
	var te *ErrTampered
	if _, err := CheckDB(ctx, db, KeyPath(db.Path), nil); !errors.As(err, &te) || te.ID != 5 {
		t.Fatalf("plain row after keyed rows: %v", err)
	}
}
