package tenantdb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// walSync makes a commit durable after the writer is let go. The writer runs with
// synchronous(NORMAL), so SQLite writes a commit's frames into the WAL without waiting for the
// disk; InTx and Exec then sync the WAL file before they return, outside the writer: the next
// transaction runs while the disk takes the last one, and every commit made while a sync was
// under way shares the next sync (group commit). What a caller was told is stored — a 200 to Meta,
// an operator's saved reply — has reached the disk, as under synchronous(FULL), which instead
// syncs inside the commit and holds the one writer through it.
//
// Why this is enough: a sync of the WAL file writes out every frame written to it before the sync
// began, the commit's among them; if the WAL is restarted meanwhile (after a checkpoint), its old
// frames were copied into the database file, which SQLite syncs after each checkpoint and before
// the WAL is reused. A WAL file this process has not synced yet gets its directory synced too,
// so the file itself survives a power cut (what SQLite does for a new WAL file under FULL).
type walSync struct {
	path    string        // the -wal file
	written atomic.Uint64 // commits made so far: a commit's ticket is its number

	mu     sync.Mutex  // one sync at a time
	synced uint64      // every commit up to this ticket is on disk
	file   os.FileInfo // the WAL file whose directory entry was synced
}

// syncFile and syncDir are the disk's sync calls (tests count them).
var (
	syncFile = datasync
	syncDir  = func(dir string) error {
		d, err := os.Open(dir)
		if err != nil {
			return err
		}
		defer d.Close()
		return d.Sync()
	}
)

// committed is called when a commit has returned; its ticket is what wait needs on disk.
func (w *walSync) committed() uint64 { return w.written.Add(1) }

// wait returns once commit ticket is on disk: at once when a sync that began after it has ended,
// or after a sync of its own, which covers every commit made before it began.
func (w *walSync) wait(ticket uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.synced >= ticket {
		return nil
	}
	upto := w.written.Load()
	// The descriptor is opened for the sync and closed after it: SQLite holds no lock on the WAL
	// file (its locks live in the database file and -shm), so closing it drops none, and a WAL
	// deleted and created again (the file's last connection closed) is never synced through a
	// stale descriptor.
	f, err := os.Open(w.path)
	if errors.Is(err, fs.ErrNotExist) {
		// No WAL: the last connection checkpointed it into the database file, synced, and
		// deleted it.
		w.synced = upto
		return nil
	}
	if err != nil {
		return fmt.Errorf("tenantdb: sync %s: %w", w.path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("tenantdb: sync %s: %w", w.path, err)
	}
	if w.file == nil || !os.SameFile(w.file, st) {
		if err := syncDir(filepath.Dir(w.path)); err != nil {
			return fmt.Errorf("tenantdb: sync %s: %w", filepath.Dir(w.path), err)
		}
		w.file = st
	}
	if err := syncFile(f); err != nil {
		return fmt.Errorf("tenantdb: sync %s: %w", w.path, err)
	}
	w.synced = upto
	return nil
}
