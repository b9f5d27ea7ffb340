package audit

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io/fs"

	"highvibe/app/tenantdb"
)

// ErrTampered describes the first row where the chain breaks.
type ErrTampered struct {
	ID     int64
	Reason string
}

func (e *ErrTampered) Error() string {
	return fmt.Sprintf("audit: action log row %d: %s", e.ID, e.Reason)
}

// Report is what a verification found when the chain is intact.
type Report struct {
	Rows      int64 // rows checked
	Newest    int64 // id of the newest row (0: empty log)
	Unkeyed   int64 // rows from before keying (plain SHA-256), all at the start of the chain
	KeyedFrom int64 // first keyed row in the file (0: none)
	Head      *Head // platform.db's record (nil: none, or not consulted)
	Ahead     int64 // rows after the recorded head: written, but their record did not reach platform.db
	Redacted  int64 // rows a person's erasure masked, each listed by its erasure row
}

// Verify walks the whole chain of db with the tenant's key file, without platform.db's record;
// it returns how many rows it checked, or *ErrTampered naming the first bad row, or *ErrKeyMissing.
func Verify(ctx context.Context, db *tenantdb.DB) (int64, error) {
	rep, err := CheckDB(ctx, db, KeyPath(db.Path), nil)
	return rep.Rows, err
}

// Check verifies tenant slug completely: the chain in its file, checked with its key, against the
// head platform.db recorded. The record is read before the file, so a write that lands while the
// check runs makes the file ahead of the record (accepted), never behind it.
func Check(ctx context.Context, m *tenantdb.Manager, slug string) (*Report, error) {
	head, err := ReadHead(ctx, m.Platform, slug)
	if err != nil {
		return &Report{}, err
	}
	db, err := m.Tenant(ctx, slug)
	if err != nil {
		return &Report{}, err
	}
	return CheckDB(ctx, db, KeyPath(db.Path), head)
}

// CheckDB walks db's chain, checking every row's hash with the key file at keyPath, and — when head
// is given — that the file still holds platform.db's recorded newest row unchanged. Rules:
//
//   - ids run 1, 2, 3 … with no gap, and sqlite_sequence never names a higher id than the file holds;
//   - each row's prev_hash is the previous row's hash;
//   - rows from before keying (key_version 0) carry a plain SHA-256 and may only come before every
//     keyed row and before the head's keyed_from;
//   - every other row carries an HMAC under the key generation it names, which the key file must hold;
//   - the row with the recorded head's id is there with the recorded hash. Rows after it are
//     accepted — a crash between a tenant commit and its platform.db record leaves the file ahead —
//     because they link to the recorded head and their keyed hashes cannot be made without the key.
func CheckDB(ctx context.Context, db *tenantdb.DB, keyPath string, head *Head) (*Report, error) {
	rep := &Report{Head: head}
	var keys keyRing
	keysErr := error(nil)
	keysLoaded := false
	rows, err := db.Read.QueryContext(ctx, `SELECT `+cols+` FROM action_logs ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	defer rows.Close()
	prev := genesis
	var lastID int64
	pending := map[int64]int64{} // redacted row → the erasure row that must vouch for it
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return rep, fmt.Errorf("audit: verify: %w", err)
		}
		switch {
		case r.ID != lastID+1:
			return rep, &ErrTampered{lastID + 1, "missing (rows were removed)"}
		case r.PrevHash != prev:
			return rep, &ErrTampered{r.ID, "previous-hash link does not match (a row before it was changed or removed)"}
		}
		var secret []byte
		if r.KeyVersion == 0 {
			switch {
			case rep.KeyedFrom > 0:
				return rep, &ErrTampered{r.ID, fmt.Sprintf("carries an unkeyed hash after keyed rows (from row %d on every row is keyed): it was rewritten without the audit key", rep.KeyedFrom)}
			case head != nil && head.KeyedFrom > 0 && r.ID >= head.KeyedFrom:
				return rep, &ErrTampered{r.ID, fmt.Sprintf("carries an unkeyed hash, but platform.db records keyed hashes from row %d on: it was rewritten without the audit key", head.KeyedFrom)}
			case head != nil && r.ID > head.ID:
				return rep, &ErrTampered{r.ID, "comes after the newest row platform.db recorded but carries no keyed hash: it was added without the audit key"}
			}
			rep.Unkeyed++
		} else {
			if !keysLoaded {
				keys, keysErr = loadKeys(keyPath)
				keysLoaded = true
			}
			if errors.Is(keysErr, fs.ErrNotExist) {
				return rep, &ErrKeyMissing{Path: keyPath, Gen: r.KeyVersion, Row: r.ID}
			} else if keysErr != nil {
				return rep, keysErr
			}
			if secret = keys.get(r.KeyVersion); secret == nil {
				return rep, &ErrKeyMissing{Path: keyPath, Gen: r.KeyVersion, Row: r.ID, Have: keys.newest().gen}
			}
			if rep.KeyedFrom == 0 {
				rep.KeyedFrom = r.ID
			}
		}
		if r.RedactedBy > 0 {
			// Redacted for an erasure: the content no longer matches the hash it was written with;
			// a later, intact erasure row must list it (checked when that row is reached).
			if r.RedactedBy <= r.ID {
				return rep, &ErrTampered{r.ID, "marked redacted by an earlier row: only a later erasure can redact a row"}
			}
			pending[r.ID] = r.RedactedBy
			rep.Redacted++
		} else if subtle.ConstantTimeCompare([]byte(rowHash(r, secret)), []byte(r.Hash)) != 1 {
			return rep, &ErrTampered{r.ID, "content does not match its hash (the row was altered)"}
		}
		if head != nil && r.ID == head.ID && r.Hash != head.Hash {
			return rep, &ErrTampered{r.ID, "differs from the row platform.db recorded as the newest (rows from here on were replaced)"}
		}
		if r.ActionType == ErasureAction && r.RedactedBy == 0 {
			for _, id := range redactedList(r.Payload) {
				if pending[id] == r.ID {
					delete(pending, id)
				}
			}
		}
		prev, lastID = r.Hash, r.ID
		rep.Rows++
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit: verify: %w", err)
	}
	rep.Newest = lastID
	for id, by := range pending {
		return rep, &ErrTampered{id, fmt.Sprintf("marked redacted by row %d, which is not an intact erasure listing it (the row was altered)", by)}
	}
	var seq int64
	_ = db.Read.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'action_logs'`).Scan(&seq)
	if seq > lastID {
		return rep, &ErrTampered{lastID + 1, "missing (the newest rows were removed)"}
	}
	if head != nil {
		if head.ID > lastID {
			return rep, &ErrTampered{lastID + 1, fmt.Sprintf("missing: platform.db recorded row %d as the newest, the file ends at row %d (the newest rows were removed)", head.ID, lastID)}
		}
		rep.Ahead = lastID - head.ID
	}
	return rep, nil
}
