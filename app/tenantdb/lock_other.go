//go:build !unix

package tenantdb

import "os"

// Without flock the lock is not enforced.
func flockExclusive(*os.File) (bool, error) { return false, nil }

func flockRelease(*os.File) error { return nil }
