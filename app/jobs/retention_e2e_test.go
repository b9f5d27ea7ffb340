package jobs_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
)

// TestRetentionOnTheServer: the real server queues each tenant's retention run for 04:00 of the
// tenant's zone as soon as its runner starts, and the run uses the window the owner saved on the
// settings page: a WhatsApp delivery's job older than it is deleted with its payload (the sender's
// number, name and words), a newer one and a failed one stay, and the next day's run is queued.
// Meta redelivering the deleted delivery (it retries for up to 7 days) still finds it a duplicate:
// duplicates are recognised by the message's WhatsApp id, never by the job rows.
func TestRetentionOnTheServer(t *testing.T) {
	const secret = "retention-test-app-secret"
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"whatsapp_app_secret": secret})
	key := e.APIKey("acme", "whatsapp_webhook")
	owner := e.User("acme", "olga", "owner")
	zone := apptest.FarZone(t)
	apptest.SetZone(t, owner, zone.String())
	if r := owner.Post("/app/settings/profile", url.Values{jobs.SettingKeepDays: {"7"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving 7 days: %d %.300s", r.StatusCode, r.Body)
	}
	db := e.DB("acme")
	ctx := t.Context()

	deliver := func(wamid string) {
		t.Helper()
		body := apptest.WhatsAppText("905321112233", wamid, "Merhaba, fiyat alabilir miyim?")
		r := e.Client().PostJSON("/api/webhooks/whatsapp/", []byte(body), map[string]string{
			"X-Api-Key": key, "X-Hub-Signature-256": whatsapp.Sign([]byte(body), secret)})
		if r.StatusCode != 200 {
			t.Fatalf("delivery %s: %d %s", wamid, r.StatusCode, r.Body)
		}
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := db.Read.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Each wait asks again when a job's outcome is recorded; it fails only after apptest.HangBound.
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		apptest.Await(t, db, what, ok)
	}

	// Without the runner, the delivery is processed as it is stored (inline) or stays queued;
	// start the runner and wait until it is in the inbox.
	deliver("wamid.retention.old")
	if err := e.Server.Start(ctx); err != nil {
		t.Fatal(err)
	}
	waitFor("the delivery in the inbox", func() bool {
		return count(`SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.retention.old'`) == 1 &&
			count(`SELECT count(*) FROM jobs WHERE kind = ? AND status = 'done'`, whatsapp.JobProcess) == 1
	})
	// Everything the delivery made (its own job, the notification, the triage) finished 8 days ago.
	waitFor("the delivery's work done", func() bool {
		return count(`SELECT count(*) FROM jobs WHERE `+apptest.UnfinishedJobs+` AND kind <> ?`, tenantdb.Now(), jobs.JobRetention) == 0
	})
	now := time.Now()
	if _, err := db.Exec(ctx, `UPDATE jobs SET updated_at = ? WHERE status = 'done'`, now.Add(-8*24*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	put := func(status string, age time.Duration) {
		at := now.Add(-age).UnixMilli()
		if _, err := db.Exec(ctx, `INSERT INTO jobs(kind, lane, payload, status, attempts, max_attempts, run_at, created_at, updated_at)
			VALUES('notify_email', 2, '{"to":"ayse@example.org"}', ?, 1, 5, ?, ?, ?)`, status, at, at, at); err != nil {
			t.Fatal(err)
		}
	}
	put("done", 6*24*time.Hour)   // inside the owner's 7 days
	put("failed", 8*24*time.Hour) // failures keep the default 90

	// The runner met the tenant at its start and queued the run for 04:00 of the tenant's zone.
	var runID, runAt int64
	waitFor("the retention run queued", func() bool {
		return db.Read.QueryRow(`SELECT id, run_at FROM jobs WHERE kind = ? AND status = 'queued'`, jobs.JobRetention).Scan(&runID, &runAt) == nil
	})
	if at := time.UnixMilli(runAt).In(zone); at.Hour() != 4 || at.Minute() != 0 || !at.After(now) || at.Sub(now) > 24*time.Hour {
		t.Fatalf("retention run queued for %s (%s), want the next 04:00 there", at, zone)
	}

	// Its time comes.
	if _, err := db.Exec(ctx, `UPDATE jobs SET run_at = ? WHERE id = ?`, tenantdb.Now()-1, runID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitFor("the run to finish", func() bool {
		return count(`SELECT count(*) FROM jobs WHERE id = ? AND status = 'done'`, runID) == 1
	})
	if n := count(`SELECT count(*) FROM jobs WHERE kind = ?`, whatsapp.JobProcess); n != 0 {
		t.Errorf("%d delivery jobs 8 days old left with a 7-day window", n)
	}
	if n := count(`SELECT count(*) FROM jobs WHERE payload LIKE '%905321112233%' OR payload LIKE '%Murat Usta%'`); n != 0 {
		t.Errorf("%d job rows still hold the sender", n)
	}
	if n := count(`SELECT count(*) FROM jobs WHERE kind = 'notify_email' AND status = 'done'`); n != 1 {
		t.Errorf("%d done jobs inside the window, want 1", n)
	}
	if n := count(`SELECT count(*) FROM jobs WHERE kind = 'notify_email' AND status = 'failed'`); n != 1 {
		t.Errorf("%d failed jobs 8 days old, want 1 (kept 90 days)", n)
	}
	if n := count(`SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.retention.old'`); n != 1 {
		t.Fatalf("the message itself: %d rows, want 1 (retention deletes only job records)", n)
	}
	var nextAt int64
	if err := db.Read.QueryRow(`SELECT run_at FROM jobs WHERE kind = ? AND status = 'queued'`, jobs.JobRetention).Scan(&nextAt); err != nil {
		t.Fatalf("no next run queued: %v", err)
	}
	if d := time.UnixMilli(nextAt).Sub(time.UnixMilli(runAt)); d < 23*time.Hour || d > 25*time.Hour {
		t.Errorf("next run %s after the one that ran, want a day", d)
	}

	// Meta delivers the same message again: still one message, and the duplicate is logged.
	deliver("wamid.retention.old")
	waitFor("the redelivery processed", func() bool {
		return count(`SELECT count(*) FROM jobs WHERE kind = ? AND status IN ('queued','running')`, whatsapp.JobProcess) == 0 &&
			count(`SELECT count(*) FROM jobs WHERE kind = ?`, whatsapp.JobProcess) == 1
	})
	if n := count(`SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.retention.old'`); n != 1 {
		t.Fatalf("after the redelivery: %d messages with its id, want 1", n)
	}
	if n := count(`SELECT count(*) FROM action_logs WHERE action_type = 'message_duplicate'`); n != 1 {
		t.Errorf("%d duplicate-delivery log rows, want 1", n)
	}
}
