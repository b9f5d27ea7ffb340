package app_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/tenantdb"
)

// BenchmarkEraseLargeTenant measures a KVKK erasure on a busy tenant, through HTTP as the owner
// does it, and what customers feel meanwhile: WhatsApp deliveries keep arriving (one every 20 ms)
// and the benchmark reports the slowest acknowledgement during the erasure. The tenant is filled
// through the real webhook (300 senders), then its largest tables are grown by copying rows to
// ERASE_BENCH_ROWS (default 200000) messages, action-log rows and finished jobs each: the shape of
// a year of a busy contractor. Run:
//
//	go test ./app -run '^$' -bench EraseLargeTenant -benchtime 1x
func BenchmarkEraseLargeTenant(b *testing.B) {
	rows := 200000
	if s := os.Getenv("ERASE_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			b.Fatal(err)
		}
		rows = n
	}
	e := apptest.New(b)
	e.Tenant("acme")
	const secret = "erase-bench"
	e.Set("acme", map[string]string{"whatsapp_app_secret": secret})
	key := e.APIKey("acme", "whatsapp_webhook")
	c := e.Client()
	seq := 0
	deliver := func(waID, text string) (time.Duration, error) {
		seq++
		body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Müşteri %s"},"wa_id":%q}],
"messages":[{"from":%q,"id":"wamid.bench%d","timestamp":"1735689600","type":"text","text":{"body":%q}}]},"field":"messages"}]}]}`,
			waID[len(waID)-4:], waID, waID, seq, text))
		t0 := time.Now()
		r := c.PostJSON("/api/webhooks/whatsapp/", body, map[string]string{"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign(body, secret)})
		if r.StatusCode != 200 {
			return 0, fmt.Errorf("webhook: %d %s", r.StatusCode, r.Body)
		}
		return time.Since(t0), nil
	}
	const senders = 300
	for i := range senders {
		if _, err := deliver(fmt.Sprintf("90532%07d", i), "Merhaba, 120 m2 mermer zemin için fiyat alabilir miyim? Adres Kadıköy."); err != nil {
			b.Fatal(err)
		}
	}
	db := e.DB("acme")
	ctx := context.Background()
	// Wait for the deliveries' own jobs, then grow the big tables by copying what the real path wrote.
	settle(b, db)
	grow := map[string]string{
		"messages": `INSERT INTO messages(conversation_id, direction, author_kind, body, channel, created_at)
			SELECT conversation_id, direction, author_kind, body, channel, created_at FROM messages ORDER BY id LIMIT ?`,
		"action_logs": `INSERT INTO action_logs(provider, action_type, status, decision_summary, input_excerpt, output_excerpt, payload,
			model_name, actor_user_id, actor_name, conversation_id, created_at, prev_hash, hash)
			SELECT provider, action_type, status, decision_summary, input_excerpt, output_excerpt, payload,
			model_name, actor_user_id, actor_name, conversation_id, created_at, prev_hash, hash FROM action_logs ORDER BY id LIMIT ?`,
		"jobs": `INSERT INTO jobs(kind, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at, lane)
			SELECT kind, payload, 'done', attempts, max_attempts, run_at, last_error, created_at, updated_at, lane FROM jobs WHERE status = 'done' ORDER BY id LIMIT ?`,
	}
	t0 := time.Now()
	for _, table := range []string{"messages", "action_logs", "jobs"} {
		for {
			var n int
			if err := db.Read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
				b.Fatal(err)
			}
			if n >= rows {
				break
			}
			if _, err := db.Write.ExecContext(ctx, grow[table], min(n, rows-n)); err != nil {
				b.Fatalf("%s: %v", table, err)
			}
		}
	}
	b.Logf("grew messages, action_logs and finished jobs to %d rows each in %s", rows, time.Since(t0).Round(time.Millisecond))

	owner := e.User("acme", "olga", "owner")
	leads, err := tenantdb.IDs(ctx, db.Read, `SELECT id FROM leads ORDER BY id LIMIT ?`, b.N)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var worstAck, total time.Duration
	for i := 0; i < b.N; i++ {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var acks []time.Duration
		var ackErr error
		wg.Go(func() {
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				case <-tick.C:
				}
				d, err := deliver(fmt.Sprintf("90533%07d", k%50), "Yarın keşfe gelebilir misiniz?")
				if err != nil {
					ackErr = err
					return
				}
				acks = append(acks, d)
			}
		})
		start := time.Now()
		page := fmt.Sprintf("/app/kvkk/leads/%d/erase", leads[i%len(leads)])
		resp := owner.Post(page, url.Values{"reason": {"müşteri WhatsApp'tan silinmesini istedi"}, "confirm": {"ERASE"}})
		took := time.Since(start)
		close(stop)
		wg.Wait()
		if resp.StatusCode != 303 {
			b.Fatalf("erase: %d %s", resp.StatusCode, resp.Body)
		}
		if ackErr != nil {
			b.Fatal(ackErr)
		}
		total += took
		if len(acks) > 0 {
			worstAck = max(worstAck, slices.Max(acks))
		}
		b.Logf("erase %d: %s; %d deliveries acknowledged meanwhile, slowest %s", i, took.Round(time.Millisecond), len(acks), worstAck.Round(time.Millisecond))
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "erase-ms")
	b.ReportMetric(float64(worstAck.Milliseconds()), "worst-ack-ms")
}
