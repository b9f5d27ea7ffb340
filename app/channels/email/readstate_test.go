package email_test

import (
	"net"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/email"
	"highvibe/app/jobs"
)

// told counts the notification events of kind queued for acme's team (the event job, which
// writes each person's notification, does not run in these tests).
func told(t *testing.T, e *apptest.Env, kind string) int {
	t.Helper()
	var n int
	if err := e.DB("acme").Read.QueryRow(`SELECT count(*) FROM jobs WHERE kind = 'notify_event' AND json_extract(payload, '$.kind') = ?`, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// readJob runs one mailbox reading job of acme, as the job runner would, and returns its error.
func readJob(t *testing.T, e *apptest.Env) error {
	t.Helper()
	return e.Handlers.Channels.Email.Handle(t.Context(), &jobs.Job{Kind: email.JobFetch, Attempt: 1, MaxTries: 1, Tenant: "acme", DB: e.DB("acme")})
}

// TestEmailLastReadOnChannelsPage: the e-mail part of the channels page says nothing before the
// mailbox was first read; a refused password shows there, in Turkish and in English, as a refusal
// of the name or password with the server's own words, and the heading's badge no longer says the
// mailbox is being read; a good read shows how many mails it took; a failure after it keeps the
// good read's time; a server that does not answer is told as unreachable. The owners are told
// once when reads start failing (not at each failed try) and once when a read works again.
func TestEmailLastReadOnChannelsPage(t *testing.T) {
	ms := startMailServers(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	settings := ms.settings()
	e.Set("acme", settings)
	owner := e.User("acme", "olga", "owner")

	doc := owner.Get("/app/settings/channels?lang=tr").Doc(t)
	if n := doc.Find("#email-read").Length(); n != 0 {
		t.Fatalf("a last read shown before the first try: %q", doc.Find("#email-read").Text())
	}

	e.Set("acme", map[string]string{email.SetIMAPPassword: "wrong-pass"})
	if err := readJob(t, e); err == nil {
		t.Fatal("a read with a wrong password did not fail")
	}
	doc = owner.Get("/app/settings/channels").Doc(t)
	read := doc.Find("#email-read").Text()
	for _, want := range []string{"Posta kutusu", "okunamadı", "kullanıcı adını ya da şifreyi kabul etmedi", "Authentication failed", "Henüz hiçbir okuma başarılı olmadı"} {
		if !strings.Contains(read, want) {
			t.Errorf("Turkish page after a refused password: %q lacks %q", read, want)
		}
	}
	if badge := doc.Find("#email-state").Text(); badge != "posta kutusu okunamıyor" {
		t.Errorf("badge %q while the mailbox cannot be read", badge)
	}
	// A second failed try tells nobody again.
	if err := readJob(t, e); err == nil {
		t.Fatal("the second read with a wrong password did not fail")
	}
	if n := told(t, e, "email_read_failing"); n != 1 {
		t.Errorf("owners told %d times that the mailbox cannot be read after two failed tries, want once", n)
	}
	doc = owner.Get("/app/settings/channels?lang=en").Doc(t)
	read = doc.Find("#email-read").Text()
	for _, want := range []string{"could not be read", "refused the user name or password", "Authentication failed"} {
		if !strings.Contains(read, want) {
			t.Errorf("English page after a refused password: %q lacks %q", read, want)
		}
	}

	e.Set("acme", map[string]string{email.SetIMAPPassword: settings[email.SetIMAPPassword]})
	for _, id := range []string{"a1", "a2"} {
		ms.deliver(t, "From: Ayse <ayse@example.com>\nTo: info@acme.test\nSubject: Parke\nMessage-ID: <"+id+"@example.com>\nContent-Type: text/plain; charset=utf-8\n\nFiyat?\n")
	}
	if err := readJob(t, e); err != nil {
		t.Fatalf("good read: %v", err)
	}
	doc = owner.Get("/app/settings/channels").Doc(t)
	if read := doc.Find("#email-read").Text(); !strings.Contains(read, "Mailbox last read") || !strings.Contains(read, "2 mails taken") {
		t.Errorf("after a good read of two mails the page says %q", read)
	}
	if doc.Find("#email-read.flash-error").Length() != 0 {
		t.Error("a good read drawn as a failure")
	}
	if badge := doc.Find("#email-state").Text(); badge != "reading the mailbox" {
		t.Errorf("badge %q after a good read", badge)
	}
	if n := told(t, e, "email_read_recovered"); n != 1 {
		t.Errorf("owners told %d times that the mailbox is read again, want once", n)
	}
	if err := readJob(t, e); err != nil {
		t.Fatalf("second good read: %v", err)
	}
	if n := told(t, e, "email_read_recovered"); n != 1 {
		t.Errorf("after a second good read the owners were told %d times that the mailbox is read again, want still once", n)
	}

	// A server that does not answer: a port nothing listens on any more.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	_ = ln.Close()
	e.Set("acme", map[string]string{email.SetIMAPPort: port})
	if err := readJob(t, e); err == nil {
		t.Fatal("a read from a closed port did not fail")
	}
	doc = owner.Get("/app/settings/channels").Doc(t)
	read = doc.Find("#email-read").Text()
	for _, want := range []string{"did not answer at this address and port", "Last good read:"} {
		if !strings.Contains(read, want) {
			t.Errorf("after an unreachable server the page says %q, lacking %q", read, want)
		}
	}
	if strings.Contains(read, "No read has worked yet") {
		t.Error("the failure forgot the good read before it")
	}
	if n := told(t, e, "email_read_failing"); n != 2 {
		t.Errorf("owners told %d times of failing reads, want twice (once per run of failures)", n)
	}

	// The owner clears the mail server: the channel is off, and the page no longer tells of a
	// read (failed or not) of a mailbox it does not read.
	e.Set("acme", map[string]string{email.SetIMAPHost: ""})
	doc = owner.Get("/app/settings/channels").Doc(t)
	if n := doc.Find("#email-read").Length(); n != 0 {
		t.Errorf("after the mail server was cleared the page still tells of a read: %q", doc.Find("#email-read").Text())
	}
	if badge := doc.Find("#email-state").Text(); badge == "mailbox cannot be read" || badge == "reading the mailbox" {
		t.Errorf("badge %q after the mail server was cleared", badge)
	}
}

// TestEmailLastReadTLSRefused: "TLS from the start" against a server that speaks plain IMAP on its
// port is told as a failed secure connection, not as a server that did not answer.
func TestEmailLastReadTLSRefused(t *testing.T) {
	ms := startMailServers(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	settings := ms.settings()
	settings[email.SetIMAPSecurity] = "tls"
	e.Set("acme", settings)
	owner := e.User("acme", "olga", "owner")
	if err := readJob(t, e); err == nil {
		t.Fatal("TLS against a plain server did not fail")
	}
	read := owner.Get("/app/settings/channels?lang=en").Doc(t).Find("#email-read").Text()
	if !strings.Contains(read, "The secure connection failed") {
		t.Errorf("TLS against a plain server: the page says %q", read)
	}
}

// TestEmailReadFailingTellsOwner: the owner saves a wrong IMAP password; the read the save starts
// fails and the owner's bell says, in Turkish and in English, that the mailbox cannot be read,
// leading to the channels page; an operator is not told.
func TestEmailReadFailingTellsOwner(t *testing.T) {
	ms := startMailServers(t)
	e := apptest.New(t)
	e.Tenant("acme")
	settings := ms.settings()
	settings[email.SetIMAPPassword] = "wrong-pass"
	e.Set("acme", settings)
	owner := e.User("acme", "olga", "owner")
	e.User("acme", "omer", "operator")
	db := e.DB("acme")
	if r := owner.Post("/app/settings/channels", url.Values{email.SetIMAPPassword: {"still-wrong"}}); r.StatusCode != 303 {
		t.Fatalf("save: %d", r.StatusCode)
	}
	apptest.Await(t, db, "the owner told the mailbox cannot be read", func() bool {
		var n int
		_ = db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE kind = 'email_read_failing'`).Scan(&n)
		return n == 1
	})
	var href string
	for lang, want := range map[string]string{"tr": "info@acme.test posta kutusu okunamıyor", "en": "The mailbox info@acme.test cannot be read"} {
		doc := owner.Get("/app/notifications/?lang=" + lang).Doc(t)
		if line := doc.Find(".notify-line").Text(); !strings.Contains(line, want) {
			t.Errorf("%s bell: %q lacks %q", lang, line, want)
		}
		href, _ = doc.Find(".notify-line").Closest("a").Attr("href")
	}
	var operatorTold int
	_ = db.Read.QueryRow(`SELECT count(*) FROM notifications WHERE kind = 'email_read_failing' AND user_id <> ?`, owner.UserID).Scan(&operatorTold)
	if operatorTold != 0 {
		t.Error("an operator was told")
	}
	if r := owner.Get(href); !strings.Contains(r.Header.Get("Location"), "/app/settings/channels#email") {
		t.Errorf("the notification %s leads to %q", href, r.Header.Get("Location"))
	}
}
