package ops

import (
	"context"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	dto "github.com/prometheus/client_model/go"

	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/tenantdb/replica"
)

// Label values used when tenant slugs are not shown (no metrics token): every tenant's series
// fold into one.
const (
	allTenants   = "all"
	tenantsDB    = "tenants"
	platformDB   = "platform"
	unroutedPath = "unrouted"
	webhookRoute = "POST /api/webhooks/"
)

// Metrics is the server's own Prometheus registry and the collectors the rooms report to. It is
// built once per server (tests run several servers in one process, so nothing here is global).
// Tenant slugs become label values only when PerTenant is set, which serve does when the metrics
// token is configured; otherwise every tenant's numbers are added up (or the worst one taken) under
// one series.
type Metrics struct {
	PerTenant bool

	handler http.Handler
	reg     *prometheus.Registry

	httpRequests *prometheus.CounterVec
	httpDuration *prometheus.HistogramVec
	deliveries   *prometheus.CounterVec
	jobsRun      *prometheus.CounterVec
	jobSeconds   *prometheus.HistogramVec
	aiCalls      *prometheus.CounterVec
	aiSpend      *prometheus.CounterVec
	txWait       *prometheus.HistogramVec
	txHeld       *prometheus.HistogramVec
}

// Sources are the parts of the server that /metrics reads at scrape time.
type Sources struct {
	Mgr     *tenantdb.Manager
	Repl    *replica.Manager // nil when replication is off
	Jobs    LaneStater       // the job runner; nil = no queue gauges
	Started time.Time
	// Unopened are the businesses whose file could not be opened (Handler.Unopened; nil: none known).
	Unopened func() map[string]error
}

// LaneStater reports the job queues, lane by lane and tenant by tenant.
type LaneStater interface {
	Stats(ctx context.Context) []jobs.LaneStat
}

// NewMetrics builds the registry: the process and Go runtime collectors, HighVibe's own families,
// and the scrape-time collectors over src. With perTenant the embedded Litestream's own metrics
// (on the default registry, labelled by database file path, which names the tenant) are served
// too; without it they are left out, since a path would show the slug.
func NewMetrics(perTenant bool, src Sources) *Metrics {
	reg := prometheus.NewRegistry()
	// Write transactions take from a fraction of a millisecond (a small commit) to seconds (a stuck writer).
	txBuckets := []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
	tl := func(names ...string) []string { return withTenant(perTenant, "tenant", names...) }
	m := &Metrics{PerTenant: perTenant, reg: reg,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "highvibe_http_requests_total",
			Help: "HTTP requests answered, by route pattern of the route table and status code."}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "highvibe_http_request_duration_seconds",
			Help: "Time to answer an HTTP request, by route pattern (live streams count their whole life).", Buckets: prometheus.DefBuckets}, []string{"route"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "highvibe_webhook_deliveries_total",
			Help: "Webhook deliveries by channel, outcome (accepted or refused) and reason (the error code the caller received, ok when accepted)."},
			[]string{"channel", "outcome", "reason"}),
		jobsRun: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "highvibe_jobs_run_total",
			Help: "Job attempts finished, by kind, lane and outcome (done, retry, failed, requeued)."}, []string{"kind", "lane", "outcome"}),
		jobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "highvibe_job_duration_seconds",
			Help: "Time a job attempt ran, by kind.", Buckets: prometheus.DefBuckets}, []string{"kind"}),
		aiCalls: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "highvibe_assistant_calls_total",
			Help: "Assistant calls recorded, by provider, purpose and outcome."}, tl("provider", "purpose", "outcome")),
		aiSpend: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "highvibe_assistant_spend_usd_total",
			Help: "Estimated assistant cost in US dollars recorded since the process started, by provider."}, tl("provider")),
		txWait: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "highvibe_sqlite_write_wait_seconds",
			Help:    "Time a write transaction waited for the database's single writer before BEGIN IMMEDIATE succeeded.",
			Buckets: txBuckets}, []string{"db"}),
		txHeld: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "highvibe_sqlite_write_tx_seconds",
			Help: "Time a write transaction held the writer, from BEGIN to COMMIT or ROLLBACK.", Buckets: txBuckets}, []string{"db"}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.httpRequests, m.httpDuration, m.deliveries, m.jobsRun, m.jobSeconds, m.aiCalls, m.aiSpend, m.txWait, m.txHeld,
		newScrapeCollector(m, src),
	)
	var g prometheus.Gatherer = reg
	if perTenant {
		g = prometheus.Gatherers{reg, litestreamOnly{prometheus.DefaultGatherer}}
	}
	m.handler = promhttp.HandlerFor(g, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	if src.Mgr != nil {
		src.Mgr.ObserveTx(m.observeTx)
	}
	return m
}

// Register adds a room's own collector (for example the sign-in counters of app/account).
func (m *Metrics) Register(c prometheus.Collector) error { return m.reg.Register(c) }

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// tenant is the label value of a tenant: its slug when shown, else the shared value.
func (m *Metrics) tenant(slug string) string {
	if m.PerTenant {
		return slug
	}
	return allTenants
}

// withTenant appends the tenant label (its name, or a slug as its value) when tenants are shown.
func withTenant(on bool, tenant string, vals ...string) []string {
	if on {
		return append(vals, tenant)
	}
	return vals
}

// labels are a family's label values followed by the tenant's when the family carries one.
func (m *Metrics) labels(slug string, vals ...string) []string {
	return withTenant(m.PerTenant, slug, vals...)
}

// ObserveHTTP records one answered request. route is the pattern the route table matched ("" when
// none did), code the error code a JSON error body named ("" for none).
func (m *Metrics) ObserveHTTP(route string, status int, code string, d time.Duration) {
	if route == "" {
		route = unroutedPath
	}
	m.httpRequests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
	if ch, ok := strings.CutPrefix(route, webhookRoute); ok && !strings.HasPrefix(ch, "{") {
		ch, _, _ = strings.Cut(ch, "/")
		outcome, reason := "accepted", "ok"
		if status >= 300 {
			outcome, reason = "refused", code
			if reason == "" {
				reason = "http_" + strconv.Itoa(status)
			}
		}
		m.deliveries.WithLabelValues(ch, outcome, reason).Inc()
	}
}

// ObserveJob records one finished job attempt (the job runner's OnFinish observer).
func (m *Metrics) ObserveJob(kind string, lane jobs.Lane, outcome string, took time.Duration) {
	m.jobsRun.WithLabelValues(kind, lane.String(), outcome).Inc()
	m.jobSeconds.WithLabelValues(kind).Observe(took.Seconds())
}

// ObserveAssistant records one assistant call and its estimated cost.
func (m *Metrics) ObserveAssistant(slug, provider, purpose, outcome string, costUSD float64) {
	m.aiCalls.WithLabelValues(m.labels(slug, provider, purpose, outcome)...).Inc()
	m.aiSpend.WithLabelValues(m.labels(slug, provider)...).Add(max(0, costUSD))
}

// observeTx is the tenantdb write-transaction observer.
func (m *Metrics) observeTx(slug string, wait, held time.Duration) {
	db := platformDB
	if slug != "" {
		db = tenantsDB
		if m.PerTenant {
			db = slug
		}
	}
	m.txWait.WithLabelValues(db).Observe(wait.Seconds())
	m.txHeld.WithLabelValues(db).Observe(held.Seconds())
}

// scrapeCollector reads the state that is cheaper to ask for at scrape time than to track: open
// tenants, job queues, replication positions.
type scrapeCollector struct {
	m   *Metrics
	src Sources

	tenantsOpen, replEnabled, replHealthy *prometheus.Desc
	tenantsFailing, tenantUp              *prometheus.Desc
	depth, age                            *prometheus.Desc
	lagSec, lagTx, replErr                *prometheus.Desc
	diskFree, diskTotal                   *prometheus.Desc
}

func newScrapeCollector(m *Metrics, src Sources) *scrapeCollector {
	lanes := withTenant(m.PerTenant, "tenant", "lane")
	db := []string{"db"}
	return &scrapeCollector{m: m, src: src,
		tenantsOpen: prometheus.NewDesc("highvibe_tenants_open", "Tenant databases open in this process.", nil, nil),
		tenantsFailing: prometheus.NewDesc("highvibe_tenants_failing",
			"Businesses served whose database fails (not opened, or its file damaged, replaced or gone): /readyz/ names them.", nil, nil),
		tenantUp: prometheus.NewDesc("highvibe_tenant_up", "1 while the business's database serves, 0 while it fails (with the metrics token only).",
			[]string{"tenant"}, nil),
		replEnabled: prometheus.NewDesc("highvibe_replication_enabled", "1 when a litestream config is loaded.", nil, nil),
		replHealthy: prometheus.NewDesc("highvibe_replication_healthy", "1 when replication is off or running without errors (what /readyz/ checks).", nil, nil),
		depth:       prometheus.NewDesc("highvibe_jobs_queue_depth", "Queued jobs that are due now, by lane.", lanes, nil),
		age:         prometheus.NewDesc("highvibe_jobs_oldest_age_seconds", "How long the oldest due job has waited past its time, by lane.", lanes, nil),
		lagSec: prometheus.NewDesc("highvibe_replication_lag_seconds",
			"Seconds since the database last synced to its replica (since start when it never did).", db, nil),
		lagTx: prometheus.NewDesc("highvibe_replication_lag_transactions",
			"Transactions committed locally that the replica does not have yet.", db, nil),
		replErr: prometheus.NewDesc("highvibe_replication_error", "1 when the database's replica reports an error.", db, nil),
		diskFree: prometheus.NewDesc("highvibe_data_disk_free_bytes",
			"Bytes the server may still write on the file system holding the data directory (what /readyz/ compares with --min-free-disk).", nil, nil),
		diskTotal: prometheus.NewDesc("highvibe_data_disk_total_bytes", "Size in bytes of the file system holding the data directory.", nil, nil),
	}
}

func (c *scrapeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.tenantsOpen, c.tenantsFailing, c.tenantUp, c.replEnabled, c.replHealthy, c.depth, c.age, c.lagSec, c.lagTx, c.replErr, c.diskFree, c.diskTotal} {
		ch <- d
	}
}

func (c *scrapeCollector) Collect(ch chan<- prometheus.Metric) {
	if c.src.Mgr != nil {
		ch <- prometheus.MustNewConstMetric(c.tenantsOpen, prometheus.GaugeValue, float64(len(c.src.Mgr.OpenSlugs())))
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		th := CheckTenants(ctx, c.src.Mgr, c.src.Unopened)
		cancel()
		ch <- prometheus.MustNewConstMetric(c.tenantsFailing, prometheus.GaugeValue, float64(len(th.Failing)))
		if c.m.PerTenant {
			for _, s := range th.Served {
				up := 1.0
				if _, bad := th.Failing[s]; bad {
					up = 0
				}
				ch <- prometheus.MustNewConstMetric(c.tenantUp, prometheus.GaugeValue, up, s)
			}
		}
		// Statfs of the data directory: no database is opened for it.
		if free, _, ok := tenantdb.DiskFree(c.src.Mgr.DataDir); ok {
			ch <- prometheus.MustNewConstMetric(c.diskFree, prometheus.GaugeValue, float64(free))
		}
		if total, _, ok := tenantdb.DiskTotal(c.src.Mgr.DataDir); ok {
			ch <- prometheus.MustNewConstMetric(c.diskTotal, prometheus.GaugeValue, float64(total))
		}
	}
	if c.src.Jobs != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.collectLanes(ch, c.src.Jobs.Stats(ctx))
	}
	c.collectReplication(ch)
}

// collectLanes exports every lane (zero when empty) and, per tenant, what each tenant reported;
// without tenant labels depth is summed and age is the oldest over tenants.
func (c *scrapeCollector) collectLanes(ch chan<- prometheus.Metric, stats []jobs.LaneStat) {
	type key struct{ lane, tenant string }
	type val struct {
		depth int
		age   time.Duration
	}
	sum := map[key]val{}
	if !c.m.PerTenant {
		for _, l := range jobs.Lanes() {
			sum[key{l.String(), allTenants}] = val{}
		}
	}
	for _, s := range stats {
		k := key{s.Lane.String(), c.m.tenant(s.Tenant)}
		v := sum[k]
		v.depth += s.Depth
		v.age = max(v.age, s.OldestAge)
		sum[k] = v
	}
	for k, v := range sum {
		lv := c.m.labels(k.tenant, k.lane)
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(v.depth), lv...)
		ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, v.age.Seconds(), lv...)
	}
}

// collectReplication exports lag per database: platform, and each tenant (or the worst tenant).
func (c *scrapeCollector) collectReplication(ch chan<- prometheus.Metric) {
	st := replica.Status{}
	if c.src.Repl != nil {
		st = c.src.Repl.Status()
	}
	ch <- prometheus.MustNewConstMetric(c.replEnabled, prometheus.GaugeValue, b2f(st.Enabled))
	ch <- prometheus.MustNewConstMetric(c.replHealthy, prometheus.GaugeValue, b2f(!st.Enabled || st.Healthy))
	type val struct{ sec, tx, err float64 }
	worst := map[string]val{}
	now := time.Now()
	for _, d := range st.DBs {
		name := c.dbLabel(d.Path)
		last := d.LastSyncAt
		if last.IsZero() {
			last = c.src.Started
		}
		v := worst[name]
		v.sec = max(v.sec, now.Sub(last).Seconds())
		if d.LocalTXID > d.ReplicaTXID {
			v.tx = max(v.tx, float64(d.LocalTXID-d.ReplicaTXID))
		}
		if d.Err != "" {
			v.err = 1
		}
		worst[name] = v
	}
	for name, v := range worst {
		ch <- prometheus.MustNewConstMetric(c.lagSec, prometheus.GaugeValue, v.sec, name)
		ch <- prometheus.MustNewConstMetric(c.lagTx, prometheus.GaugeValue, v.tx, name)
		ch <- prometheus.MustNewConstMetric(c.replErr, prometheus.GaugeValue, v.err, name)
	}
}

// dbLabel names a replicated file: platform, the tenant's slug (or "tenants"), or the file's base
// name for a database the litestream config lists outside the data directory.
func (c *scrapeCollector) dbLabel(path string) string {
	if c.src.Mgr == nil {
		return filepath.Base(path)
	}
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	p := abs(path)
	switch {
	case p == abs(c.src.Mgr.PlatformPath()):
		return platformDB
	case filepath.Dir(p) == abs(filepath.Join(c.src.Mgr.DataDir, "tenants")):
		if c.m.PerTenant {
			return strings.TrimSuffix(filepath.Base(p), ".db")
		}
		return tenantsDB
	}
	return filepath.Base(p)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// litestreamOnly passes on the embedded Litestream's families from the default registry (and
// nothing else there, so Go and process metrics are not served twice).
type litestreamOnly struct{ g prometheus.Gatherer }

func (l litestreamOnly) Gather() ([]*dto.MetricFamily, error) {
	fams, err := l.g.Gather()
	out := fams[:0]
	for _, f := range fams {
		if strings.HasPrefix(f.GetName(), "litestream_") {
			out = append(out, f)
		}
	}
	return out, err
}
