package app_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"highvibe/app/channels/whatsapp"
	"highvibe/app/tenantdb"
)

// BenchmarkWhatsAppLoadBinary measures SPEC §14's webhook budget against the real binary: it
// builds `highvibe`, sets a tenant up with the CLI (API keys with scope whatsapp_webhook, an app
// secret so every POST is signed as Meta signs it), starts `highvibe serve` on a loopback port and
// fires Cloud API envelopes from C keep-alive clients for a fixed time. Only 200 acks count as
// accepted. Afterwards it waits for the job runner to process every stored delivery and checks
// the tenant file: one inbound message per unique wamid, no duplicates, every delivery row
// present. The raw SQLite yardstick is measured in the same run, half before the server starts and
// half after it stopped: one INSERT per transaction into a table shaped like data_import_jobs,
// same driver and DSN pragmas, same disk. It prints one summary per client count.
//
// A benchmark rather than a test, so `go test ./...` never starts it; run it once per setting:
//
//	WA_LOAD_SECONDS=30 WA_LOAD_CLIENTS=8,32 go test ./app -run '^$' -bench WhatsAppLoadBinary -benchtime 1x -timeout 120m
//
// Knobs (environment):
//   - WA_LOAD_SECONDS: load duration (default 20)
//   - WA_LOAD_CLIENTS: comma list of client counts, one server per count (default 8,32)
//   - WA_LOAD_KEYS: API keys the clients rotate over (default 128, see below)
//   - WA_LOAD_RAW_SECONDS: raw-insert duration, half before and half after (default WA_LOAD_SECONDS)
//   - WA_LOAD_DRAIN_TIMEOUT: how long processing may take after the load (default 30m; processing
//     is far slower than acceptance, so this is most of the run time)
//   - WA_LOAD_DIR: parent of the per-run data dirs (default a temp dir), removed after
//   - WA_LOAD_BIN: a prebuilt binary instead of `go build`
//   - WA_LOAD_REPLICA=1: Litestream on, with a file replica next to the data dir (default off: the
//     commit itself is the durability measured)
//
// The per-key limit of the webhook (whatsapp.NewWebhook: 100 requests/s, bursts of 500) stays as
// shipped. One key would cap the run at about 100 POSTs/s, so the clients rotate over WA_LOAD_KEYS
// keys of the same tenant — one tenant file, one writer, as the raw yardstick — and every 429 is
// counted and printed. The summary says which ceiling that leaves.
func BenchmarkWhatsAppLoadBinary(b *testing.B) {
	if testing.Short() {
		b.Skip("builds and starts the binary; skipped in -short mode")
	}
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/<pid>/status for RSS, which only Linux has")
	}
	cfg := loadConfigFromEnv(b)
	bin := buildHighvibe(b)
	for _, c := range cfg.clients {
		b.Run(fmt.Sprintf("clients=%d", c), func(b *testing.B) { runWhatsAppLoad(b, bin, cfg, c) })
	}
}

type loadConfig struct {
	loadFor, rawFor time.Duration
	clients         []int
	keys            int
	drainTimeout    time.Duration
	dir             string
	replica         bool
}

func loadConfigFromEnv(b *testing.B) loadConfig {
	b.Helper()
	secs := func(name string, def time.Duration) time.Duration {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		n, err := strconv.ParseFloat(v, 64)
		if err != nil || n <= 0 {
			b.Fatalf("%s=%q: want seconds or a duration", name, v)
		}
		return time.Duration(n * float64(time.Second))
	}
	c := loadConfig{loadFor: secs("WA_LOAD_SECONDS", 20*time.Second), keys: 128, dir: os.Getenv("WA_LOAD_DIR"),
		replica: os.Getenv("WA_LOAD_REPLICA") == "1"}
	c.rawFor = secs("WA_LOAD_RAW_SECONDS", c.loadFor)
	c.drainTimeout = secs("WA_LOAD_DRAIN_TIMEOUT", 30*time.Minute)
	list := os.Getenv("WA_LOAD_CLIENTS")
	if list == "" {
		list = "8,32"
	}
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			b.Fatalf("WA_LOAD_CLIENTS=%q: want a comma list of counts 1..1024", list)
		}
		c.clients = append(c.clients, n)
	}
	if v := os.Getenv("WA_LOAD_KEYS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			b.Fatalf("WA_LOAD_KEYS=%q: want 1..1000", v)
		}
		c.keys = n
	}
	return c
}

// buildHighvibe builds the binary from the repository root (as TestBinaryRSSWith50IdleTenants does).
func buildHighvibe(b *testing.B) string {
	b.Helper()
	if bin := os.Getenv("WA_LOAD_BIN"); bin != "" {
		return bin
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("the go tool is not on PATH")
	}
	bin := filepath.Join(b.TempDir(), "highvibe")
	cmd := exec.Command(goBin, "build", "-o", bin, ".")
	cmd.Dir = ".." // the repository root, where main.go lives
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// highvibeCLI runs one CLI command against data and returns its stdout.
func highvibeCLI(b *testing.B, bin, data string, args ...string) string {
	b.Helper()
	cmd := exec.Command(bin, append(args, "--data", data)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		b.Fatalf("highvibe %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

const loadSlug = "wa-load"

func runWhatsAppLoad(b *testing.B, bin string, cfg loadConfig, clients int) {
	ctx := context.Background()
	root := cfg.dir
	if root == "" {
		root = b.TempDir()
	} else {
		var err error
		if root, err = os.MkdirTemp(root, "wa-load-"); err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(root)
	}
	data := filepath.Join(root, "data")
	secret := randomHex(b, 16)
	verify := randomHex(b, 8)
	highvibeCLI(b, bin, data, "tenant", "create", "--slug", loadSlug, "--name", "Yük Testi Taş Parke", "--niche", "parke_tas", "--locale", "tr")
	highvibeCLI(b, bin, data, "tenant", "set", "--slug", loadSlug, "whatsapp_app_secret="+secret, "whatsapp_verify_token="+verify)
	keys := make([]string, cfg.keys)
	for i := range keys {
		keys[i] = strings.TrimSpace(highvibeCLI(b, bin, data, "apikey", "create", "--tenant", loadSlug, "--name", fmt.Sprintf("meta-%02d", i), "--scope", "whatsapp_webhook"))
	}
	if cfg.replica {
		yml := "dbs:\n  - path: data/platform.db\n    replica:\n      path: replica/platform.db\n" +
			"  - dir: data/tenants\n    pattern: \"*.db\"\n    replica:\n      path: replica/tenants\n"
		if err := os.WriteFile(filepath.Join(root, "litestream.yml"), []byte(yml), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	// The yardstick runs twice, before the server starts and after it stopped, so a neighbour
	// loading the machine for part of the run skews both sides alike.
	rawPath := filepath.Join(root, "raw.db")
	rawBefore, err := rawInsertRate(ctx, rawPath, cfg.rawFor/2)
	if err != nil {
		b.Fatal(err)
	}
	srv := startHighvibe(b, bin, root, data)
	defer srv.stop()
	base := "http://" + srv.addr + "/api/webhooks/whatsapp/"
	checkHandshake(b, base, keys[0], verify)

	traffic := newLoadTraffic(mrand.Uint64())
	rssLoad := srv.sampleRSS()
	cpu0, self0 := srv.cpuTime(), selfCPU()
	start := time.Now()
	res := fireLoad(base, keys, secret, traffic, clients, cfg.loadFor)
	elapsed := time.Since(start)
	cpu1, self1 := srv.cpuTime(), selfCPU()
	load := rssLoad.stop()
	dbPath := filepath.Join(data, "tenants", loadSlug+".db")
	filesAfterLoad := fileSizes(dbPath)

	rssDrain := srv.sampleRSS()
	drainStart := time.Now()
	drainErr := waitDrained(dbPath, cfg.drainTimeout)
	drain := time.Since(drainStart)
	drained := rssDrain.stop()
	hwm, _ := procStatusKB(srv.pid(), "VmHWM")
	filesAfterDrain := fileSizes(dbPath)
	check, checkErr := verifyLoad(dbPath, res)
	srv.stop()

	rawAfter, err := rawInsertRate(ctx, rawPath, cfg.rawFor/2)
	if err != nil {
		b.Fatal(err)
	}
	raw := (rawBefore + rawAfter) / 2

	secs := elapsed.Seconds()
	accepted := float64(res.acceptedMsgs) / secs
	ratio := accepted / raw
	p := func(q float64) time.Duration { return percentile(res.latencies, q) }
	var s strings.Builder
	fmt.Fprintf(&s, "WhatsApp webhook load against the real binary — %d clients, %s, %d API keys, replication %s\n",
		clients, cfg.loadFor, len(keys), onOff(cfg.replica))
	fmt.Fprintf(&s, "  sent        %d POSTs carrying %d messages (%d POSTs byte-identical redeliveries)\n", res.posts, res.sentMsgs, res.redeliveries)
	fmt.Fprintf(&s, "  accepted    %d × 200 = %d messages in %.1f s → %.0f msgs/s (%.0f POSTs/s); per second min %d / median %d / max %d  [goal ≥ 1000: %s]\n",
		res.acceptedPosts, res.acceptedMsgs, secs, accepted, float64(res.acceptedPosts)/secs, res.perSecMin, res.perSecMedian, res.perSecMax, verdict(accepted >= 1000))
	fmt.Fprintf(&s, "  timeline    accepted msgs in each second: %s\n", strings.Trim(fmt.Sprint(res.perSec), "[]"))
	fmt.Fprintf(&s, "  non-200     %s\n", res.nonOK())
	fmt.Fprintf(&s, "  ack latency p50 %s  p95 %s  p99 %s  max %s (200 acks, request sent → body read)\n",
		ms(p(0.50)), ms(p(0.95)), ms(p(0.99)), ms(p(1)))
	fmt.Fprintf(&s, "  raw SQLite  %.0f inserts/s (%.0f before the server, %.0f after; one INSERT per transaction, same DSN, same disk, %s) → ratio %.2f  [goal ≥ 0.50: %s]\n",
		raw, rawBefore, rawAfter, cfg.rawFor, ratio, verdict(ratio >= 0.5))
	fmt.Fprintf(&s, "  durability  %s; drain %.1f s after the load\n", check, drain.Seconds())
	fmt.Fprintf(&s, "  RSS         load: peak %.1f MB, avg %.1f MB (%d samples); drain: peak %.1f MB; VmHWM %.1f MB  [budget ≤ 150 MB: %s]\n",
		mb(load.peak), mb(load.avg()), load.n, mb(drained.peak), mb(hwm), verdict(max(load.peak, drained.peak) <= 150*1024))
	fmt.Fprintf(&s, "  files       tenant database + WAL: %s after the load, %s after the drain\n", filesAfterLoad, filesAfterDrain)
	fmt.Fprintf(&s, "  CPU         server %.2f cores, load driver %.2f cores, during the load (2-core machine: they share it)\n",
		(cpu1-cpu0).Seconds()/secs, (self1-self0).Seconds()/secs)
	fmt.Fprintf(&s, "  rate limit  none for signed deliveries (only failing requests are counted); %d key(s)\n", len(keys))
	env := fmt.Sprintf("WA_LOAD_SECONDS=%g WA_LOAD_CLIENTS=%d WA_LOAD_KEYS=%d", cfg.loadFor.Seconds(), clients, len(keys))
	if cfg.rawFor != cfg.loadFor {
		env += fmt.Sprintf(" WA_LOAD_RAW_SECONDS=%g", cfg.rawFor.Seconds())
	}
	if cfg.replica {
		env += " WA_LOAD_REPLICA=1"
	}
	fmt.Fprintf(&s, "  command     %s go test ./app -run '^$' -bench WhatsAppLoadBinary -benchtime 1x -timeout 120m\n", env)
	// Printed, not logged: the testing package cuts a benchmark's log to ten lines.
	fmt.Print(s.String())

	b.ReportMetric(0, "ns/op")
	b.ReportMetric(accepted, "msgs/s")
	b.ReportMetric(float64(p(0.99).Microseconds())/1000, "p99-ms")
	b.ReportMetric(raw, "raw-inserts/s")
	b.ReportMetric(ratio, "ratio")
	b.ReportMetric(mb(max(load.peak, drained.peak)), "peak-RSS-MB")
	switch {
	case drainErr != nil: // the counts above are partial; the drain is what failed
		b.Error(drainErr)
	case checkErr != nil:
		b.Error(checkErr)
	}
	if res.acceptedPosts == 0 {
		b.Errorf("no delivery was accepted: %s\nserver log:\n%s", res.nonOK(), srv.logTail())
	}
}

// fileSizes reports a SQLite file and its WAL, e.g. "12.3 + 4.0 MB".
func fileSizes(path string) string {
	size := func(p string) float64 {
		st, err := os.Stat(p)
		if err != nil {
			return 0
		}
		return float64(st.Size()) / (1 << 20)
	}
	return fmt.Sprintf("%.1f + %.1f MB", size(path), size(path+"-wal"))
}

func randomHex(b *testing.B, n int) string {
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		b.Fatal(err)
	}
	return hex.EncodeToString(buf)
}

func onOff(v bool) string {
	if v {
		return "on (file replica)"
	}
	return "off"
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }

func mb(kb int64) float64 { return float64(kb) / 1024 }

// checkHandshake is Meta's GET verification: a broken set-up fails here, not as a flood of 4xx.
func checkHandshake(b *testing.B, base, key, verify string) {
	b.Helper()
	r, err := http.Get(base + "?api_key=" + key + "&hub.mode=subscribe&hub.verify_token=" + verify + "&hub.challenge=1158201444")
	if err != nil {
		b.Fatal(err)
	}
	body, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || string(body) != "1158201444" {
		b.Fatalf("verify handshake: %d %q", r.StatusCode, body)
	}
}

// loadResult is what the clients saw.
type loadResult struct {
	posts, sentMsgs, redeliveries int
	acceptedPosts, acceptedMsgs   int
	uniqueAccepted                int // messages of accepted first deliveries: redeliveries only repeat those
	statuses                      map[int]int
	errs                          map[string]int
	latencies                     []time.Duration
	perSec                        []int // accepted messages in each whole second of the run
	perSecMin, perSecMedian       int
	perSecMax                     int
}

func (r *loadResult) nonOK() string {
	if len(r.statuses) == 0 && len(r.errs) == 0 {
		return "none"
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(r.statuses)) {
		parts = append(parts, fmt.Sprintf("%d×%d", code, r.statuses[code]))
	}
	for _, e := range slices.Sorted(maps.Keys(r.errs)) {
		parts = append(parts, fmt.Sprintf("%q×%d", e, r.errs[e]))
	}
	return strings.Join(parts, ", ")
}

// fireLoad runs the clients until d has passed; requests in flight at the deadline are awaited.
func fireLoad(base string, keys []string, secret string, traffic *loadTraffic, clients int, d time.Duration) *loadResult {
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: 90 * time.Second}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	start := time.Now()
	deadline := start.Add(d)
	buckets := int(d/time.Second) + 1
	parts := make([]*loadResult, clients)
	perSec := make([][]int, clients)
	var wg sync.WaitGroup
	for c := range clients {
		part := &loadResult{statuses: map[int]int{}, errs: map[string]int{}, latencies: make([]time.Duration, 0, 1<<14)}
		parts[c], perSec[c] = part, make([]int, buckets+1)
		gen := &loadGen{t: traffic, r: mrand.New(mrand.NewPCG(mrand.Uint64(), uint64(c))), client: c}
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				dl := gen.next()
				part.posts++
				part.sentMsgs += dl.msgs
				if dl.redelivery {
					part.redeliveries++
				}
				req, _ := http.NewRequest(http.MethodPost, base+"?api_key="+keys[(c+i)%len(keys)], bytes.NewReader(dl.body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("User-Agent", "facebookexternalua")
				req.Header.Set("X-Hub-Signature-256", whatsapp.Sign(dl.body, secret))
				t0 := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					part.errs[shortErr(err)]++
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat := time.Since(t0)
				if resp.StatusCode != http.StatusOK {
					part.statuses[resp.StatusCode]++
					if resp.StatusCode == http.StatusTooManyRequests {
						time.Sleep(100 * time.Millisecond) // as a polite sender would; Meta backs off too
					}
					continue
				}
				part.acceptedPosts++
				part.acceptedMsgs += dl.msgs
				part.latencies = append(part.latencies, lat)
				if !dl.redelivery {
					part.uniqueAccepted += dl.msgs
					traffic.remember(dl)
				}
				perSec[c][min(int(time.Since(start)/time.Second), buckets)] += dl.msgs
			}
		})
	}
	wg.Wait()
	out := &loadResult{statuses: map[int]int{}, errs: map[string]int{}}
	for _, p := range parts {
		out.posts += p.posts
		out.sentMsgs += p.sentMsgs
		out.redeliveries += p.redeliveries
		out.acceptedPosts += p.acceptedPosts
		out.acceptedMsgs += p.acceptedMsgs
		out.uniqueAccepted += p.uniqueAccepted
		for k, v := range p.statuses {
			out.statuses[k] += v
		}
		for k, v := range p.errs {
			out.errs[k] += v
		}
		out.latencies = append(out.latencies, p.latencies...)
	}
	slices.Sort(out.latencies)
	// Whole seconds only: the last, partial bucket (requests finishing after the deadline) is left out.
	secs := make([]int, buckets-1)
	for _, ps := range perSec {
		for i := range secs {
			secs[i] += ps[i]
		}
	}
	out.perSec = secs
	if len(secs) > 0 {
		sorted := slices.Sorted(slices.Values(secs))
		out.perSecMin, out.perSecMedian, out.perSecMax = sorted[0], sorted[len(sorted)/2], sorted[len(sorted)-1]
	}
	return out
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 {
		s = s[i+2:]
	}
	return s
}

func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[max(0, min(i, len(sorted)-1))]
}

// waitDrained waits until the job runner has processed every stored delivery.
func waitDrained(dbPath string, timeout time.Duration) error {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(timeout)
	for {
		var imports, jobs int
		err := db.QueryRow(`SELECT (SELECT count(*) FROM data_import_jobs WHERE status IN ('pending','running')),
			(SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running'))`, whatsapp.JobProcess).Scan(&imports, &jobs)
		if err != nil {
			return fmt.Errorf("drain: %w", err)
		}
		if imports == 0 && jobs == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drain: after %s still %d deliveries unprocessed, %d %s jobs open", timeout, imports, jobs, whatsapp.JobProcess)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func openReadOnly(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=query_only(ON)")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, nil
}

// verifyLoad reads the tenant file: every accepted POST is a stored delivery, every unique wamid
// one inbound message, nothing twice, every text byte-exact, every replay logged as a duplicate.
func verifyLoad(dbPath string, res *loadResult) (string, error) {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var rows, failedRows, stored, distinct, dupLogs, failedJobs, retried, aiQueued int
	err = db.QueryRow(`SELECT
		(SELECT count(*) FROM data_import_jobs WHERE source = 'whatsapp'),
		(SELECT count(*) FROM data_import_jobs WHERE source = 'whatsapp' AND status <> 'completed'),
		(SELECT count(*) FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'),
		(SELECT count(DISTINCT provider_message_id) FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'),
		(SELECT count(*) FROM action_logs WHERE provider = 'whatsapp_webhook' AND action_type = 'message_duplicate'),
		(SELECT count(*) FROM jobs WHERE kind = ? AND status <> 'done'),
		(SELECT count(*) FROM jobs WHERE kind = ? AND attempts > 1),
		(SELECT count(*) FROM jobs WHERE kind = 'ai_triage' AND status IN ('queued','running'))`,
		whatsapp.JobProcess, whatsapp.JobProcess).Scan(&rows, &failedRows, &stored, &distinct, &dupLogs, &failedJobs, &retried, &aiQueued)
	if err != nil {
		return "", fmt.Errorf("verify: %w", err)
	}
	texts := map[string]bool{}
	for _, t := range loadTexts {
		texts[t] = true
	}
	bad, firstBad := 0, ""
	q, err := db.Query(`SELECT body FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound' AND kind = 'text'`)
	if err != nil {
		return "", fmt.Errorf("verify: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var body string
		if err := q.Scan(&body); err != nil {
			return "", fmt.Errorf("verify: %w", err)
		}
		if !texts[body] {
			if bad++; bad == 1 {
				firstBad = body
			}
		}
	}
	if err := q.Err(); err != nil {
		return "", fmt.Errorf("verify: %w", err)
	}
	replays := res.acceptedMsgs - res.uniqueAccepted
	summary := fmt.Sprintf("%d delivery rows for %d accepted POSTs (%d not completed); %d inbound messages, %d distinct wamids, %d unique sent; "+
		"%d duplicate-logged for %d replayed; %d texts not byte-exact; %d %s jobs not done, %d retried; %d ai_triage jobs still queued",
		rows, res.acceptedPosts, failedRows, stored, distinct, res.uniqueAccepted, dupLogs, replays, bad, failedJobs, whatsapp.JobProcess, retried, aiQueued)
	var errs []error
	if len(res.errs) == 0 && rows != res.acceptedPosts { // a transport error may hide a stored body
		errs = append(errs, fmt.Errorf("%d delivery rows, want %d (one per 200)", rows, res.acceptedPosts))
	}
	if stored != distinct {
		errs = append(errs, fmt.Errorf("%d inbound messages but %d distinct wamids: duplicates stored", stored, distinct))
	}
	if len(res.errs) == 0 && distinct != res.uniqueAccepted {
		errs = append(errs, fmt.Errorf("%d distinct wamids stored, want %d unique accepted", distinct, res.uniqueAccepted))
	}
	if failedRows > 0 || failedJobs > 0 {
		errs = append(errs, fmt.Errorf("%d deliveries and %d processing jobs did not complete", failedRows, failedJobs))
	}
	if bad > 0 {
		errs = append(errs, fmt.Errorf("%d stored texts differ from what was sent, e.g. %+q", bad, firstBad))
	}
	if retried == 0 && dupLogs != replays {
		errs = append(errs, fmt.Errorf("%d duplicates logged, want %d", dupLogs, replays))
	}
	return summary, errors.Join(errs...)
}

// rawInsertRate is the yardstick of SPEC §14: one INSERT per write transaction, nothing else.
func rawInsertRate(ctx context.Context, path string, d time.Duration) (float64, error) {
	db, err := tenantdb.Open(ctx, path, nil, "") // the server's DSN: WAL, synchronous=NORMAL, BEGIN IMMEDIATE
	if err != nil {
		return 0, err
	}
	defer db.Close()
	if _, err := db.Write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS raw_imports (
		id INTEGER PRIMARY KEY, source TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','running','completed','failed')),
		attempts INTEGER NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '', body BLOB NOT NULL, meta TEXT NOT NULL DEFAULT '{}',
		created_at INTEGER NOT NULL, started_at INTEGER, finished_at INTEGER);
		CREATE INDEX IF NOT EXISTS raw_imports_status ON raw_imports(status, id)`); err != nil {
		return 0, err
	}
	gen := &loadGen{t: newLoadTraffic(1), r: mrand.New(mrand.NewPCG(1, 2))}
	bodies := make([][]byte, 512)
	for i := range bodies {
		bodies[i] = gen.next().body
	}
	n := 0
	start := time.Now()
	for deadline := start.Add(d); time.Now().Before(deadline); n++ {
		body := bodies[n%len(bodies)]
		err := db.InTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO raw_imports(source, status, body, meta, created_at) VALUES('whatsapp','pending',?,?,?)`,
				body, `{"api_key_id":1,"bytes":`+strconv.Itoa(len(body))+`}`, tenantdb.Now())
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("raw insert: %w", err)
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

// highvibeServer is a running `highvibe serve`.
type highvibeServer struct {
	cmd     *exec.Cmd
	addr    string
	logPath string
	once    sync.Once
}

func startHighvibe(b *testing.B, bin, dir, data string) *highvibeServer {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &highvibeServer{addr: addr, logPath: filepath.Join(dir, "server.log")}
	logf, err := os.Create(s.logPath)
	if err != nil {
		b.Fatal(err)
	}
	defer logf.Close()
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", data)
	s.cmd.Dir = dir // litestream.yml is looked for here
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := http.Get("http://" + addr + "/readyz/")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				return s
			}
		}
		if time.Now().After(deadline) {
			s.stop()
			b.Fatalf("server never became ready: %v\n%s", err, s.logTail())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *highvibeServer) pid() int { return s.cmd.Process.Pid }

// stop sends SIGINT (graceful shutdown: HTTP, jobs, databases) and kills after 30 s.
func (s *highvibeServer) stop() {
	s.once.Do(func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	})
}

func (s *highvibeServer) logTail() string {
	b, _ := os.ReadFile(s.logPath)
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// cpuTime is the server's user+system CPU time from /proc/<pid>/stat (clock ticks of 10 ms, the
// Linux default USER_HZ).
func (s *highvibeServer) cpuTime() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid()))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64) // field 14 of stat, counting pid and comm
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rssSampler reads VmRSS every 100 ms until stopped.
type rssSampler struct {
	quit chan struct{}
	done chan rssStats
}

type rssStats struct{ peak, sum, n int64 } // kB

func (r rssStats) avg() int64 {
	if r.n == 0 {
		return 0
	}
	return r.sum / r.n
}

func (s *highvibeServer) sampleRSS() *rssSampler {
	r := &rssSampler{quit: make(chan struct{}), done: make(chan rssStats, 1)}
	pid := s.pid()
	go func() {
		var st rssStats
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			if kb, err := procStatusKB(pid, "VmRSS"); err == nil {
				st.peak = max(st.peak, kb)
				st.sum += kb
				st.n++
			}
			select {
			case <-r.quit:
				r.done <- st
				return
			case <-t.C:
			}
		}
	}()
	return r
}

func (r *rssSampler) stop() rssStats {
	close(r.quit)
	return <-r.done
}

// procStatusKB reads one "Name:   1234 kB" line of /proc/<pid>/status.
func procStatusKB(pid int, field string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err != nil {
				return 0, err
			}
			return kb, nil
		}
	}
	return 0, fmt.Errorf("%s not in /proc/%d/status", field, pid)
}
