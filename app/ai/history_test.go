package ai

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"highvibe/app/tenantdb"
	"highvibe/schema"
)

// The customer's earlier messages the assistant reads with a new one are the ones just before it,
// however long the conversation: it read them out of the thread's first 500, so from the 501st
// message on it "remembered" what the customer said months ago instead of a minute ago.
func TestEarlierInboundAreTheLatestBeforeTheMessage(t *testing.T) {
	ctx := context.Background()
	db, err := tenantdb.Open(ctx, filepath.Join(t.TempDir(), "t.db"), schema.FS, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	var conv, target int64
	w := db.Write
	if _, err := w.ExecContext(ctx, `INSERT INTO leads(name, source, created_at, updated_at) VALUES('Ali', 'whatsapp', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	if err := w.QueryRowContext(ctx, `INSERT INTO conversations(lead_id, channel, last_message_at, created_at, updated_at) VALUES(1, 'whatsapp', 1, 1, 1) RETURNING id`).Scan(&conv); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 700; i++ {
		dir := "inbound"
		if i%2 == 0 {
			dir = "outbound"
		}
		var id int64
		if err := w.QueryRowContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, body, channel, created_at) VALUES(?, ?, 'customer', ?, 'whatsapp', ?) RETURNING id`,
			conv, dir, fmt.Sprintf("m%d", i), i).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if i == 651 {
			target = id
		}
	}
	got, err := earlierInbound(ctx, db, conv, target)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"m645", "m647", "m649"}; !slices.Equal(got, want) {
		t.Fatalf("history %q, want %q", got, want)
	}
}
