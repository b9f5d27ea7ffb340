package jobs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"highvibe/app/tenantdb"
)

const day = 24 * time.Hour

// putJob stores a job straight into the table, as it would be after its life: status, and when it
// was last updated.
func putJob(t *testing.T, db *tenantdb.DB, kind, status string, updated time.Time) int64 {
	t.Helper()
	ms := updated.UnixMilli()
	res, err := db.Write.Exec(`INSERT INTO jobs(kind, lane, payload, status, attempts, max_attempts, run_at, last_error, created_at, updated_at)
		VALUES(?, 0, '{"from":"905321234567","name":"Ayşe","text":"Merhaba"}', ?, 1, 5, ?, '', ?, ?)`, kind, status, ms, ms, ms)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

func putImport(t *testing.T, db *tenantdb.DB, status string, finished time.Time) int64 {
	t.Helper()
	ms := finished.UnixMilli()
	res, err := db.Write.Exec(`INSERT INTO data_import_jobs(source, status, body, created_at, finished_at) VALUES('whatsapp', ?, '{"entry":[]}', ?, ?)`,
		status, ms, ms)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := res.LastInsertId()
	return id
}

func exists(t *testing.T, db *tenantdb.DB, table string, id int64) bool {
	t.Helper()
	var ok bool
	if err := db.Read.QueryRow(`SELECT EXISTS(SELECT 1 FROM `+table+` WHERE id = ?)`, id).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

func countRows(t *testing.T, db *tenantdb.DB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// setZone stores the tenant's time zone as the business hours page does.
func setZone(t *testing.T, db *tenantdb.DB, zone string) {
	t.Helper()
	if _, err := db.Write.Exec(`INSERT INTO business_hours(id, config, updated_at) VALUES(1, json_object('zone', ?), 0)
		ON CONFLICT(id) DO UPDATE SET config = excluded.config`, zone); err != nil {
		t.Fatal(err)
	}
}

// TestPruneKeepsWhatIsInsideItsWindows: a run deletes done and cancelled jobs past the short
// window and failed ones only past the long one (and the old raw deliveries by the same rules);
// queued and running jobs stay however old, and so does everything inside its window. The next
// daily run is queued for 04:00 of the next day in the tenant's zone.
func TestPruneKeepsWhatIsInsideItsWindows(t *testing.T) {
	ctx := t.Context()
	db := openTenant(t, t.TempDir(), "acme")
	setZone(t, db, "Europe/Istanbul")
	ist, err := time.LoadLocation("Europe/Istanbul")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	now := time.Date(2026, 12, 3, 15, 30, 0, 0, ist)
	w := RetentionOf(func(string) string { return "" }) // the defaults: 30 and 90 days
	if w.Done != 30*day || w.Failed != 90*day {
		t.Fatalf("default windows %+v", w)
	}
	gone := map[string]int64{
		"done 31 days":      putJob(t, db, "whatsapp_process", "done", now.Add(-31*day)),
		"cancelled 31 days": putJob(t, db, "send_scheduled", "cancelled", now.Add(-31*day)),
		"failed 91 days":    putJob(t, db, "notify_email", "failed", now.Add(-91*day)),
	}
	kept := map[string]int64{
		"done 29 days":    putJob(t, db, "whatsapp_process", "done", now.Add(-29*day)),
		"failed 31 days":  putJob(t, db, "notify_email", "failed", now.Add(-31*day)),
		"failed 89 days":  putJob(t, db, "notify_push", "failed", now.Add(-89*day)),
		"queued 400 days": putJob(t, db, "send_scheduled", "queued", now.Add(-400*day)),
		"running 400 day": putJob(t, db, "ai_review", "running", now.Add(-400*day)),
	}
	importsGone := []int64{putImport(t, db, "completed", now.Add(-31*day)), putImport(t, db, "failed", now.Add(-91*day))}
	importsKept := []int64{putImport(t, db, "completed", now.Add(-29*day)), putImport(t, db, "failed", now.Add(-31*day)),
		putImport(t, db, "pending", now.Add(-400*day))}

	p, err := Prune(ctx, db, fixed(w), now)
	if err != nil {
		t.Fatal(err)
	}
	for name, id := range gone {
		if exists(t, db, "jobs", id) {
			t.Errorf("%s: kept, want deleted", name)
		}
	}
	for name, id := range kept {
		if !exists(t, db, "jobs", id) {
			t.Errorf("%s: deleted, want kept", name)
		}
	}
	for i, id := range importsGone {
		if exists(t, db, "data_import_jobs", id) {
			t.Errorf("old raw delivery %d kept", i)
		}
	}
	for i, id := range importsKept {
		if !exists(t, db, "data_import_jobs", id) {
			t.Errorf("raw delivery %d deleted", i)
		}
	}
	if p.Jobs != 3 || p.Imports != 2 || p.More {
		t.Errorf("run %+v, want 3 jobs and 2 raw deliveries, no more", p)
	}
	want := time.Date(2026, 12, 4, 4, 0, 0, 0, ist)
	if !p.Next.Equal(want) {
		t.Errorf("next run %s, want %s", p.Next, want)
	}
	if n := countRows(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued' AND run_at = ?`, JobRetention, want.UnixMilli()); n != 1 {
		t.Errorf("%d next runs queued for %s", n, want)
	}

	// A tenant that keeps less: 7 days for everything done, 30 for failures.
	short := RetentionOf(func(k string) string { return map[string]string{SettingKeepDays: "7", SettingKeepFailedDays: "30"}[k] })
	if _, err := Prune(ctx, db, fixed(short), now); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]bool{"done 29 days": false, "failed 31 days": false, "failed 89 days": false,
		"queued 400 days": true, "running 400 day": true} {
		if exists(t, db, "jobs", kept[name]) != want {
			t.Errorf("with 7/30 days: %s kept = %v, want %v", name, !want, want)
		}
	}
	// The second run of the day queued nothing new.
	if n := countRows(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'`, JobRetention); n != 1 {
		t.Errorf("%d retention runs queued after two runs on one day, want 1", n)
	}
}

// TestRetentionOfRefusesOutOfRange: a stored window outside its range (or not a number) falls back
// to the default rather than deleting everything at once.
func TestRetentionOfRefusesOutOfRange(t *testing.T) {
	t.Parallel()
	for v, want := range map[string]time.Duration{"0": 30 * day, "-5": 30 * day, "abc": 30 * day, "366": 30 * day, " 45 ": 45 * day, "1": day} {
		got := RetentionOf(func(k string) string {
			if k == SettingKeepDays {
				return v
			}
			return ""
		})
		if got.Done != want || got.Failed != 90*day {
			t.Errorf("%q: %+v, want done %s", v, got, want)
		}
	}
}

// TestPruneDeletesInSmallTransactions: thousands of old jobs go a batch per write transaction —
// counted after every commit of the tenant's file, so the test sees what the writer did, not what
// the code says it did — and a run stops at its row cap with the next run queued at once.
func TestPruneDeletesInSmallTransactions(t *testing.T) {
	ctx := t.Context()
	oldBatch, oldRun := retentionBatch, retentionRunRows
	t.Cleanup(func() { retentionBatch, retentionRunRows = oldBatch, oldRun })
	retentionBatch, retentionRunRows = 100, 100_000

	m, err := tenantdb.NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	db, err := m.Create(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	const old, recent = 2500, 40
	if _, err := db.Write.Exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO jobs(kind, lane, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
		SELECT 'whatsapp_process', 0, '{"text":"' || printf('%.500c', 'x') || '"}', CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'done' END, 1, 8, ?2, ?2, ?2 FROM n`,
		old, now.Add(-100*day).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	for range recent {
		putJob(t, db, "whatsapp_process", "done", now.Add(-day))
	}
	var mu sync.Mutex
	var after []int // rows in jobs after each committed transaction
	m.AfterTenantTx(func(_ context.Context, slug string, d *tenantdb.DB) {
		var n int
		if err := d.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'whatsapp_process'`).Scan(&n); err != nil {
			t.Error(err)
		}
		mu.Lock()
		after = append(after, n)
		mu.Unlock()
	})

	p, err := Prune(ctx, db, fixed(Retention{Done: 30 * day, Failed: 90 * day}), now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Jobs != old || p.More {
		t.Fatalf("run %+v, want %d deleted in one run", p, old)
	}
	if n := countRows(t, db, `SELECT count(*) FROM jobs WHERE kind = 'whatsapp_process'`); n != recent {
		t.Fatalf("%d jobs left, want the %d recent ones", n, recent)
	}
	prev, deleting := old+recent, 0
	for i, n := range after {
		drop := prev - n
		if drop > retentionBatch {
			t.Fatalf("transaction %d deleted %d rows, more than the batch of %d", i, drop, retentionBatch)
		}
		if drop > 0 {
			deleting++
		}
		prev = n
	}
	if want := old / retentionBatch; deleting != want {
		t.Fatalf("%d transactions deleted rows, want %d (%d rows, %d a batch): %v", deleting, want, old, retentionBatch, after)
	}

	// A run stops at its cap and hands over to the next run, due now.
	retentionRunRows = 250
	for range 300 {
		putJob(t, db, "whatsapp_process", "done", now.Add(-40*day))
	}
	p, err = Prune(ctx, db, fixed(Retention{Done: 30 * day, Failed: 90 * day}), now)
	if err != nil {
		t.Fatal(err)
	}
	if p.Jobs != 250 || !p.More {
		t.Fatalf("capped run %+v, want 250 deleted and more to do", p)
	}
	if n := countRows(t, db, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued' AND run_at <= ?`, JobRetention, now.UnixMilli()); n != 1 {
		t.Fatalf("%d retention runs due now after a capped run, want 1", n)
	}
}

// TestRetentionRunsDaily: a runner with the retention job queues a tenant's first run when it
// meets the tenant, runs it at 04:00 of the tenant's zone, and every run queues the next day's —
// also a run whose deletion fails. Without the deletion the old job would still be there.
func TestRetentionRunsDaily(t *testing.T) {
	ctx := t.Context()
	db := openTenant(t, t.TempDir(), "acme")
	setZone(t, db, "UTC")
	r, c, _ := testRunner(t, oneTenant{"acme": db})
	var windowsErr error
	r.HandleRetention(func(_ context.Context, slug string) (Retention, error) {
		if slug != "acme" {
			t.Errorf("windows asked for %q", slug)
		}
		return Retention{Done: 30 * day, Failed: 90 * day}, windowsErr
	})
	start := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	c.set(start)
	oldID := putJob(t, db, "whatsapp_process", "done", start.Add(-45*day))
	newID := putJob(t, db, "whatsapp_process", "done", start.Add(-5*day))

	queued := func() []string {
		var out []string
		rows, err := db.Read.Query(`SELECT run_at, dedupe_key FROM jobs WHERE kind = ? AND status = 'queued' ORDER BY run_at`, JobRetention)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var at int64
			var key string
			if err := rows.Scan(&at, &key); err != nil {
				t.Fatal(err)
			}
			out = append(out, time.UnixMilli(at).UTC().Format(time.DateTime)+" "+key)
		}
		return out
	}
	if n := drain(ctx, r); n != 0 {
		t.Fatalf("ran %d jobs at 15:00", n)
	}
	if got := strings.Join(queued(), "; "); got != "2026-12-04 04:00:00 day:2026-12-04" {
		t.Fatalf("after the first look: queued %q, want the run at 04:00 tomorrow", got)
	}
	if !exists(t, db, "jobs", oldID) {
		t.Fatal("deleted before the run's time")
	}

	c.set(time.Date(2026, 12, 4, 4, 0, 1, 0, time.UTC))
	if n := drain(ctx, r); n != 1 {
		t.Fatalf("ran %d jobs at 04:00, want the retention run", n)
	}
	if exists(t, db, "jobs", oldID) || !exists(t, db, "jobs", newID) {
		t.Fatalf("after the run: old job kept = %v, recent job kept = %v", exists(t, db, "jobs", oldID), exists(t, db, "jobs", newID))
	}
	if got := strings.Join(queued(), "; "); got != "2026-12-05 04:00:00 day:2026-12-05" {
		t.Fatalf("after the run: queued %q, want the next day's", got)
	}

	// A run that fails (its windows cannot be read) keeps the chain: it is retried, and the next
	// day's run waits however it ends.
	windowsErr = fmt.Errorf("platform unavailable")
	c.set(time.Date(2026, 12, 5, 4, 0, 1, 0, time.UTC))
	if n := drain(ctx, r); n != 1 {
		t.Fatalf("ran %d jobs on the failing day", n)
	}
	var status, lastErr string
	if err := db.Read.QueryRow(`SELECT status, last_error FROM jobs WHERE kind = ? AND dedupe_key = 'day:2026-12-05'`, JobRetention).Scan(&status, &lastErr); err != nil {
		t.Fatal(err)
	}
	if status != "queued" || !strings.Contains(lastErr, "platform unavailable") {
		t.Fatalf("failing run: %s %q, want queued again for a retry", status, lastErr)
	}
}

// fixed is windows that are always w.
func fixed(w Retention) func() (Retention, error) { return func() (Retention, error) { return w, nil } }
