package whatsapp_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"highvibe/app/channels/whatsapp"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// BenchmarkWhatsAppPages measures what a message costs the tenant's file and the processor in a
// way the machine's load does not move: the WAL pages it writes (each one written by SQLite, read
// and compressed by Litestream and copied back by its checkpoint) and, second, the CPU. It stores
// the traffic benchmark's senders and texts three messages to a delivery and a commit (about the
// binary's acknowledging groups), through the webhook's own store-and-process path, with the
// search documents rebuilt after every 30 deliveries as the inbox_search job does under a burst.
// 20,000 messages are stored first, then 4,000 are measured with the WAL never checkpointed, so
// its size counts the pages: wal-pages/msg for the acknowledging transactions, search-pages/msg
// for the search job's, and the CPU of each. Run it with -benchtime 1x.
func BenchmarkWhatsAppPages(b *testing.B) {
	e, _, h := benchEnv(b)
	db := e.DB("acme")
	ctx := context.Background()
	texts := trafficTexts()
	n := 0
	var searchPages int
	measure := false
	deliver := func(count int) (ingest, search time.Duration, err error) {
		runSearch := func() error {
			before := 0
			if measure {
				before = walFrames(b, db)
			}
			c0 := processCPU()
			_, err := inbox.IndexPendingNow(ctx, db)
			search += processCPU() - c0
			if measure {
				searchPages += walFrames(b, db) - before
			}
			return err
		}
		for i := 0; i < count; i += 3 {
			msgs := make([]string, 3)
			for k := range msgs {
				n++
				r := uint64(n) * 0x9E3779B97F4A7C15
				from := fmt.Sprintf("9053%08d", (r>>8)%5000)
				if (r>>32)%5 == 0 {
					from = fmt.Sprintf("9053%08d", (r>>8)%50)
				}
				msgs[k] = textMsg(from, fmt.Sprintf("wamid.pages%d", n), texts[(r>>20)%uint64(len(texts))])
			}
			d, err := whatsapp.Parse([]byte(payload(msgs...)))
			if err != nil {
				return 0, 0, err
			}
			c0 := processCPU()
			if _, err := h.Accept(ctx, "acme", db, d); err != nil {
				return 0, 0, err
			}
			ingest += processCPU() - c0
			if (i/3)%30 == 29 {
				if err := runSearch(); err != nil {
					return 0, 0, err
				}
			}
		}
		return ingest, search, runSearch()
	}
	if _, _, err := deliver(20000); err != nil {
		b.Fatal(err)
	}
	conn, err := db.Write.Conn(ctx) // the writer's one connection: the pragma stays on it
	if err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		b.Fatal(err)
	}
	conn.Close()
	const measured = 4002
	measure = true
	b.ResetTimer()
	var ingest, search time.Duration
	pages := 0
	for range b.N {
		before := walFrames(b, db)
		ing, srch, err := deliver(measured)
		if err != nil {
			b.Fatal(err)
		}
		ingest, search = ingest+ing, search+srch
		pages += walFrames(b, db) - before
	}
	msgs := float64(measured * b.N)
	b.ReportMetric(float64(pages-searchPages)/msgs, "wal-pages/msg")
	b.ReportMetric(float64(searchPages)/msgs, "search-pages/msg")
	b.ReportMetric(float64(ingest.Microseconds())/msgs, "cpu-µs/msg")
	b.ReportMetric(float64(search.Microseconds())/msgs, "search-cpu-µs/msg")
}

// walFrames counts the frames in db's WAL file.
func walFrames(b *testing.B, db *tenantdb.DB) int {
	f, err := os.Open(db.Path + "-wal")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	hdr := make([]byte, 32)
	if _, err := io.ReadFull(f, hdr); err != nil {
		return 0
	}
	st, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	page := int64(binary.BigEndian.Uint32(hdr[8:12]))
	return int((st.Size() - 32) / (page + 24))
}
