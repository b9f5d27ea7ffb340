package inbox

import (
	"cmp"
	"context"
	"encoding/binary"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestIngestMovesOnlyIndexesThatChange: a known customer's next message writes to the WAL only
// the pages of the b-trees whose entries really change, and every conversation index it moves is
// one an inbox query reads. SQLite rewrites an index entry for every column an UPDATE names,
// changed or not, and each rewritten entry is a page written, copied by Litestream and
// checkpointed back: the thread key's and the waiting sort's entries used to move with every
// message although neither changed, and conversations_unread moved although no query reads it.
// The pages are told apart by parsing the WAL the message's transaction wrote on a tiny database,
// where every b-tree is its root page.
func TestIngestMovesOnlyIndexesThatChange(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	s := &Service{Channels: FakeChannels()}
	in := Inbound{Channel: "whatsapp", ExternalID: "905321234567", Phone: "+905321234567", Name: "Ayşe", Body: "Merhaba"}
	first, err := s.Ingest(ctx, "acme", db, withID(in, "wamid.P1", time.Now().Add(-time.Minute)))
	if err != nil {
		t.Fatal(err)
	}
	roots := map[int64]string{}
	rows, err := db.Read.Query(`SELECT rootpage, name FROM sqlite_schema WHERE rootpage > 0`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var p int64
		var name string
		if err := rows.Scan(&p, &name); err != nil {
			t.Fatal(err)
		}
		roots[p] = name
	}
	rows.Close()
	if _, err := db.Write.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	second, err := s.Ingest(ctx, "acme", db, withID(in, "wamid.P2", time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if second.NewConversation || second.ConversationID != first.ConversationID {
		t.Fatalf("the second message opened another conversation: %+v after %+v", second, first)
	}
	wal, err := os.ReadFile(db.Path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	pageSize := int(binary.BigEndian.Uint32(wal[8:12]))
	for off := 32; off+24+pageSize <= len(wal); off += 24 + pageSize {
		if name, ok := roots[int64(binary.BigEndian.Uint32(wal[off:off+4]))]; ok {
			written[name] = true
		}
	}
	if !written["conversations"] || !written["conversations_last"] || !written["messages"] {
		t.Fatalf("the WAL does not hold the message's pages (written: %v)", keys(written))
	}
	// Neither the thread key, the time the customer started waiting nor the phone changed.
	for _, name := range []string{"conversations_channel_ext", "conversations_waiting", "leads_phone"} {
		if written[name] {
			t.Errorf("a known customer's message rewrote %s, whose entry did not change", name)
		}
	}
	// Every conversation index the message moved serves an inbox list, counter or sort, or a look-up.
	read := map[string]bool{}
	for _, bf := range benchFilters {
		f := bf.f
		if f.Q != "" || f.Tag != "" {
			continue
		}
		f.Sort, f.Limit = cmp.Or(f.Sort, "newest"), PageSize
		p, err := planList(ctx, db.Read, f)
		if err != nil {
			t.Fatal(err)
		}
		markIndexes(t, db.Read, p.sql, p.args, read)
	}
	for _, q := range []string{`SELECT count(*) FROM conversations c WHERE ` + unreadWaiting, `SELECT count(*) FROM conversations c WHERE ` + handoffWaiting,
		`SELECT count(*) FROM conversations WHERE state IN ('won','lost')`, qThreadConversation, qOpenConversation, qOpenConversationExt} {
		markIndexes(t, db.Read, q, make([]any, strings.Count(q, "?")), read)
	}
	for name := range written {
		if strings.HasPrefix(name, "conversations_") && !read[name] {
			t.Errorf("a customer's message moved %s, which no inbox query reads", name)
		}
	}
}

func withID(in Inbound, id string, at time.Time) Inbound {
	in.ProviderMessageID, in.At = id, at
	return in
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// markIndexes records the indexes the plan of q reads.
func markIndexes(t *testing.T, q Querier, sqlq string, args []any, read map[string]bool) {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+sqlq, args...)
	if err != nil {
		t.Fatalf("%s: %v", sqlq, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		if _, after, ok := strings.Cut(detail, " INDEX "); ok {
			read[strings.Fields(after)[0]] = true
		}
	}
}
