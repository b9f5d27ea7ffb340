//go:build !linux

package tenantdb

import "os"

// datasync writes f's data out (fsync where fdatasync is not offered).
func datasync(f *os.File) error { return f.Sync() }
