package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"highvibe/app/channels/chanutil"
	"highvibe/app/media"
)

// Fetcher downloads inbound Telegram files for the media room: getFile turns the file_id into a
// file_path, which is read from the Bot API's file endpoint, both with the tenant's bot token.
// Client nil = a client with a two-minute timeout.
func Fetcher(client *http.Client) media.Fetcher {
	return func(ctx context.Context, setting func(string) string, fileID string, max int64) ([]byte, error) {
		token := setting("telegram_bot_token")
		if token == "" {
			return nil, &media.NotConfigured{What: "telegram_bot_token"}
		}
		c := client
		if c == nil {
			c = &http.Client{Timeout: 2 * time.Minute}
		}
		return FetchFile(ctx, c, setting("telegram_api_base"), token, fileID, max)
	}
}

// FetchFile is getFile and the download of its file_path. The URLs carry the bot token, so errors
// never repeat them.
func FetchFile(ctx context.Context, c *http.Client, apiBase, token, fileID string, max int64) ([]byte, error) {
	base := strings.TrimRight(apiBase, "/")
	b, err := read(ctx, c, base+"/bot"+token+"/getFile?file_id="+url.QueryEscape(fileID), 1<<20)
	if err != nil {
		return nil, err
	}
	var out struct {
		OK     bool `json:"ok"`
		Result struct {
			FileSize int64  `json:"file_size"`
			FilePath string `json:"file_path"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &out); err != nil || !out.OK || out.Result.FilePath == "" {
		return nil, &media.Gone{Err: fmt.Errorf("telegram: getFile answered without a file_path")}
	}
	if out.Result.FileSize > max {
		return nil, &media.Refusal{Code: media.ErrCodeTooLarge}
	}
	return read(ctx, c, base+"/file/bot"+token+"/"+strings.TrimLeft(out.Result.FilePath, "/"), max)
}

func read(ctx context.Context, c *http.Client, u string, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &media.Gone{Err: fmt.Errorf("telegram: bad file request")}
	}
	res, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("telegram: file: network error")
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
	b, err := io.ReadAll(io.LimitReader(res.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("telegram: file: read error")
	}
	if int64(len(b)) > max {
		return nil, &media.Refusal{Code: media.ErrCodeTooLarge}
	}
	return b, nil
}
