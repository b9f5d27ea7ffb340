package notify_test

import (
	"highvibe/app/apptest"
	"highvibe/app/hours"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-smtp"

	"highvibe/app/jobs"
	"highvibe/app/notify"
)

// gotMail is one mail the fake SMTP server accepted.
type gotMail struct {
	From string
	To   []string
	Raw  []byte
}

// fakeSMTP is the business's mail server: it accepts every mail and hands it to the test.
type fakeSMTP struct {
	addr string
	got  chan gotMail
}

type smtpSession struct {
	f   *fakeSMTP
	cur gotMail
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.cur = gotMail{From: from}
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.cur.Raw = b
	s.f.got <- s.cur
	return err
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

func newFakeSMTP(t *testing.T) *fakeSMTP {
	f := &fakeSMTP{got: make(chan gotMail, 16)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{f: f}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	f.addr = ln.Addr().String()
	return f
}

func (f *fakeSMTP) next(t *testing.T) (gotMail, string, string) {
	t.Helper()
	select {
	case m := <-f.got:
		e, err := message.Read(strings.NewReader(string(m.Raw)))
		if err != nil {
			t.Fatalf("the mail does not parse: %v", err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(e.Header.Get("Subject"))
		body, _ := io.ReadAll(e.Body) // go-message decodes the quoted-printable body
		return m, subject, string(body)
	case <-time.After(apptest.HangBound):
		t.Fatalf("the SMTP server received nothing in %s", apptest.HangBound)
	}
	return gotMail{}, "", ""
}

// TestEmailFallbackAndDigest: a person who asked for e-mail gets one mail per notification of the
// kinds they ticked, through the tenant's SMTP server, and nobody else does; bad preferences are
// refused whole; the daily digest is queued for 08:00 and, when it runs, lists the unread
// notifications not e-mailed yet, once.
func TestEmailFallbackAndDigest(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	fake := newFakeSMTP(t)
	host, port, _ := net.SplitHostPort(fake.addr)
	e.Set("acme", map[string]string{"email_smtp_host": host, "email_smtp_port": port, "email_from": "Acme Parke <info@acme.test>",
		"email_smtp_security": "none"})

	// An e-mail kind without an address is refused, and nothing is stored.
	bad := url.Values{"email_" + notify.KindNewConversation: {"1"}, "push_" + notify.KindMention: {"1"}}
	r := tm.oscar.Post("/app/notifications/settings?lang=en", bad)
	if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Enter an e-mail address to receive") {
		t.Fatalf("e-mail without an address: %d", r.StatusCode)
	}
	if r := tm.oscar.Post("/app/notifications/settings", url.Values{"email": {"not an address"}, "quiet_start": {"25:00"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad address and quiet hours: %d", r.StatusCode)
	}
	// A wrong end of the quiet hours is marked at the end, not at the start, and said once.
	r = tm.oscar.Post("/app/notifications/settings?lang=en", url.Values{"quiet_start": {"22:00"}, "quiet_end": {"xyz"}})
	doc := r.Doc(t)
	if r.StatusCode != http.StatusUnprocessableEntity || doc.Find("#quiet_end.is-invalid").Length() != 1 || doc.Find("#quiet_start.is-invalid").Length() != 0 ||
		doc.Find(".field-error").Length() != 1 {
		t.Errorf("a wrong end time: %d, end marked %d, start marked %d, %d errors shown", r.StatusCode,
			doc.Find("#quiet_end.is-invalid").Length(), doc.Find("#quiet_start.is-invalid").Length(), doc.Find(".field-error").Length())
	}
	if p, _ := notify.LoadPrefs(t.Context(), e.Server.Platform.DB, tm.oscar.UserID); p.Address != "" || !p.Push[notify.KindNewConversation] {
		t.Fatalf("refused preferences were stored: %+v", p)
	}

	form := url.Values{"email": {"oscar@acme.test"}, "email_" + notify.KindNewConversation: {"1"}}
	for _, k := range notify.Kinds {
		form.Set("push_"+k, "1")
	}
	tm.post(t, tm.oscar, "/app/notifications/settings", form)

	res := tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba, parke fiyatı?")
	m, subject, body := fake.next(t)
	if len(m.To) != 1 || m.To[0] != "oscar@acme.test" {
		t.Errorf("mail to %v, want only Oscar (the others asked for no e-mail)", m.To)
	}
	if m.From != "info@acme.test" {
		t.Errorf("envelope from %q, want the tenant's sender", m.From)
	}
	if subject != "[Acme Ltd] New conversation with Ayşe Demir" {
		t.Errorf("subject %q", subject)
	}
	// The link opens the notification in its business, and goes on to the conversation.
	link := regexp.MustCompile(`/app/notifications/\d+\?t=acme`).FindString(body)
	if !strings.Contains(body, "Merhaba, parke fiyatı?") || link == "" {
		t.Errorf("body lacks the message or the link:\n%s", body)
	} else if r := tm.oscar.Get(link); r.Header.Get("Location") != "/app/inbox/"+strconv.FormatInt(res.ConversationID, 10)+"/" {
		t.Errorf("the link %s leads to %d %q, want the conversation", link, r.StatusCode, r.Header.Get("Location"))
	}
	if msg, err := mail.ReadMessage(strings.NewReader(string(m.Raw))); err != nil || msg.Header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("the mail is not marked auto-generated (%v)", err)
	}
	settle(t, e, "acme")
	select {
	case extra := <-fake.got:
		t.Errorf("a second mail went out to %v (handoffs and approvals were not asked for by e-mail)", extra.To)
	default:
	}

	// The digest instead: queued for the next 08:00 in the business's zone (Istanbul: it saved no hours).
	form.Set("digest", "1")
	tm.post(t, tm.oscar, "/app/notifications/settings", form)
	db := e.DB("acme")
	var jobID, runAt int64
	if err := db.Read.QueryRow(`SELECT id, run_at FROM jobs WHERE kind = 'notify_digest' AND status = 'queued'`).Scan(&jobID, &runAt); err != nil {
		t.Fatalf("no digest queued: %v", err)
	}
	if at := time.UnixMilli(runAt).In(hours.DefaultLocation()); at.Hour() != notify.DigestHour || at.Minute() != 0 || at.Before(time.Now()) || at.After(time.Now().Add(24*time.Hour)) {
		t.Errorf("digest queued for %v, want the next %02d:00", at, notify.DigestHour)
	}
	tm.ingest(t, "acme", "v-2", "Mehmet Kaya", "Fayans?")
	settle(t, e, "acme")
	select {
	case extra := <-fake.got:
		t.Errorf("with the digest on, a single mail still went out to %v", extra.To)
	default:
	}
	var unsent int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL`, tm.oscar.UserID).Scan(&unsent); err != nil || unsent == 0 {
		t.Fatalf("nothing waits for the digest (%v)", err)
	}
	// It is 08:00: the digest runs, lists what waits, and queues tomorrow's.
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, jobID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	m, subject, body = fake.next(t)
	if m.To[0] != "oscar@acme.test" || !strings.HasSuffix(subject, "Daily summary: 2 unread notifications") {
		t.Errorf("digest to %v, subject %q", m.To, subject)
	}
	if !strings.Contains(body, "New conversation with Mehmet Kaya") || strings.Contains(body, "New conversation with Ayşe Demir") {
		t.Errorf("the digest should list Mehmet's notification and not Ayşe's, e-mailed before:\n%s", body)
	}
	// The digest's job done (not merely nothing due: a run that met a busy database is queued
	// again a few seconds on), its notifications are recorded as e-mailed.
	waitFor(t, db, "the digest", `status = 'done' FROM jobs WHERE id = ?`, jobID)
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL`, tm.oscar.UserID).Scan(&unsent); err != nil || unsent != 0 {
		t.Errorf("%d notifications still wait after the digest (%v)", unsent, err)
	}
	var next int
	if err := db.Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'notify_digest' AND status = 'queued' AND run_at > ?`, time.Now().UnixMilli()).Scan(&next); err != nil || next != 1 {
		t.Errorf("%d digests queued for tomorrow (%v), want 1", next, err)
	}
}

// TestDigestOfOneNotification: a digest listing one notification said "Daily summary: 1 unread
// notifications" ("1 إشعارات" in Arabic, the form for three to ten); its subject and first line
// now take the count's plural form in the reader's language.
func TestDigestOfOneNotification(t *testing.T) {
	tm := newTeam(t)
	e := tm.e
	fake := newFakeSMTP(t)
	host, port, _ := net.SplitHostPort(fake.addr)
	e.Set("acme", map[string]string{"email_smtp_host": host, "email_smtp_port": port, "email_from": "Acme Parke <info@acme.test>",
		"email_smtp_security": "none"})
	tm.oscar.Get("/app/?lang=ar") // Oscar reads the panel in Arabic: his mails are in Arabic
	form := url.Values{"email": {"oscar@acme.test"}, "digest": {"1"}}
	tm.post(t, tm.oscar, "/app/notifications/settings", form)
	db := e.DB("acme")
	var jobID int64
	if err := db.Read.QueryRow(`SELECT id FROM jobs WHERE kind = 'notify_digest' AND status = 'queued'`).Scan(&jobID); err != nil {
		t.Fatalf("no digest queued: %v", err)
	}
	tm.ingest(t, "acme", "v-1", "Ayşe Demir", "Merhaba")
	settle(t, e, "acme")
	var waiting int
	if err := db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE user_id = ? AND read_at IS NULL AND emailed_at IS NULL`, tm.oscar.UserID).Scan(&waiting); err != nil || waiting != 1 {
		t.Fatalf("%d notifications wait for the digest (%v), want 1", waiting, err)
	}
	if _, err := db.Write.Exec(`UPDATE jobs SET run_at = 0 WHERE id = ?`, jobID); err != nil {
		t.Fatal(err)
	}
	jobs.Poke()
	_, subject, body := fake.next(t)
	if !strings.HasSuffix(subject, "الملخص اليومي: إشعار واحد غير مقروء") {
		t.Errorf("subject %q, want the Arabic form for one", subject)
	}
	if !strings.HasPrefix(body, "لديك إشعار واحد غير مقروء من اليوم الأخير:") {
		t.Errorf("the digest's first line:\n%s", body)
	}
}
