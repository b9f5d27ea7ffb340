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

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/tenantdb"
)

// BenchmarkWhatsAppLoadBinary measures the webhook's throughput (README: Performance) against the real binary, as Meta
// delivers: ONE API key for the tenant (Meta calls one callback URL per app), signed
// single-message envelopes, Litestream replicating with the shipped litestream.yml. It builds
// `highvibe`, sets the tenant up with the CLI, starts `highvibe serve` on a loopback port and
// runs two phases:
//
//  1. throughput: C keep-alive clients post as fast as they are answered for a fixed time. Only
//     200 acks count as accepted. End-to-end is the unique accepted messages divided by the time
//     from the start of the load until the last of them is an inbox message (seen by a reader
//     outside the server, polling every 100 ms).
//  2. lag: deliveries offered at a fixed rate (default 300 messages/s); for each acked message,
//     the time from its 200 until it is visible as an inbox message (polled every 25 ms).
//
// Afterwards it checks the tenant file: every acked wamid stored once (lost = acked but absent,
// duplicated = stored more than once), every text byte-exact, every replay logged. The raw SQLite
// yardstick is measured in the same run, half before the server starts and half after it stopped:
// one INSERT per transaction of a webhook body, same driver and DSN pragmas, same disk.
//
// A benchmark rather than a test, so `go test ./...` never starts it:
//
//	go test ./app -run '^$' -bench WhatsAppLoadBinary -benchtime 1x -timeout 60m
//
// Knobs (environment):
//   - WA_LOAD_SECONDS: throughput phase (default 30)
//   - WA_LOAD_CLIENTS: comma list of client counts, one server per count (default 16)
//   - WA_LOAD_KEYS: API keys the clients rotate over (default 1, as Meta; the old runs used 128)
//   - WA_LOAD_REPLICA=0: Litestream off (default on, with the shipped litestream.yml)
//   - WA_LOAD_MIXED=1: the mixed traffic (multi-message and multi-sender envelopes) instead of
//     single-message envelopes
//   - WA_LOAD_LAG_RATE, WA_LOAD_LAG_SECONDS: the lag phase (default 300 messages/s for 15 s; 0 s skips it)
//   - WA_LOAD_RAW_SECONDS: raw-insert duration, half before and half after (default WA_LOAD_SECONDS)
//   - WA_LOAD_DRAIN_TIMEOUT: how long processing may take after the load (default 10m)
//   - WA_LOAD_DIR: parent of the per-run data dirs (default a temp dir), removed after
//   - WA_LOAD_BIN: a prebuilt binary instead of the one apptest.Binary builds
//   - WA_LOAD_PROFILE: a folder to write the server's CPU profiles to (cpu-load.pprof for the
//     throughput phase, cpu-drain.pprof for up to 30 s after it); read with `go tool pprof`
func BenchmarkWhatsAppLoadBinary(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/<pid>/status for RSS, which only Linux has")
	}
	cfg := loadConfigFromEnv(b)
	bin := os.Getenv("WA_LOAD_BIN")
	if bin == "" {
		bin = apptest.Binary(b)
	}
	for _, c := range cfg.clients {
		b.Run(fmt.Sprintf("clients=%d", c), func(b *testing.B) { runWhatsAppLoad(b, bin, cfg, c) })
	}
}

type loadConfig struct {
	loadFor, rawFor, lagFor time.Duration
	lagRate                 int
	clients                 []int
	keys                    int
	drainTimeout            time.Duration
	dir, profile            string
	replica, mixed          bool
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
		if err != nil || n < 0 {
			b.Fatalf("%s=%q: want seconds or a duration", name, v)
		}
		return time.Duration(n * float64(time.Second))
	}
	num := func(name string, def, lo, hi int) int {
		v := os.Getenv(name)
		if v == "" {
			return def
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < lo || n > hi {
			b.Fatalf("%s=%q: want %d..%d", name, v, lo, hi)
		}
		return n
	}
	c := loadConfig{loadFor: secs("WA_LOAD_SECONDS", 30*time.Second), dir: os.Getenv("WA_LOAD_DIR"), profile: os.Getenv("WA_LOAD_PROFILE"),
		replica: os.Getenv("WA_LOAD_REPLICA") != "0", mixed: os.Getenv("WA_LOAD_MIXED") == "1",
		keys: num("WA_LOAD_KEYS", 1, 1, 1000), lagRate: num("WA_LOAD_LAG_RATE", 300, 1, 100000)}
	c.rawFor = secs("WA_LOAD_RAW_SECONDS", c.loadFor)
	c.lagFor = secs("WA_LOAD_LAG_SECONDS", 15*time.Second)
	c.drainTimeout = secs("WA_LOAD_DRAIN_TIMEOUT", 10*time.Minute)
	list := os.Getenv("WA_LOAD_CLIENTS")
	if list == "" {
		list = "16"
	}
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			b.Fatalf("WA_LOAD_CLIENTS=%q: want a comma list of counts 1..1024", list)
		}
		c.clients = append(c.clients, n)
	}
	return c
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
		yml, err := os.ReadFile("../litestream.yml") // the shipped config: data/ replicated to data-replica/
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "litestream.yml"), yml, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	loadAvg := func() string {
		l, _ := os.ReadFile("/proc/loadavg")
		return strings.Join(strings.Fields(string(l))[:3], " ")
	}
	loadBefore := loadAvg()
	// The yardstick runs twice, before the server starts and after it stopped, so a neighbour
	// loading the machine for part of the run skews both sides alike.
	rawPath := filepath.Join(root, "raw.db")
	rawBefore, err := rawInsertRate(ctx, rawPath, cfg.rawFor/2)
	if err != nil {
		b.Fatal(err)
	}
	srv := startHighvibe(b, bin, root, data, cfg.profile != "")
	defer srv.stop()
	base := "http://" + srv.addr + "/api/webhooks/whatsapp/"
	checkHandshake(b, base, keys[0], verify)
	dbPath := filepath.Join(data, "tenants", loadSlug+".db")

	// Phase 1: throughput.
	traffic := newLoadTraffic(mrand.Uint64())
	seen, err := watchInbox(dbPath, 100*time.Millisecond)
	if err != nil {
		b.Fatal(err)
	}
	rssLoad := srv.sampleRSS()
	writer0 := writerTime(srv.addr)
	cpu0, self0 := srv.cpuTime(), selfCPU()
	start := time.Now()
	prof := srv.profile(cfg.profile, "cpu-load.pprof", cfg.loadFor)
	res := fireLoad(base, keys, secret, traffic, clients, cfg.loadFor, !cfg.mixed, 0)
	elapsed := time.Since(start)
	prof()
	prof = srv.profile(cfg.profile, "cpu-drain.pprof", 30*time.Second)
	cpu1, self1 := srv.cpuTime(), selfCPU()
	writer := writerTime(srv.addr).minus(writer0)
	load := rssLoad.stop()
	filesAfterLoad := fileSizes(dbPath)
	rssDrain := srv.sampleRSS()
	drainErr := seen.waitFor(res.ackedIDs, cfg.drainTimeout)
	lastStored := seen.latest(res.ackedIDs)
	var searched time.Time
	if drainErr == nil {
		searched, drainErr = waitSearched(dbPath, cfg.drainTimeout)
	}
	prof()
	drained := rssDrain.stop()
	seen.stop()
	searchLag := seen.searchLag()
	if drainErr == nil {
		drainErr = waitDrained(dbPath, cfg.drainTimeout)
	}

	// Phase 2: inbox lag at a fixed offered rate.
	var lags []time.Duration
	var lagRes *loadResult
	if cfg.lagFor > 0 && drainErr == nil {
		fast, err := watchInbox(dbPath, 25*time.Millisecond)
		if err != nil {
			b.Fatal(err)
		}
		lagRes = fireLoad(base, keys, secret, traffic, clients, cfg.lagFor, !cfg.mixed, cfg.lagRate)
		drainErr = fast.waitFor(lagRes.ackedIDs, cfg.drainTimeout)
		for id, at := range lagRes.ackedAt {
			if t, ok := fast.at(id); ok {
				lags = append(lags, max(0, t.Sub(at)))
			}
		}
		fast.stop()
		slices.Sort(lags)
	}
	hwm, _ := procStatusKB(srv.pid(), "VmHWM")
	filesAfterDrain := fileSizes(dbPath)
	check, lost, dups, checkErr := verifyLoad(dbPath, res, lagRes)
	srv.stop()

	rawAfter, err := rawInsertRate(ctx, rawPath, cfg.rawFor/2)
	if err != nil {
		b.Fatal(err)
	}
	raw := (rawBefore + rawAfter) / 2
	loadAfter := loadAvg()

	secs := elapsed.Seconds()
	accepted := float64(res.acceptedMsgs) / secs
	e2eSecs := lastStored.Sub(start).Seconds()
	e2e := float64(len(res.ackedIDs)) / e2eSecs
	p := func(q float64) time.Duration { return percentile(res.latencies, q) }
	lagP := func(q float64) time.Duration { return percentile(lags, q) }
	peak := max(load.peak, drained.peak, hwm)
	var s strings.Builder
	fmt.Fprintf(&s, "WhatsApp webhook load against the real binary — %d clients, %s, %d API key(s), %s envelopes, replication %s\n",
		clients, cfg.loadFor, len(keys), map[bool]string{true: "mixed", false: "single-message"}[cfg.mixed], onOff(cfg.replica))
	fmt.Fprintf(&s, "  machine     load average %s before, %s after (2 cores, shared)\n", loadBefore, loadAfter)
	fmt.Fprintf(&s, "  sent        %d POSTs carrying %d messages (%d POSTs byte-identical redeliveries)\n", res.posts, res.sentMsgs, res.redeliveries)
	fmt.Fprintf(&s, "  accepted    %d × 200 = %d messages in %.1f s → %.0f msgs/s; per second min %d / median %d / max %d\n",
		res.acceptedPosts, res.acceptedMsgs, secs, accepted, res.perSecMin, res.perSecMedian, res.perSecMax)
	fmt.Fprintf(&s, "  raw SQLite  %.0f inserts/s (%.0f before the server, %.0f after; one INSERT per transaction, same DSN, same disk)\n", raw, rawBefore, rawAfter)
	fmt.Fprintf(&s, "  accepted/raw %.2f  [goal ≥ 0.50: %s]\n", accepted/raw, verdict(accepted/raw >= 0.5))
	fmt.Fprintf(&s, "  end-to-end  %d unique messages acked, the last stored %.1f s after the load began → %.0f msgs/s; e2e/raw %.2f  [goal ≥ 0.50: %s]\n",
		len(res.ackedIDs), e2eSecs, e2e, e2e/raw, verdict(e2e/raw >= 0.5))
	caughtUp := "not within the drain timeout"
	if !searched.IsZero() {
		caughtUp = fmt.Sprintf("%.1f s after the load ended", searched.Sub(start.Add(elapsed)).Seconds())
	}
	fmt.Fprintf(&s, "  search      a message waited at most %.1f s for its words to be found (the oldest waiting for its conversation's search document, read every 0.1 s); every document rebuilt %s\n",
		searchLag.Seconds(), caughtUp)
	fmt.Fprintf(&s, "  non-200     %s\n", res.nonOK())
	fmt.Fprintf(&s, "  ack latency p50 %s  p95 %s  p99 %s  max %s\n", ms(p(0.50)), ms(p(0.95)), ms(p(0.99)), ms(p(1)))
	if lagRes != nil {
		fmt.Fprintf(&s, "  inbox lag   at %d msgs/s offered for %s (%d acked, non-200 %s): p50 %s  p99 %s  max %s  [goal p99 ≤ 2 s: %s]\n",
			cfg.lagRate, cfg.lagFor, len(lagRes.ackedIDs), lagRes.nonOK(), ms(lagP(0.5)), ms(lagP(0.99)), ms(lagP(1)), verdict(len(lags) > 0 && lagP(0.99) <= 2*time.Second))
	}
	fmt.Fprintf(&s, "  lost        %d  duplicated %d  [goal 0 and 0: %s]\n", lost, dups, verdict(lost == 0 && dups == 0 && checkErr == nil))
	fmt.Fprintf(&s, "  check       %s\n", check)
	fmt.Fprintf(&s, "  RSS         load: peak %.1f MB, avg %.1f MB; until stored: peak %.1f MB; VmHWM %.1f MB  [budget ≤ 150 MB: %s]\n",
		mb(load.peak), mb(load.avg()), mb(drained.peak), mb(hwm), verdict(peak <= 150*1024))
	fmt.Fprintf(&s, "  files       tenant database + WAL: %s after the load, %s at the end\n", filesAfterLoad, filesAfterDrain)
	fmt.Fprintf(&s, "  CPU         server %.2f cores, load driver %.2f cores, during the load\n",
		(cpu1-cpu0).Seconds()/secs, (self1-self0).Seconds()/secs)
	fmt.Fprintf(&s, "  writer      tenant write transactions held the writer %.0f %% of the load (%d of them, mean %s), waited for it %.1f s in all\n",
		100*writer.held/secs, writer.count, ms(time.Duration(writer.held/max(1, float64(writer.count))*float64(time.Second))), writer.wait)
	fmt.Fprintf(&s, "  jobs run    during the load: %s\n", writer.jobList())
	env := fmt.Sprintf("WA_LOAD_SECONDS=%g WA_LOAD_CLIENTS=%d", cfg.loadFor.Seconds(), clients)
	if len(keys) != 1 {
		env += fmt.Sprintf(" WA_LOAD_KEYS=%d", len(keys))
	}
	if !cfg.replica {
		env += " WA_LOAD_REPLICA=0"
	}
	if cfg.mixed {
		env += " WA_LOAD_MIXED=1"
	}
	fmt.Fprintf(&s, "  command     %s go test ./app -run '^$' -bench WhatsAppLoadBinary -benchtime 1x -timeout 60m\n", env)
	// Printed, not logged: the testing package cuts a benchmark's log to ten lines.
	fmt.Print(s.String())

	b.ReportMetric(0, "ns/op")
	b.ReportMetric(accepted, "msgs/s")
	b.ReportMetric(e2e, "e2e-msgs/s")
	b.ReportMetric(raw, "raw-inserts/s")
	b.ReportMetric(float64(lagP(0.99).Microseconds())/1000, "lag-p99-ms")
	b.ReportMetric(mb(peak), "peak-RSS-MB")
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

// writerUse is what the server's /metrics says of the tenant file's write transactions so far.
type writerUse struct {
	held, wait float64 // seconds
	count      int64
	jobs       map[string]float64 // jobs run by kind and outcome
}

func (w writerUse) minus(o writerUse) writerUse {
	d := writerUse{held: w.held - o.held, wait: w.wait - o.wait, count: w.count - o.count, jobs: map[string]float64{}}
	for k, v := range w.jobs {
		if v -= o.jobs[k]; v > 0 {
			d.jobs[k] = v
		}
	}
	return d
}

// jobList is "kind outcome×n, …" sorted.
func (w writerUse) jobList() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(w.jobs)) {
		parts = append(parts, fmt.Sprintf("%s×%.0f", k, w.jobs[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// writerTime reads the write-transaction histograms of /metrics (loopback needs no token) for the
// tenant databases; zero when they cannot be read.
func writerTime(addr string) writerUse {
	w := writerUse{jobs: map[string]float64{}}
	r, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return w
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	for _, line := range strings.Split(string(body), "\n") {
		name, rest, ok := strings.Cut(line, "{")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		v, _ := strconv.ParseFloat(f[len(f)-1], 64)
		if name == "highvibe_jobs_run_total" {
			w.jobs[strings.TrimSuffix(f[0], "}")] += v
			continue
		}
		if !strings.Contains(rest, `db="tenants"`) {
			continue
		}
		switch name {
		case "highvibe_sqlite_write_tx_seconds_sum":
			w.held += v
		case "highvibe_sqlite_write_tx_seconds_count":
			w.count += int64(v)
		case "highvibe_sqlite_write_wait_seconds_sum":
			w.wait += v
		}
	}
	return w
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
	ackedIDs                      []string             // wamids of accepted first deliveries
	ackedAt                       map[string]time.Time // when each was acked (paced runs only)
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
// With rate > 0 the clients together offer that many POSTs per second, else as many as they can.
func fireLoad(base string, keys []string, secret string, traffic *loadTraffic, clients int, d time.Duration, single bool, rate int) *loadResult {
	tr := &http.Transport{MaxIdleConns: clients * 2, MaxIdleConnsPerHost: clients * 2, IdleConnTimeout: 90 * time.Second}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: time.Minute}
	start := time.Now()
	deadline := start.Add(d)
	var tokens chan struct{}
	if rate > 0 {
		tokens = make(chan struct{})
		go func() {
			t := time.NewTicker(time.Second / time.Duration(rate))
			defer t.Stop()
			for now := range t.C {
				if now.After(deadline) {
					close(tokens)
					return
				}
				select {
				case tokens <- struct{}{}:
				default: // every client busy: the offer is missed, and the summary shows it
				}
			}
		}()
	}
	buckets := int(d/time.Second) + 1
	parts := make([]*loadResult, clients)
	perSec := make([][]int, clients)
	var wg sync.WaitGroup
	for c := range clients {
		part := &loadResult{statuses: map[int]int{}, errs: map[string]int{}, latencies: make([]time.Duration, 0, 1<<14), ackedAt: map[string]time.Time{}}
		parts[c], perSec[c] = part, make([]int, buckets+1)
		gen := &loadGen{t: traffic, r: mrand.New(mrand.NewPCG(mrand.Uint64(), uint64(c))), client: traffic.newClient(), single: single}
		wg.Go(func() {
			for i := 0; time.Now().Before(deadline); i++ {
				if tokens != nil {
					if _, ok := <-tokens; !ok {
						return
					}
				}
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
				now := time.Now()
				if resp.StatusCode != http.StatusOK {
					part.statuses[resp.StatusCode]++
					continue
				}
				part.acceptedPosts++
				part.acceptedMsgs += dl.msgs
				part.latencies = append(part.latencies, now.Sub(t0))
				if !dl.redelivery {
					part.uniqueAccepted += dl.msgs
					part.ackedIDs = append(part.ackedIDs, dl.ids...)
					if rate > 0 {
						for _, id := range dl.ids {
							part.ackedAt[id] = now
						}
					}
					traffic.remember(dl)
				}
				perSec[c][min(int(now.Sub(start)/time.Second), buckets)] += dl.msgs
			}
		})
	}
	wg.Wait()
	out := &loadResult{statuses: map[int]int{}, errs: map[string]int{}, ackedAt: map[string]time.Time{}}
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
		out.ackedIDs = append(out.ackedIDs, p.ackedIDs...)
		maps.Copy(out.ackedAt, p.ackedAt)
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

// inboxWatch notes when each inbound WhatsApp message first becomes visible to a reader outside
// the server (a read-only connection polling the tenant file), and how long the oldest message
// waiting for its conversation's search document (search_pending) had been visible by then: the
// most a message's words went unfound by the inbox's search.
type inboxWatch struct {
	mu        sync.Mutex
	first     map[string]time.Time
	byID      map[int64]time.Time
	searchMax time.Duration
	quit      chan struct{}
	done      chan struct{}
	err       error
}

func watchInbox(dbPath string, every time.Duration) (*inboxWatch, error) {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return nil, err
	}
	w := &inboxWatch{first: map[string]time.Time{}, byID: map[int64]time.Time{}, quit: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		defer db.Close()
		var last int64
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			rows, err := db.Query(`SELECT id, provider_message_id FROM messages WHERE id > ? AND channel = 'whatsapp' AND direction = 'inbound' ORDER BY id`, last)
			now := time.Now()
			if err == nil {
				w.mu.Lock()
				for rows.Next() {
					var id int64
					var wamid string
					if rows.Scan(&id, &wamid) == nil {
						last = id
						if _, ok := w.first[wamid]; !ok {
							w.first[wamid] = now
						}
						w.byID[id] = now
					}
				}
				err = rows.Err()
				rows.Close()
				w.mu.Unlock()
			}
			var oldest sql.NullInt64
			if err == nil {
				err = db.QueryRow(`SELECT min(from_message_id) FROM search_pending`).Scan(&oldest)
			}
			if oldest.Valid {
				w.mu.Lock()
				if at, ok := w.byID[oldest.Int64]; ok {
					w.searchMax = max(w.searchMax, time.Since(at))
				}
				w.mu.Unlock()
			}
			if err != nil {
				w.mu.Lock()
				w.err = err
				w.mu.Unlock()
			}
			select {
			case <-w.quit:
				return
			case <-t.C:
			}
		}
	}()
	return w, nil
}

func (w *inboxWatch) at(id string) (time.Time, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	t, ok := w.first[id]
	return t, ok
}

// waitFor waits until every id has been seen.
func (w *inboxWatch) waitFor(ids []string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		w.mu.Lock()
		missing := 0
		for _, id := range ids {
			if _, ok := w.first[id]; !ok {
				missing++
			}
		}
		err := w.err
		w.mu.Unlock()
		if missing == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("after %s, %d of %d acknowledged messages are not in the inbox (last read error: %v)", timeout, missing, len(ids), err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// latest is when the last of ids was first seen.
func (w *inboxWatch) latest(ids []string) time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	var t time.Time
	for _, id := range ids {
		if f := w.first[id]; f.After(t) {
			t = f
		}
	}
	return t
}

// searchLag is the longest a message was seen waiting for its search document.
func (w *inboxWatch) searchLag() time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.searchMax
}

// waitSearched waits until no conversation waits for its search document and returns when that was.
func waitSearched(dbPath string, timeout time.Duration) (time.Time, error) {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return time.Time{}, err
	}
	defer db.Close()
	deadline := time.Now().Add(timeout)
	for {
		var waiting int
		if err := db.QueryRow(`SELECT count(*) FROM search_pending`).Scan(&waiting); err != nil {
			return time.Time{}, fmt.Errorf("search: %w", err)
		}
		if waiting == 0 {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("search: after %s still %d conversations wait for their search document", timeout, waiting)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (w *inboxWatch) stop() {
	close(w.quit)
	<-w.done
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

// waitDrained waits until the job runner has finished every stored delivery.
func waitDrained(dbPath string, timeout time.Duration) error {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	deadline := time.Now().Add(timeout)
	for {
		var open int
		err := db.QueryRow(`SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running')`, whatsapp.JobProcess).Scan(&open)
		if err != nil {
			return fmt.Errorf("drain: %w", err)
		}
		if open == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drain: after %s still %d deliveries unprocessed", timeout, open)
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

// verifyLoad reads the tenant file: every accepted POST is a stored delivery, every acked wamid
// one inbound message (lost: acked but absent; duplicated: stored more than once), every text
// byte-exact, every replay logged as a duplicate.
func verifyLoad(dbPath string, phases ...*loadResult) (summary string, lost, dups int, _ error) {
	db, err := openReadOnly(dbPath)
	if err != nil {
		return "", 0, 0, err
	}
	defer db.Close()
	var acceptedPosts, acceptedMsgs, uniqueAccepted int
	transportErrs := false
	acked := map[string]bool{}
	for _, r := range phases {
		if r == nil {
			continue
		}
		acceptedPosts += r.acceptedPosts
		acceptedMsgs += r.acceptedMsgs
		uniqueAccepted += r.uniqueAccepted
		transportErrs = transportErrs || len(r.errs) > 0
		for _, id := range r.ackedIDs {
			acked[id] = true
		}
	}
	var rows, notDone, dupLogs, retried, aiQueued int
	err = db.QueryRow(`SELECT
		(SELECT count(*) FROM jobs WHERE kind = ?1),
		(SELECT count(*) FROM jobs WHERE kind = ?1 AND status <> 'done'),
		(SELECT count(*) FROM action_logs WHERE provider = 'whatsapp_webhook' AND action_type = 'message_duplicate'),
		(SELECT count(*) FROM jobs WHERE kind = ?1 AND attempts > 1),
		(SELECT count(*) FROM jobs WHERE kind = 'ai_triage' AND status IN ('queued','running'))`,
		whatsapp.JobProcess).Scan(&rows, &notDone, &dupLogs, &retried, &aiQueued)
	if err != nil {
		return "", 0, 0, fmt.Errorf("verify: %w", err)
	}
	texts := map[string]bool{}
	for _, t := range loadTexts {
		texts[t] = true
	}
	stored := map[string]int{}
	bad, firstBad := 0, ""
	q, err := db.Query(`SELECT provider_message_id, kind, body FROM messages WHERE channel = 'whatsapp' AND direction = 'inbound'`)
	if err != nil {
		return "", 0, 0, fmt.Errorf("verify: %w", err)
	}
	defer q.Close()
	for q.Next() {
		var id, kind, body string
		if err := q.Scan(&id, &kind, &body); err != nil {
			return "", 0, 0, fmt.Errorf("verify: %w", err)
		}
		stored[id]++
		if kind == "text" && !texts[body] {
			if bad++; bad == 1 {
				firstBad = body
			}
		}
	}
	if err := q.Err(); err != nil {
		return "", 0, 0, fmt.Errorf("verify: %w", err)
	}
	for id := range acked {
		if stored[id] == 0 {
			lost++
		}
	}
	for _, n := range stored {
		dups += n - 1
	}
	replays := acceptedMsgs - uniqueAccepted
	summary = fmt.Sprintf("%d delivery jobs for %d accepted POSTs (%d not done, %d retried); %d acked wamids, %d stored; "+
		"%d duplicate-logged for %d replayed; %d texts not byte-exact; %d ai_triage jobs still queued",
		rows, acceptedPosts, notDone, retried, len(acked), len(stored), dupLogs, replays, bad, aiQueued)
	var errs []error
	if !transportErrs && rows != acceptedPosts { // a transport error may hide a stored body
		errs = append(errs, fmt.Errorf("%d delivery jobs, want %d (one per 200)", rows, acceptedPosts))
	}
	if lost > 0 || dups > 0 {
		errs = append(errs, fmt.Errorf("%d acknowledged messages lost, %d stored twice", lost, dups))
	}
	if notDone > 0 {
		errs = append(errs, fmt.Errorf("%d deliveries did not complete", notDone))
	}
	if bad > 0 {
		errs = append(errs, fmt.Errorf("%d stored texts differ from what was sent, e.g. %+q", bad, firstBad))
	}
	if retried == 0 && dupLogs != replays {
		errs = append(errs, fmt.Errorf("%d duplicates logged, want %d", dupLogs, replays))
	}
	return summary, lost, dups, errors.Join(errs...)
}

// rawInsertRate is the yardstick the README's WhatsApp figures are compared with: one INSERT per write transaction, nothing else.
func rawInsertRate(ctx context.Context, path string, d time.Duration) (float64, error) {
	db, err := tenantdb.Open(ctx, path, nil, "") // the server's DSN: WAL, synchronous=FULL, BEGIN IMMEDIATE
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
	pprof   string // the profiling endpoints' address, when started with them
	logPath string
	once    sync.Once
}

func startHighvibe(b *testing.B, bin, dir, data string, profiled bool) *highvibeServer {
	b.Helper()
	freeAddr := func() string {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		defer ln.Close()
		return ln.Addr().String()
	}
	addr := freeAddr()
	s := &highvibeServer{addr: addr, logPath: filepath.Join(dir, "server.log")}
	if profiled {
		s.pprof = freeAddr()
	}
	logf, err := os.Create(s.logPath)
	if err != nil {
		b.Fatal(err)
	}
	defer logf.Close()
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--data", data)
	s.cmd.Dir = dir // litestream.yml is looked for here
	if s.pprof != "" {
		s.cmd.Env = append(os.Environ(), "HIGHVIBE_PPROF_ADDR="+s.pprof)
	}
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

// profile starts a CPU profile of the server for d (cut short by the returned stop, which waits
// for it) and writes it to dir/name; without a folder or profiling endpoints it does nothing.
func (s *highvibeServer) profile(dir, name string, d time.Duration) (stop func()) {
	if dir == "" || s.pprof == "" {
		return func() {}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", s.pprof, max(1, int(d.Seconds())))
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			fmt.Printf("profile %s: %v\n", name, err)
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != http.StatusOK {
			fmt.Printf("profile %s: %d %v\n", name, resp.StatusCode, err)
			return
		}
		if err := os.WriteFile(filepath.Join(dir, name), body, 0o644); err != nil {
			fmt.Printf("profile %s: %v\n", name, err)
		}
	}()
	return func() {
		// The profile ends by itself after d; a drain shorter than d keeps its partial window by
		// waiting, so at most d.
		<-done
		cancel()
	}
}

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
