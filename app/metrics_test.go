package app_test

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"gopkg.in/yaml.v3"

	"highvibe/app/ai"
	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/jobs"
	"highvibe/guide"
)

// scrape reads /metrics over HTTP and parses it with the Prometheus text parser.
func scrape(t *testing.T, e *apptest.Env, token string) map[string]*dto.MetricFamily {
	t.Helper()
	req, _ := http.NewRequest("GET", e.URL+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("GET /metrics: status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Fatalf("GET /metrics: Content-Type %q, want the text format", ct)
	}
	var p expfmt.TextParser
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("/metrics is not valid Prometheus text: %v", err)
	}
	return fams
}

// sample finds the series of family name whose labels include want; it fails when there is none.
func sample(t *testing.T, fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	t.Helper()
	f := fams[name]
	if f == nil {
		t.Fatalf("family %s missing from /metrics", name)
	}
	if m := find(f, want); m != nil {
		return m
	}
	var have []string
	for _, m := range f.GetMetric() {
		have = append(have, fmt.Sprint(m.GetLabel()))
	}
	t.Fatalf("%s has no series with %v; it has %v", name, want, have)
	return nil
}

// find is the first series of f whose labels include want (nil when none).
func find(f *dto.MetricFamily, want map[string]string) *dto.Metric {
next:
	for _, m := range f.GetMetric() {
		got := map[string]string{}
		for _, l := range m.GetLabel() {
			got[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if got[k] != v {
				continue next
			}
		}
		return m
	}
	return nil
}

// value is a counter's, gauge's or histogram's (sample count) number.
func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.GetCounter().GetValue()
	case m.Gauge != nil:
		return m.GetGauge().GetValue()
	case m.Histogram != nil:
		return float64(m.GetHistogram().GetSampleCount())
	}
	return 0
}

// waitFor scrapes until the series of name with labels want reaches at least min (a job's
// outcome is counted just after it is written, so the database alone cannot tell); it asks again
// each time acme's job runner records an outcome.
func waitFor(t *testing.T, e *apptest.Env, token, name string, want map[string]string, min float64) {
	t.Helper()
	apptest.Await(t, e.DB("acme"), fmt.Sprintf("%s%v to reach %v", name, want, min), func() bool {
		m := find(scrape(t, e, token)[name], want)
		return m != nil && value(m) >= min
	})
}

// TestMetricsAfterRealWork: a signed WhatsApp delivery (and one with a bad signature), the jobs it
// starts, a panel page view; then /metrics over HTTP is valid Prometheus text with the families of
// the guide's Monitoring page, route patterns instead of paths, and tenant slugs only when the
// metrics token is set.
func TestMetricsAfterRealWork(t *testing.T) {
	t.Parallel()
	for _, sc := range []struct {
		name, token string
	}{{"no token: tenants aggregated", ""}, {"token: per tenant", "s3cret-metrics"}} {
		t.Run(sc.name, func(t *testing.T) {
			root := t.TempDir()
			cfg := filepath.Join(root, "litestream.yml")
			if err := os.WriteFile(cfg, []byte("dbs:\n  - path: data/platform.db\n    replica:\n      path: backup/platform.db\n"+
				"  - dir: data/tenants\n    pattern: \"*.db\"\n    replica:\n      path: backup/tenants\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			e := apptest.NewWith(t, apptest.Options{DataDir: filepath.Join(root, "data"), Litestream: cfg, MetricsToken: sc.token})
			e.Tenant("acme")
			const secret = "app-secret"
			e.Set("acme", map[string]string{"whatsapp_app_secret": secret})
			key := e.APIKey("acme", "whatsapp_webhook")
			body := []byte(`{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"value":{"messaging_product":"whatsapp",
"metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Ayşe"},"wa_id":"905321234567"}],
"messages":[{"from":"905321234567","id":"wamid.m1","timestamp":"1735689600","type":"text","text":{"body":"200 m2 granit parke fiyatı nedir?"}}]},"field":"messages"}]}]}`)
			c := e.Client()
			if r := c.PostJSON("/api/webhooks/whatsapp/", body, map[string]string{"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign(body, secret)}); r.StatusCode != 200 {
				t.Fatalf("signed delivery: %d %s", r.StatusCode, r.Body)
			}
			if r := c.PostJSON("/api/webhooks/whatsapp/", body, map[string]string{"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign(body, "wrong")}); r.StatusCode != 403 {
				t.Fatalf("badly signed delivery: %d %s", r.StatusCode, r.Body)
			}
			// The search rebuild is queued SearchDelay after the message and runs after it: the
			// customer lane is drained only when it has run too.
			for _, kind := range []string{"whatsapp_process", "ai_triage", "inbox_search"} {
				waitFor(t, e, sc.token, "highvibe_jobs_run_total", map[string]string{"kind": kind, "outcome": "done"}, 1)
			}
			// The triage's reply queues its delivery in the customer lane as it commits: the
			// counter of the triage can move before a worker took that job. Wait until nothing
			// is due or running, so the depth gauge and the replica read a settled tenant.
			settle(t, e.DB("acme"))
			owner := e.User("acme", "olga", "owner")
			if r := owner.Get("/app/inbox/"); r.StatusCode != 200 {
				t.Fatalf("inbox: %d", r.StatusCode)
			}
			if r := owner.Get("/app/inbox/999999/"); r.StatusCode != 404 {
				t.Fatalf("missing conversation: %d", r.StatusCode)
			}
			if err := e.Server.Repl.Sync(t.Context(), filepath.Join(root, "data", "tenants", "acme.db")); err != nil {
				t.Fatal(err)
			}

			fams := scrape(t, e, sc.token)
			tenant, tenantDB := map[string]string{}, "tenants"
			if sc.token != "" {
				tenant, tenantDB = map[string]string{"tenant": "acme"}, "acme"
			}
			with := func(kv ...string) map[string]string {
				m := map[string]string{}
				for k, v := range tenant {
					m[k] = v
				}
				for i := 0; i < len(kv); i += 2 {
					m[kv[i]] = kv[i+1]
				}
				return m
			}

			// HTTP: by route pattern and status, never by raw path.
			if v := value(sample(t, fams, "highvibe_http_requests_total", map[string]string{"route": "GET /app/inbox/{id}/{$}", "code": "404"})); v != 1 {
				t.Errorf("404 on the conversation pattern counted %v times, want 1", v)
			}
			sample(t, fams, "highvibe_http_requests_total", map[string]string{"route": "GET /app/inbox/{$}", "code": "200"})
			if v := value(sample(t, fams, "highvibe_http_request_duration_seconds", map[string]string{"route": "POST /api/webhooks/whatsapp/"})); v != 2 {
				t.Errorf("webhook latency histogram holds %v requests, want 2", v)
			}
			patterns := map[string]bool{"unrouted": true, "GET /static/": true, "/": true}
			for _, rt := range e.Server.Routes(e.Handlers) {
				patterns[rt.Pattern] = true
			}
			for _, m := range fams["highvibe_http_requests_total"].GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "route" && !patterns[l.GetValue()] && !strings.HasPrefix(l.GetValue(), "GET /") {
						t.Errorf("route label %q is not a route pattern", l.GetValue())
					}
					if l.GetName() == "route" && strings.Contains(l.GetValue(), "999999") {
						t.Errorf("a raw path leaked into the route label: %q", l.GetValue())
					}
				}
			}

			// Webhook deliveries by channel, outcome and reason.
			if v := value(sample(t, fams, "highvibe_webhook_deliveries_total", map[string]string{"channel": "whatsapp", "outcome": "accepted", "reason": "ok"})); v != 1 {
				t.Errorf("accepted deliveries = %v, want 1", v)
			}
			if v := value(sample(t, fams, "highvibe_webhook_deliveries_total", map[string]string{"channel": "whatsapp", "outcome": "refused", "reason": "bad_signature"})); v != 1 {
				t.Errorf("refused (bad_signature) deliveries = %v, want 1", v)
			}

			// Jobs: what the delivery started, by kind, lane and outcome; the queues are empty.
			if v := value(sample(t, fams, "highvibe_jobs_run_total", map[string]string{"kind": "whatsapp_process", "lane": "customer", "outcome": "done"})); v != 1 {
				t.Errorf("whatsapp_process jobs done = %v, want 1", v)
			}
			if v := value(sample(t, fams, "highvibe_jobs_run_total", map[string]string{"kind": "ai_triage", "lane": "assistant", "outcome": "done"})); v != 1 {
				t.Errorf("ai_triage jobs done = %v, want 1", v)
			}
			sample(t, fams, "highvibe_job_duration_seconds", map[string]string{"kind": "ai_triage"})
			if v := value(sample(t, fams, "highvibe_jobs_queue_depth", with("lane", "customer"))); v != 0 {
				t.Errorf("customer lane depth %v after the queue drained", v)
			}

			// Assistant: the triage of the delivered message, builtin engine, no cost.
			if v := value(sample(t, fams, "highvibe_assistant_calls_total", with("provider", "builtin", "purpose", "triage", "outcome", "ok"))); v != 1 {
				t.Errorf("assistant calls = %v, want 1", v)
			}
			sample(t, fams, "highvibe_assistant_spend_usd_total", with("provider", "builtin"))

			// SQLite write transactions, and replication lag per database.
			if v := value(sample(t, fams, "highvibe_sqlite_write_tx_seconds", map[string]string{"db": tenantDB})); v < 3 {
				t.Errorf("only %v tenant write transactions observed", v)
			}
			sample(t, fams, "highvibe_sqlite_write_wait_seconds", map[string]string{"db": "platform"})
			if v := value(sample(t, fams, "highvibe_replication_lag_transactions", map[string]string{"db": tenantDB})); v != 0 {
				t.Errorf("replica of the tenant %v transactions behind right after a sync", v)
			}
			if v := value(sample(t, fams, "highvibe_replication_lag_seconds", map[string]string{"db": "platform"})); v < 0 || v > 60 {
				t.Errorf("platform replication lag %v s", v)
			}
			if v := value(sample(t, fams, "highvibe_replication_healthy", nil)); v != 1 {
				t.Errorf("replication healthy = %v", v)
			}
			if v := value(sample(t, fams, "highvibe_tenants_open", nil)); v != 1 {
				t.Errorf("tenants open = %v", v)
			}
			sample(t, fams, "go_goroutines", nil)

			// With the workers stopped, due jobs wait: depth and age per lane show it.
			e.Server.Jobs.Stop(5 * time.Second)
			for i := 0; i < 3; i++ {
				if _, err := jobs.EnqueueDB(t.Context(), e.DB("acme"), ai.JobTriage, map[string]int{"conversation_id": 1}, jobs.Options{RunAt: time.Now().Add(-time.Minute)}); err != nil {
					t.Fatal(err)
				}
			}
			fams = scrape(t, e, sc.token)
			if v := value(sample(t, fams, "highvibe_jobs_queue_depth", with("lane", "assistant"))); v != 3 {
				t.Errorf("assistant lane depth %v, want 3", v)
			}
			if v := value(sample(t, fams, "highvibe_jobs_oldest_age_seconds", with("lane", "assistant"))); v < 60 || v > 120 {
				t.Errorf("assistant lane oldest age %v s, want about 60", v)
			}

			// Tenant slugs: only with the token (litestream's own metrics name files, so they too).
			acme := 0
			for name, f := range fams {
				for _, m := range f.GetMetric() {
					for _, l := range m.GetLabel() {
						if strings.Contains(l.GetValue(), "acme") {
							acme++
							if sc.token == "" {
								t.Errorf("slug in %s{%s=%q} without a metrics token", name, l.GetName(), l.GetValue())
							}
						}
					}
				}
			}
			_, litestream := fams["litestream_db_size"]
			if sc.token != "" && (acme == 0 || !litestream) {
				t.Errorf("with a token: %d series name the tenant, litestream metrics served: %v", acme, litestream)
			}
			if sc.token == "" && litestream {
				t.Error("litestream's metrics (labelled by file path) served without a token")
			}
			if sc.token != "" {
				checkMonitoringGuide(t, fams)
			}
		})
	}
}

var metricName = regexp.MustCompile(`highvibe_[a-z_]+[a-z]`)

// checkMonitoringGuide: the guide's Monitoring page (both languages) explains every highvibe_
// family the server serves, names no family that does not exist, and its alert rules are YAML
// Prometheus can load (groups of rules with alert and expr).
func checkMonitoringGuide(t *testing.T, fams map[string]*dto.MetricFamily) {
	t.Helper()
	for _, lang := range []string{"en", "tr"} {
		b, err := fs.ReadFile(guide.FS, lang+"/32-monitoring.md")
		if err != nil {
			t.Fatal(err)
		}
		page := string(b)
		named := map[string]bool{}
		for _, n := range metricName.FindAllString(page, -1) {
			base := n
			for _, suf := range []string{"_bucket", "_sum", "_count"} {
				if fams[base] == nil {
					base = strings.TrimSuffix(base, suf)
				}
			}
			if fams[base] == nil {
				t.Errorf("guide/%s/32-monitoring.md names %s, which /metrics does not serve", lang, n)
			}
			named[base] = true
		}
		for name := range fams {
			if strings.HasPrefix(name, "highvibe_") && !named[name] {
				t.Errorf("guide/%s/32-monitoring.md does not explain %s", lang, name)
			}
		}
		_, rest, ok := strings.Cut(page, "```yaml\ngroups:")
		if !ok {
			t.Fatalf("guide/%s/32-monitoring.md has no alert rules", lang)
		}
		block, _, _ := strings.Cut("groups:"+rest, "```")
		var rules struct {
			Groups []struct {
				Name  string
				Rules []struct{ Alert, Expr, For string }
			}
		}
		if err := yaml.Unmarshal([]byte(block), &rules); err != nil {
			t.Fatalf("guide/%s alert rules: %v", lang, err)
		}
		n := 0
		for _, g := range rules.Groups {
			for _, r := range g.Rules {
				n++
				if r.Alert == "" || r.Expr == "" {
					t.Errorf("guide/%s: rule %+v lacks alert or expr", lang, r)
				}
			}
		}
		if n < 5 {
			t.Errorf("guide/%s: only %d alert rules parsed", lang, n)
		}
	}
}

// TestMetricsScrapeLeavesIdleTenantsAsleep: once the job runner has found quiet tenants' queues
// empty and released their connections, scraping /metrics (queue gauges included) opens none, so
// a monitor scraping every few seconds does not undo the idle-memory budget.
func TestMetricsScrapeLeavesIdleTenantsAsleep(t *testing.T) {
	e := apptest.New(t)
	slugs := []string{"acme", "bravo", "delta"}
	for _, s := range slugs {
		e.Tenant(s)
	}
	open := func() int {
		n := 0
		for _, s := range slugs {
			db := e.DB(s)
			n += db.Read.Stats().OpenConnections + db.Write.Stats().OpenConnections
		}
		return n
	}
	apptest.Await(t, e.DB("acme"), "the job runner to release the idle tenants' connections", func() bool { return open() == 0 })
	// The runner itself rereads a queue while its file settles; stop it so that what follows
	// measures the scrapes alone.
	e.Server.Jobs.Stop(5 * time.Second)
	for _, s := range slugs {
		e.DB(s).ReleaseIdle()
	}
	if n := open(); n != 0 {
		t.Fatalf("%d tenant connections still open after the runner stopped", n)
	}
	for range 3 {
		fams := scrape(t, e, "")
		sample(t, fams, "highvibe_jobs_queue_depth", map[string]string{"lane": "customer"})
	}
	if n := open(); n != 0 {
		t.Errorf("scraping /metrics opened %d connections to idle tenants", n)
	}
}
