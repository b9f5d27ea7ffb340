package email_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"math/big"
	"net"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/channels/email"
	"highvibe/app/inbox"
)

// selfSigned is a certificate for 127.0.0.1 signed by itself, and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mail.acme.test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// startProviderLikeServers are the in-process servers of a provider such as Microsoft 365: IMAP
// speaks TLS from the first byte and SMTP takes STARTTLS only; neither accepts a password over a
// plain connection.
func startProviderLikeServers(t *testing.T) *mailServers {
	t.Helper()
	cert, pool := selfSigned(t)
	t.Cleanup(email.TrustRoots(pool))
	return startMailServersWith(t, &tls.Config{Certificates: []tls.Certificate{cert}})
}

// TestEmailEachServerItsOwnSecurity: an owner whose provider reads with TLS from the start and
// sends only with STARTTLS (Microsoft 365: 993 / 587) saves both on the channels page; a bad
// security value or port is refused in the user's language with nothing stored; the page shows
// each side's choice again, the mailbox is read over TLS and a reply goes out after STARTTLS.
func TestEmailEachServerItsOwnSecurity(t *testing.T) {
	ms := startProviderLikeServers(t)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	owner.Get("/app/settings/channels?lang=tr")
	ih, ip, _ := net.SplitHostPort(ms.imapAddr)
	sh, sp, _ := net.SplitHostPort(ms.smtpAddr)
	form := url.Values{"email_imap_host": {ih}, "email_imap_port": {ip}, "email_imap_user": {"info@acme.test"}, "email_imap_password": {"imap-pass"},
		"email_imap_security": {"tls"}, "email_smtp_host": {sh}, "email_smtp_port": {sp}, "email_smtp_user": {"info@acme.test"},
		"email_smtp_password": {"smtp-pass"}, "email_smtp_security": {"starttls"}, "email_from": {"Acme Parke <info@acme.test>"}}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("email_smtp_security", "ssl")
	bad.Set("email_imap_port", "0")
	r := owner.Post("/app/settings/channels", bad)
	if r.StatusCode != 422 {
		t.Fatalf("unknown security and port 0: %d", r.StatusCode)
	}
	doc := r.Doc(t)
	for field, want := range map[string]string{"email_smtp_security": "Baştan TLS, STARTTLS ya da Yok", "email_imap_port": "1 ile 65535 arasında"} {
		if got := doc.Find("#" + field + "-error").Text(); !strings.Contains(got, want) {
			t.Errorf("%s error %q, want Turkish text containing %q", field, got, want)
		}
	}
	tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	for _, k := range []string{email.SetIMAPHost, email.SetIMAPSecurity, email.SetSMTPSecurity, email.SetSMTPPassword} {
		if _, stored := tn.Settings[k]; stored {
			t.Errorf("%s stored from a refused form", k)
		}
	}

	if r := owner.Post("/app/settings/channels", form); r.StatusCode != 303 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	tn, _ = e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting(email.SetIMAPSecurity) != "tls" || tn.Setting(email.SetSMTPSecurity) != "starttls" {
		t.Fatalf("stored IMAP %q, SMTP %q; want tls, starttls", tn.Setting(email.SetIMAPSecurity), tn.Setting(email.SetSMTPSecurity))
	}
	doc = owner.Get("/app/settings/channels").Doc(t)
	for sel, want := range map[string]string{"#email_imap_security option[selected]": "tls", "#email_smtp_security option[selected]": "starttls"} {
		if got, _ := doc.Find(sel).Attr("value"); got != want {
			t.Errorf("%s shows %q, want %q", sel, got, want)
		}
	}
	if f, _ := doc.Find("#email_smtp_security").Attr("data-port-field"); f != "email_smtp_port" {
		t.Errorf("SMTP security names port field %q", f)
	}
	if p, _ := doc.Find(`#email_smtp_security option[value=starttls]`).Attr("data-port"); p != "587" {
		t.Errorf("STARTTLS suggests SMTP port %q, want 587", p)
	}

	// Reading: TLS from the first byte (the server refuses a login over a plain connection).
	ms.deliver(t, `From: Ayse <ayse@example.com>
To: info@acme.test
Subject: Parke
Message-ID: <tls1@example.com>
Content-Type: text/plain; charset=utf-8

Salon için fiyat alabilir miyim?
`)
	if s, _ := fetch(t, e); s != 1 {
		t.Fatalf("read over TLS stored %d mails, want 1", s)
	}
	var convID int64
	if err := e.DB("acme").Read.QueryRow(`SELECT id FROM conversations WHERE channel = 'email'`).Scan(&convID); err != nil {
		t.Fatal(err)
	}
	// Sending: STARTTLS on the SMTP server.
	_, _ = e.DB("acme").Write.Exec(`UPDATE conversations SET ai_mode = 'manual' WHERE id = ?`, convID)
	if r := owner.Post("/app/inbox/"+strconv.FormatInt(convID, 10)+"/", url.Values{"direction": {"outbound"}, "body": {"Merhaba, m2 fiyatı 1.450 TL."}}); r.StatusCode >= 400 {
		t.Fatalf("reply: %d", r.StatusCode)
	}
	msgs, _ := inbox.Messages(t.Context(), e.DB("acme").Read, convID, 0, 100)
	runDeliver(t, e, msgs[len(msgs)-1].ID)
	sent := ms.firstSent(t)
	if !sent.TLS || sent.User != "info@acme.test" || sent.To[0] != "ayse@example.com" {
		t.Errorf("sent: encrypted %v, authenticated as %q, to %v", sent.TLS, sent.User, sent.To)
	}
}

// TestUpgradeOneSecurityBecomesBoth: a business that had chosen one connection security for both
// servers (before platform migration 00013) has that choice on each side after the upgrade; one
// that had not chosen keeps the defaults, and the old setting is gone.
func TestUpgradeOneSecurityBecomesBoth(t *testing.T) {
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("acme")
	e.Tenant("beta")
	e.Close()

	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "platform.db"))
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`DELETE FROM goose_db_version WHERE version_id = 13`,
		`INSERT INTO tenant_settings(tenant_id, key, value) SELECT id, 'email_security', 'starttls' FROM tenants WHERE slug = 'acme'`,
		`INSERT INTO tenant_settings(tenant_id, key, value) SELECT id, 'email_smtp_host', 'smtp.example.com' FROM tenants WHERE slug = 'acme'`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	e = apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	acme, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if acme.Setting(email.SetIMAPSecurity) != "starttls" || acme.Setting(email.SetSMTPSecurity) != "starttls" {
		t.Errorf("after the upgrade IMAP %q, SMTP %q; want the old starttls on both", acme.Setting(email.SetIMAPSecurity), acme.Setting(email.SetSMTPSecurity))
	}
	if _, left := acme.Settings["email_security"]; left {
		t.Error("the old single setting is still stored")
	}
	beta, _ := e.Server.Platform.TenantBySlug(t.Context(), "beta")
	if _, set := beta.Settings[email.SetSMTPSecurity]; set || beta.Setting(email.SetSMTPSecurity) != "tls" || beta.Setting(email.SetIMAPSecurity) != "tls" {
		t.Errorf("a business without the old setting: IMAP %q, SMTP %q; want the defaults", beta.Setting(email.SetIMAPSecurity), beta.Setting(email.SetSMTPSecurity))
	}
}
