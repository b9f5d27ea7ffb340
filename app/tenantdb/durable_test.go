package tenantdb

import (
	"context"
	"path/filepath"
	"testing"
)

// TestCommitsSurviveAPowerCut: the writer of every database — a tenant's file whether Litestream
// replicates it or not, and platform.db, which open the same way — runs with synchronous=FULL, so
// a commit has synced the WAL before the caller answers. Under NORMAL a commit in WAL mode can
// roll back after a power loss, and an acknowledged delivery would be gone with nobody to send it
// again. A power cut cannot be staged here; what the connection really runs with can be read.
func TestCommitsSurviveAPowerCut(t *testing.T) {
	ctx := context.Background()
	for _, replicated := range []bool{false, true} {
		db, err := open(ctx, filepath.Join(t.TempDir(), "d.db"), nil, "", replicated)
		if err != nil {
			t.Fatal(err)
		}
		var sync, journal string
		if err := db.Write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
			t.Fatal(err)
		}
		if err := db.Write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&journal); err != nil {
			t.Fatal(err)
		}
		if sync != "2" || journal != "wal" {
			t.Errorf("replicated=%v: the writer runs synchronous=%s journal_mode=%s, want 2 (FULL) and wal", replicated, sync, journal)
		}
		db.Close()
	}
}
