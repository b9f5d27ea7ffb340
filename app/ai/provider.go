package ai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ProviderConfig is a tenant's openai_compatible settings.
type ProviderConfig struct {
	BaseURL, Model, APIKey string
	Privacy                string // masked or local
}

// ChatMessage is one Chat Completions message.
type ChatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// ErrNotLocal is returned when privacy_profile=local forbids the configured base URL.
var ErrNotLocal = errors.New("ai: privacy profile 'local' allows only a loopback or private-network base URL")

// Client calls an OpenAI-compatible Chat Completions endpoint with a timeout and retries.
type Client struct {
	HTTP    *http.Client // nil: 20 s timeout
	Retries int          // extra attempts after the first; 0 = 2
	Backoff time.Duration
}

// Per-million-token prices used to estimate cost when the provider does not report one. They are
// deliberately on the high side of small hosted models so the budget errs towards stopping early.
const (
	usdPerMPrompt = 0.60
	usdPerMOutput = 2.40
)

// IsLocalURL reports whether a base URL points at this machine or a private network.
func IsLocalURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate())
}

// Chat sends the conversation and returns the reply text with its usage. With privacy masked every
// message is passed through Mask first; with privacy local a non-local URL is refused before any
// connection is made.
func (c *Client) Chat(ctx context.Context, cfg ProviderConfig, msgs []ChatMessage) (string, Usage, error) {
	u := Usage{Provider: "openai_compatible", Model: cfg.Model}
	if cfg.BaseURL == "" || cfg.Model == "" {
		return "", u, errors.New("ai: provider needs ai_base_url and ai_model")
	}
	if cfg.Privacy == "local" && !IsLocalURL(cfg.BaseURL) {
		return "", u, ErrNotLocal
	}
	out := make([]ChatMessage, len(msgs))
	for i, m := range msgs {
		if cfg.Privacy != "local" {
			m.Content = Mask(m.Content)
		}
		out[i] = m
	}
	body, err := json.Marshal(map[string]any{"model": cfg.Model, "messages": out, "temperature": 0.2, "max_tokens": 400})
	if err != nil {
		return "", u, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 20 * time.Second}
	}
	retries, back := c.Retries, c.Backoff
	if retries == 0 {
		retries = 2
	}
	if back == 0 {
		back = 300 * time.Millisecond
	}
	endpoint := strings.TrimRight(cfg.BaseURL, "/") + "/chat/completions"
	var lastErr error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return "", u, ctx.Err()
			case <-time.After(back << (attempt - 1)):
			}
		}
		text, usage, retry, err := c.once(ctx, hc, endpoint, cfg.APIKey, body)
		if err == nil {
			usage.Provider, usage.Model = u.Provider, u.Model
			return text, usage, nil
		}
		lastErr = err
		if !retry {
			break
		}
	}
	return "", u, lastErr
}

func (c *Client) once(ctx context.Context, hc *http.Client, endpoint, key string, body []byte) (string, Usage, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return "", Usage{}, false, err
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", Usage{}, true, fmt.Errorf("ai: provider call: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", Usage{}, true, fmt.Errorf("ai: provider read: %w", err)
	}
	if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
		return "", Usage{}, true, fmt.Errorf("ai: provider status %d", resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return "", Usage{}, false, fmt.Errorf("ai: provider status %d", resp.StatusCode)
	}
	var r struct {
		Choices []struct {
			Message ChatMessage `json:"message"`
		} `json:"choices"`
		Usage struct {
			PromptTokens     int `json:"prompt_tokens"`
			CompletionTokens int `json:"completion_tokens"`
		} `json:"usage"`
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Choices) == 0 {
		return "", Usage{}, false, fmt.Errorf("ai: provider answer not understood")
	}
	text := strings.TrimSpace(r.Choices[0].Message.Content)
	u := Usage{PromptTokens: r.Usage.PromptTokens, OutputTokens: r.Usage.CompletionTokens}
	if u.PromptTokens == 0 {
		u.PromptTokens = len(body) / 4
	}
	if u.OutputTokens == 0 {
		u.OutputTokens = len(text) / 4
	}
	u.CostUSD = float64(u.PromptTokens)*usdPerMPrompt/1e6 + float64(u.OutputTokens)*usdPerMOutput/1e6
	return text, u, false, nil
}
