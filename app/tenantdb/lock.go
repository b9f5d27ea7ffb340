package tenantdb

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// LockFile is the file in the data directory that a running server holds locked, so that a
// second server cannot open the same files (two servers would both run the job queue and both
// replicate the same databases into one replica, which damages it) and a restore into place
// cannot replace a file under a running server.
const LockFile = "serve.lock"

// ErrLocked says another process holds the data directory's lock.
var ErrLocked = errors.New("the data directory is in use by a running highvibe server")

// LockedError is ErrLocked with the holder's process id (0 when it could not be read).
type LockedError struct {
	Dir string
	PID int
}

func (e *LockedError) Error() string {
	who := "a running highvibe server"
	if e.PID > 0 {
		who += fmt.Sprintf(" (process %d)", e.PID)
	}
	return fmt.Sprintf("%s already uses the data directory %s", who, e.Dir)
}

func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// LockDir takes the data directory's lock (creating the directory when missing) and writes this
// process's id into the lock file. It fails with a *LockedError when another process holds it.
// The lock is the operating system's (flock): it ends with the process, also after a crash or
// kill -9, so a stale lock file never keeps a server from starting. Release gives it back.
func LockDir(dir string) (release func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("tenantdb: data dir: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("tenantdb: lock %s: %w", path, err)
	}
	held, err := flockExclusive(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("tenantdb: lock %s: %w", path, err)
	}
	if held {
		b, _ := os.ReadFile(path)
		pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
		f.Close()
		return nil, &LockedError{Dir: abs, PID: pid}
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return func() {
		_ = f.Truncate(0)
		_ = flockRelease(f)
		_ = f.Close()
	}, nil
}
