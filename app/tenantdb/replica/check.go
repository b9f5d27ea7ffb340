package replica

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/superfly/ltx"
)

// CheckReport is what Check found for one database.
type CheckReport struct {
	Path    string // the live database
	Replica string // where its replica is, without secrets

	// Problems are what makes the backup of this database untrustworthy;
	// none means it is sound.
	Problems []string

	Tables int   // user tables compared
	Rows   int64 // rows in them, on the live side

	// InFlight names tables whose counts differ while the live file
	// changed less than the allowed lag after the newest upload: rows on
	// their way, not a fault.
	InFlight []string

	// Integrity is "ok" when the restored copy passed SQLite's integrity check, what the check
	// reported when it did not, and "" when no copy was restored to check.
	Integrity string
	// Diffs names the tables whose row counts differ between the copy and the live file, be
	// they rows on their way (InFlight) or a problem.
	Diffs []string

	ReplicaTXID ltx.TXID  // newest transaction on the replica
	LocalTXID   ltx.TXID  // newest transaction replication has seen locally (0: unknown)
	ReplicaAt   time.Time // when the newest replica file was written
	LiveAt      time.Time // last change of the live file (database or its WAL)
}

// OK reports whether the backup of this database is sound.
func (r *CheckReport) OK() bool { return len(r.Problems) == 0 }

// Lag is how much later the live file changed than the newest replica
// file (zero when the replica is as new as the live file).
func (r *CheckReport) Lag() time.Duration {
	if r.ReplicaAt.IsZero() || r.LiveAt.IsZero() || !r.LiveAt.After(r.ReplicaAt) {
		return 0
	}
	return r.LiveAt.Sub(r.ReplicaAt)
}

func (r *CheckReport) problem(format string, a ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, a...))
}

// Check restores the database dbPath from its replica into tmpDir, runs a
// full integrity check on the copy and compares the row count of every
// table with the live file, which is opened read-only through SQLite (a
// running server's locks and WAL are left alone). Counts that differ are a
// problem once the live file changed more than maxLag after the newest
// replica file; before that they are rows still on their way. Tables named in ignore are not
// compared (the check's own record, written to platform.db after it was checked).
func Check(ctx context.Context, cfg *Config, dbPath, tmpDir string, maxLag time.Duration, ignore ...string) *CheckReport {
	r := &CheckReport{Path: dbPath}
	if cfg == nil {
		r.problem("replication is off")
		return r
	}
	client, rc, err := cfg.clientFor(dbPath)
	if err != nil {
		r.problem("%v", err)
		return r
	}
	r.Replica = describe(rc)

	// An empty WAL holds no commit: a reader (this check's own, an admin's sqlite3) makes one when
	// it opens a file whose last connection had closed, so its time says when someone looked,
	// not when the data changed.
	for _, p := range []string{dbPath, dbPath + "-wal"} {
		if fi, err := os.Stat(p); err == nil && fi.Size() > 0 && fi.ModTime().After(r.LiveAt) {
			r.LiveAt = fi.ModTime()
		}
	}
	r.LocalTXID = localTXID(dbPath)
	if err := replicaPosition(ctx, client, r); err != nil {
		r.problem("cannot list the replica: %v", oneLineErr(err))
		return r
	}

	copyPath := filepath.Join(tmpDir, fmt.Sprintf("check-%d-%s", time.Now().UnixNano(), filepath.Base(dbPath)))
	defer removeSQLiteFiles(copyPath)
	if err := Restore(ctx, cfg, dbPath, copyPath, time.Time{}); err != nil {
		r.problem("restore failed: %v", oneLineErr(err))
		return r
	}
	restored, err := readCounts(ctx, copyPath, true)
	var bad *integrityError
	switch {
	case errors.As(err, &bad):
		r.Integrity = bad.msg
	case err == nil:
		r.Integrity = "ok"
	}
	if err != nil {
		r.problem("restored copy: %v", oneLineErr(err))
		return r
	}
	if _, err := os.Stat(dbPath); errors.Is(err, os.ErrNotExist) {
		r.problem("the live file is missing (the replica restores %d tables)", len(restored))
		return r
	}
	live, err := readCounts(ctx, dbPath, false)
	if err != nil {
		r.problem("live file: %v", oneLineErr(err))
		return r
	}
	r.Tables = len(live)

	var diffs []string
	for _, name := range sortedKeys(live, restored) {
		if slices.Contains(ignore, name) {
			continue
		}
		lc, inLive := live[name]
		rcnt, inCopy := restored[name]
		r.Rows += lc
		switch {
		case !inCopy:
			diffs = append(diffs, fmt.Sprintf("%s missing on the replica (%d rows live)", name, lc))
		case !inLive:
			diffs = append(diffs, fmt.Sprintf("%s only on the replica", name))
		case lc != rcnt:
			diffs = append(diffs, fmt.Sprintf("%s %d rows on the replica, %d live", name, rcnt, lc))
		}
	}
	r.Diffs = diffs
	lagging := r.Lag() > maxLag
	switch {
	case len(diffs) > 0 && lagging:
		r.problem("differs from the live file: %s", strings.Join(diffs, "; "))
	case len(diffs) > 0:
		r.InFlight = diffs
	case lagging && r.LocalTXID > r.ReplicaTXID:
		r.problem("%d transactions not on the replica", r.LocalTXID-r.ReplicaTXID)
	}
	return r
}

// replicaPosition finds the newest transaction on the replica and when the
// file holding it was written, across every compaction level.
func replicaPosition(ctx context.Context, client litestream.ReplicaClient, r *CheckReport) error {
	if err := client.Init(ctx); err != nil {
		return err
	}
	for level := 0; level <= litestream.SnapshotLevel; level++ {
		itr, err := client.LTXFiles(ctx, level, 0, false)
		if err != nil {
			return err
		}
		for itr.Next() {
			info := itr.Item()
			if info.MaxTXID > r.ReplicaTXID {
				r.ReplicaTXID = info.MaxTXID
			}
			if info.CreatedAt.After(r.ReplicaAt) {
				r.ReplicaAt = info.CreatedAt
			}
		}
		if err := itr.Close(); err != nil {
			return err
		}
	}
	return nil
}

// localTXID is the newest transaction Litestream has recorded next to the
// database (the names of its local LTX files), or 0 when there are none.
// Only the directory is listed; the database file is not touched.
func localTXID(dbPath string) ltx.TXID {
	entries, err := os.ReadDir(litestream.NewDB(dbPath).LTXLevelDir(0))
	if err != nil {
		return 0
	}
	var top ltx.TXID
	for _, e := range entries {
		if _, maxTXID, err := ltx.ParseFilename(e.Name()); err == nil && maxTXID > top {
			top = maxTXID
		}
	}
	return top
}

// readCounts opens a database read-only through SQLite and counts the rows
// of every table (SQLite's and Litestream's own aside) in one read
// transaction. With integrity it first runs a full integrity check.
func readCounts(ctx context.Context, path string, integrity bool) (map[string]int64, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback() }()
	if integrity {
		msgs, err := queryStrings(ctx, tx, `PRAGMA integrity_check`)
		if err != nil {
			return nil, fmt.Errorf("integrity check: %w", err)
		}
		if len(msgs) != 1 || msgs[0] != "ok" {
			return nil, &integrityError{strings.Join(msgs, "; ")}
		}
	}
	names, err := queryStrings(ctx, tx, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name NOT LIKE '\_litestream%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	counts := make(map[string]int64, len(names))
	for _, n := range names {
		var c int64
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			return nil, fmt.Errorf("count %s: %w", n, err)
		}
		counts[n] = c
	}
	return counts, nil
}

// queryStrings returns the single text column of every row of q.
func queryStrings(ctx context.Context, tx *sql.Tx, q string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func sortedKeys(a, b map[string]int64) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range []map[string]int64{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

func removeSQLiteFiles(p string) {
	for _, f := range []string{p, p + "-wal", p + "-shm", p + "-journal"} {
		_ = os.Remove(f)
	}
}

// integrityError is a restored copy that failed SQLite's integrity check, with what it reported.
type integrityError struct{ msg string }

func (e *integrityError) Error() string { return "integrity check failed: " + e.msg }

func oneLineErr(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }
