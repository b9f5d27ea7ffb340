package email_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"highvibe/app/apptest"
	"highvibe/app/channels/email"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// mailServers are an in-process IMAP server (go-imap's in-memory backend) holding one INBOX and
// an in-process SMTP server (go-smtp) that keeps what it is given.
type mailServers struct {
	imapUser *imapmemserver.User
	imapAddr string
	smtpAddr string
	mu       sync.Mutex
	sent     []sentMail
	got      chan struct{}
}

type sentMail struct {
	From string
	To   []string
	Raw  []byte
	User string // who authenticated
	TLS  bool   // the connection was encrypted when the mail was given
}

// firstSent waits for the SMTP server to take a mail and returns the first one it took.
func (ms *mailServers) firstSent(t *testing.T) sentMail {
	t.Helper()
	select {
	case <-ms.got:
	case <-time.After(10 * time.Second):
		t.Fatal("the SMTP server received nothing")
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.sent[0]
}

func startMailServers(t *testing.T) *mailServers { return startMailServersWith(t, nil) }

// startMailServersWith starts the in-process IMAP and SMTP servers: in plain text, taking a
// password over it, when cfg is nil; else IMAP speaks TLS from the first byte and SMTP offers
// STARTTLS, and neither takes a password over a plain connection.
func startMailServersWith(t *testing.T, cfg *tls.Config) *mailServers {
	t.Helper()
	ms := &mailServers{got: make(chan struct{}, 10)}
	mem := imapmemserver.New()
	ms.imapUser = imapmemserver.NewUser("info@acme.test", "imap-pass")
	if err := ms.imapUser.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(ms.imapUser)
	isrv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: cfg == nil,
		Logger:       discard{},
	})
	iln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		iln = tls.NewListener(iln, cfg)
	}
	go func() { _ = isrv.Serve(iln) }()
	t.Cleanup(func() { _ = isrv.Close() })
	ms.imapAddr = iln.Addr().String()

	ssrv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &smtpSession{ms: ms, conn: c}, nil }))
	ssrv.Domain = "localhost"
	ssrv.AllowInsecureAuth = cfg == nil
	ssrv.TLSConfig = cfg
	ssrv.ReadTimeout, ssrv.WriteTimeout = 10*time.Second, 10*time.Second
	sln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = ssrv.Serve(sln) }()
	t.Cleanup(func() { _ = ssrv.Close() })
	ms.smtpAddr = sln.Addr().String()
	return ms
}

type discard struct{}

func (discard) Printf(string, ...any) {}

type smtpSession struct {
	ms   *mailServers
	conn *smtp.Conn
	cur  sentMail
	user string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }
func (s *smtpSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "info@acme.test" || pass != "smtp-pass" {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	_, encrypted := s.conn.TLSConnectionState()
	s.cur = sentMail{From: from, User: s.user, TLS: encrypted}
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.To = append(s.cur.To, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Raw = b
	s.ms.mu.Lock()
	s.ms.sent = append(s.ms.sent, s.cur)
	s.ms.mu.Unlock()
	s.ms.got <- struct{}{}
	return nil
}
func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

// deliver puts a raw mail into the IMAP INBOX, as a customer's mail arriving.
func (ms *mailServers) deliver(t *testing.T, raw string) {
	t.Helper()
	raw = strings.ReplaceAll(raw, "\n", "\r\n")
	if _, err := ms.imapUser.Append("INBOX", bytes.NewReader([]byte(raw)), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
}

func (ms *mailServers) settings() map[string]string {
	ih, ip, _ := net.SplitHostPort(ms.imapAddr)
	sh, sp, _ := net.SplitHostPort(ms.smtpAddr)
	return map[string]string{email.SetIMAPHost: ih, email.SetIMAPPort: ip, email.SetIMAPUser: "info@acme.test", email.SetIMAPPassword: "imap-pass",
		email.SetSMTPHost: sh, email.SetSMTPPort: sp, email.SetSMTPUser: "info@acme.test", email.SetSMTPPassword: "smtp-pass",
		email.SetFrom: "Acme Parke <info@acme.test>", email.SetIMAPSecurity: "none", email.SetSMTPSecurity: "none"}
}

func counts(t *testing.T, e *apptest.Env) (leads, convs, msgs int) {
	t.Helper()
	db := e.DB("acme").Read
	for q, p := range map[string]*int{"leads": &leads, "conversations": &convs, "messages": &msgs} {
		if err := db.QueryRow(`SELECT count(*) FROM ` + q).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	return
}

// runDeliver runs the queued deliver_message job of a message, as the job runner would.
func runDeliver(t *testing.T, e *apptest.Env, msgID int64) {
	t.Helper()
	db := e.DB("acme")
	var id int64
	var payload string
	if err := db.Read.QueryRow(`SELECT id, payload FROM jobs WHERE kind = ? AND status = 'queued' AND json_extract(payload, '$.message_id') = ?`,
		inbox.JobDeliver, msgID).Scan(&id, &payload); err != nil {
		t.Fatalf("no queued delivery for message %d: %v", msgID, err)
	}
	j := &jobs.Job{ID: id, Kind: inbox.JobDeliver, Payload: []byte(payload), Attempt: 1, MaxTries: 5, Tenant: "acme", DB: db}
	if err := e.Handlers.Channels.Deliverer.Handle(t.Context(), j); err != nil {
		t.Fatalf("deliver: %v", err)
	}
}

func fetch(t *testing.T, e *apptest.Env) (stored, refused int) {
	t.Helper()
	tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	stored, refused, err = e.Handlers.Channels.Email.Fetch(t.Context(), tn, e.DB("acme"))
	if err != nil {
		t.Fatalf("fetch: %v", err)
	}
	return stored, refused
}

// TestEmailThreadRoundTrip: a customer's mail read over IMAP becomes an inbox message in a new
// conversation; a reply written in the panel reaches the SMTP server threaded under it
// (In-Reply-To, References, "Re:" subject); the customer's answer — sent from another address,
// so only the threading headers can place it — lands in the same conversation.
func TestEmailThreadRoundTrip(t *testing.T) {
	ms := startMailServers(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", ms.settings())
	owner := e.User("acme", "olga", "owner")
	db := e.DB("acme")

	ms.deliver(t, `From: =?utf-8?q?Ay=C5=9Fe_Y=C4=B1lmaz?= <Ayse@Example.com>
To: info@acme.test
Subject: =?utf-8?q?Parke_fiyat=C4=B1?=
Message-ID: <m1.ayse@example.com>
Date: Tue, 1 Dec 2026 09:00:00 +0300
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Merhaba, 40 m2 salon için meşe parke fiyatı alabilir miyim?
`)
	if s, r := fetch(t, e); s != 1 || r != 0 {
		t.Fatalf("first read stored %d, refused %d; want 1, 0", s, r)
	}
	var convID, leadID int64
	var ext string
	if err := db.Read.QueryRow(`SELECT id, lead_id, external_id FROM conversations WHERE channel = 'email'`).Scan(&convID, &leadID, &ext); err != nil {
		t.Fatalf("no e-mail conversation: %v", err)
	}
	if ext != "m1.ayse@example.com" {
		t.Errorf("thread key %q, want the first mail's Message-ID", ext)
	}
	lead, err := inbox.LeadByID(t.Context(), db.Read, leadID)
	if err != nil || lead.Email != "ayse@example.com" || lead.Name != "Ayşe Yılmaz" || lead.Source != "email" {
		t.Fatalf("lead: %+v %v", lead, err)
	}
	msgs, _ := inbox.Messages(t.Context(), db.Read, convID, 0, 100)
	if len(msgs) != 1 || !strings.Contains(msgs[0].Body, "meşe parke") || msgs[0].ProviderMessageID != "m1.ayse@example.com" ||
		msgs[0].Notes().Channel["subject"] != "Parke fiyatı" {
		t.Fatalf("stored message: %+v", msgs)
	}
	// The mail is \Seen now: a second read stores nothing.
	if s, r := fetch(t, e); s != 0 || r != 0 {
		t.Fatalf("second read stored %d, refused %d; want nothing", s, r)
	}

	// A reply from the panel.
	_, _ = db.Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, convID)
	if r := owner.Post("/app/inbox/"+strconv.FormatInt(convID, 10)+"/", url.Values{"direction": {"outbound"}, "body": {"Merhaba Ayşe Hanım, meşe parke m2 fiyatı 1.450 TL."}}); r.StatusCode >= 400 {
		t.Fatalf("reply: %d %s", r.StatusCode, r.Body)
	}
	msgs, _ = inbox.Messages(t.Context(), db.Read, convID, 0, 100)
	reply := msgs[len(msgs)-1]
	if reply.Direction != "outbound" || reply.DeliveryStatus != "queued" {
		t.Fatalf("reply not queued for delivery: %+v", reply)
	}
	runDeliver(t, e, reply.ID)
	sent := ms.firstSent(t)
	if sent.From != "info@acme.test" || len(sent.To) != 1 || sent.To[0] != "ayse@example.com" || sent.User != "info@acme.test" {
		t.Errorf("envelope: from %q to %v (auth %q)", sent.From, sent.To, sent.User)
	}
	mr, err := mail.CreateReader(bytes.NewReader(sent.Raw))
	if err != nil {
		t.Fatalf("sent mail unreadable: %v\n%s", err, sent.Raw)
	}
	subj, _ := mr.Header.Subject()
	irt, _ := mr.Header.MsgIDList("In-Reply-To")
	refs, _ := mr.Header.MsgIDList("References")
	outID, _ := mr.Header.MessageID()
	if subj != "Re: Parke fiyatı" || len(irt) != 1 || irt[0] != "m1.ayse@example.com" || len(refs) != 1 || refs[0] != "m1.ayse@example.com" {
		t.Errorf("threading headers: subject %q, In-Reply-To %v, References %v", subj, irt, refs)
	}
	p, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(p.Body)
	if !strings.Contains(string(body), "m2 fiyatı 1.450 TL") {
		t.Errorf("sent body: %q", body)
	}
	m, _ := inbox.MessageByID(t.Context(), db.Read, reply.ID)
	if m.DeliveryStatus != "sent" || m.ProviderMessageID != outID || outID == "" {
		t.Errorf("reply after delivery: status %q, provider id %q, sent Message-ID %q", m.DeliveryStatus, m.ProviderMessageID, outID)
	}
	var logged int
	_ = db.Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'email' AND action_type = 'message_delivery' AND status = 'completed'`).Scan(&logged)
	if logged != 1 {
		t.Errorf("delivery logged %d times under provider email", logged)
	}

	// The customer answers from her work address: only In-Reply-To/References place it.
	ms.deliver(t, `From: Ayse Yilmaz <ayse@work.example>
To: Acme Parke <info@acme.test>
Subject: Re: =?utf-8?q?Parke_fiyat=C4=B1?=
Message-ID: <m2.ayse@work.example>
In-Reply-To: <`+outID+`>
References: <m1.ayse@example.com> <`+outID+`>
Date: Tue, 1 Dec 2026 11:00:00 +0300
Content-Type: text/plain; charset=utf-8

Tamam, yarın 10:00 keşif için uygun.

On Tue, 1 Dec 2026 at 10:00, Acme Parke <info@acme.test> wrote:
> Merhaba Ayşe Hanım, meşe parke m2 fiyatı 1.450 TL.
`)
	// And someone else writes a new mail: a conversation of its own.
	ms.deliver(t, `From: mehmet@example.org
To: info@acme.test
Subject: Teklif
Message-ID: <x1@example.org>
Content-Type: text/plain

Bahçe için teklif istiyorum.
`)
	if s, r := fetch(t, e); s != 2 || r != 0 {
		t.Fatalf("third read stored %d, refused %d; want 2, 0", s, r)
	}
	msgs, _ = inbox.Messages(t.Context(), db.Read, convID, 0, 100)
	if len(msgs) != 3 || msgs[2].Direction != "inbound" || msgs[2].ProviderMessageID != "m2.ayse@work.example" {
		t.Fatalf("the answer did not thread into conversation %d: %+v", convID, msgs)
	}
	if got := msgs[2].Body; got != "Tamam, yarın 10:00 keşif için uygun." {
		t.Errorf("answer body %q (quoted history should be cut)", got)
	}
	var n int
	_ = db.Read.QueryRow(`SELECT count(*) FROM conversations WHERE channel = 'email'`).Scan(&n)
	if n != 2 {
		t.Errorf("%d e-mail conversations, want 2 (the thread and the new mail)", n)
	}
	// A second reply goes to the address the customer last wrote from, with the whole thread.
	if r := owner.Post("/app/inbox/"+strconv.FormatInt(convID, 10)+"/", url.Values{"direction": {"outbound"}, "body": {"Görüşmek üzere."}}); r.StatusCode >= 400 {
		t.Fatalf("second reply: %d", r.StatusCode)
	}
	msgs, _ = inbox.Messages(t.Context(), db.Read, convID, 0, 100)
	runDeliver(t, e, msgs[len(msgs)-1].ID)
	<-ms.got
	ms.mu.Lock()
	second := ms.sent[1]
	ms.mu.Unlock()
	mr2, err := mail.CreateReader(bytes.NewReader(second.Raw))
	if err != nil {
		t.Fatal(err)
	}
	refs2, _ := mr2.Header.MsgIDList("References")
	irt2, _ := mr2.Header.MsgIDList("In-Reply-To")
	if second.To[0] != "ayse@work.example" || strings.Join(refs2, " ") != "m1.ayse@example.com "+outID+" m2.ayse@work.example" ||
		len(irt2) != 1 || irt2[0] != "m2.ayse@work.example" {
		t.Errorf("second reply: to %v, References %v, In-Reply-To %v", second.To, refs2, irt2)
	}
}

// TestEmailMalformedRefused: a mail without a sender, and one whose MIME structure is broken,
// are refused: no lead, conversation or message is stored, the refusal is in the action log, and
// the mail is not read again.
func TestEmailMalformedRefused(t *testing.T) {
	ms := startMailServers(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	e.Set("acme", ms.settings())
	ms.deliver(t, "Subject: no sender here\nMessage-ID: <bad1@x>\n\nhello\n")
	ms.deliver(t, `From: a@example.com
Message-ID: <bad2@x>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="zzz"

--zzz
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: base64

!!!! not base64 !!!!
--zzz--
`)
	l0, c0, m0 := counts(t, e)
	if s, r := fetch(t, e); s != 0 || r != 2 {
		t.Fatalf("stored %d, refused %d; want 0, 2", s, r)
	}
	if l, c, m := counts(t, e); l != l0 || c != c0 || m != m0 {
		t.Fatalf("something was stored: leads %d→%d, conversations %d→%d, messages %d→%d", l0, l, c0, c, m0, m)
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'email' AND action_type = 'message_refused'`).Scan(&n)
	if n != 2 {
		t.Errorf("%d refusals logged, want 2", n)
	}
	if s, r := fetch(t, e); s != 0 || r != 0 {
		t.Errorf("refused mails read again: stored %d, refused %d", s, r)
	}
}

// TestEmailSettingsPage: the channels page edits the e-mail settings; wrong values are refused
// field by field in the user's language with nothing stored, passwords are never shown again,
// and saving starts the mailbox reading job.
func TestEmailSettingsPage(t *testing.T) {
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	owner.Get("/app/settings/channels?lang=tr") // the panel language is Turkish from here on
	good := url.Values{"email_imap_host": {"imap.example.com"}, "email_imap_port": {"993"}, "email_imap_user": {"info@example.com"},
		"email_imap_password": {"imap-s3cret"}, "email_smtp_host": {"smtp.example.com"}, "email_smtp_port": {"465"},
		"email_smtp_user": {"info@example.com"}, "email_smtp_password": {"smtp-s3cret"}, "email_from": {"Acme <info@example.com>"}, "email_imap_security": {"tls"}, "email_smtp_security": {"tls"}}
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("email_imap_port", "70000")
	bad.Set("email_smtp_host", "smtp example com")
	bad.Set("email_from", "nobody")
	r := owner.Post("/app/settings/channels", bad)
	if r.StatusCode != 422 {
		t.Fatalf("bad values: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	for field, want := range map[string]string{"email_imap_port": "1 ile 65535 arasında", "email_smtp_host": "sunucu adı girin", "email_from": "e-posta adresi girin"} {
		if got := doc.Find("#" + field + "-error").Text(); !strings.Contains(got, want) {
			t.Errorf("%s error %q, want Turkish text containing %q", field, got, want)
		}
	}
	tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting("email_imap_host") != "" || tn.Setting("email_imap_password") != "" {
		t.Fatal("partial save on 422")
	}
	if r := owner.Post("/app/settings/channels", good); r.StatusCode != 303 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	tn, _ = e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting("email_imap_password") != "imap-s3cret" || tn.Setting("email_from") != "Acme <info@example.com>" {
		t.Fatal("not saved")
	}
	page := owner.Get("/app/settings/channels")
	if strings.Contains(page.Body, "s3cret") {
		t.Fatal("a password was shown again")
	}
	doc = page.Doc(t)
	if typ, _ := doc.Find("#email_smtp_password").Attr("type"); typ != "password" {
		t.Errorf("SMTP password input type %q", typ)
	}
	if v, _ := doc.Find("#email_imap_host").Attr("value"); v != "imap.example.com" {
		t.Errorf("IMAP host shown as %q", v)
	}
	var queued int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = ? AND status = 'queued'`, email.JobFetch).Scan(&queued)
	if queued != 1 {
		t.Errorf("%d mailbox reading jobs queued after saving, want 1", queued)
	}
}

func TestParseRefusesAndCuts(t *testing.T) {
	if _, err := email.Parse([]byte("no header at all")); !errors.Is(err, email.ErrMalformed) {
		t.Errorf("headerless text: %v", err)
	}
	m, err := email.Parse([]byte("From: x@example.com\r\nContent-Type: text/html\r\n\r\n<p>Merhaba&nbsp;<b>d\u00fcnya</b></p>"))
	if err != nil || m.Text != "Merhaba dünya" || !strings.HasSuffix(m.MessageID, "@no-message-id") {
		t.Errorf("html-only mail: %+v %v", m, err)
	}
}
