package app_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
)

// TestOutsideSQLiteShellLosesNothing is the admin who looks into a tenant file with Debian's
// sqlite3 while the server runs with the shipped litestream.yml: a quiet period (longer than one
// replication directory scan), an outside read — or an outside checkpoint — then a burst of
// signed WhatsApp deliveries, then kill -9. After the restart every acknowledged delivery is an
// inbox message exactly once and /readyz/ is 200 throughout. Before the fix the outside shell
// deleted the WAL under the server and none of the acknowledged deliveries survived the crash.
func TestOutsideSQLiteShellLosesNothing(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts the real binary; skipped in -short mode")
	}
	shell, err := exec.LookPath("sqlite3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("sqlite3 shell not installed (.ci/run installs Debian's sqlite3)")
		}
		t.Skip("sqlite3 shell not installed; install Debian's sqlite3 to run this test")
	}
	for _, c := range []struct{ name, sql string }{
		{"reader", "SELECT count(*) FROM messages"},
		{"writer", "PRAGMA wal_checkpoint(TRUNCATE)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			outsideShellScenario(t, shell, c.sql)
		})
	}
}

func outsideShellScenario(t *testing.T, shell, outsideSQL string) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	yml, err := os.ReadFile("../litestream.yml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "litestream.yml"), yml, 0o644); err != nil {
		t.Fatal(err)
	}
	const slug, secret = "tas-parke", "app-secret-for-the-test"
	key := whatsAppTenant(t, data, slug, secret)
	dbPath := filepath.Join(data, "tenants", slug+".db")
	start := func() *apptest.Proc {
		srv := apptest.Serve(t, data, nil, "--litestream", filepath.Join(root, "litestream.yml"))
		if code, body := srv.Get("/readyz/"); code != http.StatusOK {
			t.Fatalf("/readyz/ = %d\n%s", code, body)
		}
		return srv
	}
	srv := start()
	// The quiet period: nothing happens in the tenant for longer than one directory scan of the
	// replication (every 5 s), long enough for the old scan to have dropped the server's locks.
	time.Sleep(6 * time.Second)
	if msg, err := exec.Command(shell, dbPath, outsideSQL).CombinedOutput(); err != nil {
		t.Fatalf("sqlite3 %q: %v\n%s", outsideSQL, err, msg)
	}

	const n = 300
	acked := sendSignedBurst(t, srv.URL+"/api/webhooks/whatsapp/", key, secret, n)
	if len(acked) != n {
		t.Fatalf("%d of %d deliveries acknowledged; want all\n%s", len(acked), n, srv.Log())
	}
	if code, body := srv.Get("/readyz/"); code != http.StatusOK {
		t.Fatalf("/readyz/ before the crash = %d\n%s", code, body)
	}
	srv.Kill()

	start()
	got := waitInboundMessages(t, dbPath, acked, 60*time.Second)
	for id, count := range got {
		if count != 1 {
			t.Errorf("delivery %s stored %d times, want once", id, count)
		}
	}
	if missing := n - len(got); missing > 0 {
		t.Fatalf("%d of %d acknowledged deliveries are not in the tenant file after kill -9 and restart", missing, n)
	}
}

// sendSignedBurst posts n single-message WhatsApp envelopes from 8 clients and returns the
// message ids of the deliveries answered 200.
func sendSignedBurst(t *testing.T, url, key, secret string, n int) []string {
	t.Helper()
	var (
		mu    sync.Mutex
		acked []string
		next  atomic.Int64
		wg    sync.WaitGroup
	)
	for range 8 {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				id := fmt.Sprintf("wamid.outside-shell.%04d", i)
				from := fmt.Sprintf("90532%07d", i%40)
				body := fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"905320000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Müşteri %d"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"Bahçe için taş döşeme fiyatı alabilir miyim? (%d)"}}]}}]}]}`,
					i%40, from, from, id, time.Now().Unix(), i)
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader([]byte(body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Api-Key", key)
				req.Header.Set("X-Hub-Signature-256", whatsapp.Sign([]byte(body), secret))
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	return acked
}

// waitInboundMessages waits until every acknowledged id is an inbound WhatsApp message in the
// tenant file (read by this test process, outside the server) and returns how often each inbound
// WhatsApp message id is there.
func waitInboundMessages(t *testing.T, dbPath string, ids []string, timeout time.Duration) map[string]int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbPath+"?_pragma=busy_timeout(10000)&_pragma=query_only(ON)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	deadline := time.Now().Add(timeout)
	for {
		got := map[string]int{}
		rows, err := db.Query(`SELECT provider_message_id FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			got[id]++
		}
		rows.Close()
		done := true
		for id := range want {
			if got[id] == 0 {
				done = false
				break
			}
		}
		if done || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}
