//go:build !linux

package app

// releaseBinaryPages is a no-op where /proc/self/maps does not exist.
func releaseBinaryPages() (int64, error) { return 0, nil }
