package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"time"

	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
	"highvibe/app/media"
)

// mediaTimeout bounds one media download or upload (16 MB over a slow line).
const mediaTimeout = 2 * time.Minute

func mediaClient(c *http.Client) *http.Client {
	if c != nil {
		return c
	}
	return &http.Client{Timeout: mediaTimeout}
}

// Fetcher downloads inbound WhatsApp media for the media room: the media id is turned into a
// short-lived URL (GET /<media-id>) and the bytes are read from it, both with the tenant's access
// token. Client nil = a client with mediaTimeout.
func Fetcher(client *http.Client) media.Fetcher {
	return func(ctx context.Context, setting func(string) string, id string, max int64) ([]byte, error) {
		token := setting("whatsapp_access_token")
		if token == "" {
			return nil, &media.NotConfigured{What: "whatsapp_access_token"}
		}
		return FetchMedia(ctx, mediaClient(client), setting("whatsapp_api_base"), token, id, max)
	}
}

// FetchMedia is the Cloud API's two-step download of one media id. A 4xx answer (an expired or
// unknown id, a revoked token) is media.Gone; a file over max is a media.Refusal (too_large),
// found from the announced size or while reading, never by reading it all.
func FetchMedia(ctx context.Context, c *http.Client, apiBase, token, id string, max int64) ([]byte, error) {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return nil, &media.Gone{Err: fmt.Errorf("whatsapp: bad media id %q", id)}
	}
	var meta struct {
		URL      string `json:"url"`
		MimeType string `json:"mime_type"`
		FileSize int64  `json:"file_size"`
	}
	b, err := get(ctx, c, strings.TrimRight(apiBase, "/")+"/"+id, token, 1<<20)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &meta); err != nil || meta.URL == "" {
		return nil, fmt.Errorf("whatsapp: media %s: answer without a url: %.200s", id, b)
	}
	if meta.FileSize > max {
		return nil, &media.Refusal{Code: media.ErrCodeTooLarge}
	}
	return get(ctx, c, meta.URL, token, max)
}

// get reads url with the bearer token, at most max bytes (more is a too_large refusal).
func get(ctx context.Context, c *http.Client, url, token string, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, &media.Gone{Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("whatsapp: media: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(io.LimitReader(res.Body, 2048))
		e := chanutil.ClassifyStatus(res.StatusCode, string(b))
		if e.Permanent {
			return nil, &media.Gone{Err: e}
		}
		return nil, e
	}
	if res.ContentLength > max {
		return nil, &media.Refusal{Code: media.ErrCodeTooLarge}
	}
	b, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("whatsapp: media: %w", err)
	}
	if int64(len(b)) > max {
		return nil, &media.Refusal{Code: media.ErrCodeTooLarge}
	}
	return b, nil
}

// UploadMedia uploads a file to the business number's media store (POST /<phone-id>/media,
// multipart) and returns its media id, to be sent with SendMedia's message.
func UploadMedia(ctx context.Context, c *http.Client, apiBase, phoneNumberID, token string, m *channel.Media) (string, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("messaging_product", "whatsapp")
	_ = mw.WriteField("type", m.ContentType)
	h := textproto.MIMEHeader{}
	name := m.Filename
	if name == "" {
		name = m.Kind
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
	h.Set("Content-Type", m.ContentType)
	part, _ := mw.CreatePart(h)
	_, _ = part.Write(m.Data)
	_ = mw.Close()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(apiBase, "/")+"/"+phoneNumberID+"/media", &body)
	if err != nil {
		return "", &chanutil.SendError{Body: err.Error(), Permanent: true}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := mediaClient(c).Do(req)
	if err != nil {
		return "", &chanutil.SendError{Body: err.Error()}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode/100 != 2 {
		return "", chanutil.ClassifyStatus(res.StatusCode, string(b))
	}
	var out struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.ID == "" {
		return "", &chanutil.SendError{Status: res.StatusCode, Body: "upload answer without an id: " + string(b)}
	}
	return out.ID, nil
}

// SendMedia sends a file to a WhatsApp user: it uploads the bytes (UploadMedia), then sends a
// message of the file's kind (image, document, audio, video, sticker) naming the uploaded id, with
// caption (images, videos, documents) and, for documents, the file name the customer sees. It
// returns the new wamid. This is the one way the server sends WhatsApp media: the composer's
// attachments use it through Channel.Send, and any other room (a quote's PDF) may call it with
// the tenant's settings:
//
//	wamid, err := whatsapp.SendMedia(ctx, nil, t.Setting("whatsapp_api_base"), t.Setting("whatsapp_phone_number_id"),
//		t.Setting("whatsapp_access_token"), conv.ExternalID, &channel.Media{Kind: "document",
//		ContentType: "application/pdf", Filename: "TKL-2026-0042.pdf", Data: pdf}, "Teklifiniz")
//
// Errors are *chanutil.SendError (Permanent when the provider refused the request itself).
func SendMedia(ctx context.Context, c *http.Client, apiBase, phoneNumberID, token, to string, m *channel.Media, caption string) (string, error) {
	kind := m.Kind
	switch kind {
	case "image", "document", "audio", "video", "sticker":
	default:
		return "", &chanutil.SendError{Body: "unknown media kind " + kind, Permanent: true}
	}
	id, err := UploadMedia(ctx, c, apiBase, phoneNumberID, token, m)
	if err != nil {
		return "", err
	}
	obj := map[string]any{"id": id}
	if caption = strings.TrimSpace(caption); caption != "" && (kind == "image" || kind == "video" || kind == "document") {
		obj["caption"] = caption
	}
	if kind == "document" && m.Filename != "" {
		obj["filename"] = m.Filename
	}
	return sendMessage(ctx, mediaClient(c), apiBase, phoneNumberID, token, map[string]any{"messaging_product": "whatsapp",
		"recipient_type": "individual", "to": to, "type": kind, kind: obj})
}
