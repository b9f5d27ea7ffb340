package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
)

// TextMax is the longest text one sendMessage takes: 4096 characters, counted here in UTF-16 code
// units (an emoji counts twice), which is never more than Telegram's own count.
const TextMax = 4096

// SendMessage sends text to a chat with the Bot API's sendMessage and returns the new message id.
// A text longer than TextMax (a reply from the integration API can be) goes as several messages
// in order, each cut at a line break or a space where there is one, and the first one's id is
// returned: in one piece Telegram refused it ("message is too long") and it was never sent.
func SendMessage(ctx context.Context, c *http.Client, apiBase, botToken string, chatID int64, text string) (int64, error) {
	id, _, _, err := sendPieces(ctx, c, apiBase, botToken, chatID, text, 0)
	return id, err
}

// sendPieces sends the pieces of text after the first from (those went on an earlier try) and
// returns the first piece's id when it went now (else 0), how many pieces have gone in all and
// how many there are.
func sendPieces(ctx context.Context, c *http.Client, apiBase, botToken string, chatID int64, text string, from int) (first int64, sent, of int, err error) {
	parts := splitText(text, TextMax)
	sent = min(max(from, 0), len(parts))
	for _, part := range parts[sent:] {
		id, err := sendMessage(ctx, c, apiBase, botToken, chatID, part)
		if err != nil {
			return first, sent, len(parts), err
		}
		if sent == 0 {
			first = id
		}
		sent++
	}
	return first, sent, len(parts), nil
}

// splitText cuts text into pieces of at most max UTF-16 code units, after the last line break,
// else the last space, in the second half of each piece; a piece without either is cut between
// characters. A text within max is returned whole.
func splitText(text string, max int) []string {
	text = strings.ToValidUTF8(text, "\uFFFD") // an invalid byte is one byte, not RuneLen(RuneError)'s three
	var out []string
	for utf16Len(text) > max {
		cut, units, lastLine, lastSpace := 0, 0, -1, -1
		for i, r := range text {
			n := 1
			if r > 0xFFFF {
				n = 2
			}
			if units+n > max {
				break
			}
			units += n
			cut = i + utf8.RuneLen(r)
			if units > max/2 {
				switch r {
				case '\n':
					lastLine = cut
				case ' ':
					lastSpace = cut
				}
			}
		}
		if lastLine > 0 {
			cut = lastLine
		} else if lastSpace > 0 {
			cut = lastSpace
		}
		out = append(out, text[:cut])
		text = text[cut:]
	}
	return append(out, text)
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func sendMessage(ctx context.Context, c *http.Client, apiBase, botToken string, chatID int64, text string) (int64, error) {
	if c == nil {
		c = chanutil.HTTPClient
	}
	body, _ := json.Marshal(map[string]any{"chat_id": chatID, "text": text})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(apiBase, "/")+"/bot"+botToken+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return 0, &chanutil.SendError{Body: err.Error(), Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		// The URL carries the bot token: never echo it into logs.
		return 0, &chanutil.SendError{Body: "network error"}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode/100 != 2 {
		return 0, refusal(res.StatusCode, res.Header, b)
	}
	var out struct {
		OK     bool `json:"ok"`
		Result struct {
			MessageID int64 `json:"message_id"`
		} `json:"result"`
		Description string `json:"description"`
	}
	if err := json.Unmarshal(b, &out); err != nil || !out.OK {
		return 0, &chanutil.SendError{Status: res.StatusCode, Body: "unexpected answer: " + string(b), Permanent: true}
	}
	return out.Result.MessageID, nil
}

// NotSentBlocked is the start of the stored reason of a reply the Bot API refused with 403: the
// bot may not write to the chat any more — the customer blocked it ("Forbidden: bot was blocked by
// the user"), deleted their account ("user is deactivated") or removed it from their group. The
// inbox names it in the reader's language (inbox.failure.telegram_blocked).
const NotSentBlocked = "the customer blocked the bot or deleted their Telegram account"

// refusal is the SendError of a non-2xx answer of the Bot API; a 403 says why in words the inbox
// recognises (NotSentBlocked), with Telegram's own description after them; a 429 carries the wait
// Telegram asked for (parameters.retry_after, in seconds, else the Retry-After header).
func refusal(status int, h http.Header, b []byte) *chanutil.SendError {
	e := chanutil.ClassifyStatus(status, string(b))
	if status == http.StatusTooManyRequests {
		var out struct {
			Parameters struct {
				RetryAfter int64 `json:"retry_after"`
			} `json:"parameters"`
		}
		secs := int64(0)
		if json.Unmarshal(b, &out) == nil && out.Parameters.RetryAfter > 0 {
			secs = out.Parameters.RetryAfter
		} else if n, err := strconv.ParseInt(strings.TrimSpace(h.Get("Retry-After")), 10, 64); err == nil && n > 0 {
			secs = n
		}
		e.RetryAfter = time.Duration(min(secs, 366*24*3600)) * time.Second
	}
	if status == http.StatusForbidden {
		var out struct {
			Description string `json:"description"`
		}
		_ = json.Unmarshal(b, &out)
		e.Body = NotSentBlocked
		if d := strings.TrimSpace(out.Description); d != "" {
			e.Body += " (Telegram: " + chanutil.ClassifyStatus(status, d).Body + ")"
		}
	}
	return e
}

// ChatID parses a conversation's external id back into a chat id.
func ChatID(externalID string) (int64, bool) {
	n, err := strconv.ParseInt(externalID, 10, 64)
	return n, err == nil
}

// PhotoMax is the largest photo the Bot API's sendPhoto takes (10 MB): the composer refuses a
// larger photo on a Telegram conversation before anything is kept.
const PhotoMax = 10 << 20

// captionMax is the longest caption the Bot API takes with a file (characters).
const captionMax = 1024

// SendFile sends a file to a chat and returns the new message id: a JPEG or PNG photo with
// sendPhoto (shown inline), anything else (a PDF, a WebP, a GIF) with sendDocument under its file
// name, both as multipart uploads with caption. A caption longer than the Bot API allows follows
// the file as its own text message, so no word is cut.
func SendFile(ctx context.Context, c *http.Client, apiBase, botToken string, chatID int64, m *channel.Media, caption string) (int64, error) {
	if c == nil {
		c = &http.Client{Timeout: 2 * time.Minute}
	}
	method, field := "sendDocument", "document"
	if m.Kind == "image" && (m.ContentType == "image/jpeg" || m.ContentType == "image/png") {
		method, field = "sendPhoto", "photo"
	}
	caption = strings.TrimSpace(caption)
	long := utf8.RuneCountInString(caption) > captionMax
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("chat_id", strconv.FormatInt(chatID, 10))
	if caption != "" && !long {
		_ = mw.WriteField("caption", caption)
	}
	name := m.Filename
	if name == "" {
		name = m.Kind
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", mime.FormatMediaType("form-data", map[string]string{"name": field, "filename": name}))
	h.Set("Content-Type", m.ContentType)
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(m.Data)
	_ = mw.Close()
	id, err := call(ctx, c, strings.TrimRight(apiBase, "/")+"/bot"+botToken+"/"+method, mw.FormDataContentType(), &body)
	if err != nil || !long {
		return id, err
	}
	if _, err := SendMessage(ctx, c, apiBase, botToken, chatID, caption); err != nil {
		return 0, err
	}
	return id, nil
}

// call posts one Bot API request and returns the message id of its answer. The URL carries the
// bot token: errors never repeat it.
func call(ctx context.Context, c *http.Client, u, contentType string, body io.Reader) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return 0, &chanutil.SendError{Body: "bad request", Permanent: true}
	}
	req.Header.Set("Content-Type", contentType)
	res, err := c.Do(req)
	if err != nil {
		return 0, &chanutil.SendError{Body: "network error"}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode/100 != 2 {
		return 0, refusal(res.StatusCode, res.Header, b)
	}
	var out struct {
		OK     bool `json:"ok"`
		Result struct {
			MessageID int64 `json:"message_id"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &out); err != nil || !out.OK {
		return 0, &chanutil.SendError{Status: res.StatusCode, Body: "unexpected answer: " + string(b), Permanent: true}
	}
	return out.Result.MessageID, nil
}
