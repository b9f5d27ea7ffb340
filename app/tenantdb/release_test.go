package tenantdb

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"
)

// TestReleaseIdleWhileInUse: two releases of one handle at once (two job-runner workers that find
// the tenant quiet) while queries come and go. database/sql's SetMaxIdleConns(0) closes the
// connections it cut off after it lets go of the pool's lock, from a slice that shares its array
// with the pool's free list. If the second release set the limit back meanwhile, the connections
// returned next landed in that array, the first release closed one that sat in the free list, and
// the next query on it dereferenced a nil driver connection: a panic that took the whole process
// down from a job-runner goroutine. The releases now take turns.
//
// The first release is held inside its first close (the gate) while the second release starts and
// two queries return their connections; then the gate opens and every query must still work.
func TestReleaseIdleWhileInUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "r.db")
	plain, err := sql.Open("sqlite", dsn(path, true, false))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if _, err := plain.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	g := &gate{in: make(chan struct{}), open: make(chan struct{})}
	pool := func() *sql.DB {
		db := sql.OpenDB(gatedConnector{plain.Driver(), dsn(path, false, false), g})
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(readIdle)
		return db
	}
	db := &DB{Path: path, Read: pool(), Write: pool()}
	defer db.Close()

	// hold opens n connections at once and gives them back.
	hold := func(n int) {
		t.Helper()
		var rows []*sql.Rows
		for range n {
			r, err := db.Read.QueryContext(ctx, `SELECT id FROM t`)
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, r)
		}
		for _, r := range rows {
			r.Close()
		}
	}
	hold(2) // two idle connections for the first release to close
	g.armed.Store(true)
	first := make(chan struct{})
	go func() { db.ReleaseIdle(); close(first) }()
	<-g.in // the first release is closing its first connection
	second := make(chan struct{})
	go func() { db.ReleaseIdle(); close(second) }()
	for waiting := false; !waiting; { // the second release is done, or waits for its turn
		select {
		case <-second:
			waiting = true
		default:
			waiting = db.releaseWaiting.Load() > 0
			runtime.Gosched()
		}
	}
	hold(2) // two queries give their connections back while the first release is closing
	close(g.open)
	<-first
	<-second
	for range 4 {
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("a query was given a connection a release had closed: %v", p)
				}
			}()
			hold(2)
		}()
	}
}

// gate holds the first Close after it is armed until open is closed.
type gate struct {
	armed, used atomic.Bool
	in, open    chan struct{}
}

type gatedConnector struct {
	d    driver.Driver
	name string
	g    *gate
}

func (c gatedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.d.Open(c.name)
	return gatedConn{conn, c.g}, err
}

func (c gatedConnector) Driver() driver.Driver { return c.d }

type gatedConn struct {
	driver.Conn
	g *gate
}

func (c gatedConn) Close() error {
	if c.g.armed.Load() && c.g.used.CompareAndSwap(false, true) {
		close(c.g.in)
		<-c.g.open
	}
	return c.Conn.Close()
}
