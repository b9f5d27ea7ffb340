package tenantdb

import (
	"os"
	"syscall"
)

// datasync writes f's data out as SQLite's own sync does on Linux (fdatasync): the file's
// contents and what is needed to read them back (its size), not its times.
func datasync(f *os.File) error { return syscall.Fdatasync(int(f.Fd())) }
