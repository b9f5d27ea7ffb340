package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
)

// TestCleanStopLeavesNoWALBehind: a server replicating with Litestream, stopped cleanly, left each
// quiet business's tenants/<slug>.db-wal and -shm beside its file (Litestream's connection, which
// keeps the WAL on purpose, was the last one to close once the server's pools had given a quiet
// tenant's connections back), and `highvibe restore` then refused to put a file there. Now a
// clean stop checkpoints each file once Litestream's last sync has shipped it and closes it: no
// -wal or -shm is left, the replica restores every row the file holds, and after quiet restarts
// (Litestream finds the WAL gone) it still does.
func TestCleanStopLeavesNoWALBehind(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	const slug, secret = "tas-parke", "app-secret-for-the-clean-stop"
	key := whatsAppTenant(t, data, slug, secret)
	tenant := filepath.Join(data, "tenants", slug+".db")

	for round := 1; round <= 3; round++ {
		srv := apptest.Serve(t, data, []string{"HIGHVIBE_LITESTREAM=" + cfg})
		// Litestream takes a file up at its first sync; one stopped before that ships nothing.
		for deadline := time.Now().Add(30 * time.Second); ; {
			_, body := srv.Get("/readyz/")
			if strings.Contains(body, slug+".db → ") && !strings.Contains(body, "(last sync never)") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("round %d: replication did not start: %s", round, body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		// The first start takes a customer's message; the others are quiet restarts (an update),
		// where the server's pools had given the business's connections back.
		if round == 1 {
			from := fmt.Sprintf("9053300000%02d", round)
			body := []byte(fmt.Sprintf(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"905320000000","phone_number_id":"1"},"contacts":[{"profile":{"name":"Müşteri %d"}, "wa_id":"%s"}],"messages":[{"from":"%s","id":"wamid.stop.%d","timestamp":"%d","type":"text","text":{"body":"Keşif rica ediyorum"}}]}}]}]}`,
				round, from, from, round, time.Now().Unix()))
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/webhooks/whatsapp/", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Api-Key", key)
			req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, secret))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("round %d: delivery answered %d", round, resp.StatusCode)
			}
		}
		srv.Stop()

		for _, p := range []string{tenant, filepath.Join(data, "platform.db")} {
			for _, side := range []string{"-wal", "-shm"} {
				if _, err := os.Stat(p + side); !os.IsNotExist(err) {
					t.Fatalf("round %d: after a clean stop %s%s is still there (%v):\n%s", round, filepath.Base(p), side, err, srv.Log())
				}
			}
		}
		want := tableCounts(t, tenant)
		if want["jobs"]+want["messages"] == 0 {
			t.Fatalf("round %d: the delivery left no row: %v", round, want)
		}
		copyPath := filepath.Join(root, fmt.Sprintf("drill-%d", round), slug+".db")
		if _, errs, code := apptest.CLI(t, data, "", "restore", "--tenant", slug, "--litestream", cfg, "--output", copyPath); code != 0 {
			t.Fatalf("round %d: restore: exit %d %s\n%s", round, code, errs, srv.Log())
		}
		if got := tableCounts(t, copyPath); !reflect.DeepEqual(got, want) {
			t.Fatalf("round %d: the replica lacks what the stopped file holds:\n got  %v\n want %v", round, got, want)
		}
	}
}
