package approvals_test

import (
	"net/http"
	"sort"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// BenchmarkQueuePage measures the server time of the approval queue's first page over real HTTP
// against a tenant file holding 2,000 open recommendations (500 conversations × 4), and reports
// the 95th percentile.
//
//	go test ./app/approvals -run '^$' -bench QueuePage -benchtime 200x
func BenchmarkQueuePage(b *testing.B) {
	e := apptest.NewWith(b, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	op := e.User("acme", "olga", "operator")
	seedQueue(b, e.DB("acme"), 500, 4)
	if r := op.Get("/app/approvals/"); r.StatusCode != http.StatusOK {
		b.Fatalf("queue page: %d", r.StatusCode)
	}
	took := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		r := op.Get("/app/approvals/")
		took = append(took, time.Since(start))
		if r.StatusCode != http.StatusOK {
			b.Fatalf("queue page: %d", r.StatusCode)
		}
	}
	b.StopTimer()
	sort.Slice(took, func(i, j int) bool { return took[i] < took[j] })
	b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
}
