package tenantdb

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// TestConstraintOfByExtendedCode: every constraint a store tells apart is recognised from the
// driver's extended result code on a real SQLite file — including a trigger whose message says
// nothing like "immutable" and a UNIQUE index whose message is irrelevant — and other errors are
// not constraints.
func TestConstraintOfByExtendedCode(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "c.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE parent(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER CHECK (n >= 0))`,
		`CREATE TABLE child(id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parent(id))`,
		`CREATE TRIGGER parent_frozen BEFORE UPDATE ON parent WHEN OLD.n = 7 BEGIN SELECT RAISE(ABORT, 'nope'); END`,
		`INSERT INTO parent(id, name, n) VALUES (1, 'a', 7)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
	exec := func(q string) error { _, err := db.Exec(q); return err }
	scenarios := []struct {
		name string
		err  error
		want Constraint
	}{
		{"unique", exec(`INSERT INTO parent(name, n) VALUES ('a', 1)`), ConstraintUnique},
		{"primary key", exec(`INSERT INTO parent(id, name, n) VALUES (1, 'b', 1)`), ConstraintUnique},
		{"trigger", exec(`UPDATE parent SET name = 'z' WHERE id = 1`), ConstraintTrigger},
		{"foreign key", exec(`INSERT INTO child(parent_id) VALUES (99)`), ConstraintForeignKey},
		{"check", exec(`INSERT INTO parent(name, n) VALUES ('c', -1)`), ConstraintCheck},
		{"not null", exec(`INSERT INTO parent(n) VALUES (1)`), ConstraintNotNull},
		{"wrapped unique", fmt.Errorf("store: %w", exec(`INSERT INTO parent(name, n) VALUES ('a', 2)`)), ConstraintUnique},
		{"syntax error", exec(`INSERT INTO nowhere VALUES (1)`), NoConstraint},
		{"nil", nil, NoConstraint},
	}
	for _, s := range scenarios {
		if got := ConstraintOf(s.err); got != s.want {
			t.Errorf("%s: ConstraintOf(%v) = %d, want %d", s.name, s.err, got, s.want)
		}
	}
	if !IsUnique(scenarios[0].err) || IsTrigger(scenarios[0].err) || !IsTrigger(scenarios[2].err) || IsUnique(scenarios[2].err) {
		t.Error("IsUnique/IsTrigger disagree with ConstraintOf")
	}
}
