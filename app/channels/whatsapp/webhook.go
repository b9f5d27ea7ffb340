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
	"sync"
	"time"

	"highvibe/app/channels/chanutil"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// MaxBody is the largest webhook body accepted (Meta batches can reach a few megabytes).
const MaxBody = 4 << 20

// Webhook answers Meta's verification handshake and stores event deliveries.
type Webhook struct {
	Platform *platform.Service
	Keys     *chanutil.Keys
	Log      *slog.Logger
	// KeyFailures and AddrFailures count refused requests per API key and per client address
	// (set before serving; NewWebhook does). Deliveries that pass the key and signature checks are
	// never counted and never throttled: Meta's top tier sends 1,000 messages/s through one key.
	KeyFailures, AddrFailures *chanutil.Failures

	// Processor, when set, processes deliveries in the transaction that stores them (Accept);
	// without it they are only stored, and the job runner processes them.
	Processor *Processor
	// Processed hears how many deliveries a commit processed and how long it took (for /metrics,
	// where they count as whatsapp_process jobs done).
	Processed func(deliveries int, took time.Duration)

	groups sync.Map // *tenantdb.DB → *group: deliveries waiting for the database's next commit
	bySlug sync.Map // tenant slug → its database's *group, for Busy
}

// Failure budgets: a key may fail 200 times in a burst (refilled at 50/s) and one client address
// 20 times (refilled at 5/s) before it is answered 429 without its body being read. The address
// budget is the tight one, so someone who learnt the key (it is in the callback URL) but not the
// app secret blocks their own address long before the key itself.
const (
	keyFailRate, keyFailBurst   = 50, 200
	addrFailRate, addrFailBurst = 5, 20
)

// NewWebhook builds the webhook with the default failure budgets.
func NewWebhook(p *platform.Service, keys *chanutil.Keys, proc *Processor, log *slog.Logger) *Webhook {
	return &Webhook{Platform: p, Keys: keys, Processor: proc, Log: log, KeyFailures: chanutil.NewFailures(keyFailRate, keyFailBurst),
		AddrFailures: chanutil.NewFailures(addrFailRate, addrFailBurst)}
}

// Verify is Meta's GET handshake: the body is exactly hub.challenge when the verify token matches.
func (h *Webhook) Verify(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c, err := h.Keys.Authenticate(r.Context(), chanutil.KeyFromRequest(r), "whatsapp_webhook")
	if err != nil {
		h.keyError(w, r, err)
		return
	}
	want := c.Tenant.Setting("whatsapp_verify_token")
	got := q.Get("hub.verify_token")
	if q.Get("hub.mode") != "subscribe" || want == "" || !hmac.Equal([]byte(want), []byte(got)) {
		web.JSONError(w, r, nil, http.StatusForbidden, "verify_failed", "hub.mode must be subscribe and hub.verify_token must match the tenant's verify token")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, q.Get("hub.challenge"))
}

// NoSecretMessage is the 403 answer to a delivery for a tenant without an app secret.
const NoSecretMessage = "no WhatsApp app secret is set for this account: set whatsapp_app_secret (Settings → Channels → App secret) to Meta's app secret; deliveries are refused until it is set"

// Receive stores a POSTed event body durably and queues its processing; 200 means stored.
// Everything that can be refused without the body is refused before reading it: a key or address
// over its failure budget (429), a bad key (401/403), a tenant without an app secret (403), a
// missing signature (403), a declared length over the limit (413).
func (h *Webhook) Receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	addr := web.ClientKey(r)
	if blocked, wait := h.AddrFailures.Blocked(addr); blocked {
		h.tooMany(w, r, wait)
		return
	}
	c, err := h.Keys.Authenticate(ctx, chanutil.KeyFromRequest(r), "whatsapp_webhook")
	if err != nil {
		if !errors.Is(err, tenantdb.ErrUnavailable) { // the server's trouble, not the sender's
			h.AddrFailures.Fail(addr)
		}
		h.keyError(w, r, err)
		return
	}
	key := strconv.FormatInt(c.Key.ID, 10)
	if blocked, wait := h.KeyFailures.Blocked(key); blocked {
		h.tooMany(w, r, wait)
		return
	}
	if !c.Tenant.Active() {
		web.JSONError(w, r, nil, http.StatusForbidden, "tenant_inactive", "this account is inactive")
		return
	}
	secret := c.Tenant.Setting("whatsapp_app_secret")
	if secret == "" {
		web.JSONError(w, r, nil, http.StatusForbidden, "no_app_secret", NoSecretMessage)
		return
	}
	sig := r.Header.Get("X-Hub-Signature-256")
	if !wellFormedSignature(sig) {
		h.fail(key, addr)
		web.JSONError(w, r, nil, http.StatusForbidden, "bad_signature", "X-Hub-Signature-256 is missing or not sha256=<64 hex digits>")
		return
	}
	if r.ContentLength > MaxBody {
		web.JSONError(w, r, nil, http.StatusRequestEntityTooLarge, "too_large", "body over 4 MiB")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			web.JSONError(w, r, nil, http.StatusRequestEntityTooLarge, "too_large", "body over 4 MiB")
			return
		}
		web.JSONError(w, r, nil, http.StatusBadRequest, "bad_body", "could not read body")
		return
	}
	if !ValidSignature(body, sig, secret) {
		h.fail(key, addr)
		web.JSONError(w, r, nil, http.StatusForbidden, "bad_signature", "X-Hub-Signature-256 does not match the body")
		return
	}
	parsed, err := Parse(body) // the only parse: the job stores its result
	if err != nil {
		web.JSONError(w, r, nil, http.StatusBadRequest, "malformed", "malformed JSON or webhook envelope")
		return
	}
	id, err := h.Accept(ctx, c.Tenant.Slug, c.DB, parsed)
	if err != nil {
		h.Log.Error("whatsapp: store webhook", "tenant", c.Tenant.Slug, "err", err)
		web.JSONError(w, r, nil, http.StatusInternalServerError, "store_failed", "could not store the delivery; retry later")
		return
	}
	web.JSON(w, http.StatusOK, map[string]any{"status": "accepted", "delivery_id": id})
}

func (h *Webhook) fail(key, addr string) {
	h.KeyFailures.Fail(key)
	h.AddrFailures.Fail(addr)
}

func (h *Webhook) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
	web.JSONError(w, r, nil, http.StatusTooManyRequests, "rate_limited", "too many refused requests from this key or address; retry later")
}

// wellFormedSignature checks the shape of X-Hub-Signature-256 without the body.
func wellFormedSignature(h string) bool {
	hexSig, ok := strings.CutPrefix(h, "sha256=")
	if !ok || len(hexSig) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(hexSig)
	return err == nil
}

func (h *Webhook) keyError(w http.ResponseWriter, r *http.Request, err error) {
	var ke *chanutil.KeyError
	if errors.As(err, &ke) {
		web.JSONError(w, r, nil, ke.Status, ke.Code, ke.Msg)
		return
	}
	if errors.Is(err, tenantdb.ErrUnavailable) {
		// The business's file does not open (logged once, named by /readyz/): 503, which Meta
		// retries, so the deliveries arrive once the administrator has fixed the file.
		chanutil.Unavailable(w, r)
		return
	}
	h.Log.Error("whatsapp: api key", "err", err)
	web.JSONError(w, r, nil, http.StatusInternalServerError, "internal", "internal error")
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
