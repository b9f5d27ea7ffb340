package chanutil

import (
	"context"
	"crypto/sha256"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// KeyError says why an API key was refused, with the HTTP status to answer.
type KeyError struct {
	Status int
	Code   string
	Msg    string
}

func (e *KeyError) Error() string { return e.Msg }

// Caller is the tenant an API key opened.
type Caller struct {
	Key    *platform.APIKey
	Tenant *platform.Tenant
	DB     *tenantdb.DB
}

// KeyFromRequest reads an API key from Authorization: Bearer, X-Api-Key or the api_key query
// parameter. Only the WhatsApp webhook takes the query form (Meta's callback URL carries no
// headers of ours); the integration API reads headers only (KeyFromHeader).
func KeyFromRequest(r *http.Request) string {
	if k := KeyFromHeader(r); k != "" {
		return k
	}
	return r.URL.Query().Get("api_key")
}

// KeyFromHeader reads an API key from Authorization: Bearer or X-Api-Key.
func KeyFromHeader(r *http.Request) string {
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	return strings.TrimSpace(r.Header.Get("X-Api-Key"))
}

// KeyInQuery reports whether the address carries an api_key parameter: a key there is written
// to every proxy's and server's access log on the way.
func KeyInQuery(r *http.Request) bool { return r.URL.Query().Has("api_key") }

// Keys authenticates API keys against the control database and reuses a resolved key for
// cacheTTL. One Keys serves all the channels of a server.
type Keys struct {
	platform *platform.Service
	mu       sync.Mutex
	cache    map[[32]byte]cacheEntry
}

// NewKeys builds an empty key cache over p.
func NewKeys(p *platform.Service) *Keys {
	return &Keys{platform: p, cache: map[[32]byte]cacheEntry{}}
}

// Authenticate resolves key to its tenant: 401 for a missing or unknown key, 403 for a revoked key
// or one without scope.
func (k *Keys) Authenticate(ctx context.Context, key, scope string) (*Caller, error) {
	if c := k.cached(key); c != nil {
		return check(c, scope)
	}
	c, err := lookup(ctx, k.platform, key)
	if err != nil {
		return nil, err
	}
	k.remember(key, c)
	return check(c, scope)
}

// Resolve returns the tenant key opens without checking scope or revocation (the route gates use it
// to learn the tenant; the handler's Authenticate still decides whether the key may act).
func (k *Keys) Resolve(ctx context.Context, key string) (*Caller, error) {
	if c := k.cached(key); c != nil {
		return c, nil
	}
	c, err := lookup(ctx, k.platform, key)
	if err != nil {
		return nil, err
	}
	k.remember(key, c)
	return c, nil
}

// cacheTTL bounds how long a key, its revocation state and its tenant's settings are reused
// without asking the control database again: webhooks come in bursts, and a revoked key or a
// changed setting still takes effect within seconds.
const cacheTTL = 2 * time.Second

type cacheEntry struct {
	c   *Caller
	exp time.Time
}

func (k *Keys) cached(key string) *Caller {
	if key == "" {
		return nil
	}
	h := sha256.Sum256([]byte(key))
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.cache[h]
	if !ok || time.Now().After(e.exp) {
		return nil
	}
	return e.c
}

func (k *Keys) remember(key string, c *Caller) {
	h := sha256.Sum256([]byte(key))
	now := time.Now()
	k.mu.Lock()
	defer k.mu.Unlock()
	if len(k.cache) > 1000 {
		for old, e := range k.cache {
			if now.After(e.exp) {
				delete(k.cache, old)
			}
		}
	}
	k.cache[h] = cacheEntry{c: c, exp: now.Add(cacheTTL)}
}

func check(c *Caller, scope string) (*Caller, error) {
	if c.Key.Revoked() {
		return nil, &KeyError{http.StatusForbidden, "revoked_key", "this API key was revoked"}
	}
	if !c.Key.HasScope(scope) {
		return nil, &KeyError{http.StatusForbidden, "wrong_scope", "this API key lacks the scope " + scope}
	}
	return c, nil
}

func lookup(ctx context.Context, p *platform.Service, key string) (*Caller, error) {
	if key == "" {
		return nil, &KeyError{http.StatusUnauthorized, "missing_key", "an API key is required"}
	}
	k, err := p.LookupAPIKey(ctx, key)
	if errors.Is(err, platform.ErrBadKey) {
		return nil, &KeyError{http.StatusUnauthorized, "unknown_key", "unknown API key"}
	}
	if err != nil {
		return nil, err
	}
	t, err := p.TenantByID(ctx, k.TenantID)
	if err != nil {
		return nil, err
	}
	db, err := p.Mgr.Tenant(ctx, t.Slug)
	if err != nil {
		return nil, err
	}
	return &Caller{Key: k, Tenant: t, DB: db}, nil
}

// UnavailableWait is the Retry-After of a delivery refused because its business's file does not
// open: the server retries the file every few seconds, the sender a minute later.
const UnavailableWait = "60"

// Unavailable answers a webhook delivery or an API call for a business whose database file does not
// open (tenantdb.ErrUnavailable): 503 with Retry-After, which Meta and Telegram retry, so nothing
// is lost while the administrator fixes the file. Why it does not open is the administrator's to
// read (/readyz/ and the server's log, written once); the sender is told only that it cannot be
// stored now.
func Unavailable(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", UnavailableWait)
	web.JSONError(w, r, nil, http.StatusServiceUnavailable, "tenant_unavailable",
		"this account's data cannot be opened right now; nothing was stored; retry later")
}
