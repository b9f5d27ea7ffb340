//go:build unix

package tenantdb

import (
	"errors"
	"os"
	"syscall"
)

// flockExclusive tries to take an exclusive lock on f without waiting; held reports that another
// open file description has it.
func flockExclusive(f *os.File) (held bool, err error) {
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, err
}

func flockRelease(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }

// OwnedByOther reports, for a process running as root, the owner of dir when it is another user:
// files root makes there (a new tenant's database, the -wal and -shm of a database it opens while
// the server is stopped) would belong to root, and the server running as that user could not
// write them.
func OwnedByOther(dir string) (uid int, other bool) {
	if os.Geteuid() != 0 {
		return 0, false
	}
	st, err := os.Stat(dir)
	if err != nil {
		return 0, false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok || sys.Uid == 0 {
		return 0, false
	}
	return int(sys.Uid), true
}

// freeBytes is the space an unprivileged writer may still use on dir's file system.
func freeBytes(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Bavail * uint64(st.Bsize), true
}

// totalBytes is the size of the file system holding dir.
func totalBytes(dir string) (uint64, bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return st.Blocks * uint64(st.Bsize), true
}

// writable is nil when this process may write in dir, else why not.
func writable(dir string) error { return syscall.Access(dir, 2) }
