package replica

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/benbjohnson/litestream/file"
)

// errDisabled is returned by calls that need a replica when none is configured.
var errDisabled = errors.New("replica: replication is not configured")

// Manager runs Litestream for every database file the config covers: the
// fixed path: entries and every database that appears in a dir: entry,
// including tenants created while the server runs (by Add, or by the
// periodic directory scan when another process created them).
type Manager struct {
	cfg    *Config
	logger *slog.Logger

	// How often dir: entries are rescanned for new databases, and how often
	// an idle replica is contacted to prove it is still reachable.
	scanInterval  time.Duration
	probeInterval time.Duration
	probeTimeout  time.Duration
	startWait     time.Duration // how long Start waits for replicas to answer

	mu      sync.Mutex
	store   *litestream.Store
	dbs     map[string]*managedDB // by canonical path
	pending map[string]*pendingDB // covered, but the replica did not answer yet; by canonical path
	adding  map[string]bool       // being added right now (the replica is being asked)
	started bool
	closed  bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// pendingDB is a database whose replica did not answer when replication was to start. It is
// not handed to Litestream until it does (see trackedClient.prime); the scan loop retries.
type pendingDB struct {
	dbc     *DBConfig
	rel     string
	replica string // description without secrets
	err     error
}

type managedDB struct {
	path    string
	replica string // description without secrets
	db      *litestream.DB
	client  *trackedClient
}

// Status is what /readyz/ shows about backups: whether replication is
// configured at all, and per database where it goes, when it last synced and
// what is wrong with it. Healthy is false only when replication is
// configured and not running or failing, so "no config" never fails
// readiness by itself.
type Status struct {
	Enabled bool       `json:"enabled"`
	Healthy bool       `json:"healthy"`
	DBs     []DBStatus `json:"dbs"`
}

// DBStatus is the replication state of one database file.
type DBStatus struct {
	Path       string    `json:"path"`
	Replica    string    `json:"replica"` // type and location, never credentials
	LastSyncAt time.Time `json:"last_sync_at"`
	Err        string    `json:"error,omitempty"`
	// LocalTXID is the newest transaction Litestream has captured from the file, ReplicaTXID the
	// newest one the replica holds; the difference is how far the replica is behind (/metrics).
	LocalTXID   uint64 `json:"local_txid"`
	ReplicaTXID uint64 `json:"replica_txid"`
}

// New prepares a Manager. A nil cfg gives a Manager that does nothing and
// reports Enabled=false, so callers need no special case for "no config".
func New(cfg *Config, logger *slog.Logger) (*Manager, error) {
	if logger == nil {
		logger = slog.Default()
	}
	m := &Manager{
		cfg:           cfg,
		logger:        logger,
		scanInterval:  5 * time.Second,
		probeInterval: time.Minute,
		probeTimeout:  30 * time.Second,
		startWait:     10 * time.Second,
		dbs:           map[string]*managedDB{},
		pending:       map[string]*pendingDB{},
		adding:        map[string]bool{},
	}
	if cfg == nil {
		return m, nil
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	for i, dbc := range cfg.DBs {
		if len(dbc.Replicas) > 1 {
			logger.Warn("replica: only the first of several replicas is used", "entry", dbc.label(i))
		}
	}
	return m, nil
}

// Start opens the Litestream store (compaction levels and snapshot settings
// as the CLI defaults them, or as configured) and starts replicating every
// existing database matched by a path: or dir:+pattern: entry. An
// unreachable replica does not fail Start; it shows up in Status.
func (m *Manager) Start(ctx context.Context) error {
	if m.cfg == nil {
		return nil
	}
	m.mu.Lock()
	if m.started || m.closed {
		m.mu.Unlock()
		return errors.New("replica: manager already started")
	}
	store := m.newStore()
	if err := store.Open(ctx); err != nil {
		m.mu.Unlock()
		return fmt.Errorf("replica: open litestream store: %w", err)
	}
	m.store = store
	m.started = true
	m.mu.Unlock()

	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.mu.Lock()
	m.cancel = cancel
	m.mu.Unlock()

	type target struct {
		path string
		dbc  *DBConfig
		rel  string
	}
	var targets []target
	for _, dbc := range m.cfg.DBs {
		if dbc.Path != "" {
			targets = append(targets, target{Canonical(dbc.Path), dbc, ""})
			continue
		}
		for _, p := range m.scanDir(dbc) {
			// A path: entry wins over a dir: entry for the same file.
			if owner, rel, ok := m.cfg.match(p); ok && owner == dbc {
				targets = append(targets, target{p, dbc, rel})
			}
		}
	}

	// Every database's replica is asked before replication starts (see add), all at once with a
	// few in flight. Start waits for them up to startWait, so a replica that does not answer at
	// all (a dropped connection rather than a refused one) delays start-up by seconds, not by a
	// timeout per tenant; the rest finish in the background.
	var (
		errMu sync.Mutex
		errs  []error
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 8)
	)
	for _, t := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := m.add(runCtx, t.path, t.dbc, t.rel); err != nil {
				errMu.Lock()
				errs = append(errs, err)
				errMu.Unlock()
			}
		}()
	}
	done := make(chan struct{})
	m.wg.Add(1)
	go func() { defer m.wg.Done(); wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(m.startWait):
		m.logger.Warn("replica: some replicas have not answered yet; their databases start replicating when they do")
	}

	m.wg.Add(2)
	go m.scanLoop(runCtx)
	go m.probeLoop(runCtx)

	errMu.Lock()
	defer errMu.Unlock()
	return errors.Join(errs...)
}

func (m *Manager) newStore() *litestream.Store {
	levels := litestream.CompactionLevels{{Level: 0}}
	if len(m.cfg.Levels) == 0 {
		for _, lvl := range litestream.DefaultCompactionLevels[1:] {
			levels = append(levels, &litestream.CompactionLevel{Level: lvl.Level, Interval: lvl.Interval})
		}
	}
	for i, lvl := range m.cfg.Levels {
		levels = append(levels, &litestream.CompactionLevel{Level: i + 1, Interval: lvl.Interval})
	}

	s := litestream.NewStore(nil, levels)
	s.Logger = m.logger.With(litestream.LogKeySystem, litestream.LogSystemStore)
	if v := m.cfg.Snapshot.Interval; v != nil {
		s.SnapshotInterval = *v
	}
	if v := m.cfg.Snapshot.Retention; v != nil {
		s.SnapshotRetention = *v
	}
	if v := m.cfg.L0Retention; v != nil {
		s.L0Retention = *v
	}
	if v := m.cfg.L0RetentionCheckInterval; v != nil {
		s.L0RetentionCheckInterval = *v
	}
	if v := m.cfg.ShutdownSyncTimeout; v != nil {
		s.ShutdownSyncTimeout = *v
	}
	if v := m.cfg.ShutdownSyncInterval; v != nil {
		s.ShutdownSyncInterval = *v
	}
	return s
}

// Add starts replicating dbPath if a config entry covers it: the exact path
// of a path: entry, or a file in a dir: entry whose name matches its pattern
// (e.g. dir: data/tenants, pattern: "*.db"). It is called when a tenant is
// created, is idempotent, and returns (false, nil) for a file no entry
// covers.
func (m *Manager) Add(ctx context.Context, dbPath string) (bool, error) {
	if m.cfg == nil {
		return false, nil
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	p := Canonical(dbPath)
	dbc, rel, ok := m.cfg.match(p)
	if !ok {
		return false, nil
	}
	return true, m.add(ctx, p, dbc, rel)
}

// add registers one database with the store unless it is already there. The replica must
// answer first; when it does not, the database waits in pending (shown by Status) and the scan
// loop tries again.
func (m *Manager) add(ctx context.Context, p string, dbc *DBConfig, rel string) error {
	m.mu.Lock()
	switch {
	case m.closed:
		m.mu.Unlock()
		return errors.New("replica: manager is closed")
	case !m.started:
		m.mu.Unlock()
		return errors.New("replica: manager not started")
	}
	if _, ok := m.dbs[p]; ok || m.adding[p] {
		m.mu.Unlock()
		return nil
	}
	m.adding[p] = true
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		delete(m.adding, p)
		m.mu.Unlock()
	}()

	rc := dbc.replica()
	if dbc.Dir != "" {
		var err error
		if rc, err = rc.forSubpath(rel); err != nil {
			return fmt.Errorf("replica: %s: %w", p, err)
		}
	}
	inner, err := newReplicaClient(rc)
	if err != nil {
		return fmt.Errorf("replica: %s: %w", p, err)
	}
	client := &trackedClient{ReplicaClient: inner}
	pctx, cancel := context.WithTimeout(ctx, m.probeTimeout)
	err = client.prime(pctx)
	cancel()
	if err != nil {
		m.mu.Lock()
		_, known := m.pending[p]
		m.pending[p] = &pendingDB{dbc: dbc, rel: rel, replica: describe(rc), err: err}
		m.mu.Unlock()
		if !known {
			m.logger.Warn("replica: not answering; replication of this database starts when it does", "path", p, "replica", describe(rc), "error", err)
		}
		return nil
	}

	db := litestream.NewDB(p)
	if v := dbc.MonitorInterval; v != nil {
		db.MonitorInterval = *v
	}
	if v := dbc.CheckpointInterval; v != nil {
		db.CheckpointInterval = *v
	}
	if v := dbc.BusyTimeout; v != nil {
		db.BusyTimeout = *v
	}
	if v := dbc.MinCheckpointPageN; v != nil {
		db.MinCheckpointPageN = *v
	}
	if v := dbc.TruncatePageN; v != nil {
		db.TruncatePageN = *v
	}
	r := litestream.NewReplicaWithClient(db, client)
	if v := rc.SyncInterval; v != nil {
		r.SyncInterval = *v
	}
	if fc, ok := inner.(*file.ReplicaClient); ok {
		fc.Replica = r // lets it copy the database's file modes
	}
	db.Replica = r

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return errors.New("replica: manager is closed")
	}
	if err := m.store.RegisterDB(db); err != nil {
		return fmt.Errorf("replica: start %s: %w", p, err)
	}
	delete(m.pending, p)
	md := &managedDB{path: p, replica: describe(rc), db: db, client: client}
	m.dbs[p] = md
	m.logger.Info("replicating database", "path", p, "replica", md.replica)
	return nil
}

// Status reports replication health for /readyz/ and /metrics. It makes no
// remote call: errors come from the last remote call made by replication or
// by the periodic reachability probe, and positions from Litestream's own
// bookkeeping (at most the newest local LTX file is read).
func (m *Manager) Status() Status {
	st := Status{Enabled: m.cfg != nil, Healthy: true}
	if m.cfg == nil {
		return st
	}
	m.mu.Lock()
	running := m.started && !m.closed
	dbs := make([]*managedDB, 0, len(m.dbs))
	for _, md := range m.dbs {
		dbs = append(dbs, md)
	}
	waiting := make([]DBStatus, 0, len(m.pending))
	for p, pd := range m.pending {
		waiting = append(waiting, DBStatus{Path: p, Replica: pd.replica, Err: "replica not answering, replication not started yet: " + pd.err.Error()})
	}
	m.mu.Unlock()
	slices.SortFunc(dbs, func(a, b *managedDB) int { return strings.Compare(a.path, b.path) })

	st.Healthy = running && len(waiting) == 0
	st.DBs = make([]DBStatus, 0, len(dbs)+len(waiting))
	for _, md := range dbs {
		ds := DBStatus{Path: md.path, Replica: md.replica, LastSyncAt: md.db.LastSuccessfulSyncAt()}
		if pos, err := md.db.Pos(); err == nil {
			ds.LocalTXID = uint64(pos.TXID)
		}
		if md.db.Replica != nil {
			ds.ReplicaTXID = uint64(md.db.Replica.Pos().TXID)
		}
		if _, err := md.client.state(); err != nil {
			ds.Err = err.Error()
		} else if diag := md.db.SyncDiagnostic(); diag.Error != "" {
			ds.Err = diag.Error
		}
		if ds.Err != "" {
			st.Healthy = false
		}
		st.DBs = append(st.DBs, ds)
	}
	st.DBs = append(st.DBs, waiting...)
	slices.SortFunc(st.DBs, func(a, b DBStatus) int { return strings.Compare(a.Path, b.Path) })
	return st
}

// Sync copies everything committed to dbPath so far to its replica and
// waits until the replica has it. Tests use it, and shutdown uses it to
// leave nothing behind.
func (m *Manager) Sync(ctx context.Context, dbPath string) error {
	if m.cfg == nil {
		return errDisabled
	}
	p := Canonical(dbPath)
	m.mu.Lock()
	md, store := m.dbs[p], m.store
	m.mu.Unlock()
	if md == nil {
		return fmt.Errorf("replica: %s is not being replicated", dbPath)
	}
	if _, err := store.SyncDB(ctx, p, true); err != nil {
		return fmt.Errorf("replica: sync %s: %w", dbPath, err)
	}
	return nil
}

// Close stops replication after a last sync of every database. It comes
// after the jobs and before the databases in the shutdown order; ctx bounds
// how long the last uploads may take.
func (m *Manager) Close(ctx context.Context) error {
	if m.cfg == nil {
		return nil
	}
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	cancel, store := m.cancel, m.store
	m.mu.Unlock()

	if cancel != nil {
		cancel()
	}
	m.wg.Wait()
	if store == nil {
		return nil
	}
	if err := store.Close(ctx); err != nil {
		return fmt.Errorf("replica: close: %w", err)
	}
	return nil
}

// scanLoop picks up databases that appear in dir: entries without an Add
// call, e.g. a tenant created by the CLI in another process, and retries
// the databases whose replica did not answer yet.
func (m *Manager) scanLoop(ctx context.Context) {
	defer m.wg.Done()
	t := time.NewTicker(m.scanInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		m.mu.Lock()
		retry := make(map[string]*pendingDB, len(m.pending))
		for p, pd := range m.pending {
			retry[p] = pd
		}
		m.mu.Unlock()
		for p, pd := range retry {
			if ctx.Err() != nil {
				return
			}
			if err := m.add(ctx, p, pd.dbc, pd.rel); err != nil {
				m.logger.Error("replica: start replicating database", "path", p, "error", err)
			}
		}
		for _, dbc := range m.cfg.DBs {
			if dbc.Dir == "" {
				continue
			}
			for _, p := range m.scanDir(dbc) {
				if ctx.Err() != nil {
					return
				}
				m.mu.Lock()
				_, known := m.dbs[p]
				_, waiting := m.pending[p]
				m.mu.Unlock()
				if known || waiting {
					continue
				}
				owner, rel, ok := m.cfg.match(p)
				if !ok || owner != dbc {
					continue
				}
				if err := m.add(ctx, p, dbc, rel); err != nil {
					m.logger.Error("replica: start replicating new database", "path", p, "error", err)
				}
			}
		}
	}
}

// probeLoop contacts replicas that have been quiet for a while, so a
// replica that went away is reported even when no data changes.
func (m *Manager) probeLoop(ctx context.Context) {
	defer m.wg.Done()
	t := time.NewTicker(m.probeInterval)
	defer t.Stop()
	for {
		m.probe(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *Manager) probe(ctx context.Context) {
	m.mu.Lock()
	dbs := make([]*managedDB, 0, len(m.dbs))
	for _, md := range m.dbs {
		dbs = append(dbs, md)
	}
	m.mu.Unlock()

	sem := make(chan struct{}, 4)
	var wg sync.WaitGroup
	for _, md := range dbs {
		if lastOK, err := md.client.state(); err == nil && time.Since(lastOK) < m.probeInterval {
			continue
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Go(func() {
			defer func() { <-sem }()
			pctx, cancel := context.WithTimeout(ctx, m.probeTimeout)
			defer cancel()
			if itr, err := md.client.LTXFiles(pctx, 0, 0, false); err == nil {
				_ = itr.Close()
			}
		})
	}
	wg.Wait()
}
