//go:build !unix

package tenantdb

import "os"

// Without flock the lock is not enforced.
func flockExclusive(*os.File) (bool, error) { return false, nil }

func flockRelease(*os.File) error { return nil }

// OwnedByOther is not checked without Unix owners.
func OwnedByOther(string) (int, bool) { return 0, false }

func freeBytes(string) (uint64, bool) { return 0, false }

func totalBytes(string) (uint64, bool) { return 0, false }

func writable(string) error { return nil }
