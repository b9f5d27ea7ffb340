package apptest

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// UnfinishedJobs is the SQL condition on a jobs row whose work has not happened yet (its one
// parameter: now in Unix milliseconds): running, due, or tried and waiting for its next try (a
// failed attempt is rescheduled seconds later, so "nothing is due" does not mean "the work was
// done"). A job never tried and set for later (a timer, a digest, a burst's delayed message) is
// not waited for.
const UnfinishedJobs = `(status = 'running' OR (status = 'queued' AND (run_at <= ? OR attempts > 0 OR last_error <> '')))`

// Settle waits until every job of the given kinds (every kind when none is given) in db has
// finished: done, failed for good or cancelled, including the retries of a job whose first try
// failed. It fails the test, listing the jobs still open, after two minutes: a guard against a
// hang, long enough for a job's first retries (5 s, then 20 s) on a loaded machine.
func Settle(t testing.TB, db *tenantdb.DB, kinds ...string) {
	t.Helper()
	settle(t, db, "IN", kinds)
}

// SettleBut is Settle for every kind but the given ones: a test whose outbound deliveries cannot
// reach a provider (their jobs retry for minutes) waits for the rest of the work.
func SettleBut(t testing.TB, db *tenantdb.DB, skip ...string) {
	t.Helper()
	settle(t, db, "NOT IN", skip)
}

func settle(t testing.TB, db *tenantdb.DB, in string, kinds []string) {
	t.Helper()
	q, args := `SELECT count(*) FROM jobs WHERE `+UnfinishedJobs, []any{0}
	if len(kinds) > 0 {
		q += ` AND kind ` + in + ` (?` + strings.Repeat(`,?`, len(kinds)-1) + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	n := 0
	Await(t, db, fmt.Sprintf("jobs (kind %s %v) to finish", in, kinds), func() bool {
		args[0] = time.Now().UnixMilli()
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatalf("apptest: settle: %v", err)
		}
		return n == 0
	})
}

// runners are the job runners of the databases Env.DB handed out, by file.
var runners sync.Map

// HangBound is how long Await waits before it fails the test: no test's work takes that long,
// even on a machine loaded many times over, so reaching it means the awaited thing never happens.
const HangBound = 2 * time.Minute

// Await waits until ok holds for db: it asks again each time the server's job runner records a
// job's outcome (Runner.Finished), since that is when the jobs table and what jobs write change,
// and at least every 100 ms for what changes otherwise. It fails the test after HangBound naming
// what it waited for and the unfinished jobs.
func Await(t testing.TB, db *tenantdb.DB, what string, ok func() bool) {
	t.Helper()
	var fin func() <-chan struct{}
	if r, found := runners.Load(db.Path); found {
		fin = r.(*jobs.Runner).Finished
	}
	hang := time.NewTimer(HangBound)
	defer hang.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		var changed <-chan struct{}
		if fin != nil {
			changed = fin() // taken before asking, so an outcome recorded meanwhile is not missed
		}
		if ok() {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-hang.C:
			t.Fatalf("apptest: waited %s for %s; unfinished jobs: %s", HangBound, what, openJobs(db))
		}
	}
}

// openJobs describes the unfinished jobs, for a test's failure message.
func openJobs(db *tenantdb.DB) string {
	rows, err := db.Read.Query(`SELECT id, kind, status, attempts, run_at, last_error FROM jobs WHERE `+UnfinishedJobs+` ORDER BY id`, time.Now().UnixMilli())
	if err != nil {
		return err.Error()
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, runAt int64
		var attempts int
		var kind, status, lastErr string
		if err := rows.Scan(&id, &kind, &status, &attempts, &runAt, &lastErr); err != nil {
			return err.Error()
		}
		out = append(out, fmt.Sprintf("#%d %s %s, %d tries, next in %s, last error %q", id, kind, status, attempts,
			time.Until(time.UnixMilli(runAt)).Round(time.Millisecond), lastErr))
	}
	return strings.Join(out, "; ")
}
