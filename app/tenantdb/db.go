// Package tenantdb opens, migrates and pools the SQLite files HighVibe keeps: platform.db and one
// tenants/<slug>.db per tenant. Isolation between tenants is the file system: a handle to one file
// can never read another tenant's rows.
package tenantdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // the only SQLite driver: Litestream uses the same one in-process

	_ "highvibe/app/erasure" // kvkk_scrub and kvkk_has, on every connection (a person's erasure)
	"highvibe/app/fault"
	_ "highvibe/app/fold" // hv_fold, on every connection (the MSP ticket search index's triggers)
)

// ErrNotFound is returned by stores when a row does not exist; its fault kind is
// fault.KindNotFound, which the web layer renders as 404.
var ErrNotFound = fault.Sentinel(fault.KindNotFound, "", "not found")

// DB is one SQLite file with a read pool and a single-connection writer, so writes queue in Go
// instead of failing with SQLITE_BUSY.
type DB struct {
	Path  string
	Read  *sql.DB
	Write *sql.DB

	// migrated: Open applied every embedded migration of this binary to the file. The set is
	// compiled in, so it cannot fall behind while the process runs; readiness reads this instead of
	// asking goose (which would open connections to every idle tenant on each probe).
	migrated bool

	// wal syncs the WAL after each InTx and Exec, outside the writer: what they committed is on
	// disk when they return (durable.go).
	wal *walSync

	// observe hears the timing of every InTx (set by Manager.ObserveTx; nil = nobody listens).
	observe atomic.Pointer[func(wait, held time.Duration)]

	// afterTx runs after every committed InTx (set by Manager.AfterTenantTx; nil = nothing). The
	// audit room uses it to record the tenant's chain head in platform.db.
	afterTx atomic.Pointer[func(ctx context.Context)]

	// opened is the file as it was when Open opened it (its device and inode): Check tells a file
	// put in its place since from the one the pools have open.
	opened os.FileInfo
	// head is a descriptor of the file kept for Check to read its first bytes without a SQLite
	// connection, opened at the first Check and closed by Close after the pools (headFile).
	headMu sync.Mutex
	head   *os.File

	release        sync.Mutex   // ReleaseIdle's turn: one release of this handle at a time
	releaseWaiting atomic.Int32 // releases waiting for their turn (the test watches it)
	stmts          writeStmts   // statements prepared once on the writer (WriteStmt)
	memo           sync.Map     // what rooms keep per handle (Memo)
}

// writeStmts are the statements kept compiled on the writer across transactions: m holds them
// prepared on d.Write, want the queries a transaction asked for before they were (prepared on
// d.Write once the writer is free again).
type writeStmts struct {
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	want []string
}

// maxWriteStmts bounds the statements kept per database: WriteStmt is for the few fixed queries a
// hot write path repeats, and a caller that built query text from values must not grow it forever.
const maxWriteStmts = 64

// readIdle is how many read connections a busy tenant keeps warm between queries.
const readIdle = 2

// dsn builds the connection string; pragmas live in the DSN so every pooled connection gets them.
// Statement journals and temporary b-trees stay in memory: a statement in a many-message write
// transaction journals every page it touches that an earlier statement already changed, and as a
// temporary file each of those 4 KB copies was a write system call.
func dsn(path string, writer, replicated bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(NORMAL)") // the WAL is synced after the commit, outside the writer (walSync)
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "cache_size(-4000)")
	q.Add("_pragma", "temp_store(MEMORY)")
	if writer {
		q.Set("_txlock", "immediate")
		if replicated {
			// Litestream checkpoints a file it replicates (PASSIVE at 1,000 pages after each sync,
			// TRUNCATE at its ceiling). Left on, SQLite's own autocheckpoint ran after every commit
			// once the WAL passed 1,000 pages, and under a sustained burst — Litestream's read
			// snapshot keeping the WAL from restarting — each of those sorted the whole WAL again:
			// a tenth of the CPU of a one-key ingest run. The writer still checkpoints past 512 MB,
			// above Litestream's own TRUNCATE point, should replication stop checkpointing.
			q.Add("_pragma", "wal_autocheckpoint(131072)")
		}
	} else {
		q.Add("_pragma", "query_only(ON)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens path (creating it when absent) and applies the goose migrations found in dir of
// migrations. Passing a nil migrations FS skips migrating (used by read-only tools).
func Open(ctx context.Context, path string, migrations fs.FS, dir string) (*DB, error) {
	return open(ctx, path, migrations, dir, false)
}

// open is Open; replicated says Litestream checkpoints the file, so the writer does not (dsn).
func open(ctx context.Context, path string, migrations fs.FS, dir string, replicated bool) (*DB, error) {
	w, err := sql.Open("sqlite", dsn(path, true, replicated))
	if err != nil {
		return nil, fmt.Errorf("tenantdb: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	// Idle tenants give their connections back: 50 quiet tenants must fit in a small VPS.
	w.SetConnMaxIdleTime(20 * time.Second)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("tenantdb: open %s: %w", path, err)
	}
	if migrations != nil {
		if err := migrate(ctx, w, path, migrations, dir); err != nil {
			w.Close()
			var newer *NewerSchemaError
			if errors.As(err, &newer) {
				return nil, err // it names the file and says what to do
			}
			return nil, fmt.Errorf("tenantdb: migrate %s: %w", path, err)
		}
		// SQLite opens a file it may read but not write (another user's, 0444) read-only without
		// a word, and a migrated file needs no write to open: the first write — the job runner's
		// recovery at start, a customer's message — then failed, and at start that stopped the
		// whole server. Taking the write lock once says it now, as this file's failure to open.
		if err := canWrite(ctx, w); err != nil {
			w.Close()
			return nil, fmt.Errorf("tenantdb: open %s for writing: %w", path, err)
		}
	}
	r, err := sql.Open("sqlite", dsn(path, false, replicated))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("tenantdb: open %s: %w", path, err)
	}
	r.SetMaxOpenConns(max(4, runtime.NumCPU()*2))
	r.SetMaxIdleConns(readIdle)
	r.SetConnMaxIdleTime(20 * time.Second)
	opened, _ := os.Stat(path) // nil when it cannot be read: Check then does not compare
	return &DB{Path: path, Read: r, Write: w, migrated: migrations != nil, opened: opened, wal: &walSync{path: path + "-wal"}}, nil
}

// canWrite writes the file's user_version back unchanged in a transaction it rolls back: on a
// file SQLite opened read-only that fails with SQLITE_READONLY, and nothing is ever written.
// Taking the write lock alone would not say it (in WAL mode the lock lives in the -shm file).
func canWrite(ctx context.Context, w *sql.DB) error {
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }() // nothing was written
	var v int64
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v))
	return err
}

func migrate(ctx context.Context, db *sql.DB, path string, migrations fs.FS, dir string) error {
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, db, sub, goose.WithAllowOutofOrder(true), goose.WithLogger(goose.NopLogger()))
	if err != nil {
		return err
	}
	if err := checkNotNewer(ctx, db, path, p.ListSources()); err != nil {
		return err
	}
	_, err = p.Up(ctx)
	return err
}

// NewerSchemaError is a database a newer HighVibe already migrated: it holds migrations this
// binary does not have. goose, allowing migrations out of order, applied what it knew and said
// nothing of the rest, so an older binary put back after an update ran on tables and columns it
// does not know of (and a later update of its own could run a migration a second time). Open
// refuses such a file, changing nothing in it.
type NewerSchemaError struct {
	Path string
	// Newest is the newest migration in the file this binary does not know; Unknown how many
	// such migrations the file holds.
	Newest  int64
	Unknown int
	// Known is this binary's newest migration (its file name without .sql).
	Known string
}

func (e *NewerSchemaError) Error() string {
	more := ""
	if e.Unknown > 1 {
		more = fmt.Sprintf(" and %d more", e.Unknown-1)
	}
	return fmt.Sprintf("%s was written by a newer version of HighVibe: it holds migration %05d%s, which this program does not have "+
		"(the newest it knows is %s). This program does not start on it, and nothing in the file was changed. "+
		"Put the newer program back and start it; to go back to this version, restore the backups taken before the update "+
		"(guide: Installing on a VPS, Updating)", e.Path, e.Newest, more, e.Known)
}

// checkNotNewer returns a *NewerSchemaError when the file at path records an applied migration
// that is not among sources (this binary's migrations of that database).
func checkNotNewer(ctx context.Context, db *sql.DB, path string, sources []*goose.Source) error {
	var n int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'goose_db_version'").Scan(&n); err != nil || n == 0 {
		return err // a new file: nothing applied yet
	}
	known := map[int64]bool{0: true} // goose's own first row
	e := &NewerSchemaError{Path: path}
	for _, s := range sources {
		known[s.Version] = true
		e.Known = strings.TrimSuffix(filepath.Base(s.Path), ".sql")
	}
	err := EachRow(ctx, db, "SELECT DISTINCT version_id FROM goose_db_version WHERE is_applied ORDER BY version_id", nil, func(rs *sql.Rows) error {
		var v int64
		if err := rs.Scan(&v); err != nil {
			return err
		}
		if !known[v] {
			e.Newest = v
			e.Unknown++
		}
		return nil
	})
	if err != nil {
		return err
	}
	if e.Unknown > 0 {
		return e
	}
	return nil
}

// MigrationStatus reports, for each migration, its version, name and whether it is applied.
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

// Status lists the migrations of dir against this database (for `highvibe migrate status` and readiness).
func (d *DB) Status(ctx context.Context, migrations fs.FS, dir string) ([]MigrationStatus, error) {
	sub, err := fs.Sub(migrations, dir)
	if err != nil {
		return nil, err
	}
	p, err := goose.NewProvider(goose.DialectSQLite3, d.Write, sub, goose.WithAllowOutofOrder(true), goose.WithLogger(goose.NopLogger()))
	if err != nil {
		return nil, fmt.Errorf("tenantdb: status %s: %w", d.Path, err)
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("tenantdb: status %s: %w", d.Path, err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// InTx runs fn in one write transaction (BEGIN IMMEDIATE) and commits when fn returns nil.
// Its wait for the writer and the time it then held it go to the observer, if any.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	defer d.prepareWanted(ctx)
	start := time.Now()
	tx, err := d.Write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("tenantdb: begin: %w", err)
	}
	held := d.timer(start)
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		held()
		return err
	}
	if err := tx.Commit(); err != nil {
		held()
		return fmt.Errorf("tenantdb: commit: %w", err)
	}
	held()
	if err := d.durable(); err != nil {
		return err
	}
	if after := d.afterTx.Load(); after != nil {
		// The caller's request may end right after this returns; what follows a commit must not
		// be cut short with it.
		(*after)(context.WithoutCancel(ctx))
	}
	return nil
}

// WriteStmt returns query prepared for tx, a transaction on d's writer. A write path that runs the
// same statements in every transaction compiles them once instead of once per transaction (the
// compile costs more than running them): the first transaction that asks prepares the query for
// itself, and when that transaction ends the query is prepared on d.Write for good. database/sql
// keeps that statement on the writer connection and prepares it again by itself on a new one (after
// an idle release); a connection that closes finalizes its statements first.
func (d *DB) WriteStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	d.stmts.mu.Lock()
	st := d.stmts.m[query]
	if st == nil && len(d.stmts.m)+len(d.stmts.want) < maxWriteStmts && !slices.Contains(d.stmts.want, query) {
		d.stmts.want = append(d.stmts.want, query)
	}
	d.stmts.mu.Unlock()
	if st != nil {
		return tx.StmtContext(ctx, st), nil
	}
	return tx.PrepareContext(ctx, query)
}

// prepareWanted prepares on d.Write the queries transactions asked WriteStmt for (InTx calls it
// once its transaction is over, so the writer connection is free for it).
func (d *DB) prepareWanted(ctx context.Context) {
	d.stmts.mu.Lock()
	want := d.stmts.want
	d.stmts.want = nil
	d.stmts.mu.Unlock()
	if len(want) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	for _, q := range want {
		st, err := d.Write.PrepareContext(ctx, q)
		if err != nil {
			continue // the next transaction that asks prepares it for itself, and says why it fails
		}
		d.stmts.mu.Lock()
		if d.stmts.m == nil {
			d.stmts.m = map[string]*sql.Stmt{}
		}
		if d.stmts.m[q] == nil {
			d.stmts.m[q], st = st, nil
		}
		d.stmts.mu.Unlock()
		if st != nil {
			st.Close()
		}
	}
}

// Memo returns the value d keeps under key while the handle is open, made by mk on first use: a
// room's cache of something per tenant (the audit key ring) lives with the handle, not in a
// package-level variable. A database opened again starts with nothing kept.
func (d *DB) Memo(key any, mk func() any) any {
	if v, ok := d.memo.Load(key); ok {
		return v
	}
	v, _ := d.memo.LoadOrStore(key, mk())
	return v
}

// OnWriter runs fn on the writer connection outside a transaction, for single statements SQLite
// commits by itself (the job runner's claims; its outcomes go through Exec). Its wait for the
// writer and the time fn then took go to the observer, as InTx's do. Unlike InTx and Exec it does
// not wait for the disk: a claim lost to a power cut is only a job that runs again.
func (d *DB) OnWriter(ctx context.Context, fn func(c *sql.Conn) error) error {
	start := time.Now()
	c, err := d.Write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("tenantdb: writer: %w", err)
	}
	defer c.Close()
	defer d.timer(start)()
	return fn(c)
}

// Exec is one write statement through OnWriter, on disk when it returns (as InTx's commits).
func (d *DB) Exec(ctx context.Context, query string, args ...any) (res sql.Result, err error) {
	err = d.OnWriter(ctx, func(c *sql.Conn) error {
		res, err = c.ExecContext(ctx, query, args...)
		return err
	})
	if err != nil {
		return res, err
	}
	return res, d.durable()
}

// durable waits until the commit that just returned on this database is on disk (walSync): a
// commit that cannot be synced is reported as failed, so nobody is told it is stored. The writer
// is free meanwhile.
func (d *DB) durable() error {
	if d.wal == nil {
		return nil
	}
	return d.wal.wait(d.wal.committed())
}

// timer is what reports a write that asked for the writer at start and has it now (nothing when
// nobody observes).
func (d *DB) timer(start time.Time) func() {
	obs := d.observe.Load()
	if obs == nil {
		return func() {}
	}
	begun := time.Now()
	return func() { (*obs)(begun.Sub(start), time.Since(begun)) }
}

// observeAs makes fn hear this database's transactions under name (nil fn: nobody).
func (d *DB) observeAs(fn func(name string, wait, held time.Duration), name string) {
	if fn == nil {
		d.observe.Store(nil)
		return
	}
	obs := func(wait, held time.Duration) { fn(name, wait, held) }
	d.observe.Store(&obs)
}

// afterTxAs makes fn run after this database's committed transactions under name (nil: nothing).
func (d *DB) afterTxAs(fn func(ctx context.Context, name string, db *DB), name string) {
	if fn == nil {
		d.afterTx.Store(nil)
		return
	}
	after := func(ctx context.Context) { fn(ctx, name, d) }
	d.afterTx.Store(&after)
}

// ErrNotADatabase is a database file whose first bytes are not SQLite's header any more:
// something other than SQLite wrote over it while it was open (a text file or another file
// copied in its place, zeroes).
var ErrNotADatabase = errors.New("not a SQLite database any more")

// ErrReplaced is a database file that another file took the place of while it was open (a mv or
// a restore into the data directory): the pools keep the old one open and new connections open
// the new one.
var ErrReplaced = errors.New("replaced by another file while it was open")

// sqliteHeader is the first 16 bytes of every SQLite database file.
const sqliteHeader = "SQLite format 3\x00"

// Check is the cheap readiness test of an open database: its file is still there, still the file
// Open opened, still starts with SQLite's header, and Open migrated it to this binary's schema.
// It opens no connection: it reads the header through a descriptor of its own (headFile).
func (d *DB) Check() error {
	st, err := os.Stat(d.Path)
	if err != nil {
		return fmt.Errorf("tenantdb: %s: %w", d.Path, err)
	}
	if d.opened != nil && !os.SameFile(st, d.opened) {
		return fmt.Errorf("tenantdb: %s: %w", d.Path, ErrReplaced)
	}
	f, err := d.headFile()
	if err != nil {
		return fmt.Errorf("tenantdb: %s: %w", d.Path, err)
	}
	var head [len(sqliteHeader)]byte
	if _, err := f.ReadAt(head[:], 0); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("tenantdb: %s: %w", d.Path, err)
	}
	if string(head[:]) != sqliteHeader {
		return fmt.Errorf("tenantdb: %s: %w", d.Path, ErrNotADatabase)
	}
	if !d.migrated {
		return fmt.Errorf("tenantdb: %s was opened without migrating", d.Path)
	}
	return nil
}

// headFile is Check's descriptor of the database file, opened once and kept until Close. Closing
// a descriptor of a file drops every POSIX lock this process holds on it, SQLite's included
// (SQLite keeps its own descriptors open for that reason), so Check must not open and close one
// on each probe while the pools or Litestream hold the file's locks; Close closes it after the
// pools, and the server closes the databases after replication.
func (d *DB) headFile() (*os.File, error) {
	d.headMu.Lock()
	defer d.headMu.Unlock()
	if d.head == nil {
		f, err := os.Open(d.Path)
		if err != nil {
			return nil, err
		}
		d.head = f
	}
	return d.head, nil
}

// ReleaseIdle closes the connections nobody is using right now; the pools open new ones on the
// next query. Start-up calls it once migrations and first reads are done, so 50 quiet tenants do
// not each keep two SQLite connections (and their schema and page caches) for the idle timeout.
//
// Releases of one handle take turns (release): database/sql's SetMaxIdleConns closes the
// connections it cuts off after it lets go of the pool's lock, from a slice that shares its array
// with the pool's free list. A second release that set the limit back in that moment let returned
// connections land in that array, so the first closed connections that sat in the free list, and
// the next query on one of them panicked on a nil driver connection (TestReleaseIdleWhileInUse).
// While one release runs the limit stays 0, nothing is added to the free list, and the slice it
// closes is its own.
func (d *DB) ReleaseIdle() {
	d.releaseWaiting.Add(1)
	d.release.Lock()
	d.releaseWaiting.Add(-1)
	defer d.release.Unlock()
	for _, p := range []struct {
		db   *sql.DB
		idle int
	}{{d.Read, readIdle}, {d.Write, 1}} {
		p.db.SetMaxIdleConns(0)
		p.db.SetMaxIdleConns(p.idle)
	}
}

// CloseClean is Close after a TRUNCATE checkpoint on the writer, for a clean shutdown: the WAL's
// pages go into the database file and the writer is the file's last connection to close, so SQLite
// removes the -wal and -shm files. Litestream leaves them behind (it sets PERSIST_WAL on its own
// connection), and when the server's pools had given their connections back to a quiet tenant,
// Litestream's was the last connection, so a cleanly stopped tenant kept its -wal and -shm.
// Callers checkpoint only once replication has shipped everything (Server.Close). A reader in
// another process (a sqlite3 shell) can keep the checkpoint from finishing or the files from
// going: the wait is short and the files then stay, as they would after a crash.
func (d *DB) CloseClean(ctx context.Context) error {
	err := d.OnWriter(ctx, func(c *sql.Conn) error {
		if _, err := c.ExecContext(ctx, "PRAGMA busy_timeout = 1000"); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return err
	})
	if err != nil {
		err = fmt.Errorf("tenantdb: checkpoint %s: %w", d.Path, err)
	}
	return errors.Join(err, d.Close())
}

// Close closes both pools and the writer's kept statements.
func (d *DB) Close() error {
	d.stmts.mu.Lock()
	for _, st := range d.stmts.m {
		st.Close()
	}
	d.stmts.m, d.stmts.want = nil, nil
	d.stmts.mu.Unlock()
	err := errors.Join(d.Read.Close(), d.Write.Close())
	d.headMu.Lock()
	if d.head != nil {
		err = errors.Join(err, d.head.Close())
		d.head = nil
	}
	d.headMu.Unlock()
	return err
}

// Now is the current time in the tenant schema's unit (Unix milliseconds).
func Now() int64 { return time.Now().UnixMilli() }

// Millis converts t to the tenant schema's unit.
func Millis(t time.Time) int64 { return t.UnixMilli() }

// Time converts stored Unix milliseconds back to a time.
func Time(ms int64) time.Time { return time.UnixMilli(ms) }

// IDs runs query on q (a database or a transaction) and returns its first column as ids, in
// order: the id lists stores read (a lead's family, log rows to mask, clients by name).
func IDs(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, query string, args ...any) ([]int64, error) {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rs.Close()
	var out []int64
	for rs.Next() {
		var id int64
		if err := rs.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rs.Err()
}

// EachRow runs query on q and calls fn for every row, closing the rows however fn ends. It keeps
// stores from repeating the Query / defer Close / Next / Err dance.
func EachRow(ctx context.Context, q *sql.DB, query string, args []any, fn func(*sql.Rows) error) error {
	rs, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rs.Close()
	for rs.Next() {
		if err := fn(rs); err != nil {
			return err
		}
	}
	return rs.Err()
}
