package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"highvibe/app/channels/chanutil"
)

// SendMessage calls the Bot API sendMessage and returns the new message id.
func SendMessage(ctx context.Context, c *http.Client, apiBase, botToken string, chatID int64, text string) (int64, error) {
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
		return 0, chanutil.ClassifyStatus(res.StatusCode, string(b))
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

// ChatID parses a conversation's external id back into a chat id.
func ChatID(externalID string) (int64, bool) {
	n, err := strconv.ParseInt(externalID, 10, 64)
	return n, err == nil
}
