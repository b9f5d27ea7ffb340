package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
)

// TestBatchedIngestExactlyOnceAfterKill: the real binary is killed with SIGKILL while 16 clients
// send signed deliveries through one key and the job runner is writing batches of them into the
// inbox. After a restart every delivery that was answered 200 is an inbox message exactly once,
// and no message is stored twice.
func TestBatchedIngestExactlyOnceAfterKill(t *testing.T) {
	t.Parallel()
	data := filepath.Join(t.TempDir(), "data")
	const slug, secret = "tas-parke", "app-secret-for-the-crash"
	key := whatsAppTenant(t, data, slug, secret)
	dbPath := filepath.Join(data, "tenants", slug+".db")

	srv := apptest.Serve(t, data, nil)
	url := srv.URL + "/api/webhooks/whatsapp/"
	var (
		mu      sync.Mutex
		acked   []string
		nAcked  atomic.Int64
		seq     atomic.Int64
		wg      sync.WaitGroup
		stopped atomic.Bool
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 16 {
		wg.Go(func() {
			for !stopped.Load() {
				i := seq.Add(1)
				id := fmt.Sprintf("wamid.crash.%06d", i)
				from := fmt.Sprintf("90533%07d", i%300)
				body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"905320000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Müşteri %d"},"wa_id":"%s"}],"messages":[{"from":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"Kilit parke için keşif rica ediyorum (%d)"}}]}}]}]}`,
					i%300, from, from, id, time.Now().Unix(), i))
				req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Api-Key", key)
				req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, secret))
				resp, err := client.Do(req)
				if err != nil {
					stopped.Store(true) // the server is gone
					return
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
					nAcked.Add(1)
				} else if resp.StatusCode != http.StatusServiceUnavailable {
					t.Errorf("delivery %s answered %d", id, resp.StatusCode)
				}
			}
		})
	}
	// Kill once processing is under way and deliveries are still arriving: some messages are in
	// the inbox, more are acknowledged and waiting, and requests are in flight.
	ro, err := openReadOnly(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	stored := func() int {
		var n int
		_ = ro.QueryRow(`SELECT count(*) FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'`).Scan(&n)
		return n
	}
	deadline := time.Now().Add(90 * time.Second)
	for nAcked.Load() < 300 || stored() == 0 {
		if time.Now().After(deadline) {
			stopped.Store(true)
			wg.Wait()
			t.Fatalf("after 90 s: %d acknowledged, %d stored; the kill never came mid-burst\n%s", nAcked.Load(), stored(), srv.Log())
		}
		time.Sleep(20 * time.Millisecond)
	}
	srv.Kill()
	stopped.Store(true)
	wg.Wait()
	mu.Lock()
	ids := append([]string(nil), acked...)
	mu.Unlock()
	t.Logf("killed with %d deliveries acknowledged and %d in the inbox", len(ids), stored())

	apptest.Serve(t, data, nil)
	got := waitInboundMessages(t, dbPath, ids, 120*time.Second)
	missing := 0
	for _, id := range ids {
		if got[id] == 0 {
			missing++
		}
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("message %s stored %d times, want once", id, n)
		}
	}
	if missing > 0 {
		t.Fatalf("%d of %d acknowledged deliveries are not in the inbox after kill -9 and restart", missing, len(ids))
	}
}

// whatsAppTenant creates a tenant with the binary's CLI, as an owner would: an app secret for
// signed deliveries, a verify token "verify", and a webhook key, which it returns.
func whatsAppTenant(t *testing.T, data, slug, secret string) string {
	t.Helper()
	cli := func(args ...string) string {
		out, errOut, code := apptest.CLI(t, data, "", args...)
		if code != 0 {
			t.Fatalf("highvibe %v: exit %d: %s", args, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	cli("tenant", "create", "--slug", slug, "--name", "Taş Parke", "--niche", "parke_tas", "--locale", "tr")
	cli("tenant", "set", "--slug", slug, "whatsapp_app_secret="+secret, "whatsapp_verify_token=verify")
	out := cli("apikey", "create", "--tenant", slug, "--name", "meta", "--scope", "whatsapp_webhook")
	return out[strings.LastIndex(out, "\n")+1:]
}
