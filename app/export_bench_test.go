package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
	"highvibe/schema"
)

// procKB reads a /proc/<pid>/status field (VmRSS, VmHWM) in KB, 0 when it cannot.
func procKB(pid int, field string) int64 {
	kb, _ := procStatusKB(pid, field)
	return kb
}

// exportBenchData is a data directory with tenant acme (owner "owner") holding n conversations
// of two messages each, made once and kept in the temp directory (seeding a million takes
// minutes); EXPORT_BENCH_CACHE=0 makes it afresh.
func exportBenchData(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("highvibe-export-bench-v1-%d", n))
	if os.Getenv("EXPORT_BENCH_CACHE") != "0" {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			b.Logf("reusing %s", dir)
			return dir
		}
	}
	_ = os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	for _, args := range [][]string{
		{"tenant", "create", "--slug", "acme", "--name", "Acme", "--locale", "tr"},
		{"user", "create", "--username", "owner", "--password-stdin", "--tenant", "acme", "--role", "owner"},
	} {
		if _, errs, code := apptest.CLI(b, dir, "bench-password-123\n", args...); code != 0 {
			b.Fatalf("%v: %s", args, errs)
		}
	}
	ctx := context.Background()
	db, err := tenantdb.Open(ctx, filepath.Join(dir, "tenants", "acme.db"), schema.FS, "tenant")
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Now()
	rng := rand.New(rand.NewPCG(7, 8))
	names := []string{"Ayşe Yılmaz", "Mehmet Çavuş", "Işık Öztürk", "İsmail Kaya", "Şule Demir", "Gül Şahin"}
	texts := []string{"Merhaba, mutfak için parke fiyatı alabilir miyim? 40 m2 civarı.", "Tabii, meşe parke m2 fiyatımız 850 TL, keşif ücretsiz.",
		"Banyo mermeri ne kadar sürer?", "=1+1 yazınca ne oluyor", "Yarın keşif için uygun musunuz?"}
	states := []string{"new", "contacted", "engaged", "qualified", "offer", "won", "lost"}
	channels := []string{"whatsapp", "webchat", "telegram"}
	now := time.Now().UnixMilli()
	const batch = 20000
	for start := 0; start < n; start += batch {
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			lead, err := tx.Prepare(`INSERT INTO leads(id, name, phone, phone_e164, email, source, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?)`)
			if err != nil {
				return err
			}
			conv, err := tx.Prepare(`INSERT INTO conversations(id, lead_id, channel, state, urgency_score, summary, last_message_at, created_at, updated_at)
				VALUES(?,?,?,?,?,?,?,?,?)`)
			if err != nil {
				return err
			}
			msg, err := tx.Prepare(`INSERT INTO messages(conversation_id, direction, author_kind, body, channel, created_at) VALUES(?,?,?,?,?,?)`)
			if err != nil {
				return err
			}
			for i := start + 1; i <= min(n, start+batch); i++ {
				ph := fmt.Sprintf("+90 5%02d %03d %02d %02d", rng.IntN(60), rng.IntN(1000), rng.IntN(100), rng.IntN(100))
				at := now - rng.Int64N(180*24*3600*1000)
				ch := channels[rng.IntN(len(channels))]
				if _, err := lead.Exec(i, names[rng.IntN(len(names))], ph, "", "user"+strconv.Itoa(i)+"@example.com", ch, at, at); err != nil {
					return err
				}
				if _, err := conv.Exec(i, i, ch, states[rng.IntN(len(states))], rng.IntN(101), "tr", at+60000, at, at); err != nil {
					return err
				}
				for m := range 2 {
					dir, who := "inbound", "customer"
					if m == 1 {
						dir, who = "outbound", "user"
					}
					if _, err := msg.Exec(i, dir, who, texts[rng.IntN(len(texts))], ch, at+int64(m)*60000); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d conversations, %d messages in %s", n, 2*n, time.Since(t0).Round(time.Second))
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ready"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkExportBinary exports every conversation of a tenant (EXPORT_BENCH_CONVS, default
// 1,000,000, two messages each) as CSV and as XLSX from the real binary over HTTP, reading the
// answer as it streams, and reports the server's peak RSS during each export (VmRSS sampled every
// 50 ms, and VmHWM, the process's high-water mark since start), the bytes and the rate. Budget:
// peak RSS ≤ 150 MB.
//
//	go test ./app -run '^$' -bench ExportBinary -benchtime 1x -timeout 60m
func BenchmarkExportBinary(b *testing.B) {
	n := 1_000_000
	if s := os.Getenv("EXPORT_BENCH_CONVS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	dir := exportBenchData(b, n)
	srv := apptest.Serve(b, dir, nil)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", srv.URL+"/login/", strings.NewReader(url.Values{"username": {"owner"}, "password": {"bench-password-123"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("login: %v %v", err, res)
	}
	res.Body.Close()
	pid := srv.PID()
	b.Logf("server idle: VmRSS %d KB", procKB(pid, "VmRSS"))
	for b.Loop() {
		for _, format := range []string{"csv", "xlsx"} {
			var peak atomic.Int64
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				t := time.NewTicker(50 * time.Millisecond)
				defer t.Stop()
				for {
					if v := procKB(pid, "VmRSS"); v > peak.Load() {
						peak.Store(v)
					}
					select {
					case <-stop:
						return
					case <-t.C:
					}
				}
			}()
			t0 := time.Now()
			req, _ := http.NewRequest("GET", srv.URL+"/app/inbox/export?format="+format, nil)
			req.Header.Set("Accept-Encoding", "identity") // count the file's own bytes
			res, err := c.Do(req)
			if err != nil || res.StatusCode != 200 {
				b.Fatalf("export %s: %v %v", format, err, res)
			}
			var first time.Duration
			buf := make([]byte, 64<<10)
			var size int64
			for {
				k, err := res.Body.Read(buf)
				if size == 0 && k > 0 {
					first = time.Since(t0)
				}
				size += int64(k)
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			res.Body.Close()
			took := time.Since(t0)
			close(stop)
			<-done
			hwm := procKB(pid, "VmHWM")
			b.Logf("%s: %d conversations, %.1f MB in %s (first byte after %s, %.0f rows/s); server peak VmRSS %.1f MB, VmHWM %.1f MB",
				format, n, float64(size)/(1<<20), took.Round(time.Millisecond), first.Round(time.Millisecond), float64(n)/took.Seconds(),
				float64(peak.Load())/1024, float64(hwm)/1024)
			b.ReportMetric(float64(peak.Load())/1024, format+"-peak-rss-MB")
			b.ReportMetric(float64(n)/took.Seconds(), format+"-rows/s")
			if peak.Load() > 150*1024 {
				b.Errorf("%s export: peak RSS %.1f MB over the 150 MB budget", format, float64(peak.Load())/1024)
			}
		}
	}
}
