package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
)

// Timeout bounds one IMAP or SMTP conversation with the tenant's mail server.
const Timeout = 30 * time.Second

// roots are the certificate authorities a mail server's certificate is checked against; nil is
// the system's (tests trust their own).
var roots *x509.CertPool

// tlsConfig checks the server's certificate for host.
func tlsConfig(host string) *tls.Config { return &tls.Config{ServerName: host, RootCAs: roots} }

// dial opens a connection to host:port; with security "tls" it is TLS from the first byte.
// STARTTLS is the protocol client's job (it upgrades after the greeting).
func dial(ctx context.Context, host, port, security string) (net.Conn, error) {
	d := &net.Dialer{Timeout: Timeout}
	addr := net.JoinHostPort(host, port)
	if security == "tls" || security == "" {
		return (&tls.Dialer{NetDialer: d, Config: tlsConfig(host)}).DialContext(ctx, "tcp", addr)
	}
	return d.DialContext(ctx, "tcp", addr)
}

// Send delivers one reply over the tenant's SMTP server, threaded under the conversation's
// earlier mails, and returns the Message-ID it gave the mail (stored as the reply's provider id,
// so the customer's answer threads back here).
func (Channel) Send(ctx context.Context, r channel.Reply) (string, error) {
	host, from := r.Setting(SetSMTPHost), r.Setting(SetFrom)
	if host == "" || from == "" {
		return "", &channel.NotConfigured{Text: "not sent — no e-mail (SMTP) server or sender address configured"}
	}
	to := recipient(r)
	if to == "" {
		return "", &channel.NotConfigured{Text: "not sent — the lead has no e-mail address"}
	}
	raw, msgID, err := Compose(r, from, to)
	if err != nil {
		return "", &chanutil.SendError{Body: err.Error(), Permanent: true}
	}
	fromAddr, _ := mail.ParseAddress(from)
	if err := submit(ctx, r.Setting, fromAddr.Address, to, raw); err != nil {
		return "", err
	}
	return msgID, nil
}

// recipient is the address of the customer's latest mail in the thread, else the lead's.
func recipient(r channel.Reply) string {
	for i := len(r.Thread) - 1; i >= 0; i-- {
		if m := r.Thread[i]; m.Direction == "inbound" && m.Notes["from"] != "" {
			return m.Notes["from"]
		}
	}
	return r.ContactEmail
}

// Compose writes the reply as a plain-text mail (or, when it carries a file, a mixed mail with the
// caption as text and the file attached): Re: the thread's subject, In-Reply-To the thread's last
// mail and References every earlier mail of the thread, oldest first.
func Compose(r channel.Reply, from, to string) (raw []byte, messageID string, err error) {
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return nil, "", fmt.Errorf("sender address: %w", err)
	}
	ta, err := mail.ParseAddress(to)
	if err != nil {
		return nil, "", fmt.Errorf("recipient address: %w", err)
	}
	if r.ContactName != "" && strings.EqualFold(ta.Address, r.ContactEmail) {
		ta.Name = r.ContactName
	}
	if fa.Name == "" {
		fa.Name = r.TenantName
	}
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{fa})
	h.SetAddressList("To", []*mail.Address{ta})
	h.SetSubject(subject(r))
	now := r.Now
	if now.IsZero() {
		now = time.Now()
	}
	h.SetDate(now)
	domain := fa.Address[strings.LastIndexByte(fa.Address, '@')+1:]
	if err := h.GenerateMessageIDWithHostname(domain); err != nil {
		return nil, "", err
	}
	id, _ := h.MessageID()
	var refs []string
	for _, m := range r.Thread {
		if m.ProviderMessageID != "" && (m.Direction == "inbound" || m.Direction == "outbound") && validID(m.ProviderMessageID) {
			refs = append(refs, m.ProviderMessageID)
		}
	}
	if len(refs) > 0 {
		if len(refs) > 30 {
			refs = append(refs[:1], refs[len(refs)-29:]...) // the root and the newest, as mail clients trim
		}
		h.SetMsgIDList("In-Reply-To", refs[len(refs)-1:])
		h.SetMsgIDList("References", refs)
	}
	var buf bytes.Buffer
	if r.Media != nil {
		if err := withAttachment(&buf, h, r.Media); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), id, nil
	}
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return nil, "", err
	}
	if _, err := w.Write([]byte(r.Body)); err != nil {
		return nil, "", err
	}
	if err := w.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), id, nil
}

// withAttachment writes a multipart/mixed mail: the caption as its text (when there is one) and
// the file as an attachment under its name with its checked content type, base64-encoded.
func withAttachment(buf *bytes.Buffer, h mail.Header, m *channel.Media) error {
	mw, err := mail.CreateWriter(buf, h)
	if err != nil {
		return err
	}
	if text := strings.TrimSpace(m.Caption); text != "" {
		var th mail.InlineHeader
		th.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
		th.Set("Content-Transfer-Encoding", "quoted-printable")
		tw, err := mw.CreateSingleInline(th)
		if err != nil {
			return err
		}
		if _, err := tw.Write([]byte(text)); err != nil {
			return err
		}
		if err := tw.Close(); err != nil {
			return err
		}
	}
	var ah mail.AttachmentHeader
	ah.SetContentType(m.ContentType, nil)
	name := m.Filename
	if name == "" {
		name = m.Kind
	}
	ah.SetFilename(name)
	aw, err := mw.CreateAttachment(ah)
	if err != nil {
		return err
	}
	if _, err := aw.Write(m.Data); err != nil {
		return err
	}
	if err := aw.Close(); err != nil {
		return err
	}
	return mw.Close()
}

// validID says whether a stored provider id can be written back as a msg-id.
func validID(id string) bool {
	return strings.Contains(id, "@") && !strings.ContainsAny(id, " <>\r\n\t")
}

// subject is "Re: " and the subject of the thread's first mail that had one, else the tenant's name.
func subject(r channel.Reply) string {
	for _, m := range r.Thread {
		if s := strings.TrimSpace(m.Notes["subject"]); s != "" {
			if len(s) >= 3 && strings.EqualFold(s[:3], "re:") {
				return s
			}
			return "Re: " + s
		}
	}
	return r.TenantName
}

// NoticeReady reports whether the tenant can send the team's notification e-mails: an outgoing
// mail server and a sender address are set.
func NoticeReady(setting func(string) string) bool {
	return setting(SetSMTPHost) != "" && setting(SetFrom) != ""
}

// Notice sends a plain-text mail that is not a reply to a customer (the team's notification
// e-mails and daily digests) over the tenant's SMTP server, from the tenant's sender address. It
// reports whether the mail went out; a tenant without SMTP settings sends nothing (sent false, no
// error). A 5xx answer is a permanent failure (chanutil.SendError.Permanent).
func Notice(ctx context.Context, setting func(string) string, tenantName, to, subject, body string) (sent bool, err error) {
	if !NoticeReady(setting) {
		return false, nil
	}
	from := setting(SetFrom)
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return false, &chanutil.SendError{Body: "sender address: " + err.Error(), Permanent: true}
	}
	ta, err := mail.ParseAddress(to)
	if err != nil {
		return false, &chanutil.SendError{Body: "recipient address: " + err.Error(), Permanent: true}
	}
	if fa.Name == "" {
		fa.Name = tenantName
	}
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{fa})
	h.SetAddressList("To", []*mail.Address{ta})
	h.SetSubject(subject)
	h.SetDate(time.Now())
	if err := h.GenerateMessageIDWithHostname(fa.Address[strings.LastIndexByte(fa.Address, '@')+1:]); err != nil {
		return false, err
	}
	h.Set("Auto-Submitted", "auto-generated")
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("Content-Transfer-Encoding", "quoted-printable")
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return false, err
	}
	if _, err := w.Write([]byte(body)); err != nil {
		return false, err
	}
	if err := w.Close(); err != nil {
		return false, err
	}
	if err := submit(ctx, setting, fa.Address, ta.Address, buf.Bytes()); err != nil {
		return false, err
	}
	return true, nil
}

// submit hands one mail to the tenant's SMTP server.
func submit(ctx context.Context, setting func(string) string, from, to string, raw []byte) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	host, sec := setting(SetSMTPHost), setting(SetSMTPSecurity)
	conn, err := dial(ctx, host, setting(SetSMTPPort), sec)
	if err != nil {
		return &chanutil.SendError{Body: "SMTP server unreachable: " + err.Error()}
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	var c *smtp.Client
	if sec == "starttls" {
		if c, err = smtp.NewClientStartTLS(conn, tlsConfig(host)); err != nil {
			return smtpError(err)
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if user := setting(SetSMTPUser); user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, setting(SetSMTPPassword))); err != nil {
			return smtpError(err)
		}
	}
	if err := c.SendMail(from, []string{to}, bytes.NewReader(raw)); err != nil {
		return smtpError(err)
	}
	return smtpError(c.Quit())
}

// smtpError classifies an SMTP failure: a 5xx answer is permanent, the rest is worth a retry.
func smtpError(err error) error {
	if err == nil {
		return nil
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return &chanutil.SendError{Status: se.Code, Body: se.Message, Permanent: se.Code >= 500}
	}
	return &chanutil.SendError{Body: err.Error()}
}
