package notify_test

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/jobs"
	"highvibe/app/notify"
	"highvibe/app/tenantdb"
)

// waitFor waits until cond (a boolean SQL expression, args its parameters) holds in the tenant
// database, asking again each time the job runner records a job's outcome (apptest.Await); it
// fails only after apptest.HangBound.
func waitFor(t *testing.T, db *tenantdb.DB, what, cond string, args ...any) {
	t.Helper()
	apptest.Await(t, db, what, func() bool {
		var ok bool
		if err := db.Read.QueryRow(`SELECT `+cond, args...).Scan(&ok); err != nil {
			t.Fatal(err)
		}
		return ok
	})
}

// emailTried waits for user's newest handoff notification about conversation conv (newer than
// row after) and then for its e-mail job to have run to its end (done, or failed for good), and
// returns the notification. "No job of the tenant is due" is not enough: a job that met a busy
// database under load is queued again a few seconds later, and the notification's e-mail record
// is written only by that later run.
func emailTried(t *testing.T, db *tenantdb.DB, user, conv, after int64) int64 {
	t.Helper()
	waitFor(t, db, "the handoff's notification", `count(*) > 0 FROM notifications WHERE user_id = ? AND kind = 'handoff' AND conversation_id = ? AND id > ?`,
		user, conv, after)
	var id int64
	if err := db.Read.QueryRow(`SELECT max(id) FROM notifications WHERE user_id = ? AND kind = 'handoff' AND conversation_id = ? AND id > ?`,
		user, conv, after).Scan(&id); err != nil {
		t.Fatal(err)
	}
	waitFor(t, db, "the handoff's e-mail job", `count(*) > 0 FROM jobs WHERE kind = ? AND payload = ? AND status IN ('done','failed')`,
		notify.JobEmail, fmt.Sprintf(`{"notification_id":%d}`, id))
	return id
}

// raiseHandoff has Olga raise a handoff on a new, unassigned conversation (cleared first: the
// assistant may have raised one already): owners and operators but Olga hear of it.
func (tm *team) raiseHandoff(t *testing.T, visitor, name string) int64 {
	t.Helper()
	res := tm.ingest(t, "acme", visitor, name, "Merhaba, biriyle görüşebilir miyim?")
	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	settle(t, tm.e, "acme")
	tm.post(t, tm.olga, conv, url.Values{"handoff_required": {"0"}})
	settle(t, tm.e, "acme")
	tm.post(t, tm.olga, conv, url.Values{"handoff_required": {"1"}})
	settle(t, tm.e, "acme")
	return res.ConversationID
}

// emailForm asks for e-mail of the given kinds (every kind stays on for the phone).
func emailForm(addr string, kinds ...string) url.Values {
	form := url.Values{"email": {addr}}
	for _, k := range notify.Kinds {
		form.Set("push_"+k, "1")
	}
	for _, k := range kinds {
		form.Set("email_"+k, "1")
	}
	return form
}

// TestNoMailServerIsSaidAndRecorded: in a business without a mail server the settings page says
// e-mails cannot go out (the owner gets the way to the channel settings, the operator the owners
// to ask), e-mails can still be asked for and the saved notice says they do not go out yet; a
// handoff's e-mail is then recorded as not sent and shown on the list and the settings page, and
// so is a daily digest.
func TestNoMailServerIsSaidAndRecorded(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	db := e.DB("acme")

	r := tm.olga.Get("/app/notifications/settings?lang=en")
	doc := r.Doc(t)
	if w := doc.Find("form #mail-off"); w.Length() != 1 || !strings.Contains(w.Text(), "E-mails cannot be sent yet") {
		t.Fatalf("the owner's settings page lacks the no-mail-server warning:\n%s", r.Body)
	}
	if href, _ := doc.Find("#mail-fix").Attr("href"); href != "/app/settings/channels#email_smtp_host" {
		t.Errorf("the owner's way to the mail server settings is %q", href)
	}
	if tm.olga.Get("/app/settings/channels").Doc(t).Find("input#email_smtp_host").Length() != 1 {
		t.Error("the link's target, the SMTP server field, is not on the channel settings page")
	}
	if desc, _ := doc.Find(".notify-kinds thead th").Eq(2).Attr("aria-describedby"); desc != "mail-off" {
		t.Errorf("the e-mail column is not described by the warning (%q)", desc)
	}
	// The warning stands above the table with the e-mail column.
	if doc.Find("form #mail-off ~ .table-wrap .notify-kinds").Length() != 1 {
		t.Error("the warning is not above the kinds table")
	}

	r = tm.oscar.Get("/app/notifications/settings?lang=en")
	doc = r.Doc(t)
	if doc.Find("#mail-off").Length() != 1 || doc.Find("#mail-fix").Length() != 0 || doc.Find(`a[href^="/app/settings/channels"]`).Length() != 0 {
		t.Fatalf("the operator should see the warning without a link to settings they cannot open:\n%s", r.Body)
	}
	if ask := doc.Find("#mail-ask").Text(); !strings.Contains(ask, "Ask an owner") || !strings.Contains(ask, "olga") || !strings.Contains(ask, "otto") {
		t.Errorf("the operator is not told whom to ask: %q", ask)
	}
	if r := tm.oscar.Get("/app/settings/channels"); r.StatusCode != http.StatusForbidden {
		t.Errorf("an operator opened the channel settings: %d", r.StatusCode)
	}

	// Oscar asks for handoffs by e-mail: saved, and told it does not go out yet.
	tm.post(t, tm.oscar, "/app/notifications/settings", emailForm("oscar@acme.test", notify.KindHandoff))
	r = tm.oscar.Get("/app/notifications/settings?lang=en")
	if flash := r.Doc(t).Find(".flash-ok").Text(); !strings.Contains(flash, "Notification settings saved. E-mails are not sent yet") {
		t.Errorf("the saved notice does not say e-mails are not sent yet: %q", flash)
	}
	if p, _ := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, tm.oscar.UserID); !p.Email[notify.KindHandoff] || p.Address != "oscar@acme.test" {
		t.Fatalf("the e-mail choice was not kept: %+v", p)
	}
	// In Turkish too.
	tm.post(t, tm.oscar, "/app/notifications/settings?lang=tr", emailForm("oscar@acme.test", notify.KindHandoff))
	if flash := tm.oscar.Get("/app/notifications/settings?lang=tr").Doc(t).Find(".flash-ok").Text(); !strings.Contains(flash, "E-postalar henüz gönderilmiyor") {
		t.Errorf("the Turkish saved notice: %q", flash)
	}

	// A handoff: the e-mail job finds no mail server and records it, and finishes (nothing to retry).
	before := tm.mark(t, "acme")
	convID := tm.raiseHandoff(t, "v-1", "Ayşe Demir")
	id := emailTried(t, db, tm.oscar.UserID, convID, before)
	var failure string
	var failedAt, emailedAt int64
	if err := db.Read.QueryRow(`SELECT coalesce(email_failure, ''), coalesce(email_failed_at, 0), coalesce(emailed_at, 0) FROM notifications
		WHERE id = ?`, id).Scan(&failure, &failedAt, &emailedAt); err != nil {
		t.Fatal(err)
	}
	if failure != notify.FailNoServer || failedAt == 0 || emailedAt != 0 {
		t.Fatalf("the unsent e-mail is recorded as %q at %d (e-mailed %d), want %q", failure, failedAt, emailedAt, notify.FailNoServer)
	}
	var failedJobs int
	if err := db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'notify_email' AND status <> 'done'`).Scan(&failedJobs); err != nil || failedJobs != 0 {
		t.Errorf("%d e-mail jobs not done (%v): without a mail server there is nothing to retry", failedJobs, err)
	}
	// Olga (who raised it) and Otto (no e-mail asked) have nothing recorded.
	var others int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id <> ? AND email_failure IS NOT NULL`, tm.oscar.UserID).Scan(&others); err != nil || others != 0 {
		t.Errorf("%d notifications of people who asked for no e-mail are marked unsent (%v)", others, err)
	}

	var unsent int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND email_failure = 'no_server'`, tm.oscar.UserID).Scan(&unsent); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("%d notification", unsent)
	r = tm.oscar.Get("/app/notifications/?lang=en")
	doc = r.Doc(t)
	if line := doc.Find("#unsent-no_server").Text(); !strings.Contains(line, want) || !strings.Contains(line, "could not be e-mailed to you since") ||
		!strings.Contains(line, "no mail server") {
		t.Errorf("the list does not say the e-mails were not sent (want %q): %q", want, line)
	}
	if badge := doc.Find("#n-" + strconv.FormatInt(id, 10) + " .notify-mailfail").Text(); !strings.Contains(badge, "E-mail not sent") {
		t.Errorf("the handoff's row is not marked: %q", badge)
	}
	if line := tm.oscar.Get("/app/notifications/settings?lang=tr").Doc(t).Find("#unsent-no_server").Text(); !strings.Contains(line, "bildirim size e-postayla gönderilemedi") {
		t.Errorf("the Turkish settings page does not say it: %q", line)
	}
	// Otto asked for no e-mail: no such line for him.
	if tm.otto.Get("/app/notifications/?lang=en").Doc(t).Find(".notify-unsent").Length() != 0 {
		t.Error("a person who asked for no e-mail is told of unsent e-mails")
	}

	// The daily digest instead: when it runs without a mail server, what it lists is recorded the
	// same way.
	form := emailForm("oscar@acme.test", notify.KindHandoff)
	form.Set("digest", "1")
	tm.post(t, tm.oscar, "/app/notifications/settings", form)
	tm.raiseHandoff(t, "v-2", "Mehmet Kaya")
	var digest int64
	if err := db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = 'notify_digest' AND status = 'queued'`).Scan(&digest); err != nil {
		t.Fatalf("no digest queued: %v", err)
	}
	var waiting int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL AND email_failure IS NULL`,
		tm.oscar.UserID).Scan(&waiting); err != nil || waiting == 0 {
		t.Fatalf("nothing waits for the digest (%v)", err)
	}
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, digest); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitFor(t, db, "the digest", `status = 'done' FROM jobs WHERE id = ?`, digest)
	var left, all int
	if err := db.Read.QueryRow(`SELECT count(*) FILTER (WHERE email_failure IS NULL), count(*) FROM notifications
		WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL`, tm.oscar.UserID).Scan(&left, &all); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d of the digest's notifications are not marked unsent", left)
	}
	want = fmt.Sprintf("%d notifications could not be e-mailed to you", all)
	if line := tm.oscar.Get("/app/notifications/?lang=en").Doc(t).Find("#unsent-no_server").Text(); !strings.Contains(line, want) {
		t.Errorf("after the digest the list says %q, want %q", line, want)
	}
}

// TestRefusedMailServerIsRetriedThenShown: with a mail server that refuses connections (a closed
// local port), the e-mail job fails and is retried with nothing shown yet; when its last attempt
// fails too, the notification is recorded as not sent and the person sees why.
func TestRefusedMailServerIsRetriedThenShown(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	db := e.DB("acme")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	ln.Close()
	e.Set("acme", map[string]string{"email_smtp_host": "127.0.0.1", "email_smtp_port": port, "email_from": "Acme Parke <info@acme.test>",
		"email_smtp_security": "none"})

	r := tm.olga.Get("/app/notifications/settings?lang=en")
	if r.Doc(t).Find("#mail-off").Length() != 0 {
		t.Fatal("the warning shows although a mail server is set up")
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", emailForm("oscar@acme.test", notify.KindHandoff))
	if flash := tm.oscar.Get("/app/notifications/settings?lang=en").Doc(t).Find(".flash-ok").Text(); strings.TrimSpace(flash) != "Notification settings saved." {
		t.Errorf("with a mail server set up the saved notice is %q", flash)
	}

	before := tm.mark(t, "acme")
	convID := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba").ConversationID
	settle(t, e, "acme")
	conv := "/app/inbox/" + strconv.FormatInt(convID, 10) + "/"
	tm.post(t, tm.olga, conv, url.Values{"handoff_required": {"0"}})
	settle(t, e, "acme")
	tm.post(t, tm.olga, conv, url.Values{"handoff_required": {"1"}})

	var nid int64
	waitFor(t, db, "Oscar's handoff", `count(*) > 0 FROM notifications WHERE user_id = ? AND kind = 'handoff' AND conversation_id = ? AND id > ?`,
		tm.oscar.UserID, convID, before)
	if err := db.Read.QueryRow(`SELECT id FROM notifications WHERE user_id = ? AND kind = 'handoff' AND conversation_id = ? AND id > ?`,
		tm.oscar.UserID, convID, before).Scan(&nid); err != nil {
		t.Fatal(err)
	}
	payload := fmt.Sprintf(`{"notification_id":%d}`, nid)
	waitFor(t, db, "the first attempt", `count(*) > 0 FROM jobs WHERE kind = 'notify_email' AND payload = ? AND attempts = 1 AND status = 'queued'`, payload)
	var jobID, runAt int64
	var lastErr string
	if err := db.Read.QueryRow(`SELECT id, run_at, last_error FROM jobs WHERE kind = 'notify_email' AND payload = ?`, payload).Scan(&jobID, &runAt, &lastErr); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lastErr, "refused") || runAt <= time.Now().UnixMilli() {
		t.Errorf("the first attempt left %q, next run at %v: want a refused connection retried later", lastErr, time.UnixMilli(runAt))
	}
	var failure string
	if err := db.Read.QueryRow(`SELECT coalesce(email_failure, '') FROM notifications WHERE id = ?`, nid).Scan(&failure); err != nil || failure != "" {
		t.Errorf("a failure was recorded while retries remain: %q (%v)", failure, err)
	}
	if tm.oscar.Get("/app/notifications/?lang=en").Doc(t).Find(".notify-unsent, .notify-mailfail").Length() != 0 {
		t.Error("the list shows a failure while retries remain")
	}

	// A retry fails the same way and is queued again.
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, jobID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitFor(t, db, "the second attempt", `attempts = 2 AND status = 'queued' FROM jobs WHERE id = ?`, jobID)

	// The last attempt: the job fails for good and the notification records why.
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0, attempts = max_attempts - 1 WHERE id = ?`, jobID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitFor(t, db, "the last attempt", `status = 'failed' FROM jobs WHERE id = ?`, jobID)
	if err := db.Read.QueryRow(`SELECT coalesce(email_failure, '') FROM notifications WHERE id = ?`, nid).Scan(&failure); err != nil || failure != notify.FailSMTP {
		t.Fatalf("after the last attempt the notification records %q (%v), want %q", failure, err, notify.FailSMTP)
	}
	doc := tm.oscar.Get("/app/notifications/?lang=en").Doc(t)
	if line := doc.Find("#unsent-smtp").Text(); !strings.Contains(line, "1 notification could not be e-mailed to you since") ||
		!strings.Contains(line, "could not be reached or refused") {
		t.Errorf("the list says %q", line)
	}
	if doc.Find("#n-"+strconv.FormatInt(nid, 10)+" .notify-mailfail").Length() != 1 {
		t.Error("the handoff's row is not marked")
	}

	// The daily digest the same: retried while attempts remain, recorded after the last one.
	form := emailForm("oscar@acme.test", notify.KindHandoff)
	form.Set("digest", "1")
	tm.post(t, tm.oscar, "/app/notifications/settings", form)
	tm.ingest(t, "acme", "v-2", "Mehmet Kaya", "Fayans?")
	settle(t, e, "acme")
	var digest int64
	if err := db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = 'notify_digest' AND status = 'queued'`).Scan(&digest); err != nil {
		t.Fatalf("no digest queued: %v", err)
	}
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, digest); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitFor(t, db, "the digest's first attempt", `attempts = 1 AND status = 'queued' FROM jobs WHERE id = ?`, digest)
	var marked int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND email_failure IS NOT NULL`, tm.oscar.UserID).Scan(&marked); err != nil || marked != 1 {
		t.Errorf("%d notifications marked while the digest still has attempts (%v), want only the handoff's", marked, err)
	}
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0, attempts = max_attempts - 1 WHERE id = ?`, digest); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	waitFor(t, db, "the digest's last attempt", `status = 'failed' FROM jobs WHERE id = ?`, digest)
	var left int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL
		AND coalesce(email_failure, '') <> 'smtp'`, tm.oscar.UserID).Scan(&left); err != nil || left != 0 {
		t.Errorf("%d of the failed digest's notifications are not marked (%v)", left, err)
	}
	if line := tm.oscar.Get("/app/notifications/settings?lang=en").Doc(t).Find("#unsent-smtp").Text(); !strings.Contains(line, "notifications could not be e-mailed") {
		t.Errorf("the settings page says %q after the failed digest", line)
	}
}
