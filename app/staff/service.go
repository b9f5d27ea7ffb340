// Package staff is the platform owner's side of HighVibe: the staff console under /staff/ and the
// actions it shares with the command line (`highvibe tenant ...`, `user ...`, `apikey revoke`) —
// create and suspend tenants, set their niche, language and AI settings, add and remove members,
// reset a second factor, revoke API keys, retry failed jobs (guide: 37-staff-console.md).
//
// The room owns no table: every change is the owning room's function (platform for tenants, users,
// memberships and keys; jobs for the queue), and every action is written twice — to the tenant's
// own action log and to the platform trail (audit.LogPlatform) — by this one Service, whether a
// person clicked in the console or typed a command.
package staff

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Actor is who performs a staff action and from where.
type Actor struct {
	UserID int64  // 0 for the command line
	Name   string // the staff user's name; "cli" for the command line
	Via    string // "console" or "cli"
}

// CLI is the actor of every command-line action.
var CLI = Actor{Name: "cli", Via: "cli"}

func (a Actor) from() string {
	if a.Via == "cli" {
		return " from the command line"
	}
	return " from the staff console"
}

// Service performs staff actions on the platform and records each in both trails.
type Service struct {
	Platform *platform.Service
	Mgr      *tenantdb.Manager
}

// record writes the action to the tenant's log (when it touched a tenant) and to the platform
// trail. The change itself is already committed; a failure to record is returned so the caller
// can say so, but the change stands.
func (s *Service) record(ctx context.Context, a Actor, slug, action, summary string, payload map[string]any) error {
	if payload == nil {
		payload = map[string]any{}
	}
	payload["via"] = a.Via
	var errs []error
	if slug != "" {
		db, err := s.Mgr.Tenant(ctx, slug)
		if err == nil {
			err = audit.Log(ctx, db, audit.Entry{Provider: "staff", ActionType: action, Summary: summary + a.from(),
				ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: payload})
		}
		errs = append(errs, err)
	}
	errs = append(errs, audit.LogPlatform(ctx, s.Platform.DB, audit.PlatformEntry{ActorUserID: a.UserID, ActorName: a.Name, Via: a.Via,
		TenantSlug: slug, Action: action, Summary: summary + a.from(), Payload: payload}))
	return notRecorded(errs)
}

// NotRecordedError is returned when an action was done but writing it to a trail failed: the
// change stands, and the caller says it could not be recorded.
type NotRecordedError struct{ Err error }

func (e *NotRecordedError) Error() string {
	return "staff: action done but not recorded: " + e.Err.Error()
}
func (e *NotRecordedError) Unwrap() error { return e.Err }

func notRecorded(errs []error) error {
	if err := errors.Join(errs...); err != nil {
		return &NotRecordedError{err}
	}
	return nil
}

// Done reports whether err still means the action was done (nil, or only its recording failed).
func Done(err error) bool {
	var nr *NotRecordedError
	return err == nil || errors.As(err, &nr)
}

// invalid turns collected field errors into one error that forms translate (fault fields) and the
// command line reports as a usage error (the platform's ValidationError of the first field).
func invalid(fields fault.Fields, first *platform.ValidationError) error {
	if len(fields) == 0 {
		return nil
	}
	e := fields.Err().(*fault.Error)
	return e.Wrap(first)
}

// TenantInput is what creating a tenant takes. Country ("DE"; platform.Countries) gives the
// starting currency, phone region, time zone and, when Locale is empty, language
// (platform.CountryDefaults); without one a business starts Turkish.
type TenantInput struct {
	Slug, Name, Niche, Locale, Country string
}

// CreateTenant validates every field, creates the tenant and its migrated database, and records it.
func (s *Service) CreateTenant(ctx context.Context, a Actor, in TenantInput) (*platform.Tenant, error) {
	in.Slug, in.Name = strings.TrimSpace(in.Slug), strings.TrimSpace(in.Name)
	if in.Niche == "" {
		in.Niche = "default"
	}
	in.Country = strings.ToUpper(strings.TrimSpace(in.Country))
	country, countryOK := platform.CountryDefaults(in.Country)
	if in.Locale == "" {
		in.Locale = "tr"
		if countryOK {
			in.Locale = country.Locale
		}
	}
	var fields fault.Fields
	var first *platform.ValidationError
	bad := func(field, key string, why string, args ...any) {
		fields.Add(field, key, args...)
		if first == nil {
			first = &platform.ValidationError{Field: field, Msg: why}
		}
	}
	if !tenantdb.ValidSlug(in.Slug) {
		bad("slug", "staff.err.slug", "must be 3-63 lowercase letters, digits or single hyphens, not starting or ending with a hyphen")
	}
	if in.Name == "" {
		bad("name", "validation.required", "is required (at most 200 characters)")
	} else if len([]rune(in.Name)) > 200 {
		bad("name", "validation.too_long", "is required (at most 200 characters)", 200)
	}
	if err := s.Platform.ValidateSetting("niche", in.Niche); err != nil {
		bad("niche", "validation.choice", err.(*platform.ValidationError).Msg)
	}
	if err := s.Platform.ValidateSetting("primary_locale", in.Locale); err != nil {
		bad("primary_locale", "validation.choice", err.(*platform.ValidationError).Msg)
	}
	if in.Country != "" && !countryOK {
		bad("country", "validation.phone_region", "must be one of "+strings.Join(platform.Countries, ", "), in.Country)
	}
	if err := invalid(fields, first); err != nil {
		return nil, err
	}
	t, err := s.Platform.CreateBusiness(ctx, platform.NewTenant{Slug: in.Slug, Name: in.Name, Niche: in.Niche, Locale: in.Locale, Country: in.Country})
	if errors.Is(err, platform.ErrExists) {
		return nil, fault.InvalidField("slug", "staff.err.slug_taken").Wrap(err)
	}
	if err != nil {
		return nil, err
	}
	err = s.record(ctx, a, t.Slug, "tenant_created", "tenant "+t.Slug+" ("+t.Name+") created",
		map[string]any{"slug": t.Slug, "name": t.Name, "niche": t.NicheID, "primary_locale": t.PrimaryLocale, "country": in.Country, "currency": t.Currency})
	return t, err
}

// tenant loads a tenant by slug, as a not-found fault when there is none.
func (s *Service) tenant(ctx context.Context, slug string) (*platform.Tenant, error) {
	t, err := s.Platform.TenantBySlug(ctx, slug)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil, fault.NotFound("staff.err.no_tenant").Wrap(fmt.Errorf("no tenant %q: %w", slug, tenantdb.ErrNotFound))
	}
	return t, err
}

// SetSettings validates every key=value pair and stores them all or none (the path of
// `highvibe tenant set` and of the console's forms), then records which keys changed. Secret
// values never reach either trail.
func (s *Service) SetSettings(ctx context.Context, a Actor, slug string, kv map[string]string) error {
	var fields fault.Fields
	var first *platform.ValidationError
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := s.Platform.ValidateSetting(k, kv[k]); err != nil {
			fields.Add(k, settingKey(k, kv[k]), settingArgs(k, kv[k])...)
			if first == nil {
				first = err.(*platform.ValidationError)
			}
		}
	}
	if err := invalid(fields, first); err != nil {
		return err
	}
	t, err := s.tenant(ctx, slug)
	if err != nil {
		return err
	}
	before, after := map[string]string{}, map[string]string{}
	for _, k := range keys {
		if s.Platform.IsSecret(k) {
			before[k], after[k] = secretState(t.Setting(k)), secretState(kv[k])
			continue
		}
		before[k], after[k] = t.Setting(k), kv[k]
	}
	if err := s.Platform.SetSettings(ctx, slug, kv); err != nil {
		var inUse *platform.CurrencyInUseError
		if errors.As(err, &inUse) { // the field marked in the console; the command line prints err
			fields.Add("currency", "validation.currency_in_use", inUse.Args()...)
			return fields.Err().(*fault.Error).Wrap(err)
		}
		return err
	}
	action := "tenant_settings"
	switch {
	case len(keys) == 1 && keys[0] == "status" && kv["status"] == "inactive":
		action = "tenant_suspended"
	case len(keys) == 1 && keys[0] == "status":
		action = "tenant_unsuspended"
	}
	return s.record(ctx, a, slug, action, "set "+strings.Join(keys, ", "), map[string]any{"keys": keys, "before": before, "after": after})
}

func secretState(v string) string {
	if v == "" {
		return "(not set)"
	}
	return "(set)"
}

// settingKey is the catalog key of what is wrong with a setting's value.
func settingKey(k, v string) string {
	switch k {
	case "name":
		if strings.TrimSpace(v) == "" {
			return "validation.required"
		}
		return "validation.too_long"
	case "monthly_budget_usd":
		return "staff.err.budget"
	case "ai_base_url", "whatsapp_api_base", "telegram_api_base":
		return "staff.err.url"
	case "ai_model", "ai_api_key", "greeting", "privacy_notice":
		return "validation.too_long"
	case "currency":
		if v == "" {
			return "validation.required"
		}
		return "validation.currency"
	}
	return "validation.choice"
}

// settingArgs are the arguments of settingKey's message: a length's limit, the currency typed.
func settingArgs(k, v string) []any {
	switch k {
	case "currency":
		if v == "" {
			return nil
		}
		return []any{v}
	case "name":
		return []any{200}
	case "ai_model":
		return []any{100}
	case "ai_api_key", "greeting":
		return []any{500}
	case "privacy_notice":
		return []any{20000}
	}
	return nil
}

// SetSuspended suspends (status inactive) or reactivates a tenant.
func (s *Service) SetSuspended(ctx context.Context, a Actor, slug string, suspended bool) error {
	status := "active"
	if suspended {
		status = "inactive"
	}
	return s.SetSettings(ctx, a, slug, map[string]string{"status": status})
}

// AddMember gives an existing user a role in the tenant (or changes the role they have). A member
// whose access was turned off (by the business's owner, on the team page) gets it back: reenabled
// says so, and the console and the CLI tell the staff user, who may not have known.
//
// With a starting password, a user name nobody has yet is created first (a new business has no
// owner, and nobody else could create one from a browser); an existing user's password is never
// set here, so a password given with an existing name refuses the form. displayName is the name a
// new user goes by (platform.CleanDisplayName); like the password it is for a new user only.
func (s *Service) AddMember(ctx context.Context, a Actor, slug, username, role, password, displayName string) (reenabled, created bool, err error) {
	var fields fault.Fields
	var first *platform.ValidationError
	note := func(field, msg string) {
		if first == nil {
			first = &platform.ValidationError{Field: field, Msg: msg}
		}
	}
	username = strings.TrimSpace(username)
	var u *platform.User
	if username == "" {
		fields.Add("username", "validation.required")
		note("username", "is required")
	} else {
		u, err = s.Platform.UserByUsername(ctx, username)
		switch {
		case errors.Is(err, tenantdb.ErrNotFound) && password == "":
			fields.Add("username", "staff.err.no_user", username)
			note("username", fmt.Sprintf("no user %q", username))
		case errors.Is(err, tenantdb.ErrNotFound):
			created = true
			if len(password) < platform.MinPasswordLen {
				fields.Add("password", "validation.password_short", platform.MinPasswordLen)
				note("password", fmt.Sprintf("must be at least %d characters", platform.MinPasswordLen))
			} else if len(password) > platform.MaxPasswordLen {
				fields.Add("password", "validation.password_long", platform.MaxPasswordLen)
				note("password", fmt.Sprintf("must be at most %d characters", platform.MaxPasswordLen))
			} else if platform.CommonPassword(password) {
				fields.Add("password", "validation.password_common")
				note("password", "is one of the most common passwords: choose another")
			}
		case err != nil:
			return false, false, err
		case password != "":
			fields.Add("password", "staff.err.password_existing", u.Username)
			note("password", "the user exists; their password is not set here")
		}
		if u != nil && strings.TrimSpace(displayName) != "" {
			fields.Add("display_name", "staff.err.name_existing", u.Username)
			note("display_name", "the user exists; their name is changed on the business's users page or their own profile")
		} else if _, err := platform.CleanDisplayName(displayName); err != nil {
			if fe := fault.As(err); fe != nil && len(fe.Fields) > 0 {
				fields.Add("display_name", fe.Fields[0].Key, fe.Fields[0].Args...)
			}
			note("display_name", "is not a name that can be shown")
		}
	}
	if !platform.ValidRole(role) {
		fields.Add("role", "validation.choice")
		note("role", "must be owner, operator or viewer")
	}
	if err := invalid(fields, first); err != nil {
		return false, false, err
	}
	t, err := s.tenant(ctx, slug)
	if err != nil {
		return false, false, err
	}
	if created {
		// A name that is not a valid user name, or one taken since, is a field error here.
		if u, err = s.Platform.CreateNamedUser(ctx, username, displayName, password, false); err != nil {
			return false, false, err
		}
	}
	prev := ""
	members, err := s.Platform.MembersOfTenant(ctx, t.ID) // disabled ones too
	if err != nil {
		return false, false, err
	}
	for _, m := range members {
		if m.UserID == u.ID {
			prev, reenabled = m.Role, m.Disabled
		}
	}
	if err := s.Platform.SetMembership(ctx, u.ID, t.ID, role); err != nil {
		return false, created, err
	}
	payload := map[string]any{"user_id": u.ID, "username": u.Username, "role": role, "before": prev}
	if reenabled {
		payload["reenabled"] = true
	}
	summary := u.Username + " is " + role + " of " + slug
	if created {
		payload["user_created"] = true
		summary = "user " + u.Username + " created as " + role + " of " + slug
	}
	return reenabled, created, s.record(ctx, a, slug, "membership_added", summary, payload)
}

// RemoveMember takes a user out of the tenant (their sessions end).
func (s *Service) RemoveMember(ctx context.Context, a Actor, slug string, userID int64) error {
	t, err := s.tenant(ctx, slug)
	if err != nil {
		return err
	}
	u, err := s.Platform.UserByID(ctx, userID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return fault.NotFound("staff.err.no_member").Wrap(err)
	}
	if err != nil {
		return err
	}
	if err := s.Platform.RemoveMembership(ctx, userID, t.ID); errors.Is(err, tenantdb.ErrNotFound) {
		return fault.NotFound("staff.err.no_member").Wrap(err)
	} else if err != nil {
		return err
	}
	return s.record(ctx, a, slug, "membership_removed", u.Username+" removed from "+slug, map[string]any{"user_id": u.ID, "username": u.Username})
}

// ResetTwoFactor turns a user's second factor off and ends every session (the lost-phone
// procedure); it is recorded in the platform trail and in every tenant the user belongs to.
func (s *Service) ResetTwoFactor(ctx context.Context, a Actor, userID int64) (*platform.User, error) {
	u, err := s.Platform.UserByID(ctx, userID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil, fault.NotFound("staff.err.no_user_id").Wrap(err)
	}
	if err != nil {
		return nil, err
	}
	if err := s.Platform.ResetTwoFactor(ctx, u.ID, 0); err != nil {
		return nil, err
	}
	ms, err := s.Platform.MembershipsOfUser(ctx, u.ID)
	if err != nil {
		return u, notRecorded([]error{err})
	}
	payload := func() map[string]any { return map[string]any{"user_id": u.ID, "username": u.Username} }
	var errs []error
	for _, m := range ms {
		if db, err := s.Mgr.Tenant(ctx, m.TenantSlug); err == nil {
			errs = append(errs, audit.Log(ctx, db, audit.Entry{Provider: "staff", ActionType: "two_factor_reset",
				Summary: "two-step sign-in of " + u.Username + " reset" + a.from(), ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name,
				Payload: payload()}))
		}
	}
	errs = append(errs, audit.LogPlatform(ctx, s.Platform.DB, audit.PlatformEntry{ActorUserID: a.UserID, ActorName: a.Name, Via: a.Via,
		Action: "two_factor_reset", Summary: "two-step sign-in of " + u.Username + " reset" + a.from(), Payload: payload()}))
	return u, notRecorded(errs)
}

// SetUserName sets the name a user goes by ("" shows their login again), checked as on their own
// profile (platform.CleanDisplayName): a refused name is a field error on display_name and nothing
// is stored. A change is recorded in the platform trail and in every tenant the user belongs to,
// whose owner sees a colleague's name change.
func (s *Service) SetUserName(ctx context.Context, a Actor, userID int64, name string) (*platform.User, error) {
	u, err := s.Platform.UserByID(ctx, userID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil, fault.NotFound("staff.err.no_user_id").Wrap(err)
	}
	if err != nil {
		return nil, err
	}
	before := u.DisplayName
	if u.DisplayName, err = s.Platform.SetDisplayName(ctx, u.ID, name); errors.Is(err, tenantdb.ErrNotFound) {
		return nil, fault.NotFound("staff.err.no_user_id").Wrap(err)
	} else if err != nil {
		return nil, err
	}
	if u.DisplayName == before {
		return u, nil // nothing changed, nothing to record
	}
	ms, err := s.Platform.MembershipsOfUser(ctx, u.ID)
	if err != nil {
		return u, notRecorded([]error{err})
	}
	// The same action and payload as the owner's change on the business's users page.
	summary := fmt.Sprintf("%s: display name %q → %q%s", u.Username, before, u.DisplayName, a.from())
	payload := func() map[string]any {
		return map[string]any{"user_id": u.ID, "before": before, "after": u.DisplayName}
	}
	var errs []error
	for _, m := range ms {
		if db, err := s.Mgr.Tenant(ctx, m.TenantSlug); err == nil {
			errs = append(errs, audit.Log(ctx, db, audit.Entry{Provider: "staff", ActionType: "change_display_name",
				Summary: summary, ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: payload()}))
		}
	}
	errs = append(errs, audit.LogPlatform(ctx, s.Platform.DB, audit.PlatformEntry{ActorUserID: a.UserID, ActorName: a.Name, Via: a.Via,
		Action: "change_display_name", Summary: summary, Payload: payload()}))
	return u, notRecorded(errs)
}

// RevokeKey revokes one API key of the tenant.
func (s *Service) RevokeKey(ctx context.Context, a Actor, slug string, id int64) error {
	t, err := s.tenant(ctx, slug)
	if err != nil {
		return err
	}
	if err := s.Platform.RevokeAPIKey(ctx, t.ID, id); errors.Is(err, tenantdb.ErrNotFound) {
		return fault.NotFound("staff.err.no_key").Wrap(fmt.Errorf("tenant %s has no key %d: %w", slug, id, err))
	} else if err != nil {
		return err
	}
	return s.record(ctx, a, slug, "revoke_api_key", "API key "+strconv.FormatInt(id, 10)+" revoked", map[string]any{"key_id": id})
}

// RetryJob puts one failed job of the tenant back in the queue.
func (s *Service) RetryJob(ctx context.Context, a Actor, slug string, id int64) error {
	if _, err := s.tenant(ctx, slug); err != nil {
		return err
	}
	db, err := s.Mgr.Tenant(ctx, slug)
	if err != nil {
		return err
	}
	kind, err := jobs.Retry(ctx, db, id)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return fault.NotFound("staff.err.no_job").Wrap(err)
	}
	if err != nil {
		return err
	}
	return s.record(ctx, a, slug, "job_retried", "job "+strconv.FormatInt(id, 10)+" ("+kind+") queued again", map[string]any{"job_id": id, "kind": kind})
}
