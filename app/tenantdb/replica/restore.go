package replica

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/benbjohnson/litestream"
)

// Restore rebuilds the database dbPath (as the config names it: a path:
// entry or a file of a dir: entry) from its replica into output, which must
// not exist yet; missing parent directories are created. A zero timestamp
// restores the latest state, otherwise the state as of that moment. It is
// the engine of `highvibe restore` and needs no running Manager.
func Restore(ctx context.Context, cfg *Config, dbPath, output string, timestamp time.Time) error {
	if cfg == nil {
		return errDisabled
	}
	if output == "" {
		return errors.New("replica: restore: output path is required")
	}
	client, rc, err := cfg.clientFor(dbPath)
	if err != nil {
		return fmt.Errorf("replica: restore: %w", err)
	}

	// A leftover -wal or -shm next to the output would be replayed over the
	// restored file when it is first opened, so they count as "exists" too.
	for _, p := range []string{output, output + "-wal", output + "-shm", output + "-journal"} {
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("replica: restore: %s already exists: %w", p, os.ErrExist)
		} else if !os.IsNotExist(err) {
			return fmt.Errorf("replica: restore: %w", err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(output), 0o750); err != nil {
		return fmt.Errorf("replica: restore: %w", err)
	}
	if err := client.Init(ctx); err != nil {
		return fmt.Errorf("replica: restore %s: connect to %s: %w", dbPath, describe(rc), err)
	}

	opt := litestream.NewRestoreOptions()
	opt.OutputPath = output
	opt.Timestamp = timestamp
	opt.IntegrityCheck = litestream.IntegrityCheckQuick
	err = litestream.NewReplicaWithClient(nil, client).Restore(ctx, opt)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, litestream.ErrTxNotAvailable) && timestamp.IsZero():
		return fmt.Errorf("replica: restore %s: no backup found in %s", dbPath, describe(rc))
	case errors.Is(err, litestream.ErrTxNotAvailable):
		return fmt.Errorf("replica: restore %s: no backup at or before %s in %s",
			dbPath, timestamp.UTC().Format(time.RFC3339Nano), describe(rc))
	}
	return fmt.Errorf("replica: restore %s: %w", dbPath, err)
}

// clientFor builds the replica client of the database dbPath as the config
// names it (a path: entry or a file of a dir: entry), with its destination.
func (c *Config) clientFor(dbPath string) (litestream.ReplicaClient, *ReplicaConfig, error) {
	dbc, rel, ok := c.match(Canonical(dbPath))
	if !ok {
		return nil, nil, fmt.Errorf("%s is not covered by any dbs: entry of the config", dbPath)
	}
	rc := dbc.replica()
	if dbc.Dir != "" {
		var err error
		if rc, err = rc.forSubpath(rel); err != nil {
			return nil, nil, fmt.Errorf("%s: %w", dbPath, err)
		}
	}
	client, err := newReplicaClient(rc)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", dbPath, err)
	}
	return client, rc, nil
}
