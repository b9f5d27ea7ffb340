package tenantdb

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	code := sqliteCode(err)
	switch {
	case DiskFull(dir, err):
		free, _ := freeBytes(dir)
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

// DiskFull reports whether err is a write (or SQLite's shared-memory file growing) that failed
// because the disk holding the data directory dir is full: ENOSPC, SQLITE_FULL, or SQLite's
// "disk I/O error" while under 1 MB is free there.
func DiskFull(dir string, err error) bool {
	if err == nil || dir == "" {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	switch sqliteCode(err) {
	case sqlite3.SQLITE_FULL:
		return true
	case sqlite3.SQLITE_IOERR:
		free, known := freeBytes(dir)
		return known && free < 1<<20
	}
	return false
}

// sqliteCode is the primary result code of the SQLite error in err's chain, -1 without one.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return -1
}

// LowDisk is the default free space under which /readyz/ calls the data directory's disk full:
// writes (a message, a job's result, SQLite's shared-memory file growing) start failing there.
// serve --min-free-disk (HIGHVIBE_MIN_FREE_DISK) sets another, such as 1GB for an earlier warning.
const LowDisk = 8 << 20

// ParseDiskSize reads a --min-free-disk value: a whole number of MB or GB ("8MB", "512MB",
// "2GB"; MiB and GiB are the same units, 1 MB = 1,048,576 bytes), at least 1 MB.
func ParseDiskSize(s string) (uint64, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	unit := uint64(0)
	for _, u := range []struct {
		suffix string
		n      uint64
	}{{"MIB", 1 << 20}, {"GIB", 1 << 30}, {"MB", 1 << 20}, {"GB", 1 << 30}} {
		if num, ok := strings.CutSuffix(v, u.suffix); ok {
			v, unit = strings.TrimSpace(num), u.n
			break
		}
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if unit == 0 || err != nil || n == 0 {
		return 0, fmt.Errorf("%q is not a size: write a whole number of MB or GB, at least 1MB, such as 8MB, 512MB or 2GB", s)
	}
	return n * unit, nil
}

// DiskTotal is the size of the file system holding dir, in bytes, and as words; ok is false when it
// could not be read.
func DiskTotal(dir string) (total uint64, words string, ok bool) {
	total, ok = totalBytes(dir)
	return total, sizeWords(total), ok
}

// SizeWords is n bytes in words: "3.2 MiB", "512 KiB".
func SizeWords(n uint64) string { return sizeWords(n) }

// DiskFree is the space left on the file system of dir, in bytes, and as words ("3.2 MiB");
// ok is false when it could not be read.
func DiskFree(dir string) (free uint64, words string, ok bool) {
	free, ok = freeBytes(dir)
	return free, sizeWords(free), ok
}

func sizeWords(n uint64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
