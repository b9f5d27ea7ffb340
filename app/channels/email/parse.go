package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset" // decode ISO-8859-9, Windows-1254... into UTF-8
	"github.com/emersion/go-message/mail"

	"highvibe/app/channels/channel"
)

// MaxSize is the largest mail read; a bigger one is refused.
const MaxSize = 10 << 20

// Mail is one parsed inbound e-mail.
type Mail struct {
	MessageID string // without angle brackets; derived from the content when the mail has none
	From      string // the sender's address, lower-cased
	Name      string // the sender's display name
	Subject   string
	Refs      []string // In-Reply-To and References, newest last: where the mail threads
	Text      string   // the readable text, quoted history cut
	Date      time.Time
}

// ErrMalformed wraps every reason a mail is refused.
var ErrMalformed = errors.New("malformed e-mail")

func malformed(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, a...))
}

// Parse reads one RFC 5322 message. It refuses (ErrMalformed) a mail without a usable sender or
// whose header or MIME structure cannot be read; nothing of a refused mail is stored.
func Parse(raw []byte) (*Mail, error) {
	if len(raw) > MaxSize {
		return nil, malformed("larger than %d bytes", MaxSize)
	}
	r, err := mail.CreateReader(bytes.NewReader(raw))
	if err != nil && !message.IsUnknownCharset(err) {
		return nil, malformed("header: %v", err)
	}
	defer r.Close()
	m := &Mail{}
	from, err := r.Header.AddressList("From")
	if err != nil || len(from) == 0 || !strings.Contains(from[0].Address, "@") {
		return nil, malformed("no sender address")
	}
	m.From, m.Name = channel.LowerEmail(from[0].Address), from[0].Name
	if m.Subject, err = r.Header.Subject(); err != nil {
		m.Subject = r.Header.Get("Subject")
	}
	m.Date, _ = r.Header.Date()
	if id, err := r.Header.MessageID(); err == nil && id != "" {
		m.MessageID = id
	} else {
		sum := sha256.Sum256(raw)
		m.MessageID = hex.EncodeToString(sum[:16]) + "@no-message-id"
	}
	refs, _ := r.Header.MsgIDList("References")
	irt, _ := r.Header.MsgIDList("In-Reply-To")
	m.Refs = append(refs, irt...)
	var plain, html string
	var attachments []string
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil && !message.IsUnknownCharset(err) {
			return nil, malformed("body: %v", err)
		}
		if p == nil {
			break
		}
		switch h := p.Header.(type) {
		case *mail.InlineHeader:
			ct, _, _ := h.ContentType()
			b, err := io.ReadAll(io.LimitReader(p.Body, MaxSize))
			if err != nil {
				return nil, malformed("body: %v", err)
			}
			switch {
			case ct == "text/plain" && plain == "":
				plain = string(b)
			case ct == "text/html" && html == "":
				html = string(b)
			}
		case *mail.AttachmentHeader:
			name, _ := h.Filename()
			attachments = append(attachments, "[attachment: "+name+"]")
		}
	}
	text := plain
	if strings.TrimSpace(text) == "" && html != "" {
		text = htmlText(html)
	}
	text = cutQuoted(strings.ReplaceAll(text, "\r\n", "\n"))
	if len(attachments) > 0 {
		text = strings.TrimSpace(text + "\n" + strings.Join(attachments, "\n"))
	}
	if r := []rune(text); len(r) > 20000 {
		text = string(r[:20000])
	}
	m.Text = text
	return m, nil
}

var (
	tagRE   = regexp.MustCompile(`(?s)<(script|style)[^>]*>.*?</(script|style)>|<[^>]+>`)
	wroteRE = regexp.MustCompile(`(?i)^(on .+ wrote|.+ tarihinde .+ şunu yazdı|am .+ schrieb .+|le .+ a écrit|el .+ escribió)\s*:\s*$`)
)

// htmlText is the text of an HTML-only mail: tags dropped, entities of the common kind decoded.
func htmlText(h string) string {
	h = regexp.MustCompile(`(?i)<br\s*/?>|</p>|</div>`).ReplaceAllString(h, "\n")
	h = tagRE.ReplaceAllString(h, "")
	return strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(h)
}

// cutQuoted drops the quoted history a mail client appends under an answer ("> ..." lines at the
// end and the "On ... wrote:" line above them), so the inbox shows what the customer wrote now.
func cutQuoted(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n "), "\n")
	end := len(lines)
	for end > 0 && (strings.HasPrefix(lines[end-1], ">") || strings.TrimSpace(lines[end-1]) == "") {
		end--
	}
	if end < len(lines) && end > 0 && wroteRE.MatchString(strings.TrimSpace(lines[end-1])) {
		end--
	}
	if end == 0 { // only a quote: keep it rather than store nothing
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.Join(lines[:end], "\n"))
}
