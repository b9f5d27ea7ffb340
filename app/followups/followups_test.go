package followups_test

import (
	"context"
	"database/sql"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/erasure"
	"highvibe/app/followups"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
)

// fx is a tenant with no job runner: every run of the follow-up job is called here at a clock
// the test chooses (RunScan's now), so no test waits.
type fx struct {
	e   *apptest.Env
	db  *tenantdb.DB
	svc *inbox.Service
	env followups.Env
	tpl string // the approved follow-up template the tenant has set ("" = none)
}

func setup(t *testing.T) *fx {
	t.Helper()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	f := &fx{e: e, db: e.DB("acme"), svc: &inbox.Service{Channels: channels.Registry()}}
	f.env = followups.Env{Channels: channels.Registry(), Business: "Acme", Locale: "tr", Template: func(string) string { return f.tpl }}
	return f
}

var ctx = context.Background()

// visitor is a widget visitor who wrote at `at`, leaving a phone number (with consent or not).
func (f *fx) visitor(t *testing.T, ext, name string, at time.Time, consent bool) (conv, lead int64) {
	t.Helper()
	in := inbox.Inbound{Channel: "webchat", ExternalID: ext, Name: name, Phone: "+90 532 111 22 " + ext[len(ext)-2:], Body: "Fiyat alabilir miyim?", At: at}
	if consent {
		in.ConsentVersion, in.ConsentAt = "v1", at
	}
	res, err := f.svc.Ingest(ctx, "acme", f.db, in)
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID, res.LeadID
}

func (f *fx) run(t *testing.T, now time.Time) followups.Run {
	t.Helper()
	r, err := followups.RunScan(ctx, f.db, f.env, now)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// seq is the conversation's newest sequence (nil: none).
func (f *fx) seq(t *testing.T, conv int64) *followups.FollowUp {
	t.Helper()
	fs, err := followups.ForConversation(ctx, f.db.Read, conv)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		return nil
	}
	return fs[0]
}

func (f *fx) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func (f *fx) rec(t *testing.T, id int64) *approvals.Recommendation {
	t.Helper()
	r, err := approvals.ByID(ctx, f.db.Read, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func (f *fx) decide(t *testing.T, id int64, verb string) {
	t.Helper()
	if _, _, err := approvals.Decide(ctx, f.db, approvals.Decision{ID: id, Verb: verb, Actor: approvals.Actor{UserID: 1, Name: "olga"}}); err != nil {
		t.Fatal(err)
	}
}

func (f *fx) say(t *testing.T, conv int64, m inbox.Outgoing) {
	t.Helper()
	if _, err := f.svc.AddMessage(ctx, "acme", f.db, conv, m, "conversation_inbox"); err != nil {
		t.Fatal(err)
	}
}

// A visitor with no reply from a person gets one draft once the hours have passed (not before),
// however often the job runs; approving sends it and plans step 2 two days later; approving that
// ends the sequence, and nothing more is proposed.
func TestNoReplySequence(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	conv, _ := f.visitor(t, "v01", "Ayşe Yılmaz", t0, true)
	// The assistant answering is not a person's reply.
	f.say(t, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "ai", Body: "Merhaba, size nasıl yardımcı olabilirim?"})

	r := f.run(t, t0.Add(4*time.Hour-time.Second))
	if r.Started != 0 || f.seq(t, conv) != nil {
		t.Fatalf("started before the 4 hours: %+v", r)
	}
	if want := t0.Add(4 * time.Hour).Truncate(time.Minute).Add(time.Minute); !r.Next.Equal(t0.Add(4*time.Hour)) || f.count(t,
		`SELECT count(*) FROM jobs WHERE kind = ? AND run_at = ?`, followups.JobScan, want.UnixMilli()) != 1 {
		t.Errorf("next run %v, want a job at %v", r.Next, want)
	}
	due := t0.Add(4 * time.Hour)
	r = f.run(t, due)
	if r.Started != 1 || r.Proposed != 1 {
		t.Fatalf("at the due time: %+v", r)
	}
	s := f.seq(t, conv)
	if s.Status != "waiting" || s.Step != 1 || s.Steps != 2 || s.Reason != followups.ReasonNoReply || s.RecommendationID == 0 || s.Template {
		t.Fatalf("sequence %+v", s)
	}
	rec := f.rec(t, s.RecommendationID)
	if rec.Status != "pending" || rec.ActionType != "follow_up" || rec.ModelName != followups.ModelName || rec.ConversationID != conv ||
		!strings.HasPrefix(rec.DraftReply, "Merhaba Ayşe Yılmaz,") || !strings.Contains(rec.DraftReply, "Acme ile iletişime geçtiğiniz") {
		t.Fatalf("recommendation %+v", rec)
	}
	if !strings.Contains(rec.Words, `"followups.rec.no_reply"`) {
		t.Errorf("words %s", rec.Words)
	}
	// Idempotent: the same run again, and a later one, change nothing.
	for _, at := range []time.Time{due, due.Add(time.Hour)} {
		if r := f.run(t, at); r.Started+r.Proposed+r.Stopped != 0 {
			t.Errorf("run again at %v: %+v", at, r)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM decision_recommendations WHERE model_name = ?`, followups.ModelName); n != 1 {
		t.Fatalf("%d drafts, want 1", n)
	}
	// Approving sends the draft as the approver's message, marks it sent, plans step 2.
	before := time.Now().Truncate(time.Millisecond)
	f.decide(t, rec.ID, "approve")
	rec = f.rec(t, rec.ID)
	if !rec.Sent {
		t.Fatal("approved draft not sent")
	}
	var body, kind string
	if err := f.db.Read.QueryRow(`SELECT body, author_kind FROM messages WHERE id = ?`, rec.SentMessageID).Scan(&body, &kind); err != nil || body != rec.DraftReply || kind != "user" {
		t.Fatalf("sent message %q %q %v", body, kind, err)
	}
	s = f.seq(t, conv)
	next := time.UnixMilli(s.NextDueAt)
	if s.Status != "active" || s.Step != 1 || next.Before(before.AddDate(0, 0, 2)) || next.After(time.Now().AddDate(0, 0, 2)) {
		t.Fatalf("after approval: %+v (next %v)", s, next)
	}
	// Its own message did not stop it; step 2 comes at its time, worded as a second follow-up.
	if r := f.run(t, next.Add(-time.Minute)); r.Proposed != 0 {
		t.Fatalf("step 2 early: %+v", r)
	}
	if r := f.run(t, next); r.Proposed != 1 {
		t.Fatalf("step 2: %+v", r)
	}
	s = f.seq(t, conv)
	rec2 := f.rec(t, s.RecommendationID)
	if s.Step != 2 || s.Status != "waiting" || !strings.Contains(rec2.Words, `"followups.rec.again"`) || !strings.Contains(rec2.DraftReply, "buradayız") {
		t.Fatalf("step 2: %+v %+v", s, rec2)
	}
	f.decide(t, rec2.ID, "approve")
	if s = f.seq(t, conv); s.Status != "done" || s.Step != 2 {
		t.Fatalf("after the last step: %+v", s)
	}
	if r := f.run(t, next.AddDate(0, 0, 10)); r.Started+r.Proposed != 0 {
		t.Errorf("after the sequence ended: %+v", r)
	}
}

// A reply between the steps stops the sequence: the customer's (the waiting draft is withdrawn)
// or a person's; a person's reply before the hours passed means no sequence at all.
func TestRepliesStopSequences(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	c1, _ := f.visitor(t, "v11", "Deniz", t0, true)
	c2, _ := f.visitor(t, "v12", "Ece", t0, true)
	c3, _ := f.visitor(t, "v13", "Can", t0, true)
	f.say(t, c3, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorUserID: 1, AuthorName: "olga", Body: "Hemen dönüyoruz."})
	if r := f.run(t, t0.Add(5*time.Hour)); r.Started != 2 || r.Proposed != 2 {
		t.Fatalf("run: %+v", r)
	}
	if f.seq(t, c3) != nil {
		t.Error("a conversation a person answered got a follow-up")
	}
	s1, s2 := f.seq(t, c1), f.seq(t, c2)
	// The customer writes again before anyone approved.
	if _, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "webchat", ExternalID: "v11", Body: "Hâlâ bekliyorum"}); err != nil {
		t.Fatal(err)
	}
	if s := f.seq(t, c1); s.Status != "stopped" || s.StopReason != "customer_replied" {
		t.Errorf("after the customer's message: %+v", s)
	}
	if r := f.rec(t, s1.RecommendationID); r.Status != "rejected" {
		t.Errorf("waiting draft is %s, want withdrawn", r.Status)
	}
	// An operator answers the other one.
	f.say(t, c2, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorUserID: 1, AuthorName: "olga", Body: "Merhaba Ece"})
	if s := f.seq(t, c2); s.Status != "stopped" || s.StopReason != "operator_replied" {
		t.Errorf("after the operator's reply: %+v", s)
	}
	if r := f.rec(t, s2.RecommendationID); r.Status != "rejected" {
		t.Errorf("waiting draft is %s, want withdrawn", r.Status)
	}
	// The customer's new message is a new moment: no person answered it, so it is followed up
	// in its turn, once.
	if r := f.run(t, time.Now().Add(5*time.Hour)); r.Started != 1 || r.Proposed != 1 {
		t.Errorf("new moment: %+v", r)
	}
	if n := f.count(t, `SELECT count(*) FROM followups WHERE conversation_id = ?`, c1); n != 2 {
		t.Errorf("%d sequences on the conversation that wrote again, want 2", n)
	}
}

// No consent, no follow-up; a rejected draft ends the sequence; a lost conversation ends its
// sequence and withdraws the draft; switching off stops the rest.
func TestConsentRejectClosedOff(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	none, _ := f.visitor(t, "v21", "Onaysız", t0, false)
	rej, _ := f.visitor(t, "v22", "Reddedilen", t0, true)
	lost, _ := f.visitor(t, "v23", "Kaybedilen", t0, true)
	off, _ := f.visitor(t, "v24", "Kapatılan", t0, true)
	won, _ := f.visitor(t, "v25", "Kazanılan", t0, true)
	if r := f.run(t, t0.Add(5*time.Hour)); r.Started != 4 {
		t.Fatalf("run: %+v", r)
	}
	if f.seq(t, none) != nil {
		t.Error("a visitor without consent got a follow-up")
	}
	f.decide(t, f.seq(t, rej).RecommendationID, "reject")
	if s := f.seq(t, rej); s.Status != "stopped" || s.StopReason != "rejected" {
		t.Errorf("after reject: %+v", s)
	}
	// Marked won on its form: the sequence ends at once and its draft leaves the queue.
	wonRec, state := f.seq(t, won).RecommendationID, "won"
	if err := f.svc.Update(ctx, "acme", f.db, won, inbox.Change{State: &state, ActorID: 1, ActorName: "olga"}); err != nil {
		t.Fatal(err)
	}
	if s := f.seq(t, won); s.Status != "stopped" || s.StopReason != "closed" || f.rec(t, wonRec).Status != "rejected" {
		t.Errorf("won: %+v", s)
	}
	// A state written by another path is caught by the line at once and by the next run.
	lostRec := f.seq(t, lost).RecommendationID
	if _, err := f.db.Write.Exec(`UPDATE conversations SET state = 'lost' WHERE id = ?`, lost); err != nil {
		t.Fatal(err)
	}
	if l, _ := followups.Line(ctx, f.db.Read, lost); l == nil || l.Status != "stopped" || l.StopReason != "closed" {
		t.Errorf("line of a lost conversation: %+v", l)
	}
	if r := f.run(t, t0.AddDate(0, 0, 5)); r.Stopped != 1 || r.Started != 0 || r.Proposed != 0 {
		t.Errorf("later run: %+v", r)
	}
	if s := f.seq(t, lost); s.Status != "stopped" || s.StopReason != "closed" || f.rec(t, lostRec).Status != "rejected" {
		t.Errorf("lost: %+v", s)
	}
	// Switching off from the page stops the last one and withdraws its draft.
	owner := f.e.User("acme", "sahip", "owner")
	if r := owner.Post("/app/followups/settings", url.Values{"no_reply_hours": {"4"}, "quote_hours": {"16"}, "step_days": {"2"}, "max_steps": {"2"}}); r.StatusCode != 200 && r.StatusCode != 303 {
		t.Fatalf("switch off: %d", r.StatusCode)
	}
	if s := f.seq(t, off); s.Status != "stopped" || s.StopReason != "disabled" || f.rec(t, s.RecommendationID).Status != "rejected" {
		t.Errorf("switched off: %+v", s)
	}
	if r := f.run(t, t0.AddDate(0, 0, 6)); r != (followups.Run{}) {
		t.Errorf("a run while off did %+v", r)
	}
}

// With business hours on, the hours are business hours: a message on Friday at 17:00 (open
// until 18:00, Saturday 10:00–14:00) is due on Saturday at 13:00; a run that comes late, after
// Saturday's closing, starts the sequence but the draft waits for Monday's opening.
func TestBusinessHours(t *testing.T) {
	t.Parallel()
	f := setup(t)
	cfg := hours.Default()
	cfg.Enabled = true
	if err := hoursdb.Save(ctx, f.db, cfg, time.Now()); err != nil {
		t.Fatal(err)
	}
	ist, _ := time.LoadLocation("Europe/Istanbul")
	// The Friday of next week or the one after (a public holiday on the days used skips the test).
	d := time.Now().In(ist).AddDate(0, 0, 7)
	for d.Weekday() != time.Friday {
		d = d.AddDate(0, 0, 1)
	}
	at := func(days, h, m int) time.Time { return time.Date(d.Year(), d.Month(), d.Day()+days, h, m, 0, 0, ist) }
	sched, _ := hours.New(cfg)
	if !sched.Open(at(0, 17, 0)) || !sched.Open(at(1, 13, 0)) || !sched.Open(at(3, 9, 0)) {
		t.Skip("a public holiday falls on the chosen days")
	}
	a, _ := f.visitor(t, "v31", "Cuma", at(0, 17, 0), true)
	b, _ := f.visitor(t, "v32", "Geç", at(0, 17, 0), true)
	r := f.run(t, at(0, 20, 0))
	if r.Started != 0 || !r.Next.Equal(at(1, 13, 0)) {
		t.Fatalf("Friday evening: %+v, want next %v", r, at(1, 13, 0))
	}
	if r := f.run(t, at(1, 13, 0)); r.Started != 2 || r.Proposed != 2 || f.seq(t, a).Status != "waiting" || f.seq(t, b).Status != "waiting" {
		t.Fatalf("Saturday 13:00: %+v", r)
	}
	// Saturday 11:00 + 4 business hours: 11–14 on Saturday, then 09–10 on Monday.
	c, _ := f.visitor(t, "v33", "Cumartesi", at(1, 11, 0), true)
	// Saturday 10:00 + 4 business hours is 14:00, closing time: the run an hour later starts the
	// sequence, but its draft waits for Monday's opening instead of landing while closed.
	e, _ := f.visitor(t, "v34", "Kapanış", at(1, 10, 0), true)
	if r := f.run(t, at(1, 15, 0)); r.Started != 1 || r.Deferred != 1 || r.Proposed != 0 || !r.Next.Equal(at(3, 9, 0)) {
		t.Fatalf("Saturday after closing: %+v", r)
	}
	if s := f.seq(t, e); s.Status != "active" || time.UnixMilli(s.NextDueAt).Compare(at(3, 9, 0)) != 0 {
		t.Fatalf("deferred to %v, want Monday 09:00: %+v", time.UnixMilli(s.NextDueAt).In(ist), s)
	}
	if r := f.run(t, at(2, 12, 0)); r.Started+r.Proposed+r.Deferred != 0 || !r.Next.Equal(at(3, 9, 0)) {
		t.Fatalf("Sunday: %+v", r)
	}
	if r := f.run(t, at(3, 9, 0)); r.Proposed != 1 || r.Started != 0 || !r.Next.Equal(at(3, 10, 0)) {
		t.Fatalf("Monday 09:00: %+v", r)
	}
	if r := f.run(t, at(3, 10, 0)); r.Started != 1 || r.Proposed != 1 || f.seq(t, c).Status != "waiting" {
		t.Fatalf("Monday 10:00: %+v", r)
	}
}

// On WhatsApp, once the 24-hour window is closed the draft is the approved follow-up template;
// without one set, no draft is proposed and the sequence says why. Approving sends the message
// carrying the template.
func TestWhatsAppWindow(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	// A widget visitor (consent, phone) who then wrote on WhatsApp from the same number.
	f.visitor(t, "v41", "Selin", t0.Add(-time.Hour), true)
	f.visitor(t, "v42", "Mert", t0.Add(-time.Hour), true)
	wa := func(phone string) int64 {
		res, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "whatsapp", ExternalID: strings.TrimPrefix(phone, "+"), Phone: phone, Body: "Merhaba", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		return res.ConversationID
	}
	open, closed := wa("+905321112241"), wa("+905321112242")
	if _, err := f.db.Write.Exec(`UPDATE conversations SET state = 'won' WHERE channel = 'webchat'`); err != nil {
		t.Fatal(err)
	}
	// Inside the window: free text.
	if _, err := f.db.Write.Exec(`INSERT INTO followup_settings(id, max_steps, updated_at) VALUES(1, 1, 0)`); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, t0.Add(4*time.Hour))
	if r.Proposed != 2 {
		t.Fatalf("inside the window: %+v", r)
	}
	s := f.seq(t, open)
	if rec := f.rec(t, s.RecommendationID); s.Template || strings.Contains(rec.DraftReply, "Şablon") || !strings.Contains(rec.Words, `"followups.rec.no_reply"`) {
		t.Errorf("inside the window: %+v %q", s, rec.DraftReply)
	}
	f.decide(t, f.seq(t, closed).RecommendationID, "reject")
	// The same customer writes again, nobody answers, the job only runs a day later: the window
	// is closed; no template set → stopped with the reason.
	if _, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112242", Phone: "+905321112242", Body: "?", At: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, t0.Add(26*time.Hour)); r.Stopped != 1 || r.Proposed != 0 {
		t.Fatalf("window closed, no template: %+v", r)
	}
	if s := f.seq(t, closed); s.Status != "stopped" || s.StopReason != "no_template" {
		t.Errorf("no template: %+v", s)
	}
	// Once the template is set, the next moment proposes it instead of free text.
	f.tpl = "takip_1"
	if _, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112242", Phone: "+905321112242", Body: "??", At: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, t0.Add(27*time.Hour)); r.Proposed != 1 {
		t.Fatalf("window closed, template set: %+v", r)
	}
	s = f.seq(t, closed)
	rec := f.rec(t, s.RecommendationID)
	if !s.Template || !strings.Contains(rec.DraftReply, "takip_1") || !strings.Contains(rec.Words, `"followups.rec.no_reply_template"`) {
		t.Fatalf("template proposal: %+v %q %s", s, rec.DraftReply, rec.Words)
	}
	f.decide(t, rec.ID, "approve")
	var ann string
	if err := f.db.Read.QueryRow(`SELECT annotations FROM messages WHERE id = ?`, f.rec(t, rec.ID).SentMessageID).Scan(&ann); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ann, `"follow_up"`) || !strings.Contains(ann, "Mert") {
		t.Errorf("sent message carries no follow-up template: %s", ann)
	}
	if s := f.seq(t, closed); s.Status != "done" {
		t.Errorf("one-step sequence after approval: %+v", s)
	}
}

// A customer quiet after a quote is followed up after the quote hours; the quote's own message
// does not count as a person writing again.
func TestQuoteSilent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	conv, lead := f.visitor(t, "v51", "Kemal", time.Now().Add(-2*time.Hour), true)
	// The quote goes out as a person's message; the quote's sending is recorded with it.
	f.say(t, conv, inbox.Outgoing{Direction: "outbound", AuthorKind: "user", AuthorUserID: 1, AuthorName: "olga", Body: "Teklifiniz: https://example.test/q/1"})
	t0 := time.Now()
	var qid int64
	err := f.db.Write.QueryRow(`INSERT INTO quotes(number, year, seq, lead_id, conversation_id, status, valid_until, token, approved_at, sent_at, created_at, updated_at)
		VALUES('T-2026-0001', 2026, 1, ?, ?, 'sent', ?, 'tok1', ?, ?, ?, ?) RETURNING id`, lead, conv, t0.AddDate(0, 0, 30).UnixMilli(), t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli(), t0.UnixMilli()).Scan(&qid)
	if err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, t0.Add(16*time.Hour-time.Minute)); r.Started != 0 {
		t.Fatalf("before 16 hours: %+v", r)
	}
	if r := f.run(t, t0.Add(16*time.Hour)); r.Started != 1 || r.Proposed != 1 {
		t.Fatalf("after 16 hours: %+v", r)
	}
	s := f.seq(t, conv)
	rec := f.rec(t, s.RecommendationID)
	if s.Reason != followups.ReasonQuote || s.QuoteID != qid || !strings.Contains(rec.DraftReply, "teklif") {
		t.Errorf("quote follow-up: %+v %q", s, rec.DraftReply)
	}
}

// The pages: the conversation's line, the follow-ups page, the owner's rules (a bad value is a 422
// with the field marked and nothing stored), an operator sees the rules but cannot change them.
func TestPages(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	conv, lead := f.visitor(t, "v61", "Zeynep", t0, true)
	f.run(t, t0.Add(5*time.Hour))
	owner := f.e.User("acme", "sahip", "owner")
	op := f.e.User("acme", "olga", "operator")
	r := owner.Get("/app/inbox/" + itoa(conv) + "/")
	if r.StatusCode != 200 || !strings.Contains(r.Doc(t).Find("#followup").Text(), "Takip 1 / 2 onay bekliyor") {
		t.Fatalf("conversation page: %d, no follow-up line", r.StatusCode)
	}
	r = op.Get("/app/leads/" + itoa(lead) + "/")
	if r.StatusCode != 200 || !strings.Contains(r.Doc(t).Find("#lead-followups").Text(), "Takip 1 / 2 onay bekliyor") {
		t.Fatalf("lead page: %d, no follow-up section", r.StatusCode)
	}
	r = op.Get("/app/followups/")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Zeynep") || strings.Contains(r.Body, `action="/app/followups/settings"`) {
		t.Fatalf("operator's follow-ups page: %d", r.StatusCode)
	}
	if r := op.Post("/app/followups/settings", url.Values{"enabled": {"1"}, "no_reply_hours": {"1"}, "quote_hours": {"1"}, "step_days": {"1"}, "max_steps": {"1"}}); r.StatusCode != 403 {
		t.Errorf("operator saving rules: %d", r.StatusCode)
	}
	r = owner.Post("/app/followups/settings", url.Values{"enabled": {"1"}, "no_reply_hours": {"100"}, "quote_hours": {"8"}, "step_days": {"3"}, "max_steps": {"3"}})
	if r.StatusCode != 422 || !strings.Contains(r.Body, "1 ile 72 arasında") {
		t.Fatalf("bad rules: %d", r.StatusCode)
	}
	if n := f.count(t, `SELECT count(*) FROM followup_settings`); n != 0 {
		t.Fatal("a refused form stored rules")
	}
	r = owner.Post("/app/followups/settings", url.Values{"enabled": {"1"}, "no_reply_hours": {"2"}, "quote_hours": {"8"}, "step_days": {"3"}, "max_steps": {"3"}})
	if r.StatusCode != 303 {
		t.Fatalf("rules: %d", r.StatusCode)
	}
	r = owner.Get("/app/followups/")
	set, err := followups.LoadSettings(ctx, f.db.Read)
	if err != nil || set != (followups.Settings{Enabled: true, NoReplyHours: 2, QuoteHours: 8, StepDays: 3, MaxSteps: 3}) {
		t.Fatalf("stored %+v %v", set, err)
	}
	if !strings.Contains(r.Body, "Takip kuralları kaydedildi") {
		t.Error("no saved message")
	}
	// The rules' words are Turkish: the chat widget is "sohbet penceresi", as on every Turkish page.
	if hint := r.Doc(t).Find(`form[action="/app/followups/settings"]`).Text(); strings.Contains(strings.ToLower(hint), "widget") || !strings.Contains(hint, "sohbet penceresi") {
		t.Errorf("the rules say %q", hint)
	}
	// "Approve and send" on the conversation page, with the text edited: the edit goes out once
	// (the decision's hook sends it), the page says it was edited, and step 2 is planned.
	s := f.seq(t, conv)
	edited := "Merhaba Zeynep Hanım, sizi yarın 10:00'da arayabilir miyiz?"
	r = op.Post("/app/approvals/"+itoa(s.RecommendationID)+"/send", url.Values{"body": {edited}, "next": {"/app/inbox/" + itoa(conv) + "/"}})
	if r.StatusCode != 303 {
		t.Fatalf("approve and send: %d", r.StatusCode)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body = ?`, conv, edited); n != 1 {
		t.Errorf("%d messages with the edited text, want 1", n)
	}
	if s := f.seq(t, conv); s.Status != "active" || s.Step != 1 || !f.rec(t, s.RecommendationID).Sent {
		t.Errorf("after approve and send: %+v", s)
	}
	if r := op.Get("/app/inbox/" + itoa(conv) + "/"); !strings.Contains(r.Body, "Düzenlendi ve gönderildi") ||
		!strings.Contains(r.Doc(t).Find("#followup").Text(), "Takip 2 / 2:") {
		t.Errorf("conversation page after sending: flash or follow-up line missing: %q", r.Doc(t).Find("#followup").Text())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A moment whose wait ended more than a day before the run is not chased: switching follow-ups
// on, or a job that was down for days, does not follow up last week's visitors.
func TestStaleMomentsAreNotChased(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	old, _ := f.visitor(t, "v71", "Eski", t0, true)
	late, _ := f.visitor(t, "v72", "Geç", t0.Add(time.Hour), true)
	// old was due at t0+4h, late at t0+5h; the run comes at t0+5h plus a day.
	if r := f.run(t, t0.Add(5*time.Hour+followups.StaleAfter)); r.Started != 1 || r.Proposed != 1 {
		t.Fatalf("run: %+v", r)
	}
	if f.seq(t, old) != nil || f.seq(t, late) == nil {
		t.Errorf("the stale moment was chased, or the fresh one missed")
	}
}

// A widget or landing-page visitor's message, or a person's, asks for a run in the next quarter
// hour (one job however many messages); a WhatsApp customer's message alone does not.
func TestMessagesAskForARun(t *testing.T) {
	t.Parallel()
	f := setup(t)
	jobs := func() int {
		return f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'`, followups.JobScan)
	}
	if _, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905320000001", Phone: "+905320000001", Body: "Merhaba"}); err != nil {
		t.Fatal(err)
	}
	if n := jobs(); n != 0 {
		t.Fatalf("%d runs queued for a WhatsApp message", n)
	}
	asked := time.Now() // the slot is the quarter hour after the message: compared with this, not with a later now
	if _, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "manual", LeadSource: "landing", Name: "Form", Phone: "+905320000002",
		Body: "Bahçe için teklif", ConsentVersion: "v1", ConsentAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	f.visitor(t, "v81", "Widget", time.Now(), true)
	var runAt int64
	if err := f.db.Read.QueryRow(`SELECT run_at FROM jobs WHERE kind = ? AND status = 'queued'`, followups.JobScan).Scan(&runAt); err != nil {
		t.Fatalf("landing and widget messages queued %d runs, want 1: %v", jobs(), err)
	}
	if at := time.UnixMilli(runAt); !at.After(asked) || at.After(time.Now().Add(15*time.Minute)) {
		t.Errorf("run at %v, want within the next quarter hour", at)
	}
}

// Erasing a person (KVKK) ends their open sequence and withdraws its waiting draft.
func TestEraseStopsAndWithdraws(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	conv, lead := f.visitor(t, "v91", "Silinecek", t0, true)
	f.run(t, t0.Add(5*time.Hour))
	s := f.seq(t, conv)
	var n int64
	err := f.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = followups.EraseLeadTx(ctx, tx, &erasure.Subject{LeadID: lead})
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("erase: %d %v", n, err)
	}
	if got := f.seq(t, conv); got.Status != "stopped" || got.StopReason != "no_consent" || f.rec(t, s.RecommendationID).Status != "rejected" {
		t.Errorf("after erase: %+v", got)
	}
}

// A follow-up drafted as the WhatsApp template (the customer last wrote more than a day ago)
// waits on the conversation page too, and "Approve and send" there sends it as the template,
// as the queue's Approve does: the page must offer the button, not the note that a free-text
// draft outside the window cannot go.
func TestTemplateFollowUpSentFromTheConversation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.tpl = "takip_1"
	// The tenant's WhatsApp sending and its follow-up template: approving a draft that could not
	// reach the customer is refused (approvals.Reach).
	f.e.Set("acme", map[string]string{"whatsapp_access_token": "EAAtest", "whatsapp_phone_number_id": "1055",
		"whatsapp_template_follow_up": "takip_1", "whatsapp_template_follow_up_lang": "tr"})
	f.visitor(t, "v61", "Deniz", time.Now().Add(-31*time.Hour), true)
	if _, err := f.db.Write.Exec(`UPDATE conversations SET state = 'won' WHERE channel = 'webchat'`); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "whatsapp", ExternalID: "905321112261", Phone: "+90 532 111 22 61",
		Body: "Merhaba", At: time.Now().Add(-30 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.run(t, time.Now().Add(-3*time.Hour)); r.Proposed != 1 {
		t.Fatalf("window closed, template set: %+v", r)
	}
	rec := f.rec(t, f.seq(t, res.ConversationID).RecommendationID)
	conv := "/app/inbox/" + strconv.FormatInt(res.ConversationID, 10) + "/"
	op := f.e.User("acme", "olga", "operator")
	card := op.Get(conv + "?lang=tr").Doc(t).Find("#draft-form-" + strconv.FormatInt(rec.ID, 10))
	if card.Length() != 1 || card.Find(`button:not([formaction])`).Length() != 1 || card.Find(".draft-window").Length() != 0 {
		t.Fatalf("the follow-up's card offers no Approve and send: %q", strings.TrimSpace(card.Text()))
	}
	if r := op.Post("/app/approvals/"+strconv.FormatInt(rec.ID, 10)+"/send", url.Values{"body": {rec.DraftReply}, "next": {conv}}); r.StatusCode != 303 {
		t.Fatalf("approve and send: %d", r.StatusCode)
	}
	sent := f.rec(t, rec.ID)
	var ann string
	if err := f.db.Read.QueryRow(`SELECT annotations FROM messages WHERE id = ?`, sent.SentMessageID).Scan(&ann); sent.Status != "approved" || err != nil || !strings.Contains(ann, `"follow_up"`) {
		t.Errorf("the follow-up is %s, its message %q (%v), want approved and sent as the template", sent.Status, ann, err)
	}
}

// TestTelegramBlockedStops: a Telegram customer who blocked the bot gets no follow-up draft — it
// would wait in the approval queue and then fail; the sequence stops with that reason. Another
// customer on the same channel who did not block it gets the draft.
func TestTelegramBlockedStops(t *testing.T) {
	t.Parallel()
	f := setup(t)
	t0 := time.Now().Add(-time.Minute).Truncate(time.Second)
	// Widget visitors (consent, phone) who then wrote on Telegram, sharing the same number.
	f.visitor(t, "v51", "Selin", t0.Add(-time.Hour), true)
	f.visitor(t, "v52", "Mert", t0.Add(-time.Hour), true)
	tg := func(chat, phone string) int64 {
		res, err := f.svc.Ingest(ctx, "acme", f.db, inbox.Inbound{Channel: "telegram", ExternalID: chat, Phone: phone, Body: "Merhaba", At: t0})
		if err != nil {
			t.Fatal(err)
		}
		return res.ConversationID
	}
	blocked, other := tg("91", "+905321112251"), tg("92", "+905321112252")
	if _, err := f.db.Write.Exec(`UPDATE conversations SET state = 'won' WHERE channel = 'webchat'`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddMessage(ctx, "acme", f.db, blocked, inbox.Outgoing{Direction: "system", AuthorKind: "system", Event: "telegram_blocked"}, "telegram"); err != nil {
		t.Fatal(err)
	}
	r := f.run(t, t0.Add(4*time.Hour))
	if r.Proposed != 1 || r.Stopped != 1 {
		t.Fatalf("one blocked, one not: %+v", r)
	}
	if s := f.seq(t, blocked); s == nil || s.Status != "stopped" || s.StopReason != "blocked" {
		t.Errorf("the blocked customer's sequence: %+v", s)
	}
	if s := f.seq(t, other); s == nil || s.Status != "waiting" || s.RecommendationID == 0 {
		t.Errorf("the other customer's sequence: %+v", s)
	}
}
