package app

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"syscall"
)

// releaseBinaryPages lets go of the pages of the binary's own code and read-only data that this
// process has mapped (start-up touches much of them once: every package's set-up, the catalogs,
// the migrations of every tenant, and the kernel maps up to 64 KB around each page touched). The
// pages stay in the page cache; an idle server maps back the few it runs again, on first use, at
// the cost of a minor fault each. Only mappings without write permission are released: their
// pages are the file's own bytes and come back unchanged. It returns how many bytes of mappings it
// released, for the log.
func releaseBinaryPages() (int64, error) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, err
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0, err
	}
	var released int64
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// 00400000-01795000 r-xp 00000000 fe:00 10027746   /path/to/highvibe
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || string(f[5]) != exe || bytes.IndexByte(f[1], 'w') >= 0 {
			continue
		}
		var lo, hi uintptr
		if _, err := fmt.Sscanf(string(f[0]), "%x-%x", &lo, &hi); err != nil || hi <= lo {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, syscall.MADV_DONTNEED); errno != 0 {
			return released, fmt.Errorf("madvise %x-%x: %w", lo, hi, errno)
		}
		released += int64(hi - lo)
	}
	return released, sc.Err()
}
