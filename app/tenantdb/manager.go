package tenantdb

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"highvibe/app/fault"
	"highvibe/schema"
)

// slugRE is the tenant slug rule: lowercase letters, digits, hyphens; 3–63 chars.
var slugRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{1,61})[a-z0-9]$`)

// ValidSlug reports whether s is a well-formed tenant slug. It is also what keeps a slug from
// ever naming a path outside the tenants directory.
func ValidSlug(s string) bool { return slugRE.MatchString(s) && !strings.Contains(s, "--") }

// ErrNoTenantDB is returned when a tenant's database file does not exist.
var ErrNoTenantDB = errors.New("tenant database does not exist")

// Manager owns every open database of one data directory. Tenant files open lazily on first use
// and stay open; OnOpen lets replication follow files opened at run time.
type Manager struct {
	DataDir  string
	Platform *DB

	// OnOpen is called once for every database file the manager opens (platform included),
	// so replication can start for tenants created while the server runs.
	OnOpen func(ctx context.Context, path string)

	// Replicated says OnOpen hands every file to Litestream, which then owns its checkpoints:
	// tenant and media files opened afterwards are written without SQLite's autocheckpoint.
	Replicated bool

	mu      sync.Mutex
	tenants map[string]*DB
	media   map[string]*DB // tenants/<slug>.media.db, opened on first use (Media)
	txObs   func(slug string, wait, held time.Duration)
	afterTx func(ctx context.Context, slug string, db *DB)
}

// AfterTenantTx makes fn run after every committed write transaction (DB.InTx) of every tenant
// database, open now or later (platform.db excluded). It runs on the committing goroutine, after
// the commit, so a crash can fall between the two: whatever fn records may lag one write behind.
func (m *Manager) AfterTenantTx(fn func(ctx context.Context, slug string, db *DB)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.afterTx = fn
	for s, db := range m.tenants {
		db.afterTxAs(fn, s)
	}
}

// ObserveTx hands the timing of every write transaction (DB.InTx) of every database, open now or
// later, to fn; slug is "" for platform.db.
func (m *Manager) ObserveTx(fn func(slug string, wait, held time.Duration)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.txObs = fn
	m.Platform.observeAs(fn, "")
	for s, db := range m.tenants {
		db.observeAs(fn, s)
	}
}

// NewManager opens (and migrates) DATA/platform.db.
func NewManager(ctx context.Context, dataDir string) (*Manager, error) {
	if err := os.MkdirAll(filepath.Join(dataDir, "tenants"), 0o750); err != nil {
		return nil, fmt.Errorf("tenantdb: data dir: %w", err)
	}
	p, err := Open(ctx, filepath.Join(dataDir, "platform.db"), schema.FS, "platform")
	if err != nil {
		return nil, err
	}
	return &Manager{DataDir: dataDir, Platform: p, tenants: map[string]*DB{}, media: map[string]*DB{}}, nil
}

// PlatformPath is the control database file.
func (m *Manager) PlatformPath() string { return filepath.Join(m.DataDir, "platform.db") }

// TenantPath is where the tenant's database file lives.
func (m *Manager) TenantPath(slug string) string {
	return filepath.Join(m.DataDir, "tenants", slug+".db")
}

// MediaPath is where the tenant's media database lives: photos and files, next to the tenant file
// so the same litestream.yml dir: entry replicates it (its name ends in .db) and a restore brings
// it back by the same rule.
func (m *Manager) MediaPath(slug string) string {
	return filepath.Join(m.DataDir, "tenants", slug+".media.db")
}

// Media returns the tenant's media database, creating and migrating it (schema/media) on first
// use. It opens lazily: a tenant that never received a photo has no media file and costs nothing.
// The tenant's own file must exist. Its idle connections are given back with the tenant's
// (ReleaseIdle) and it closes with them (Close).
func (m *Manager) Media(ctx context.Context, slug string) (*DB, error) {
	if !ValidSlug(slug) {
		return nil, fmt.Errorf("tenantdb: invalid slug %q", slug)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if db, ok := m.media[slug]; ok {
		return db, nil
	}
	if _, err := os.Stat(m.TenantPath(slug)); err != nil {
		return nil, fmt.Errorf("tenantdb: %s: %w", slug, ErrNoTenantDB)
	}
	path := m.MediaPath(slug)
	db, err := open(ctx, path, schema.FS, "media", m.Replicated)
	if err != nil {
		return nil, err
	}
	m.media[slug] = db
	db.observeAs(m.txObs, slug+".media")
	if m.OnOpen != nil {
		m.OnOpen(ctx, path)
	}
	return db, nil
}

// Tenant returns the open handle for slug, opening (and migrating) the file on first use. The
// file must already exist: only Create makes new tenant files. An open handle whose file fails
// Check (written over, replaced or removed while open) is not handed out: the tenant is
// ErrUnavailable, like one whose file does not open, until the file is good again (written back
// in place) or the server restarts on a restored one; its pages and jobs do not run against it.
func (m *Manager) Tenant(ctx context.Context, slug string) (*DB, error) {
	if !ValidSlug(slug) {
		return nil, fmt.Errorf("tenantdb: invalid slug %q", slug)
	}
	m.mu.Lock()
	if db, ok := m.tenants[slug]; ok {
		m.mu.Unlock()
		if err := db.Check(); err != nil {
			return nil, unavailable(err)
		}
		return db, nil
	}
	defer m.mu.Unlock()
	path := m.TenantPath(slug)
	if _, err := os.Stat(path); err != nil {
		return nil, unavailable(fmt.Errorf("tenantdb: %s: %w", slug, ErrNoTenantDB))
	}
	db, err := m.openLocked(ctx, slug, path)
	if err != nil && ctx.Err() == nil {
		return nil, unavailable(err)
	}
	return db, err
}

// ErrUnavailable is the request error of a tenant whose file is missing or does not open (cut
// short, not writable by the server's user, a full disk): 503, with a message in the reader's
// language that says the business's data cannot be opened right now, never why. Why is the
// administrator's to read, in /readyz/ and the log (Server.OpenAllTenants), and stays in the
// error's text: errors.Is(err, ErrUnavailable) and the cause (errors.As) both hold.
var ErrUnavailable = fault.Sentinel(fault.KindUnavailable, "error.tenant_unavailable", "tenant unavailable")

// unavailableError is a tenant's failure to open, marked ErrUnavailable; its text is the cause's.
type unavailableError struct{ err error }

func unavailable(err error) error { return &unavailableError{err} }

func (e *unavailableError) Error() string       { return e.err.Error() }
func (e *unavailableError) Unwrap() []error     { return []error{e.err, ErrUnavailable} }
func (e *unavailableError) Fault() *fault.Error { return fault.As(ErrUnavailable) }

// Create creates and migrates the tenant's database file (idempotent).
func (m *Manager) Create(ctx context.Context, slug string) (*DB, error) {
	if !ValidSlug(slug) {
		return nil, fmt.Errorf("tenantdb: invalid slug %q", slug)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if db, ok := m.tenants[slug]; ok {
		return db, nil
	}
	return m.openLocked(ctx, slug, m.TenantPath(slug))
}

func (m *Manager) openLocked(ctx context.Context, slug, path string) (*DB, error) {
	db, err := open(ctx, path, schema.FS, "tenant", m.Replicated)
	if err != nil {
		return nil, err
	}
	m.tenants[slug] = db
	db.observeAs(m.txObs, slug)
	db.afterTxAs(m.afterTx, slug)
	if m.OnOpen != nil {
		m.OnOpen(ctx, path)
	}
	return db, nil
}

// OpenSlugs lists the tenants whose files are open, sorted.
func (m *Manager) OpenSlugs() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]string, 0, len(m.tenants))
	for s := range m.tenants {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// ReleaseIdle closes the idle connections of every open database (see DB.ReleaseIdle).
func (m *Manager) ReleaseIdle() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Platform.ReleaseIdle()
	for _, db := range m.tenants {
		db.ReleaseIdle()
	}
	for _, db := range m.media {
		db.ReleaseIdle()
	}
}

// Close closes every database.
func (m *Manager) Close() error { return m.close(context.Background(), false) }

// CloseClean closes every database after a TRUNCATE checkpoint of each (DB.CloseClean), so a
// clean stop leaves no -wal and -shm files. Only when replication has shipped everything.
func (m *Manager) CloseClean(ctx context.Context) error { return m.close(ctx, true) }

// close closes every database, each with DB.CloseClean when clean.
func (m *Manager) close(ctx context.Context, clean bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	closeDB := func(db *DB) error {
		if clean {
			return db.CloseClean(ctx)
		}
		return db.Close()
	}
	var errs []error
	for s, db := range m.tenants {
		errs = append(errs, closeDB(db))
		delete(m.tenants, s)
	}
	for s, db := range m.media {
		errs = append(errs, closeDB(db))
		delete(m.media, s)
	}
	errs = append(errs, closeDB(m.Platform))
	return errors.Join(errs...)
}
