package chanutil

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
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
// parameter (Meta keeps the callback URL's query string).
func KeyFromRequest(r *http.Request) string {
	if a := r.Header.Get("Authorization"); len(a) > 7 && strings.EqualFold(a[:7], "bearer ") {
		return strings.TrimSpace(a[7:])
	}
	if k := r.Header.Get("X-Api-Key"); k != "" {
		return strings.TrimSpace(k)
	}
	return r.URL.Query().Get("api_key")
}

// Authenticate resolves key to its tenant: 401 for a missing or unknown key, 403 for a revoked key
// or one without scope.
func Authenticate(ctx context.Context, p *platform.Service, key, scope string) (*Caller, error) {
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
	if k.Revoked() {
		return nil, &KeyError{http.StatusForbidden, "revoked_key", "this API key was revoked"}
	}
	if !k.HasScope(scope) {
		return nil, &KeyError{http.StatusForbidden, "wrong_scope", "this API key lacks the scope " + scope}
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
