package media

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"highvibe/app/tenantdb"
)

// Sum is the content address of bytes: their SHA-256 in hex.
func Sum(data []byte) string {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:])
}

// putBlob keeps data in the media database under its SHA-256; the same content stored again
// changes nothing (deduplicated). It returns the address.
func putBlob(ctx context.Context, mdb *tenantdb.DB, data []byte, ct string) (string, error) {
	sum := Sum(data)
	err := mdb.InTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO blobs(sha256, size, content_type, data, created_at) VALUES(?,?,?,?,?)
			ON CONFLICT(sha256) DO NOTHING`, sum, len(data), ct, data, tenantdb.Now())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("media: store blob: %w", err)
	}
	return sum, nil
}

// blob reads the bytes at sum (tenantdb.ErrNotFound when absent).
func blob(ctx context.Context, mdb *tenantdb.DB, sum string) ([]byte, error) {
	var data []byte
	err := mdb.Read.QueryRowContext(ctx, `SELECT data FROM blobs WHERE sha256 = ?`, sum).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("media: read blob: %w", err)
	}
	return data, nil
}

// hasBlob reports whether the content at sum is already kept (it then costs no quota).
func hasBlob(ctx context.Context, mdb *tenantdb.DB, sum string) (bool, error) {
	var ok bool
	err := mdb.Read.QueryRowContext(ctx, `SELECT EXISTS(SELECT 1 FROM blobs WHERE sha256 = ?)`, sum).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("media: look up blob: %w", err)
	}
	return ok, nil
}

// usedBytes is how much the media database holds (each content once, thumbnails included).
func usedBytes(ctx context.Context, mdb *tenantdb.DB) (int64, error) {
	var n int64
	if err := mdb.Read.QueryRowContext(ctx, `SELECT coalesce(sum(size), 0) FROM blobs`).Scan(&n); err != nil {
		return 0, fmt.Errorf("media: usage: %w", err)
	}
	return n, nil
}

// blobSums lists every address kept, for removing the ones no attachment names any more.
func blobSums(ctx context.Context, mdb *tenantdb.DB) ([]string, error) {
	var out []string
	err := tenantdb.EachRow(ctx, mdb.Read, `SELECT sha256 FROM blobs`, nil, func(r *sql.Rows) error {
		var s string
		if err := r.Scan(&s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("media: list blobs: %w", err)
	}
	return out, nil
}

// deleteBlobs removes the contents at sums for good: the writer connection overwrites deleted
// content with zeros (secure_delete) and the log is checkpointed into the main file and truncated,
// so neither free pages nor the write-ahead log keep the bytes.
func deleteBlobs(ctx context.Context, mdb *tenantdb.DB, sums []string) error {
	if len(sums) == 0 {
		return nil
	}
	err := mdb.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA secure_delete = ON`); err != nil {
			return fmt.Errorf("media: secure delete: %w", err)
		}
		for _, s := range sums {
			if _, err := tx.ExecContext(ctx, `DELETE FROM blobs WHERE sha256 = ?`, s); err != nil {
				return fmt.Errorf("media: delete blob: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	foldLog(ctx, mdb)
	return nil
}

// foldLog checkpoints the media database's write-ahead log into its main file and truncates it, so
// the frames that still hold deleted bytes are gone. Best effort and brief: while a reader holds
// an old snapshot (the replication keeps one between its own checkpoints) it gives up after a
// moment instead of holding the writer for the whole busy timeout; the log is then folded in at
// the replication's next checkpoint.
func foldLog(ctx context.Context, mdb *tenantdb.DB) {
	conn, err := mdb.Write.Conn(ctx)
	if err != nil {
		return
	}
	defer conn.Close()
	var timeout int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&timeout); err != nil {
		return
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 250`); err != nil {
		return
	}
	_, _ = conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	_, _ = conn.ExecContext(context.WithoutCancel(ctx), fmt.Sprintf(`PRAGMA busy_timeout = %d`, timeout))
}

// linkKey returns the secret that signs the widget's media links, made on first use and kept in
// the media database (so a restored media file keeps its links valid, and no other tenant's key
// can sign for this one).
func linkKey(ctx context.Context, mdb *tenantdb.DB) ([]byte, error) {
	var k []byte
	err := mdb.Read.QueryRowContext(ctx, `SELECT secret FROM media_keys WHERE name = 'links'`).Scan(&k)
	if err == nil {
		return k, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("media: link key: %w", err)
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	err = mdb.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO media_keys(name, secret, created_at) VALUES('links', ?, ?) ON CONFLICT DO NOTHING`,
			fresh, tenantdb.Now()); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT secret FROM media_keys WHERE name = 'links'`).Scan(&k)
	})
	if err != nil {
		return nil, fmt.Errorf("media: link key: %w", err)
	}
	return k, nil
}
