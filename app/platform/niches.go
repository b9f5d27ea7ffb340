package platform

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"highvibe/app/tenantdb"
)

// Niche is a niche staff defined (`highvibe niche create`): tenants choose it like a built-in one,
// and the assistant uses its persona text, vocabulary and forbidden topics (guide:
// 20-niches.md).
type Niche struct {
	ID         string
	Names      map[string]string // language → name; "en" is required and the fallback
	Persona    string            // who the assistant speaks for, given to a configured model
	Vocabulary []string          // words customers use for what the business offers
	Forbidden  []string          // topics the assistant never advises on: a person takes over
	Modules    []string          // the optional modules a tenant of this niche starts with
	CreatedAt  string
	UpdatedAt  string
}

// Name is the niche's name in lang, else in English.
func (n *Niche) Name(lang string) string {
	if v := n.Names[lang]; v != "" {
		return v
	}
	return n.Names["en"]
}

// BuiltinNiche reports whether id is one of the built-in niches.
func BuiltinNiche(id string) bool { return slices.Contains(Niches, id) }

var nicheIDPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,39}$`)

// nicheIDFormat is the niche setting's check without the database: a built-in id or the shape of
// a custom one (the service checks that a custom one exists).
func nicheIDFormat(v string) string {
	if BuiltinNiche(v) || nicheIDPattern.MatchString(v) {
		return ""
	}
	return "must be one of: " + strings.Join(Niches, ", ") + ", or a custom niche's id"
}

// ErrNoNiche is a niche id that is neither built in nor defined.
var ErrNoNiche = errors.New("no such niche")

// checkNiche says whether id is a niche a tenant may choose.
func (s *Service) checkNiche(ctx context.Context, id string) error {
	if BuiltinNiche(id) {
		return nil
	}
	if _, err := s.CustomNiche(ctx, id); err != nil {
		if errors.Is(err, tenantdb.ErrNotFound) {
			return &ValidationError{"niche", "must be one of: " + strings.Join(Niches, ", ") + ", or a custom niche (highvibe niche list)"}
		}
		return err
	}
	return nil
}

// validateNiche checks every field of n and normalises it; nothing is stored.
func validateNiche(n *Niche) error {
	n.ID = strings.TrimSpace(n.ID)
	if !nicheIDPattern.MatchString(n.ID) {
		return &ValidationError{"id", "must be 2-40 lowercase letters, digits or underscores, starting with a letter"}
	}
	if BuiltinNiche(n.ID) {
		return &ValidationError{"id", "is a built-in niche"}
	}
	names := map[string]string{}
	for lang, v := range n.Names {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if !slices.Contains(Locales, lang) {
			return &ValidationError{"name", fmt.Sprintf("unknown language %q (known: %s)", lang, strings.Join(Locales, ", "))}
		}
		if len([]rune(v)) > 80 {
			return &ValidationError{"name", "must be at most 80 characters"}
		}
		names[lang] = v
	}
	if names["en"] == "" {
		return &ValidationError{"name", "an English name is required (--name-en)"}
	}
	n.Names = names
	n.Persona = strings.TrimSpace(n.Persona)
	if len([]rune(n.Persona)) > 2000 {
		return &ValidationError{"persona", "must be at most 2000 characters"}
	}
	var err error
	if n.Vocabulary, err = cleanWords("vocabulary", n.Vocabulary); err != nil {
		return err
	}
	if n.Forbidden, err = cleanWords("forbidden", n.Forbidden); err != nil {
		return err
	}
	var mods []string
	for _, m := range n.Modules {
		m = strings.ToLower(strings.TrimSpace(m))
		if m == "" {
			continue
		}
		if !KnownModule(m) {
			return &ValidationError{"modules", fmt.Sprintf("unknown module %q (known: %s)", m, strings.Join(Modules, ", "))}
		}
		if !AlwaysOn(m) && !slices.Contains(mods, m) {
			mods = append(mods, m)
		}
	}
	n.Modules = mods
	return nil
}

func cleanWords(field string, in []string) ([]string, error) {
	out := []string{}
	for _, w := range in {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" || slices.Contains(out, w) {
			continue
		}
		if len([]rune(w)) > 60 {
			return nil, &ValidationError{field, fmt.Sprintf("%q is longer than 60 characters", w)}
		}
		out = append(out, w)
	}
	if len(out) > 200 {
		return nil, &ValidationError{field, "at most 200 entries"}
	}
	return out, nil
}

// SplitList splits a comma-separated list (the command line's --vocabulary, --forbidden, --modules).
func SplitList(v string) []string {
	var out []string
	for _, f := range strings.Split(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// CreateNiche validates and stores a new custom niche; ErrExists when the id is taken.
func (s *Service) CreateNiche(ctx context.Context, n *Niche) error {
	if err := validateNiche(n); err != nil {
		return err
	}
	names, _ := json.Marshal(n.Names)
	vocab, _ := json.Marshal(n.Vocabulary)
	forb, _ := json.Marshal(n.Forbidden)
	mods, _ := json.Marshal(n.Modules)
	_, err := s.DB.Exec(ctx, `INSERT INTO custom_niches(id, names, persona, vocabulary, forbidden, modules) VALUES(?,?,?,?,?,?)`,
		n.ID, string(names), n.Persona, string(vocab), string(forb), string(mods))
	if tenantdb.IsUnique(err) {
		return fmt.Errorf("platform: niche %q %w", n.ID, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("platform: create niche: %w", err)
	}
	return nil
}

// UpdateNiche validates and stores every field of an existing custom niche.
func (s *Service) UpdateNiche(ctx context.Context, n *Niche) error {
	if err := validateNiche(n); err != nil {
		return err
	}
	names, _ := json.Marshal(n.Names)
	vocab, _ := json.Marshal(n.Vocabulary)
	forb, _ := json.Marshal(n.Forbidden)
	mods, _ := json.Marshal(n.Modules)
	res, err := s.DB.Exec(ctx, `UPDATE custom_niches SET names=?, persona=?, vocabulary=?, forbidden=?, modules=?, updated_at=? WHERE id=?`,
		string(names), n.Persona, string(vocab), string(forb), string(mods), nowStamp(), n.ID)
	if err != nil {
		return fmt.Errorf("platform: update niche: %w", err)
	}
	if k, _ := res.RowsAffected(); k == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

const nicheCols = `id, names, persona, vocabulary, forbidden, modules, created_at, updated_at`

func scanNiche(scan func(...any) error) (*Niche, error) {
	var n Niche
	var names, vocab, forb, mods string
	if err := scan(&n.ID, &names, &n.Persona, &vocab, &forb, &mods, &n.CreatedAt, &n.UpdatedAt); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, tenantdb.ErrNotFound
		}
		return nil, fmt.Errorf("platform: niche: %w", err)
	}
	for _, p := range []struct {
		s string
		v any
	}{{names, &n.Names}, {vocab, &n.Vocabulary}, {forb, &n.Forbidden}, {mods, &n.Modules}} {
		if err := json.Unmarshal([]byte(p.s), p.v); err != nil {
			return nil, fmt.Errorf("platform: niche %s: %w", n.ID, err)
		}
	}
	return &n, nil
}

// CustomNiche loads one custom niche; tenantdb.ErrNotFound when there is none.
func (s *Service) CustomNiche(ctx context.Context, id string) (*Niche, error) {
	return scanNiche(s.DB.Read.QueryRowContext(ctx, `SELECT `+nicheCols+` FROM custom_niches WHERE id = ?`, id).Scan)
}

// CustomNiches lists every custom niche by id.
func (s *Service) CustomNiches(ctx context.Context) ([]*Niche, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+nicheCols+` FROM custom_niches ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("platform: niches: %w", err)
	}
	defer rows.Close()
	var out []*Niche
	for rows.Next() {
		n, err := scanNiche(rows.Scan)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// TenantsOfNiche counts the tenants that chose niche id.
func (s *Service) TenantsOfNiche(ctx context.Context, id string) (int, error) {
	var n int
	err := s.DB.Read.QueryRowContext(ctx, `SELECT count(*) FROM tenants WHERE niche_id = ?`, id).Scan(&n)
	return n, err
}

// NicheInUseError refuses to delete a custom niche some tenants still use; Tenants are their slugs.
type NicheInUseError struct {
	ID      string
	Tenants []string
}

func (e *NicheInUseError) Error() string {
	return fmt.Sprintf("platform: niche %s is used by %s", e.ID, strings.Join(e.Tenants, ", "))
}

// TenantSlugsOfNiche lists, by slug, the tenants that chose niche id.
func (s *Service) TenantSlugsOfNiche(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, id string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT slug FROM tenants WHERE niche_id = ? ORDER BY slug`, id)
	if err != nil {
		return nil, fmt.Errorf("platform: tenants of niche: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var slug string
		if err := rows.Scan(&slug); err != nil {
			return nil, err
		}
		out = append(out, slug)
	}
	return out, rows.Err()
}

// DeleteNiche removes a custom niche no tenant uses and returns it as it was: a
// *NicheInUseError naming the tenants that still use it, tenantdb.ErrNotFound when there is no
// such custom niche (a built-in niche is never one). The check and the removal are one
// transaction, so a tenant that takes the niche meanwhile cannot be left without it.
func (s *Service) DeleteNiche(ctx context.Context, id string) (*Niche, error) {
	var n *Niche
	err := s.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if n, err = scanNiche(tx.QueryRowContext(ctx, `SELECT `+nicheCols+` FROM custom_niches WHERE id = ?`, id).Scan); err != nil {
			return err
		}
		users, err := s.TenantSlugsOfNiche(ctx, tx, id)
		if err != nil {
			return err
		}
		if len(users) > 0 {
			return &NicheInUseError{ID: id, Tenants: users}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM custom_niches WHERE id = ?`, id); err != nil {
			return fmt.Errorf("platform: delete niche: %w", err)
		}
		return nil
	})
	return n, err
}
