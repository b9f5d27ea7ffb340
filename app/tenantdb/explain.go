package tenantdb

import (
	"errors"
	"fmt"
	"os"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Explain says in plain words what the administrator can do about an error that came from the
// data directory dir: a full disk, a read-only file system, or files the process may not write.
// It returns "" when the error is none of those. SQLite names a full disk "disk I/O error" when
// it could not grow its shared-memory file, so the free space is looked at, not only the code.
func Explain(dir string, err error) string {
	if err == nil || dir == "" {
		return ""
	}
	code := -1
	var se *sqlite.Error
	if errors.As(err, &se) {
		code = se.Code() & 0xff
	}
	free, known := freeBytes(dir)
	switch {
	case errors.Is(err, syscall.ENOSPC) || code == sqlite3.SQLITE_FULL ||
		(code == sqlite3.SQLITE_IOERR && known && free < 1<<20):
		return fmt.Sprintf("the disk holding %s is full (%s free): free space there, then try again — "+
			"what SQLite could not write was not written, and the databases are not damaged", dir, sizeWords(free))
	case errors.Is(err, syscall.EROFS):
		return fmt.Sprintf("the file system holding %s is mounted read-only: remount it read-write", dir)
	case code == sqlite3.SQLITE_READONLY || code == sqlite3.SQLITE_PERM || code == sqlite3.SQLITE_CANTOPEN ||
		errors.Is(err, os.ErrPermission):
		if writable(dir) == syscall.EROFS {
			return fmt.Sprintf("the file system holding %s is mounted read-only: remount it read-write", dir)
		}
		return fmt.Sprintf("a file in %s cannot be written by this user (uid %d): every file there must belong to the "+
			"user the server runs as (chown -R highvibe: %s), and commands run as that user (sudo -u highvibe)", dir, os.Geteuid(), dir)
	}
	return ""
}

// LowDisk is the free space under which /readyz/ calls the data directory's disk full: writes
// (a message, a job's result, SQLite's shared-memory file growing) start failing there.
const LowDisk = 8 << 20

// DiskFree is the space left on the file system of dir, in bytes, and as words ("3.2 MiB");
// ok is false when it could not be read.
func DiskFree(dir string) (free uint64, words string, ok bool) {
	free, ok = freeBytes(dir)
	return free, sizeWords(free), ok
}

func sizeWords(n uint64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
