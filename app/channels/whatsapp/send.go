package whatsapp

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"highvibe/app/channels/chanutil"
)

// Window is WhatsApp's customer-service window: free-form replies are allowed only this long
// after the customer's last message; later, only pre-approved templates may be sent.
const Window = 24 * time.Hour

// WindowOpen reports whether a free-text reply may be sent now, given the time (Unix ms) of the
// customer's last inbound message (0 = never wrote).
func WindowOpen(lastInboundAt int64, now time.Time) bool {
	return lastInboundAt > 0 && now.Sub(time.UnixMilli(lastInboundAt)) <= Window
}

// SendText sends a text message through the Cloud API and returns the new wamid.
func SendText(ctx context.Context, c *http.Client, apiBase, phoneNumberID, token, to, text string) (string, error) {
	if c == nil {
		c = chanutil.HTTPClient
	}
	return sendMessage(ctx, c, apiBase, phoneNumberID, token, map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual",
		"to": to, "type": "text", "text": map[string]any{"preview_url": false, "body": text}})
}

// sendMessage posts one message object to /<phone-id>/messages and returns the new wamid.
func sendMessage(ctx context.Context, c *http.Client, apiBase, phoneNumberID, token string, msg map[string]any) (string, error) {
	body, _ := json.Marshal(msg)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(apiBase, "/")+"/"+phoneNumberID+"/messages", bytes.NewReader(body))
	if err != nil {
		return "", &chanutil.SendError{Body: err.Error(), Permanent: true}
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return "", &chanutil.SendError{Body: err.Error()}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if res.StatusCode/100 != 2 {
		return "", chanutil.ClassifyStatus(res.StatusCode, string(b))
	}
	var out struct {
		Messages []struct {
			ID string `json:"id"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(b, &out); err != nil || len(out.Messages) == 0 || out.Messages[0].ID == "" {
		return "", &chanutil.SendError{Status: res.StatusCode, Body: "answer without a message id: " + string(b)}
	}
	return out.Messages[0].ID, nil
}
