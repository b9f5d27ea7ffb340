package replica

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"
	"time"

	"github.com/benbjohnson/litestream"
	"github.com/superfly/ltx"
)

// trackedClient wraps a Litestream replica client and remembers whether the
// last remote operation failed. Litestream only logs replica errors (with
// growing back-off), but readiness must be able to say "backup is broken",
// so every call through the client is observed here.
type trackedClient struct {
	litestream.ReplicaClient

	mu       sync.Mutex
	err      error
	errWrite bool // the failing call was a write; only a write clears it
	lastOKAt time.Time

	// primed is the replica's level-0 listing taken by prime just before the database was
	// handed to Litestream, and when. See LTXFiles.
	primed   []*ltx.FileInfo
	primedAt time.Time
}

// primeFor is how long a listing taken by prime may stand in for a failed live one.
const primeFor = 30 * time.Second

// prime proves the replica answers (connect, then list level 0 to the end) and keeps the
// listing. The manager hands a database to Litestream only after this succeeded: Litestream's
// first sync asks the replica for its position and, when that fails, closes the descriptor it
// holds on the database file and retries a second later. Closing any descriptor of a file drops
// every POSIX lock this process holds on it, SQLite's SHARED lock included, so a replica that is
// down at start-up would leave the live database unlocked for an outside sqlite3 to delete its
// WAL.
func (c *trackedClient) prime(ctx context.Context) error {
	if err := c.Init(ctx); err != nil {
		return err
	}
	itr, err := c.LTXFiles(ctx, 0, 0, false)
	if err != nil {
		return err
	}
	var all []*ltx.FileInfo
	for itr.Next() {
		fi := *itr.Item()
		all = append(all, &fi)
	}
	if err := itr.Close(); err != nil {
		return err
	}
	c.mu.Lock()
	c.primed, c.primedAt = all, time.Now()
	c.mu.Unlock()
	return nil
}

func (c *trackedClient) record(err error, write bool) {
	// Cancellation is our own doing (shutdown), not a replica fault.
	if errors.Is(err, context.Canceled) {
		return
	}
	// A missing file is an answer from a reachable replica.
	if !write && errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		c.err, c.errWrite = err, write
		return
	}
	c.lastOKAt = now
	if c.err != nil && (write || !c.errWrite) {
		c.err, c.errWrite = nil, false
	}
}

// state reports the time of the last successful remote call and the
// current error (nil when healthy).
func (c *trackedClient) state() (lastOK time.Time, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lastOKAt, c.err
}

func (c *trackedClient) Init(ctx context.Context) error {
	err := c.ReplicaClient.Init(ctx)
	if err != nil {
		c.record(err, false)
	}
	return err
}

// LTXFiles lists the replica's files. When a full level-0 listing fails within primeFor of the
// listing prime took, that listing answers instead: nothing but this process writes the
// replica, so it is still exact, and Litestream's start-up check does not fail (see prime).
func (c *trackedClient) LTXFiles(ctx context.Context, level int, seek ltx.TXID, useMetadata bool) (ltx.FileIterator, error) {
	itr, err := c.ReplicaClient.LTXFiles(ctx, level, seek, useMetadata)
	if err != nil {
		c.record(err, false)
		c.mu.Lock()
		primed, fresh := c.primed, !c.primedAt.IsZero() && time.Since(c.primedAt) < primeFor
		c.mu.Unlock()
		if level == 0 && seek == 0 && fresh {
			return ltx.NewFileInfoSliceIterator(primed), nil
		}
		return nil, err
	}
	// Listing errors of paged backends (S3) surface while iterating.
	return &trackedIterator{FileIterator: itr, c: c}, nil
}

func (c *trackedClient) OpenLTXFile(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, offset, size int64) (io.ReadCloser, error) {
	rc, err := c.ReplicaClient.OpenLTXFile(ctx, level, minTXID, maxTXID, offset, size)
	c.record(err, false)
	return rc, err
}

func (c *trackedClient) WriteLTXFile(ctx context.Context, level int, minTXID, maxTXID ltx.TXID, r io.Reader) (*ltx.FileInfo, error) {
	info, err := c.ReplicaClient.WriteLTXFile(ctx, level, minTXID, maxTXID, r)
	c.record(err, true)
	return info, err
}

func (c *trackedClient) DeleteLTXFiles(ctx context.Context, a []*ltx.FileInfo) error {
	err := c.ReplicaClient.DeleteLTXFiles(ctx, a)
	c.record(err, true)
	return err
}

func (c *trackedClient) DeleteAll(ctx context.Context) error {
	err := c.ReplicaClient.DeleteAll(ctx)
	c.record(err, true)
	return err
}

type trackedIterator struct {
	ltx.FileIterator
	c      *trackedClient
	closed bool
}

func (it *trackedIterator) Close() error {
	err := it.FileIterator.Close()
	if !it.closed {
		it.closed = true
		it.c.record(err, false)
	}
	return err
}
