package platform

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"highvibe/app/tenantdb"
)

// Scopes an API key may carry: whatsapp_webhook posts deliveries, read and import use the
// integration API (guide: 31-integration-api.md).
var Scopes = []string{"whatsapp_webhook", "read", "import"}

// APIKey is a stored key: only its hash and a short prefix for recognition are kept.
type APIKey struct {
	ID         int64
	TenantID   int64
	Name       string
	Prefix     string
	Scopes     []string
	CreatedAt  string
	LastUsedAt string
	RevokedAt  string
}

// HasScope reports whether the key carries scope s.
func (k *APIKey) HasScope(s string) bool { return slices.Contains(k.Scopes, s) }

// Revoked reports whether the key was revoked.
func (k *APIKey) Revoked() bool { return k.RevokedAt != "" }

// Created and LastUsed are the key's stored moments as times (zero: never used), for pages that
// put them into the reader's words.
func (k *APIKey) Created() time.Time  { return storedMoment(k.CreatedAt) }
func (k *APIKey) LastUsed() time.Time { return storedMoment(k.LastUsedAt) }

// storedMoment reads a moment as this database stores it (UTC, milliseconds, "Z"); zero when empty.
func storedMoment(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000Z", s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

// ErrBadKey is returned for an unknown API key.
var ErrBadKey = errors.New("unknown api key")

func hashKey(k string) string {
	s := sha256.Sum256([]byte(k))
	return hex.EncodeToString(s[:])
}

// ParseScopes validates a comma-separated scope list.
func ParseScopes(s string) ([]string, error) {
	var out []string
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !slices.Contains(Scopes, p) {
			return nil, &ValidationError{"scope", fmt.Sprintf("unknown scope %q (known: %s)", p, strings.Join(Scopes, ", "))}
		}
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, &ValidationError{"scope", "at least one scope is required (" + strings.Join(Scopes, ", ") + ")"}
	}
	return out, nil
}

// CreateAPIKey makes a random 32-byte key and returns it in clear exactly once.
func (s *Service) CreateAPIKey(ctx context.Context, tenantID int64, name string, scopes []string) (string, *APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 {
		return "", nil, &ValidationError{"name", "is required (at most 100 characters)"}
	}
	if len(scopes) == 0 {
		return "", nil, &ValidationError{"scope", "at least one scope is required"}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", nil, err
	}
	key := "hv_" + base64.RawURLEncoding.EncodeToString(raw)
	prefix := key[:10]
	var id int64
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO api_keys(tenant_id, name, prefix, key_hash, scopes) VALUES(?,?,?,?,?)`,
			tenantID, name, prefix, hashKey(key), strings.Join(scopes, ","))
		if err != nil {
			return fmt.Errorf("platform: create api key: %w", err)
		}
		id, _ = res.LastInsertId()
		// The panel's API-key form's one-time token, spent with the key's row (WithOnce): a
		// form sent twice makes one key, whose secret only the first answer showed.
		return spendOnce(ctx, tx, id, "")
	})
	if err != nil {
		return "", nil, err
	}
	return key, &APIKey{ID: id, TenantID: tenantID, Name: name, Prefix: prefix, Scopes: scopes}, nil
}

func scanKey(sc interface{ Scan(...any) error }) (*APIKey, error) {
	k := &APIKey{}
	var scopes string
	var last, rev sql.NullString
	if err := sc.Scan(&k.ID, &k.TenantID, &k.Name, &k.Prefix, &scopes, &k.CreatedAt, &last, &rev); err != nil {
		return nil, err
	}
	k.Scopes = strings.Split(scopes, ",")
	k.LastUsedAt, k.RevokedAt = last.String, rev.String
	return k, nil
}

const keyCols = `id, tenant_id, name, prefix, scopes, created_at, last_used_at, revoked_at`

// ListAPIKeys lists a tenant's keys, newest first.
func (s *Service) ListAPIKeys(ctx context.Context, tenantID int64) ([]*APIKey, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE tenant_id = ? ORDER BY id DESC`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("platform: list keys: %w", err)
	}
	defer rows.Close()
	var out []*APIKey
	for rows.Next() {
		k, err := scanKey(rows)
		if err != nil {
			return nil, fmt.Errorf("platform: list keys: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// RevokeAPIKey revokes one key of the tenant; ErrNotFound when it is not the tenant's.
func (s *Service) RevokeAPIKey(ctx context.Context, tenantID, id int64) error {
	res, err := s.DB.Exec(ctx, `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND tenant_id = ?`,
		time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), id, tenantID)
	if err != nil {
		return fmt.Errorf("platform: revoke key: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// LookupAPIKey finds the key by its clear text (revoked keys are returned so callers can answer
// 403 rather than 401) and records its last use at most once a minute.
func (s *Service) LookupAPIKey(ctx context.Context, key string) (*APIKey, error) {
	if key == "" {
		return nil, ErrBadKey
	}
	k, err := scanKey(s.DB.Read.QueryRowContext(ctx, `SELECT `+keyCols+` FROM api_keys WHERE key_hash = ?`, hashKey(key)))
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrBadKey
		}
		return nil, fmt.Errorf("platform: lookup key: %w", err)
	}
	now := time.Now().UTC()
	if k.LastUsedAt == "" || k.LastUsedAt < now.Add(-time.Minute).Format("2006-01-02T15:04:05.000Z") {
		_, _ = s.DB.Exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ?`, now.Format("2006-01-02T15:04:05.000Z"), k.ID)
	}
	return k, nil
}
