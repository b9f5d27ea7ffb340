package inbox

import (
	"context"
	"fmt"
	"testing"
	"time"

	"highvibe/app/audit"
)

// TestBatchActionLogChainHolds: a batch appends an action-log row for every message through its
// statements, and audit.Write skips the sequence read when the newest row is the one it appended
// last through them. Rows written in the same transaction another way (straight on the
// transaction, as a channel's delivery notes are) must still be seen: every id is new and the
// chain verifies.
func TestBatchActionLogChainHolds(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	s := &Service{Channels: FakeChannels()}
	err := s.IngestBatch(ctx, "acme", db, func(b *Batch) error {
		for i := range 6 {
			in := Inbound{Channel: "whatsapp", ExternalID: fmt.Sprintf("9053212345%02d", i%3), Phone: fmt.Sprintf("+9053212345%02d", i%3), Body: "Merhaba"}
			if _, err := b.Ingest(withID(in, fmt.Sprintf("wamid.T%d", i), time.Now())); err != nil {
				return err
			}
			if i%2 == 1 { // a row the batch's statements did not write
				if _, err := audit.Write(ctx, b.Tx(), audit.Entry{Provider: "whatsapp_webhook", ActionType: "status", Summary: "delivered"}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := audit.Verify(ctx, db); err != nil || n != 9 {
		t.Fatalf("verified %d rows, err %v; want the 9 rows", n, err)
	}
	if n := count(t, db, `SELECT count(DISTINCT id) FROM action_logs`); n != 9 {
		t.Fatalf("%d distinct ids, want 9", n)
	}
	if n := count(t, db, `SELECT seq FROM sqlite_sequence WHERE name = 'action_logs'`); n != count(t, db, `SELECT max(id) FROM action_logs`) {
		t.Fatalf("sequence %d behind the newest row", n)
	}
}
