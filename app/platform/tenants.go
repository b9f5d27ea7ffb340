// Package platform is the control database: tenants and their settings, users, memberships and
// API keys. It decides who may enter which tenant; the tenant's own data lives in its own file.
package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"highvibe/app/fault"
	"highvibe/app/phone"
	"highvibe/app/settingdef"
	"highvibe/app/tenantdb"
)

// Tenant is one business using HighVibe, with its settings loaded.
type Tenant struct {
	ID            int64
	Slug          string
	Name          string
	Status        string
	NicheID       string
	PrimaryLocale string
	Currency      string
	CreatedAt     string
	Settings      map[string]string
	// Niche is the custom niche the tenant chose (nil for a built-in niche).
	Niche        *Niche
	defs         *settingdef.Set // what the loading service knows: the defaults Setting falls back to
	moduleChoice map[string]bool // the owner's explicit module choices (the rest follow the niche)
}

// Active reports whether the tenant may take in new data.
func (t *Tenant) Active() bool { return t.Status == "active" }

// Setting returns a setting's stored value or its default.
func (t *Tenant) Setting(key string) string {
	switch key {
	case "name":
		return t.Name
	case "status":
		return t.Status
	case "niche":
		return t.NicheID
	case "primary_locale":
		return t.PrimaryLocale
	case "currency":
		return t.Currency
	case "modules":
		return strings.Join(t.EnabledModules(), ",")
	}
	if v, ok := t.Settings[key]; ok {
		return v
	}
	if t.defs == nil {
		return Settings().Default(key)
	}
	return t.defs.Default(key)
}

// PhoneRegion is the country a phone number written without its country code is read in (the
// phone_region setting: "TR", "DE" …), for phone.Normalize and inbox.NormalizePhone.
func (t *Tenant) PhoneRegion() string {
	if t == nil {
		return phone.DefaultRegion
	}
	return t.Setting("phone_region")
}

// Bool reads a boolean setting.
func (t *Tenant) Bool(key string) bool { return t.Setting(key) == "true" }

// InLanguage is an owner-written customer-facing text (the chat greeting, the privacy notice:
// key, and per language key_<lang> for lang one of Locales) for a visitor reading lang, and the
// language it is written in: the owner's text in that language (key_<lang>), else the main one
// (key, in the business's language), else "" — the caller then says its built-in text in lang.
func (t *Tenant) InLanguage(key, lang string) (text, in string) {
	if slices.Contains(Locales, lang) {
		if v := t.Setting(key + "_" + lang); strings.TrimSpace(v) != "" {
			return v, lang
		}
	}
	if v := t.Setting(key); strings.TrimSpace(v) != "" {
		return v, t.PrimaryLocale
	}
	return "", lang
}

// Service combines the control database with the tenant files it points to.
type Service struct {
	DB  *tenantdb.DB
	Mgr *tenantdb.Manager
	// Defs are the tenant settings this service accepts: the platform's own and those handed in
	// at start-up (the channels' registry entries declare theirs).
	Defs *settingdef.Set
	// HashCost is the bcrypt cost of the password hashes this service stores (0 = HashCost, what
	// the product uses). Only tests lower it, so that each user they create and sign in costs a
	// millisecond of CPU instead of a tenth of a second; a login compares at the cost written in
	// the stored hash, and an unknown user's login still costs a full HashCost comparison.
	HashCost int
}

// NewService builds the platform service over an open manager. extra are the settings declared
// outside the platform room (each channel's, from the channel registry), added to the platform's
// own; the platform never imports the channels.
func NewService(m *tenantdb.Manager, extra ...settingdef.Def) *Service {
	return &Service{DB: m.Platform, Mgr: m, Defs: Settings(extra...)}
}

// ErrExists is returned when a slug or username is taken (a conflict for the web layer).
var ErrExists = fault.Sentinel(fault.KindConflict, "", "already exists")

// ValidationError names the field that is wrong and why, so the CLI and forms can say so.
type ValidationError struct {
	Field string
	Msg   string
}

func (e *ValidationError) Error() string { return e.Field + ": " + e.Msg }

// onceKey carries a form's token spender in a context (WithOnce).
type onceKey struct{}

// OnceSpender records a form's one-time token in tx, the transaction that writes record id,
// with the page its answer leads to; it returns an error when the form was sent before, and
// the transaction rolls back (the web layer's SpendOnce). target is the page this package
// knows (a tenant's console page), "" where the page is the caller's to name (a user or an API
// key made from the tenant panel's settings).
type OnceSpender func(ctx context.Context, tx *sql.Tx, id int64, target string) error

// WithOnce hands spend to the writes made with ctx that create a record from a form (a tenant
// made in the staff console; a user or an API key made in the panel's settings), so a form
// posted twice creates one. This package does not know the web layer; a context without a
// spender (the CLI, the demo) spends nothing.
func WithOnce(ctx context.Context, spend OnceSpender) context.Context {
	return context.WithValue(ctx, onceKey{}, spend)
}

func spendOnce(ctx context.Context, tx *sql.Tx, id int64, target string) error {
	if f, ok := ctx.Value(onceKey{}).(OnceSpender); ok && f != nil {
		return f(ctx, tx, id, target)
	}
	return nil
}

// CreateTenant validates and stores a tenant row, then creates its migrated database file.
// When the file cannot be created the row is removed again, so nothing half-exists. It is
// CreateBusiness without a country: the product's Turkish starting values.
func (s *Service) CreateTenant(ctx context.Context, slug, name, niche, locale string) (*Tenant, error) {
	return s.CreateBusiness(ctx, NewTenant{Slug: slug, Name: name, Niche: niche, Locale: locale})
}

// NewTenant is what a business is made with. Country ("DE", one of Countries) gives the starting
// language (when Locale is empty), currency, phone region and time zone (CountryDefaults); empty,
// the business starts as the product always started one: Turkish, in lira, Turkish numbers, the
// server's default zone.
type NewTenant struct {
	Slug, Name, Niche, Locale, Country string
}

// CreateBusiness validates and stores a tenant row with its country's starting values, then
// creates its migrated database file. When the file cannot be created the row is removed again,
// so nothing half-exists.
func (s *Service) CreateBusiness(ctx context.Context, nt NewTenant) (*Tenant, error) {
	slug, name, niche, locale := nt.Slug, nt.Name, nt.Niche, nt.Locale
	start := Country{Locale: "tr", Currency: "TRY"}
	if nt.Country != "" {
		c, ok := CountryDefaults(nt.Country)
		if !ok {
			return nil, &ValidationError{"country", "must be one of the countries offered"}
		}
		start = c
	}
	if !tenantdb.ValidSlug(slug) {
		return nil, &ValidationError{"slug", "must be 3-63 lowercase letters, digits or single hyphens, not starting or ending with a hyphen"}
	}
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return nil, &ValidationError{"name", "is required (at most 200 characters)"}
	}
	if niche == "" {
		niche = "default"
	}
	if err := s.ValidateSetting("niche", niche); err != nil {
		return nil, err
	}
	if err := s.checkNiche(ctx, niche); err != nil {
		return nil, err
	}
	if locale == "" {
		locale = start.Locale
	}
	if err := s.ValidateSetting("primary_locale", locale); err != nil {
		return nil, err
	}
	if _, err := os.Stat(s.Mgr.TenantPath(slug)); err == nil {
		return nil, fmt.Errorf("platform: tenant %q: database file %w", slug, ErrExists)
	}
	var id int64
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO tenants(slug, name, niche_id, primary_locale, currency) VALUES(?,?,?,?,?)`, slug, name, niche, locale, start.Currency)
		if err != nil {
			if tenantdb.IsUnique(err) {
				return fmt.Errorf("platform: tenant %q %w", slug, ErrExists)
			}
			return fmt.Errorf("platform: create tenant: %w", err)
		}
		id, _ = res.LastInsertId()
		if nt.Country != "" {
			// The country numbers written without a country code are read in (phone_region).
			if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_settings(tenant_id, key, value, updated_at) VALUES(?,?,?,?)`,
				id, "phone_region", nt.Country, time.Now().UTC().Format("2006-01-02T15:04:05.000Z")); err != nil {
				return fmt.Errorf("platform: create tenant: %w", err)
			}
		}
		// The console form's one-time token, spent with the tenant's row (WithOnce).
		return spendOnce(ctx, tx, id, "/staff/tenants/"+slug+"/")
	})
	if err != nil {
		return nil, err
	}
	db, err := s.Mgr.Create(ctx, slug)
	if err != nil {
		_, _ = s.DB.Exec(ctx, `DELETE FROM tenants WHERE id = ?`, id)
		return nil, err
	}
	// The rooms' first words in the business's language (OnTenantCreated). A failure here leaves
	// a working business with a starting row in English, so it is logged, not undone.
	if err := runTenantCreated(ctx, db, NewBusiness{Locale: locale, Country: nt.Country, Zone: start.Zone}); err != nil {
		slog.Warn("platform: new tenant kept its starting rows as migrated", "tenant", slug, "err", err)
	}
	return s.TenantByID(ctx, id)
}

const tenantCols = `id, slug, name, status, niche_id, primary_locale, currency, created_at`

func (s *Service) scanTenant(ctx context.Context, row *sql.Row) (*Tenant, error) {
	t := &Tenant{defs: s.Defs}
	if err := row.Scan(&t.ID, &t.Slug, &t.Name, &t.Status, &t.NicheID, &t.PrimaryLocale, &t.Currency, &t.CreatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, tenantdb.ErrNotFound
		}
		return nil, fmt.Errorf("platform: tenant: %w", err)
	}
	set, err := s.settings(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	t.Settings = set
	if err := s.loadModules(ctx, t); err != nil {
		return nil, err
	}
	if !BuiltinNiche(t.NicheID) {
		n, err := s.CustomNiche(ctx, t.NicheID)
		if err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
		t.Niche = n // a niche deleted by hand leaves the default persona
	}
	return t, nil
}

// TenantBySlug loads a tenant with its settings; tenantdb.ErrNotFound when absent.
func (s *Service) TenantBySlug(ctx context.Context, slug string) (*Tenant, error) {
	return s.scanTenant(ctx, s.DB.Read.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE slug = ?`, slug))
}

// TenantByID loads a tenant with its settings.
func (s *Service) TenantByID(ctx context.Context, id int64) (*Tenant, error) {
	return s.scanTenant(ctx, s.DB.Read.QueryRowContext(ctx, `SELECT `+tenantCols+` FROM tenants WHERE id = ?`, id))
}

// ListTenants returns every tenant (settings not loaded; modules and custom niche loaded, so
// HasModule is right), by slug.
func (s *Service) ListTenants(ctx context.Context) ([]*Tenant, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+tenantCols+` FROM tenants ORDER BY slug`)
	if err != nil {
		return nil, fmt.Errorf("platform: list tenants: %w", err)
	}
	defer rows.Close()
	var out []*Tenant
	byID := map[int64]*Tenant{}
	for rows.Next() {
		t := &Tenant{defs: s.Defs, moduleChoice: map[string]bool{}}
		if err := rows.Scan(&t.ID, &t.Slug, &t.Name, &t.Status, &t.NicheID, &t.PrimaryLocale, &t.Currency, &t.CreatedAt); err != nil {
			return nil, fmt.Errorf("platform: list tenants: %w", err)
		}
		out = append(out, t)
		byID[t.ID] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("platform: list tenants: %w", err)
	}
	if err := s.loadAllModules(ctx, byID); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) settings(ctx context.Context, id int64) (map[string]string, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT key, value FROM tenant_settings WHERE tenant_id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("platform: settings: %w", err)
	}
	defer rows.Close()
	m := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("platform: settings: %w", err)
		}
		m[k] = v
	}
	return m, rows.Err()
}

// SetSettings validates every pair first and then stores them all in one transaction: an unknown
// key or bad value changes nothing.
func (s *Service) SetSettings(ctx context.Context, slug string, kv map[string]string) error {
	for k, v := range kv {
		if err := s.ValidateSetting(k, v); err != nil {
			return err
		}
	}
	if v, ok := kv["niche"]; ok {
		if err := s.checkNiche(ctx, v); err != nil {
			return err
		}
	}
	t, err := s.TenantBySlug(ctx, slug)
	if err != nil {
		return err
	}
	if v, ok := kv["currency"]; ok {
		if err := s.checkCurrencyChange(ctx, slug, t.Currency, s.normalizeSetting("currency", v)); err != nil {
			return err
		}
	}
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		for k, v := range kv {
			if k == "modules" {
				list, useDefault, _ := ParseModules(v)
				if err := storeModules(ctx, tx, t.ID, list, useDefault, now); err != nil {
					return err
				}
				continue
			}
			if col, ok := tenantColumns[k]; ok {
				if _, err := tx.ExecContext(ctx, `UPDATE tenants SET `+col+` = ?, updated_at = ? WHERE id = ?`, s.normalizeSetting(k, v), now, t.ID); err != nil {
					return fmt.Errorf("platform: set %s: %w", k, err)
				}
				continue
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_settings(tenant_id, key, value, updated_at) VALUES(?,?,?,?)
				ON CONFLICT(tenant_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, t.ID, k, s.normalizeSetting(k, v), now); err != nil {
				return fmt.Errorf("platform: set %s: %w", k, err)
			}
		}
		return nil
	})
}

// SplitLink cuts a customer link's last part "<slug>.<token>" (quotes /q/…, visits /v/…) into
// the tenant's slug and the 24-character token.
func SplitLink(s string) (slug, token string, ok bool) {
	i := strings.LastIndexByte(s, '.')
	if i <= 0 || i == len(s)-1 || len(s)-i-1 != 24 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

// OpenLink resolves a customer link's "<slug>.<token>" to an active tenant, its open database and
// the token. A malformed link, an unknown or inactive tenant are all [tenantdb.ErrNotFound], so a
// guessed link tells nothing about which part was wrong.
func (s *Service) OpenLink(ctx context.Context, link string) (*Tenant, *tenantdb.DB, string, error) {
	slug, token, ok := SplitLink(link)
	if !ok {
		return nil, nil, "", tenantdb.ErrNotFound
	}
	t, err := s.TenantBySlug(ctx, slug)
	if err != nil || !t.Active() {
		return nil, nil, "", tenantdb.ErrNotFound
	}
	db, err := s.Mgr.Tenant(ctx, t.Slug)
	if err != nil {
		return nil, nil, "", err
	}
	return t, db, token, nil
}
