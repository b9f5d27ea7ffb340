package whatsapp_test

import (
	"bytes"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/tenantdb"
)

// benchEnv is a server with the job runner stopped, tenant acme with the test app secret, a
// webhook key and the webhook handler.
func benchEnv(b *testing.B) (*apptest.Env, string, *whatsapp.Webhook) {
	e := apptest.NewWith(b, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", map[string]string{"whatsapp_app_secret": testSecret})
	return e, e.APIKey("acme", "whatsapp_webhook"), e.Handlers.Channels.WhatsApp
}

// BenchmarkWhatsAppWebhook measures accepted webhook messages per second: key check, body read,
// signature check, envelope check and the durable commit of the body plus its processing job (README: Performance).
func BenchmarkWhatsAppWebhook(b *testing.B) {
	_, key, h := benchEnv(b)
	bodies, sigs := make([][]byte, 1024), make([]string, 1024)
	for i := range bodies {
		bodies[i] = []byte(payload(textMsg("905321234567", fmt.Sprintf("wamid.bench%d", i), "800 m² kilit parke 8 cm, stok var mı?")))
		sigs[i] = whatsapp.Sign(bodies[i], testSecret)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		req := httptest.NewRequest(http.MethodPost, "/api/webhooks/whatsapp/", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("X-Api-Key", key)
		req.Header.Set("X-Hub-Signature-256", sigs[i%len(sigs)])
		w := httptest.NewRecorder()
		h.Receive(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkWhatsAppWebhookParallel is the same with concurrent deliveries, as Meta sends them:
// deliveries that arrive together share one commit.
func BenchmarkWhatsAppWebhookParallel(b *testing.B) {
	_, key, h := benchEnv(b)
	body := []byte(payload(textMsg("905321234567", "wamid.benchp", "800 m² kilit parke 8 cm, stok var mı?")))
	sig := whatsapp.Sign(body, testSecret)
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest(http.MethodPost, "/api/webhooks/whatsapp/", bytes.NewReader(body))
			req.Header.Set("X-Api-Key", key)
			req.Header.Set("X-Hub-Signature-256", sig)
			w := httptest.NewRecorder()
			h.Receive(w, req)
			if w.Code != 200 {
				b.Errorf("status %d: %s", w.Code, w.Body)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkRawSQLiteInsert is the yardstick: one small INSERT per write transaction on the same
// driver and pragmas, nothing else.
func BenchmarkRawSQLiteInsert(b *testing.B) {
	db, err := tenantdb.Open(b.Context(), filepath.Join(b.TempDir(), "raw.db"), nil, "")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Write.Exec(`CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB NOT NULL, created_at INTEGER NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	body := []byte(payload(textMsg("905321234567", "wamid.raw", "800 m² kilit parke 8 cm, stok var mı?")))
	b.ResetTimer()
	for b.Loop() {
		if err := db.InTx(b.Context(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO t(body, created_at) VALUES(?, ?)`, body, tenantdb.Now())
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkWhatsAppProcess measures processing alone: b.N signed deliveries (one message each,
// from 50 senders) are accepted with the job runner stopped, then the runner starts and the time
// until every one is an inbox message is taken.
func BenchmarkWhatsAppProcess(b *testing.B) {
	e, key, h := benchEnv(b)
	for i := range b.N {
		body := []byte(payload(textMsg(fmt.Sprintf("9053212%05d", i%50), fmt.Sprintf("wamid.proc%d", i), "800 m² kilit parke 8 cm, stok var mı?")))
		req := httptest.NewRequest(http.MethodPost, "/api/webhooks/whatsapp/", bytes.NewReader(body))
		req.Header.Set("X-Api-Key", key)
		req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(body, testSecret))
		w := httptest.NewRecorder()
		h.Receive(w, req)
		if w.Code != 200 {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
	db := e.DB("acme")
	b.ResetTimer()
	if err := e.Server.Start(b.Context()); err != nil {
		b.Fatal(err)
	}
	for {
		var n int
		if err := db.Read.QueryRow(`SELECT count(*) FROM messages WHERE channel = 'whatsapp'`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n >= b.N {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
