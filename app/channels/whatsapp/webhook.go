package whatsapp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"highvibe/app/channels/chanutil"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// MaxBody is the largest webhook body accepted (Meta batches can reach a few megabytes).
const MaxBody = 4 << 20

// Webhook answers Meta's verification handshake and stores event deliveries.
type Webhook struct {
	Platform *platform.Service
	Log      *slog.Logger
	Limits   *chanutil.Limiters // per API key; set before serving (NewWebhook does)
}

// NewWebhook builds the webhook with the default per-key limit: 100 requests/s, bursts of 500
// (one request can carry many messages, so this is far above what Meta sends one number).
func NewWebhook(p *platform.Service, log *slog.Logger) *Webhook {
	return &Webhook{Platform: p, Log: log, Limits: chanutil.NewLimiters(100, 500)}
}

// Verify is Meta's GET handshake: the body is exactly hub.challenge when the verify token matches.
func (h *Webhook) Verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := chanutil.Authenticate(r.Context(), h.Platform, chanutil.KeyFromRequest(r), "whatsapp_webhook")
	if err != nil {
		h.keyError(w, err)
		return
	}
	want := c.Tenant.Setting("whatsapp_verify_token")
	got := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || want == "" || !hmac.Equal([]byte(want), []byte(got)) {
		web.JSONError(w, http.StatusForbidden, "verify_failed", "hub.mode must be subscribe and hub.verify_token must match the tenant's verify token")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// Receive stores a POSTed event body durably and queues its processing; 200 means stored.
func (h *Webhook) Receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := chanutil.Authenticate(ctx, h.Platform, chanutil.KeyFromRequest(r), "whatsapp_webhook")
	if err != nil {
		h.keyError(w, err)
		return
	}
	if !c.Tenant.Active() {
		web.JSONError(w, http.StatusForbidden, "tenant_inactive", "this account is inactive")
		return
	}
	if ok, wait := h.Limits.Allow(strconv.FormatInt(c.Key.ID, 10)); !ok {
		w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
		web.JSONError(w, http.StatusTooManyRequests, "rate_limited", "too many requests for this key")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			web.JSONError(w, http.StatusRequestEntityTooLarge, "too_large", "body over 4 MiB")
			return
		}
		web.JSONError(w, http.StatusBadRequest, "bad_body", "could not read body")
		return
	}
	if secret := c.Tenant.Setting("whatsapp_app_secret"); secret != "" {
		if !ValidSignature(body, r.Header.Get("X-Hub-Signature-256"), secret) {
			web.JSONError(w, http.StatusForbidden, "bad_signature", "X-Hub-Signature-256 does not match the body")
			return
		}
	}
	if err := ParseEnvelope(body); err != nil {
		web.JSONError(w, http.StatusBadRequest, "malformed", "malformed JSON or webhook envelope")
		return
	}
	id, err := Accept(ctx, c.DB, body, c.Key.ID)
	if err != nil {
		h.Log.Error("whatsapp: store webhook", "tenant", c.Tenant.Slug, "err", err)
		web.JSONError(w, http.StatusInternalServerError, "store_failed", "could not store the delivery; retry later")
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"status": "accepted", "import_id": id})
}

func (h *Webhook) keyError(w http.ResponseWriter, err error) {
	var ke *chanutil.KeyError
	if errors.As(err, &ke) {
		web.JSONError(w, ke.Status, ke.Code, ke.Msg)
		return
	}
	h.Log.Error("whatsapp: api key", "err", err)
	web.JSONError(w, http.StatusInternalServerError, "internal", "internal error")
}

// ValidSignature checks header "sha256=<hex>" against the HMAC-SHA256 of the raw body in
// constant time.
func ValidSignature(body []byte, header, secret string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Sign returns the X-Hub-Signature-256 value Meta would send for body (tests and tools use it).
func Sign(body []byte, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}
