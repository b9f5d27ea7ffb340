package app_test

import (
	"os"
	"path/filepath"
	"testing"

	"highvibe/app/apptest"
)

// TestMetricsDataDiskGauges: /metrics says how much room is left on the disk holding the data
// directory and how big that disk is, so an owner's Prometheus warns before writes start failing
// (before, only /readyz/ said so, once under --min-free-disk). The data directory lives on a
// 12 MB tmpfs: the total is its size, and a 3 MB file written there shows in the free bytes at the
// next scrape.
func TestMetricsDataDiskGauges(t *testing.T) {
	t.Parallel()
	disk := smallDisk(t, "12m")
	e := apptest.NewWith(t, apptest.Options{DataDir: filepath.Join(disk, "data"), NoJobs: true})
	e.Tenant("acme")
	fams := scrape(t, e, "")
	total := value(sample(t, fams, "highvibe_data_disk_total_bytes", nil))
	free := value(sample(t, fams, "highvibe_data_disk_free_bytes", nil))
	if total != 12<<20 {
		t.Fatalf("data disk total %v bytes, want the tmpfs's 12 MB", total)
	}
	if free <= 0 || free >= total {
		t.Fatalf("data disk free %v of %v bytes", free, total)
	}
	if err := os.WriteFile(filepath.Join(disk, "filler"), make([]byte, 3<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	after := value(sample(t, scrape(t, e, ""), "highvibe_data_disk_free_bytes", nil))
	if d := free - after; d < 3<<20 || d > 3<<20+64<<10 {
		t.Fatalf("free went from %v to %v after a 3 MB file, a change of %v", free, after, d)
	}
}
