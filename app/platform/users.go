package platform

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"highvibe/app/fault"
	"highvibe/app/tenantdb"
)

// Roles a membership can carry, weakest last.
const (
	RoleOwner    = "owner"
	RoleOperator = "operator"
	RoleViewer   = "viewer"
)

// ValidRole reports whether r is one of the three tenant roles.
func ValidRole(r string) bool { return r == RoleOwner || r == RoleOperator || r == RoleViewer }

// User is a person who can log in.
type User struct {
	ID           int64
	Username     string
	PasswordHash string
	IsStaff      bool
	Disabled     bool
	// TwoFactor is true when sign-in asks for a TOTP code after the password.
	TwoFactor bool
	// Locale is the panel language the person last chose ("" never): notifications that reach
	// them away from the panel (push, e-mail, digest) are written in it.
	Locale string
	// DisplayName is the name the person goes by ("Talha Kaya"), "" when none was given.
	DisplayName string
}

// Name is what customers and colleagues read for the person: the display name, or the login
// name when none was given.
func (u *User) Name() string { return cmp.Or(u.DisplayName, u.Username) }

// Membership links a user to a tenant with a role.
type Membership struct {
	UserID     int64
	Username   string
	TenantID   int64
	TenantSlug string
	TenantName string
	Role       string
	Disabled   bool
	// DisplayName is the member's display name, "" when none was given.
	DisplayName string
}

// Name is the member's display name, or the login name when none was given.
func (m Membership) Name() string { return cmp.Or(m.DisplayName, m.Username) }

// MaxDisplayNameLen is the longest display name accepted, in characters (a full name with a
// middle name fits; the schema refuses longer).
const MaxDisplayNameLen = 60

// CleanDisplayName trims a display name and checks it: at most MaxDisplayNameLen characters, no
// control characters (a line break would split a customer's message). "" is allowed: it means
// "show the login name". A field error on display_name when it is refused.
func CleanDisplayName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > MaxDisplayNameLen {
		return "", fault.InvalidField("display_name", "validation.display_name_long", MaxDisplayNameLen).
			Wrap(&ValidationError{"display_name", fmt.Sprintf("must be at most %d characters", MaxDisplayNameLen)})
	}
	if !utf8.ValidString(name) || strings.IndexFunc(name, func(r rune) bool {
		return unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r) && r != '\u200c' && r != '\u200d'
	}) >= 0 {
		return "", fault.InvalidField("display_name", "validation.display_name_control").
			Wrap(&ValidationError{"display_name", "must not contain control characters"})
	}
	return name, nil
}

// SetDisplayName stores the name a person goes by ("" shows the login name again), checked by
// CleanDisplayName; nothing is stored when it is refused. ErrNotFound when there is no such user.
func (s *Service) SetDisplayName(ctx context.Context, userID int64, name string) (string, error) {
	name, err := CleanDisplayName(name)
	if err != nil {
		return "", err
	}
	res, err := s.DB.Exec(ctx, `UPDATE users SET display_name = ? WHERE id = ?`, name, userID)
	if err != nil {
		return "", fmt.Errorf("platform: display name: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", tenantdb.ErrNotFound
	}
	return name, nil
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

// MaxPasswordLen is the longest password accepted, in bytes: bcrypt reads no more than 72 and
// refuses longer input (a Turkish or Arabic letter takes two bytes).
const MaxPasswordLen = 72

// errPasswordLong is the field error of a password longer than MaxPasswordLen.
func errPasswordLong() error {
	return fault.InvalidField("password", "validation.password_long", MaxPasswordLen).
		Wrap(&ValidationError{"password", fmt.Sprintf("must be at most %d bytes", MaxPasswordLen)})
}

// errPasswordCommon is the field error of a password a guesser tries first (CommonPassword).
func errPasswordCommon() error {
	return fault.InvalidField("password", "validation.password_common").
		Wrap(&ValidationError{"password", "is one of the most common passwords, tried first by anyone guessing: choose another"})
}

// HashCost is the bcrypt cost of every password hash the product stores: 10, ~50 ms, slow enough
// for guessing, fast enough to log in.
const HashCost = bcrypt.DefaultCost

// HashPassword hashes with bcrypt at HashCost.
func HashPassword(pw string) (string, error) { return hashPassword(pw, HashCost) }

func hashPassword(pw string, cost int) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(h), err
}

// hash hashes a new password at the service's cost (HashCost unless a test lowered it).
func (s *Service) hash(pw string) (string, error) {
	return hashPassword(pw, cmp.Or(s.HashCost, HashCost))
}

// CheckPassword compares in constant time.
func CheckPassword(hash, pw string) bool {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// dummyHash lets a login for an unknown user cost as much as a real one (no user enumeration by timing).
var dummyHash, _ = HashPassword("not-a-real-password")

// Authenticate returns the user when username and password match and the user is enabled.
func (s *Service) Authenticate(ctx context.Context, username, password string) (*User, bool) {
	u, err := s.UserByUsername(ctx, username)
	if err != nil {
		CheckPassword(dummyHash, password)
		return nil, false
	}
	if !CheckPassword(u.PasswordHash, password) || u.Disabled {
		return nil, false
	}
	return u, true
}

func validUsername(u string) bool {
	if len(u) < 2 || len(u) > 64 {
		return false
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' || r == '@') {
			return false
		}
	}
	return true
}

// CreateUser stores a new user; a field error on username wrapping ErrExists when the name is
// taken, wrapping a *ValidationError when it is not a valid name.
func (s *Service) CreateUser(ctx context.Context, username, password string, staff bool) (*User, error) {
	return s.CreateNamedUser(ctx, username, "", password, staff)
}

// CreateNamedUser is CreateUser with the name the person goes by (see CleanDisplayName); a
// refused name stores nothing.
func (s *Service) CreateNamedUser(ctx context.Context, username, displayName, password string, staff bool) (*User, error) {
	displayName, err := CleanDisplayName(displayName)
	if err != nil {
		return nil, err
	}
	username = strings.TrimSpace(username)
	if !validUsername(username) {
		return nil, fault.InvalidField("username", "settings.username_invalid").
			Wrap(&ValidationError{"username", "must be 2-64 characters: letters, digits, . _ - @"})
	}
	if len(password) < MinPasswordLen {
		return nil, &ValidationError{"password", fmt.Sprintf("must be at least %d characters", MinPasswordLen)}
	}
	if len(password) > MaxPasswordLen {
		return nil, errPasswordLong()
	}
	if CommonPassword(password) {
		return nil, errPasswordCommon()
	}
	h, err := s.hash(password)
	if err != nil {
		return nil, fmt.Errorf("platform: hash: %w", err)
	}
	var id int64
	err = s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO users(username, password_hash, is_staff, display_name) VALUES(?,?,?,?)`, username, h, boolInt(staff), displayName)
		if err != nil {
			if tenantdb.IsUnique(err) {
				return fault.InvalidField("username", "settings.username_taken").
					Wrap(fmt.Errorf("platform: user %q %w", username, ErrExists))
			}
			return fmt.Errorf("platform: create user: %w", err)
		}
		id, _ = res.LastInsertId()
		// The panel's new-user form's one-time token, spent with the user's row (WithOnce).
		return spendOnce(ctx, tx, id, "")
	})
	if err != nil {
		return nil, err
	}
	return s.UserByID(ctx, id)
}

// SetPassword replaces a user's password and ends every session of that user in the same
// transaction: a cookie copied before the change is worthless after it.
func (s *Service) SetPassword(ctx context.Context, userID int64, password string) error {
	if len(password) < MinPasswordLen {
		return &ValidationError{"password", fmt.Sprintf("must be at least %d characters", MinPasswordLen)}
	}
	if len(password) > MaxPasswordLen {
		return errPasswordLong()
	}
	if CommonPassword(password) {
		return errPasswordCommon()
	}
	h, err := s.hash(password)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, h, userID)
		if err != nil {
			return fmt.Errorf("platform: set password: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("platform: set password: end sessions: %w", err)
		}
		return nil
	})
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Service) scanUser(row *sql.Row) (*User, error) {
	u := &User{}
	if err := row.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.IsStaff, &u.Disabled, &u.TwoFactor, &u.Locale, &u.DisplayName); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, tenantdb.ErrNotFound
		}
		return nil, fmt.Errorf("platform: user: %w", err)
	}
	return u, nil
}

const userSelect = `SELECT id, username, password_hash, is_staff, disabled, (totp_enabled_at IS NOT NULL AND totp_secret != ''), locale, display_name FROM users `

// UserByUsername finds a user case-insensitively.
func (s *Service) UserByUsername(ctx context.Context, username string) (*User, error) {
	return s.scanUser(s.DB.Read.QueryRowContext(ctx, userSelect+`WHERE username = ?`, username))
}

// UserByID finds a user by id.
func (s *Service) UserByID(ctx context.Context, id int64) (*User, error) {
	return s.scanUser(s.DB.Read.QueryRowContext(ctx, userSelect+`WHERE id = ?`, id))
}

// NamesOf gives, for each of the users ids names that still exists, the name they go by now
// (User.Name: the display name, else the login). Pages that show who did something by the id
// they stored (the action log) read it at display, so a name given or changed later shows
// there too; an id of nobody (0, a deleted user) is simply absent.
func (s *Service) NamesOf(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	var args []any
	for _, id := range ids {
		if id > 0 && !slices.Contains(args, any(id)) {
			args = append(args, id)
		}
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, username, display_name FROM users WHERE id IN (?`+strings.Repeat(",?", len(args)-1)+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("platform: names of users: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var u User
		if err := rows.Scan(&u.ID, &u.Username, &u.DisplayName); err != nil {
			return nil, fmt.Errorf("platform: names of users: %w", err)
		}
		out[u.ID] = u.Name()
	}
	return out, rows.Err()
}

// UsersNamed lists the users whose display name contains text (at most 200), for searches of
// rows that store who did something by an older name (the action log's text search).
func (s *Service) UsersNamed(ctx context.Context, text string) ([]int64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(text) + "%"
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id FROM users WHERE display_name LIKE ? ESCAPE '\' ORDER BY id LIMIT 200`, like)
	if err != nil {
		return nil, fmt.Errorf("platform: users named: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("platform: users named: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// SetUserLocale remembers the panel language a person chose (one of the supported codes; the
// caller checks it), for what is written to them away from the panel.
func (s *Service) SetUserLocale(ctx context.Context, id int64, lang string) error {
	if len(lang) > 8 {
		return &ValidationError{"locale", "too long"}
	}
	if _, err := s.DB.Exec(ctx, `UPDATE users SET locale = ? WHERE id = ?`, lang, id); err != nil {
		return fmt.Errorf("platform: user locale: %w", err)
	}
	return nil
}

// SetMembership creates or changes the user's role in the tenant (and re-enables it).
func (s *Service) SetMembership(ctx context.Context, userID, tenantID int64, role string) error {
	if !ValidRole(role) {
		return &ValidationError{"role", "must be owner, operator or viewer"}
	}
	_, err := s.DB.Exec(ctx, `INSERT INTO memberships(user_id, tenant_id, role) VALUES(?,?,?)
		ON CONFLICT(user_id, tenant_id) DO UPDATE SET role = excluded.role, disabled = 0`, userID, tenantID, role)
	if err != nil {
		return fmt.Errorf("platform: membership: %w", err)
	}
	return nil
}

// SetRole changes the role of an existing member of the tenant and nothing else: a member whose
// access is disabled stays disabled (only SetMembershipDisabled opens it again). ErrNotFound when
// the user is not a member.
func (s *Service) SetRole(ctx context.Context, userID, tenantID int64, role string) error {
	if !ValidRole(role) {
		return &ValidationError{"role", "must be owner, operator or viewer"}
	}
	res, err := s.DB.Exec(ctx, `UPDATE memberships SET role = ? WHERE user_id = ? AND tenant_id = ?`, role, userID, tenantID)
	if err != nil {
		return fmt.Errorf("platform: role: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return tenantdb.ErrNotFound
	}
	return nil
}

// SetMembershipDisabled disables (or re-enables) a user's access to one tenant. Disabling ends
// every session of the user at once (they sign in again for any other tenant they belong to).
func (s *Service) SetMembershipDisabled(ctx context.Context, userID, tenantID int64, disabled bool) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE memberships SET disabled = ? WHERE user_id = ? AND tenant_id = ?`, boolInt(disabled), userID, tenantID)
		if err != nil {
			return fmt.Errorf("platform: membership: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("platform: membership: end sessions: %w", err)
			}
		}
		return nil
	})
}

const membershipSelect = `SELECT m.user_id, u.username, m.tenant_id, t.slug, t.name, m.role, m.disabled, u.display_name
	FROM memberships m JOIN users u ON u.id = m.user_id JOIN tenants t ON t.id = m.tenant_id`

func scanMemberships(rows *sql.Rows) ([]Membership, error) {
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.UserID, &m.Username, &m.TenantID, &m.TenantSlug, &m.TenantName, &m.Role, &m.Disabled, &m.DisplayName); err != nil {
			return nil, fmt.Errorf("platform: memberships: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MembershipsOfUser lists the tenants a user belongs to (enabled memberships only).
func (s *Service) MembershipsOfUser(ctx context.Context, userID int64) ([]Membership, error) {
	rows, err := s.DB.Read.QueryContext(ctx, membershipSelect+` WHERE m.user_id = ? AND m.disabled = 0 ORDER BY t.name`, userID)
	if err != nil {
		return nil, fmt.Errorf("platform: memberships: %w", err)
	}
	return scanMemberships(rows)
}

// MembersOfTenant lists every membership of a tenant, disabled ones included.
func (s *Service) MembersOfTenant(ctx context.Context, tenantID int64) ([]Membership, error) {
	rows, err := s.DB.Read.QueryContext(ctx, membershipSelect+` WHERE m.tenant_id = ? ORDER BY u.username`, tenantID)
	if err != nil {
		return nil, fmt.Errorf("platform: members: %w", err)
	}
	return scanMemberships(rows)
}

// MembershipOf returns the user's enabled role in the tenant; ErrNotFound when none.
func (s *Service) MembershipOf(ctx context.Context, userID, tenantID int64) (*Membership, error) {
	rows, err := s.DB.Read.QueryContext(ctx, membershipSelect+` WHERE m.user_id = ? AND m.tenant_id = ? AND m.disabled = 0`, userID, tenantID)
	if err != nil {
		return nil, fmt.Errorf("platform: membership: %w", err)
	}
	ms, err := scanMemberships(rows)
	if err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return nil, tenantdb.ErrNotFound
	}
	return &ms[0], nil
}

// UserSummary is a user as the staff console lists them: the account, its second factor and the
// tenants it belongs to.
type UserSummary struct {
	User
	CreatedAt   string
	Memberships []Membership
}

// ListUsers returns every user whose name contains q (all when q is empty), by name, with their
// memberships (disabled ones included), at most limit.
func (s *Service) ListUsers(ctx context.Context, q string, limit int) ([]*UserSummary, error) {
	if limit <= 0 {
		limit = 200
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.TrimSpace(q)) + "%"
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT id, username, password_hash, is_staff, disabled,
		(totp_enabled_at IS NOT NULL AND totp_secret != ''), created_at, display_name FROM users
		WHERE username LIKE ? ESCAPE '\' OR display_name LIKE ? ESCAPE '\' ORDER BY username LIMIT ?`, like, like, limit)
	if err != nil {
		return nil, fmt.Errorf("platform: list users: %w", err)
	}
	var out []*UserSummary
	byID := map[int64]*UserSummary{}
	for rows.Next() {
		u := &UserSummary{}
		if err := rows.Scan(&u.ID, &u.Username, &u.PasswordHash, &u.IsStaff, &u.Disabled, &u.TwoFactor, &u.CreatedAt, &u.DisplayName); err != nil {
			rows.Close()
			return nil, fmt.Errorf("platform: list users: %w", err)
		}
		u.PasswordHash = "" // never leaves the platform room in a listing
		out = append(out, u)
		byID[u.ID] = u
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("platform: list users: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	mrows, err := s.DB.Read.QueryContext(ctx, membershipSelect+` ORDER BY t.name`)
	if err != nil {
		return nil, fmt.Errorf("platform: list users: %w", err)
	}
	ms, err := scanMemberships(mrows)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		if u := byID[m.UserID]; u != nil {
			u.Memberships = append(u.Memberships, m)
		}
	}
	return out, nil
}

// RemoveMembership takes a user out of a tenant and ends every session of the user (they sign in
// again for any other tenant they belong to); ErrNotFound when there was no such membership.
func (s *Service) RemoveMembership(ctx context.Context, userID, tenantID int64) error {
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = ? AND tenant_id = ?`, userID, tenantID)
		if err != nil {
			return fmt.Errorf("platform: remove membership: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return tenantdb.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return fmt.Errorf("platform: remove membership: end sessions: %w", err)
		}
		return nil
	})
}
