package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// TestCountsFailedRetry: the staff console's view of a queue counts waiting, running and failed
// jobs per kind and lane (done and cancelled ones not at all), lists failed jobs with their error,
// and Retry queues one failed job again with fresh attempts — refusing a job that is not failed,
// one that does not exist, and one whose twin (same kind and key) is already open.
func TestCountsFailedRetry(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	db := e.DB("acme")
	ctx := context.Background()
	if _, err := db.Write.Exec(`INSERT INTO jobs(id, kind, lane, payload, status, attempts, max_attempts, run_at, dedupe_key, last_error, created_at, updated_at) VALUES
		(1, 'deliver_message', 0, '{}', 'failed', 5, 5, 10, NULL, 'smtp: 550 mailbox full', 1, 300),
		(2, 'deliver_message', 0, '{}', 'queued', 0, 5, 20, NULL, '', 1, 1),
		(3, 'deliver_message', 0, '{}', 'queued', 1, 5, 15, NULL, '', 1, 1),
		(4, 'ai_triage', 1, '{}', 'running', 1, 5, 10, NULL, '', 1, 1),
		(5, 'ai_triage', 1, '{}', 'done', 1, 5, 10, NULL, '', 1, 1),
		(6, 'ai_review', 2, '{}', 'cancelled', 0, 5, 10, NULL, '', 1, 1),
		(7, 'ai_review', 2, '{}', 'failed', 3, 3, 10, 'conv-9', 'model gone', 1, 200),
		(8, 'ai_review', 2, '{}', 'queued', 0, 5, 30, 'conv-9', '', 1, 1)`); err != nil {
		t.Fatal(err)
	}
	// At 25 ms the two queued deliveries (run_at 15 and 20) are due; the review queued for 30 is
	// scheduled, not waiting: it must not read as the oldest waiting job.
	counts, err := jobs.Counts(ctx, db, time.UnixMilli(25))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]jobs.KindCount{}
	for _, c := range counts {
		got[c.Kind] = c
	}
	if len(got) != 3 {
		t.Fatalf("counts %+v", counts)
	}
	if c := got["deliver_message"]; c.Queued != 2 || c.Failed != 1 || c.Running != 0 || c.OldestDue != 15 || c.NextAt != 0 || c.Lane != jobs.LaneCustomer {
		t.Fatalf("deliver_message %+v", c)
	}
	if c := got["ai_triage"]; c.Running != 1 || c.Queued != 0 || c.Failed != 0 || c.Lane != jobs.LaneAssistant {
		t.Fatalf("ai_triage %+v (a done job counted?)", c)
	}
	if c := got["ai_review"]; c.Failed != 1 || c.Queued != 1 || c.OldestDue != 0 || c.NextAt != 30 {
		t.Fatalf("ai_review %+v (a cancelled job counted?)", c)
	}
	failed, err := jobs.Failed(ctx, db, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(failed) != 2 || failed[0].ID != 1 || failed[0].LastError != "smtp: 550 mailbox full" || failed[1].ID != 7 {
		t.Fatalf("failed %+v", failed)
	}
	// Retry 1: queued now, attempts back to zero.
	if kind, err := jobs.Retry(ctx, db, 1); err != nil || kind != "deliver_message" {
		t.Fatalf("retry 1: %q %v", kind, err)
	}
	var status string
	var attempts int
	_ = db.Read.QueryRow(`SELECT status, attempts FROM jobs WHERE id = 1`).Scan(&status, &attempts)
	if status != "queued" || attempts != 0 {
		t.Fatalf("after retry: %s %d", status, attempts)
	}
	if _, err := jobs.Retry(ctx, db, 1); !errors.Is(err, jobs.ErrNotFailed) {
		t.Fatalf("retry of a queued job: %v", err)
	}
	if _, err := jobs.Retry(ctx, db, 99); !errors.Is(err, tenantdb.ErrNotFound) {
		t.Fatalf("retry of a missing job: %v", err)
	}
	if _, err := jobs.Retry(ctx, db, 7); !errors.Is(err, jobs.ErrDuplicateOpen) {
		t.Fatalf("retry while the same key is open: %v", err)
	}
	_ = db.Read.QueryRow(`SELECT status FROM jobs WHERE id = 7`).Scan(&status)
	if status != "failed" {
		t.Fatalf("a refused retry changed job 7 to %s", status)
	}
}
