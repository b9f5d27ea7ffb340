package quotes_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-smtp"

	"highvibe/app/channels"
	"highvibe/app/channels/email"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
)

// part is one multipart part as a provider received it.
type part struct {
	Name, Filename, ContentType string
	Data                        []byte
}

// call is one request to the fake providers.
type call struct {
	Path, Auth, ContentType string
	Body                    []byte
	Parts                   []part
}

// providers is a fake Graph API (media upload, messages) and Bot API (sendDocument, sendPhoto,
// sendMessage) answering as the real ones document.
type providers struct {
	srv   *httptest.Server
	mu    sync.Mutex
	calls []call
}

func newProviders(t *testing.T) *providers {
	p := &providers{}
	p.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := call{Path: r.URL.Path, Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type"), Body: b}
		if mt, params, err := mime.ParseMediaType(c.ContentType); err == nil && mt == "multipart/form-data" {
			mr := multipart.NewReader(bytes.NewReader(b), params["boundary"])
			for {
				pt, err := mr.NextPart()
				if err != nil {
					break
				}
				d, _ := io.ReadAll(pt)
				c.Parts = append(c.Parts, part{Name: pt.FormName(), Filename: pt.FileName(), ContentType: pt.Header.Get("Content-Type"), Data: d})
			}
		}
		p.mu.Lock()
		p.calls = append(p.calls, c)
		p.mu.Unlock()
		switch {
		case strings.HasSuffix(r.URL.Path, "/media"):
			_, _ = io.WriteString(w, `{"id":"1037543291543636"}`)
		case strings.HasSuffix(r.URL.Path, "/messages"):
			_, _ = io.WriteString(w, `{"messaging_product":"whatsapp","contacts":[{"input":"905321234567","wa_id":"905321234567"}],"messages":[{"id":"wamid.HBgMOTA1MzIxMjM0NTY3FQIAERgSQUI="}]}`)
		case strings.HasPrefix(r.URL.Path, "/bot7123456789:AAHk-test_token-for-the-fake-bot-api01/"):
			_, _ = io.WriteString(w, `{"ok":true,"result":{"message_id":501,"chat":{"id":777001,"type":"private"},"date":1735689600}}`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
	t.Cleanup(p.srv.Close)
	return p
}

func (p *providers) take() []call {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

func partNamed(c call, name string) (part, bool) {
	for _, pt := range c.Parts {
		if pt.Name == name {
			return pt, true
		}
	}
	return part{}, false
}

// approvedQuote makes a quote on conv, has it approved by the owner and returns its id.
func approvedQuote(t *testing.T, f *fixture, conv int64) int64 {
	t.Helper()
	id := newQuote(t, f.op, conv, nil)
	approveLines(t, f, id, lines(strconv.Itoa(f.count(t, `SELECT id FROM products WHERE sku = 'GR-3'`))))
	f.op.Get("/app/quotes/" + strconv.FormatInt(id, 10) + "/")
	return id
}

// conversationOn starts a conversation on a channel (the customer wrote just now).
func conversationOn(t *testing.T, f *fixture, ch, external, mail string) int64 {
	t.Helper()
	svc := &inbox.Service{Channels: channels.Registry()}
	res, err := svc.Ingest(context.Background(), "acme", f.e.DB("acme"), inbox.Inbound{Channel: ch, ExternalID: external, Name: "Deniz Yılmaz",
		Phone: "+905321234567", Email: mail, Body: "Bahçe için teklif alabilir miyim?", At: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

// sendQuote sends an approved quote from the panel and runs its delivery job as the runner would;
// it returns the message that carried it.
func sendQuote(t *testing.T, f *fixture, id int64) *inbox.Message {
	t.Helper()
	sid := strconv.FormatInt(id, 10)
	if r := f.op.Post("/app/quotes/"+sid+"/send", nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d %s", r.StatusCode, r.Body)
	}
	db := f.e.DB("acme")
	msgID := int64(f.count(t, `SELECT sent_message_id FROM quotes WHERE id = ?`, id))
	var jid int64
	var payload string
	if err := db.Read.QueryRow(`SELECT id, payload FROM jobs WHERE kind = ? AND status = 'queued' AND json_extract(payload, '$.message_id') = ?`,
		inbox.JobDeliver, msgID).Scan(&jid, &payload); err != nil {
		t.Fatalf("no delivery queued for the quote's message: %v", err)
	}
	j := &jobs.Job{ID: jid, Kind: inbox.JobDeliver, Payload: []byte(payload), Attempt: 1, MaxTries: 5, Tenant: "acme", DB: db}
	if err := f.e.Handlers.Channels.Deliverer.Handle(t.Context(), j); err != nil {
		t.Fatalf("deliver: %v", err)
	}
	m, err := inbox.MessageByID(t.Context(), db.Read, msgID)
	if err != nil {
		t.Fatal(err)
	}
	if m.DeliveryStatus != "sent" {
		t.Fatalf("delivery %s: %s", m.DeliveryStatus, m.DeliveryError)
	}
	return m
}

// storedPDF is the quote PDF kept with the message: its name and bytes (from the media database).
func storedPDF(t *testing.T, f *fixture, msgID int64) (string, []byte) {
	t.Helper()
	var name, sum, ct, kind string
	if err := f.e.DB("acme").Read.QueryRow(`SELECT filename, sha256, content_type, kind FROM attachments WHERE message_id = ? AND status = 'stored'`, msgID).
		Scan(&name, &sum, &ct, &kind); err != nil {
		t.Fatalf("the quote's message carries no stored file: %v", err)
	}
	if ct != "application/pdf" || kind != "document" {
		t.Fatalf("attachment %s %s", kind, ct)
	}
	mdb, err := f.e.Server.Mgr.Media(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	if err := mdb.Read.QueryRow(`SELECT data FROM blobs WHERE sha256 = ?`, sum).Scan(&data); err != nil {
		t.Fatal(err)
	}
	return name, data
}

// TestSentQuoteGoesAsPDFDocument: on WhatsApp the approved quote's PDF is uploaded to the business
// number's media store and sent as a document message with its file name and the tracking link as
// caption; on Telegram it goes with sendDocument, the link as caption. The message keeps the PDF.
func TestSentQuoteGoesAsPDFDocument(t *testing.T) {
	f := setup(t)
	p := newProviders(t)
	f.e.Set("acme", map[string]string{"whatsapp_api_base": p.srv.URL + "/v21.0", "whatsapp_access_token": "EAAG-test-token",
		"whatsapp_phone_number_id": "106540352242922", "telegram_api_base": p.srv.URL, "telegram_bot_token": "7123456789:AAHk-test_token-for-the-fake-bot-api01"})

	// WhatsApp.
	conv := conversationOn(t, f, "whatsapp", "905321234567", "")
	id := approvedQuote(t, f, conv)
	p.take()
	m := sendQuote(t, f, id)
	if !regexp.MustCompile(`/q/acme\.[a-z2-7]{24}`).MatchString(m.Body) || !strings.Contains(m.Body, "220.397,76 ₺") {
		t.Fatalf("the message lost its link: %q", m.Body)
	}
	number := f.str(t, `SELECT number FROM quotes WHERE id = ?`, id)
	name, pdf := storedPDF(t, f, m.ID)
	if name != number+".pdf" || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("kept file %q (%d bytes)", name, len(pdf))
	}
	calls := p.take()
	if len(calls) != 2 {
		t.Fatalf("%d Graph calls, want upload and message: %+v", len(calls), calls)
	}
	up := calls[0]
	if up.Path != "/v21.0/106540352242922/media" || up.Auth != "Bearer EAAG-test-token" {
		t.Fatalf("upload went to %s (%s)", up.Path, up.Auth)
	}
	if mp, _ := partNamed(up, "messaging_product"); string(mp.Data) != "whatsapp" {
		t.Errorf("upload messaging_product %q", mp.Data)
	}
	if tp, _ := partNamed(up, "type"); string(tp.Data) != "application/pdf" {
		t.Errorf("upload type %q", tp.Data)
	}
	if fp, ok := partNamed(up, "file"); !ok || fp.Filename != number+".pdf" || fp.ContentType != "application/pdf" || !bytes.Equal(fp.Data, pdf) {
		t.Errorf("uploaded file %q %q, %d bytes (same as kept: %v)", fp.Filename, fp.ContentType, len(fp.Data), bytes.Equal(fp.Data, pdf))
	}
	send := calls[1]
	if send.Path != "/v21.0/106540352242922/messages" || send.Auth != "Bearer EAAG-test-token" || send.ContentType != "application/json" {
		t.Fatalf("message went to %s (%s, %s)", send.Path, send.Auth, send.ContentType)
	}
	var got map[string]any
	if err := json.Unmarshal(send.Body, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual", "to": "905321234567", "type": "document",
		"document": map[string]any{"id": "1037543291543636", "filename": number + ".pdf", "caption": m.Body}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("document message\n got %s\nwant %v", send.Body, want)
	}
	if m.ProviderMessageID != "wamid.HBgMOTA1MzIxMjM0NTY3FQIAERgSQUI=" {
		t.Errorf("provider id %q", m.ProviderMessageID)
	}

	// Telegram.
	conv = conversationOn(t, f, "telegram", "777001", "")
	id = approvedQuote(t, f, conv)
	p.take()
	m = sendQuote(t, f, id)
	number = f.str(t, `SELECT number FROM quotes WHERE id = ?`, id)
	_, pdf = storedPDF(t, f, m.ID)
	calls = p.take()
	if len(calls) != 1 || calls[0].Path != "/bot7123456789:AAHk-test_token-for-the-fake-bot-api01/sendDocument" {
		t.Fatalf("Bot API calls: %+v", calls)
	}
	c := calls[0]
	if !strings.HasPrefix(c.ContentType, "multipart/form-data; boundary=") {
		t.Errorf("sendDocument content type %q", c.ContentType)
	}
	var names []string
	for _, pt := range c.Parts {
		names = append(names, pt.Name)
	}
	if strings.Join(names, ",") != "chat_id,caption,document" {
		t.Errorf("sendDocument parts %v", names)
	}
	chat, _ := partNamed(c, "chat_id")
	capt, _ := partNamed(c, "caption")
	doc, _ := partNamed(c, "document")
	if string(chat.Data) != "777001" || string(capt.Data) != m.Body || doc.Filename != number+".pdf" || doc.ContentType != "application/pdf" || !bytes.Equal(doc.Data, pdf) {
		t.Errorf("sendDocument: chat %q caption %q file %q %q (%d bytes)", chat.Data, capt.Data, doc.Filename, doc.ContentType, len(doc.Data))
	}
	if m.ProviderMessageID != "msg:777001:501" {
		t.Errorf("provider id %q", m.ProviderMessageID)
	}
}

// TestSentQuoteOverQuotaGoesAsLinkAlone: a tenant whose media storage is full still sends the
// link; the page says the PDF was not attached, and no file is recorded.
func TestSentQuoteOverQuotaGoesAsLinkAlone(t *testing.T) {
	f := setup(t)
	conv := conversationOn(t, f, "webchat", "v-quota", "")
	id := approvedQuote(t, f, conv)
	f.e.Set("acme", map[string]string{"media_quota_mb": "0"})
	r := f.op.Post("/app/quotes/"+strconv.FormatInt(id, 10)+"/send", nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	page := f.op.Get(r.Header.Get("Location"))
	if !strings.Contains(page.Body, "Bağlantı PDF olmadan gönderildi: İşletmenin fotoğraf ve dosya alanı dolu") {
		t.Errorf("the page does not say the PDF is missing")
	}
	if n := f.count(t, `SELECT count(*) FROM attachments`); n != 0 {
		t.Errorf("%d files recorded", n)
	}
	if n := f.count(t, `SELECT count(*) FROM messages WHERE conversation_id = ? AND direction = 'outbound' AND body LIKE '%/q/acme.%'`, conv); n != 1 {
		t.Errorf("the link was not sent")
	}
}

// smtpSink is an in-process SMTP server keeping what it is given.
type smtpSink struct {
	addr string
	got  chan []byte
}

type sinkSession struct{ s *smtpSink }

func (s sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err == nil {
		s.s.got <- b
	}
	return err
}
func (sinkSession) Reset()        {}
func (sinkSession) Logout() error { return nil }

func newSMTPSink(t *testing.T) *smtpSink {
	s := &smtpSink{got: make(chan []byte, 4)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return sinkSession{s}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	s.addr = ln.Addr().String()
	return s
}

// TestSentQuoteByEmailCarriesThePDF: on the e-mail channel the quote goes as a mixed mail: the
// message with the tracking link as text, the PDF attached under its name.
func TestSentQuoteByEmailCarriesThePDF(t *testing.T) {
	f := setup(t)
	sink := newSMTPSink(t)
	h, port, _ := net.SplitHostPort(sink.addr)
	f.e.Set("acme", map[string]string{email.SetSMTPHost: h, email.SetSMTPPort: port, email.SetFrom: "Acme Parke <info@acme.test>", email.SetSMTPSecurity: "none"})
	conv := conversationOn(t, f, "email", "m1.deniz@example.com", "deniz@example.com")
	id := approvedQuote(t, f, conv)
	m := sendQuote(t, f, id)
	number := f.str(t, `SELECT number FROM quotes WHERE id = ?`, id)
	_, pdf := storedPDF(t, f, m.ID)
	var raw []byte
	select {
	case raw = <-sink.got:
	case <-time.After(10 * time.Second):
		t.Fatal("the SMTP server received nothing")
	}
	mr, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("unreadable mail: %v", err)
	}
	if ct, _, _ := mr.Header.ContentType(); ct != "multipart/mixed" {
		t.Fatalf("content type %q", ct)
	}
	var text string
	var files []string
	for {
		pt, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(pt.Body)
		switch hd := pt.Header.(type) {
		case *mail.InlineHeader:
			text += string(b)
		case *mail.AttachmentHeader:
			name, _ := hd.Filename()
			ct, _, _ := hd.ContentType()
			files = append(files, name+" "+ct)
			if !bytes.Equal(b, pdf) {
				t.Errorf("attached %d bytes, not the kept PDF (%d)", len(b), len(pdf))
			}
		}
	}
	if strings.TrimSpace(text) != m.Body {
		t.Errorf("mail text %q, want the message %q", text, m.Body)
	}
	if strings.Join(files, "|") != number+".pdf application/pdf" {
		t.Errorf("attachments %v", files)
	}
}
