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

func (c *trackedClient) LTXFiles(ctx context.Context, level int, seek ltx.TXID, useMetadata bool) (ltx.FileIterator, error) {
	itr, err := c.ReplicaClient.LTXFiles(ctx, level, seek, useMetadata)
	if err != nil {
		c.record(err, false)
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
