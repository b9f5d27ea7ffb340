// Package settings is the owner's side of a tenant: business profile, users and roles, API keys,
// and the AI settings shown read-only (/app/settings/; guide: 19-ai-settings.md).
package settings

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"highvibe/app/account"
	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/phone"
	"highvibe/app/platform"
	"highvibe/app/settingdef"
	"highvibe/app/tenantdb"
	"highvibe/app/tenantdb/replica"
	"highvibe/app/web"
)

// Handler serves /app/settings/...
type Handler struct {
	Render   *web.Renderer
	Platform *platform.Service
	// Sessions gives the live-session limits for listing members' sessions.
	Sessions *auth.Store
	// Budget reports the AI spend of the current month in USD for the tenant (nil: nothing spent).
	Budget func(r *http.Request) (spent float64, err error)
	// MediaUsage reports how much of its photo-and-file quota the tenant uses (nil: no section).
	MediaUsage func(r *http.Request) (MediaUsage, error)
	// Repl is the server's replication (nil when it is off): the backups page reads its status.
	Repl *replica.Manager
}

// MediaUsage is the settings page's "Photos and files" section.
type MediaUsage struct {
	UsedMB  float64
	QuotaMB int64
	Files   int64
	Percent int64
}

// profileKeys are the settings an owner edits on the profile form, in form order.
var profileKeys = []string{"name", "niche", "primary_locale", "currency", "phone_region", "greeting",
	"greeting_tr", "greeting_en", "greeting_de", "greeting_fr", "greeting_es", "greeting_ar", "chat_widget_enabled", "consent_required", "privacy_notice",
	"privacy_notice_tr", "privacy_notice_en", "privacy_notice_de", "privacy_notice_fr", "privacy_notice_es", "privacy_notice_ar", "landing_enabled", "require_2fa", "media_quota_mb",
	"visit_duration_min", "visit_travel_buffer_min", jobs.SettingKeepDays, jobs.SettingKeepFailedDays}

// checkboxKeys are absent from a post when unticked.
var checkboxKeys = map[string]bool{"chat_widget_enabled": true, "consent_required": true, "landing_enabled": true, "require_2fa": true}

// shownField is web.ShownField: the profile forms say what they showed, and a save leaves alone
// a setting the owner did not touch that changed meanwhile (a greeting saved from a page opened
// in the morning turned the chat widget, switched off at noon in another tab, back on).
const shownField = web.ShownField

type pageData struct {
	// Shown is shownField's value: what the profile forms show, or what a refused post's had.
	Shown   string
	Tenant  *platform.Tenant
	Members []platform.Membership
	// NoDisable: members whose row offers no Disable, with the reason the row shows instead
	// (one's own row; the last active owner, whom the server refuses to disable too).
	NoDisable map[int64]string
	Sessions  []account.SessionView
	Keys      []*platform.APIKey
	NewKey    string
	Niches    []web.NicheOption
	Modules   []web.ModuleRow
	Locales   []string
	// PhoneRegions are the countries the "country for phone numbers" field offers, named in the
	// reader's language with their calling code ("Almanya (+49)").
	PhoneRegions []regionOption
	Roles        []string
	Scopes       []string
	AI           aiView
	Values       map[string]string
	CanAI        bool
	CanUsers     bool
	CanKeys      bool
	CanChange    bool
	Media        *MediaUsage

	// UserForm and KeyForm are the refused new-user or API-key form as posted, so the corrected
	// post carries the same one-time token (nil: a fresh one).
	UserForm, KeyForm url.Values
	// KeyAgain: the API-key form was sent again; its key exists and its secret is not shown.
	KeyAgain bool
}

// regionOption is one country of the phone_region field: its code (what is stored) and its label.
type regionOption struct{ Code, Label string }

// phoneRegions names the countries of phone.Regions for c's reader; the calling code is kept
// left to right on an Arabic page ("(+49)", not "(49+)").
func phoneRegions(c *web.Ctx) []regionOption {
	out := make([]regionOption, 0, len(phone.Regions))
	for _, r := range phone.Regions {
		out = append(out, regionOption{r, c.T("settings.phone_region."+r) + " (\u2066+" + strconv.Itoa(phone.CallingCode(r)) + "\u2069)"})
	}
	return out
}

type aiView struct {
	Provider, Model, BaseURL, Privacy string
	Budget, Spent, Left               float64
	KeySet                            bool
}

func (h *Handler) data(r *http.Request) (*pageData, error) {
	c := web.From(r)
	t, err := h.Platform.TenantBySlug(r.Context(), c.Tenant.Slug)
	if err != nil {
		return nil, err
	}
	custom, err := h.Platform.CustomNiches(r.Context())
	if err != nil {
		return nil, err
	}
	d := &pageData{Tenant: t, Niches: web.NicheOptions(c, custom), Locales: platform.Locales, PhoneRegions: phoneRegions(c), Roles: auth.Roles, Scopes: platform.Scopes,
		Values: map[string]string{}, CanAI: c.Can(auth.ReadAISettings), CanUsers: c.Can(auth.ManageUsers),
		CanKeys: c.Can(auth.ManageAPIKeys), CanChange: c.Can(auth.ChangeAISettings)}
	for _, k := range profileKeys {
		d.Values[k] = t.Setting(k)
	}
	d.Shown = web.ShownOf(profileKeys, d.Values)
	d.Modules = web.ModuleRows(t)
	if d.CanUsers {
		if d.Members, err = h.Platform.MembersOfTenant(r.Context(), t.ID); err != nil {
			return nil, err
		}
		d.NoDisable = map[int64]string{}
		for i := range d.Members {
			switch m := &d.Members[i]; {
			case m.Disabled:
			case m.UserID == c.UserID():
				d.NoDisable[m.UserID] = "settings.cannot_disable_self"
			case lastOwner(d.Members, m):
				d.NoDisable[m.UserID] = "settings.cannot_disable_last_owner"
			}
		}
		list, err := h.Platform.SessionsInTenant(r.Context(), t.ID, auth.InTenant(t.Slug), h.Sessions.Cutoffs())
		if err != nil {
			return nil, err
		}
		d.Sessions = account.SessionViews(list, auth.Current(c.Session))
	}
	if d.CanKeys {
		if d.Keys, err = h.Platform.ListAPIKeys(r.Context(), t.ID); err != nil {
			return nil, err
		}
	}
	budget, _ := strconv.ParseFloat(t.Setting("monthly_budget_usd"), 64)
	d.AI = aiView{Provider: t.Setting("ai_provider"), Model: t.Setting("ai_model"), BaseURL: t.Setting("ai_base_url"),
		Privacy: t.Setting("privacy_profile"), Budget: budget, KeySet: t.Setting("ai_api_key") != ""}
	if h.Budget != nil {
		spent, err := h.Budget(r)
		if err != nil {
			return nil, err
		}
		d.AI.Spent = spent
	}
	d.AI.Left = max(0, d.AI.Budget-d.AI.Spent)
	if h.MediaUsage != nil {
		u, err := h.MediaUsage(r)
		if err != nil {
			return nil, err
		}
		d.Media = &u
	}
	return d, nil
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, d *pageData, errs web.Errors) {
	c := web.From(r)
	h.Render.Render(w, r, status, "settings/index", &web.Page{Title: c.T("settings.title"), Nav: "settings", Guide: "roles", Data: d, Errors: errs})
}

// Show renders the settings page.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {
	d, err := h.data(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, d, nil)
}

func logEntry(r *http.Request, action, summary string, payload map[string]any) audit.Entry {
	c := web.From(r)
	if payload == nil {
		payload = map[string]any{}
	}
	payload["updated_by_user_id"] = c.UserID()
	return audit.Entry{Provider: "settings", ActionType: action, Summary: summary, Payload: payload,
		ActorUserID: c.UserID(), ActorName: c.User.Username, ModelName: "human-review"}
}

// SaveProfile validates every field first; on any error the form comes back with messages next
// to the fields (422) and nothing is stored.
func (h *Handler) SaveProfile(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	kv := map[string]string{}
	errs := web.Errors{}
	// The page's smaller forms (media quota, site visits) post here too, without the profile's
	// checkboxes: an unticked box is absent from a post, so the boxes are read only from the
	// profile form itself (it always carries the business name).
	_, profileForm := r.PostForm["name"]
	for _, k := range profileKeys {
		if checkboxKeys[k] && !profileForm {
			continue
		}
		if checkboxKeys[k] {
			kv[k] = strconv.FormatBool(r.PostForm.Get(k) != "")
			continue
		}
		if _, ok := r.PostForm[k]; !ok {
			continue // absent fields are left as they are
		}
		v := strings.TrimSpace(r.PostForm.Get(k))
		if d, ok := h.Platform.Defs.Lookup(k); ok && d.Kind == settingdef.Number {
			v = i18n.ASCIINumber(v) // typed on an Arabic keyboard, stored in ASCII
		}
		if k == "currency" || k == "phone_region" {
			v = strings.ToUpper(v) // "eur" is EUR, "de" is DE
		}
		if err := h.Platform.ValidateSetting(k, v); err != nil {
			errs.Add(k, h.fieldMessage(c, k, strings.TrimSpace(r.PostForm.Get(k)))) // named as typed
			continue
		}
		kv[k] = v
	}
	if errs.Any() {
		d, err := h.data(r)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				d.Values[k] = v[0]
			}
		}
		if _, ok := r.PostForm[shownField]; ok {
			d.Shown = r.PostForm.Get(shownField) // the corrected post compares with what was first shown
		}
		// The profile form's boxes as sent: an unticked one is absent from the post, and would
		// come back ticked from the stored setting.
		for k := range checkboxKeys {
			if v, ok := kv[k]; ok {
				d.Values[k] = v
			}
		}
		h.render(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	// A field the owner left as the page showed it, while its setting changed since (another
	// tab, another owner): the newer value stays.
	now, err := h.Platform.TenantBySlug(r.Context(), c.Tenant.Slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	kept := web.KeepNewer(kv, web.ParseShown(r.PostForm.Get(shownField)), now.Setting)
	before := map[string]string{}
	for k := range kv {
		before[k] = c.Tenant.Setting(k)
	}
	if err := h.Platform.SetSettings(r.Context(), c.Tenant.Slug, kv); err != nil {
		var inUse *platform.CurrencyInUseError
		if !errors.As(err, &inUse) {
			h.Render.Fail(w, r, err)
			return
		}
		// Amounts with no currency of their own would be read in the new one: the form comes
		// back with the currency field marked, the typed values kept, nothing stored.
		d, derr := h.data(r)
		if derr != nil {
			h.Render.Fail(w, r, derr)
			return
		}
		for k, v := range r.PostForm {
			if len(v) > 0 {
				d.Values[k] = v[0]
			}
		}
		for k := range checkboxKeys {
			if v, ok := kv[k]; ok {
				d.Values[k] = v
			}
		}
		h.render(w, r, http.StatusUnprocessableEntity, d, web.Errors{"currency": currencyInUse(c, inUse)})
		return
	}
	payload := map[string]any{"before": before, "after": kv}
	if len(kept) > 0 {
		payload["kept_newer"] = kept
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "update_profile", "tenant profile saved", payload))
	if len(kept) > 0 {
		web.FlashKey(w, r, true, "settings.saved_kept")
		web.Redirect(w, r, "/app/settings/")
		return
	}
	web.FlashKey(w, r, true, "settings.saved")
	web.Redirect(w, r, "/app/settings/")
}

// SaveModules stores the owner's module choice from the Modules section: the ticked optional
// modules are on, the rest off ("reset": every choice is forgotten and the niche decides again).
// An unknown module refuses the whole form (422) and stores nothing. A module turned off keeps
// its data (guide: 41-modules.md).
func (h *Handler) SaveModules(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	value := web.ModulesValue(r.PostForm)
	if _, _, err := platform.ParseModules(value); err != nil {
		d, derr := h.data(r)
		if derr != nil {
			h.Render.Fail(w, r, derr)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, d, web.Errors{"modules": c.T("modules.err.unknown")})
		return
	}
	// A module the owner left as the form showed it, while it was switched on or off since
	// (another tab, another owner, the command line): it stays as it is now.
	now, err := h.Platform.TenantBySlug(r.Context(), c.Tenant.Slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var kept []string
	if shownOn, ok := r.PostForm[web.ShownModulesField]; ok && value != "default" {
		value, kept = web.KeepNewerModules(value, strings.Join(shownOn, ","), now)
	}
	before := strings.Join(now.EnabledModules(), ",")
	if err := h.Platform.SetSettings(r.Context(), c.Tenant.Slug, map[string]string{"modules": value}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	t, err := h.Platform.TenantBySlug(r.Context(), c.Tenant.Slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	after := strings.Join(t.EnabledModules(), ",")
	payload := map[string]any{"before": before, "after": after, "choice": value}
	if len(kept) > 0 {
		payload["kept_newer"] = kept
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "update_modules", "modules: "+after, payload))
	msg := "modules.saved"
	if value == "default" {
		msg = "modules.reset_done"
	} else if len(kept) > 0 {
		msg = "settings.saved_kept"
	}
	web.FlashKey(w, r, true, msg)
	web.Redirect(w, r, "/app/settings/#modules")
}

// fieldMessage turns a setting validation failure into a sentence in the user's language.
func (h *Handler) fieldMessage(c *web.Ctx, key, value string) string {
	switch key {
	case "name":
		if strings.TrimSpace(value) == "" {
			return c.T("validation.required")
		}
		return c.T("validation.too_long", 200)
	case "greeting", "greeting_tr", "greeting_en", "greeting_de", "greeting_fr", "greeting_es", "greeting_ar":
		return c.T("validation.too_long", 500)
	case "privacy_notice", "privacy_notice_tr", "privacy_notice_en", "privacy_notice_de", "privacy_notice_fr", "privacy_notice_es", "privacy_notice_ar":
		return c.T("validation.too_long", 20000)
	case "currency":
		if value == "" {
			return c.T("validation.required")
		}
		return c.T("validation.currency", value)
	case "phone_region":
		return c.T("validation.phone_region", value)
	case "media_quota_mb":
		return c.T("validation.range", 0, 1000000)
	case "visit_duration_min":
		return c.T("validation.range", 15, 720)
	case "visit_travel_buffer_min":
		return c.T("validation.range", 0, 240)
	}
	// A number another room declares with its range (the job queue's retention windows).
	if d, ok := h.Platform.Defs.Lookup(key); ok && d.Kind == settingdef.Number && d.Max > d.Min {
		return c.T("validation.range", d.Min, d.Max)
	}
	return c.T("validation.choice")
}

// The new-user and API-key forms are sent once: the platform database, where the user or the key
// is made, keeps their one-time tokens (the tenant's keeps its own records' tokens), spent in the
// transaction that makes the row. A second post of the same form — a double tap, a resend after
// a slow network, a reload of the page that showed a new key — makes nothing and is answered as
// the first was: the team, with the already-sent notice; the settings page, with a notice where
// the key's secret was that the key was already made (the secret is not shown again).

// Where the settings forms' answers lead.
const (
	usersPage = "/app/settings/#users"
	keysPage  = "/app/settings/#keys"
)

// sendOnce hands the platform the spender of the post's one-time token, recorded with target.
func sendOnce(r *http.Request, target string) context.Context {
	return platform.WithOnce(r.Context(), func(ctx context.Context, tx *sql.Tx, id int64, _ string) error {
		return web.SpendOnce(ctx, tx, id, target)
	})
}

// keyAgain answers the API-key form sent again as the first post was answered, the settings
// page, with the notice that the key was already made where its secret was shown.
func (h *Handler) keyAgain(w http.ResponseWriter, r *http.Request) {
	d, err := h.data(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.KeyAgain = true
	h.render(w, r, http.StatusOK, d, nil)
}

// CreateUser creates a new user with a role in this tenant.
func (h *Handler) CreateUser(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if web.ReplaySent(w, r, h.Platform.DB.Read, nil) {
		return
	}
	username := strings.TrimSpace(r.PostFormValue("username"))
	displayName := r.PostFormValue("display_name")
	password := r.PostFormValue("password")
	role := r.PostFormValue("role")
	errs := web.Errors{}
	if username == "" {
		errs.Add("username", c.T("validation.required"))
	}
	if len(password) < platform.MinPasswordLen {
		errs.Add("password", c.T("validation.password_short", platform.MinPasswordLen))
	} else if len(password) > platform.MaxPasswordLen {
		errs.Add("password", c.T("validation.password_long", platform.MaxPasswordLen))
	} else if platform.CommonPassword(password) {
		errs.Add("password", c.T("validation.password_common"))
	}
	if !platform.ValidRole(role) {
		errs.Add("role", c.T("validation.choice"))
	}
	if _, err := platform.CleanDisplayName(displayName); err != nil {
		for f, m := range web.FieldErrors(r, err) {
			errs.Add(f, m)
		}
	}
	var u *platform.User
	if !errs.Any() {
		var err error
		u, err = h.Platform.CreateNamedUser(sendOnce(r, usersPage), username, displayName, password, false)
		if err != nil && web.ReplaySent(w, r, h.Platform.DB.Read, err) {
			return
		}
		if fe := web.FieldErrors(r, err); fe != nil {
			for f, m := range fe {
				errs.Add(f, m)
			}
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if errs.Any() {
		d, err := h.data(r)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.Values["new_username"], d.Values["new_role"], d.Values["new_display_name"] = username, role, displayName
		d.UserForm = r.PostForm
		h.render(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	if err := h.Platform.SetMembership(r.Context(), u.ID, c.Tenant.ID, role); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "create_user", "user "+u.Username+" created as "+role, map[string]any{"user_id": u.ID, "role": role}))
	web.FlashKey(w, r, true, "settings.user_created", u.Username, i18n.P("role."+role))
	web.Redirect(w, r, usersPage)
}

// memberOf loads the membership named in the URL (only members of this tenant can be changed
// here) with every membership of the tenant, disabled ones included.
func (h *Handler) memberOf(r *http.Request) (*platform.Membership, []platform.Membership, error) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		return nil, nil, fmt.Errorf("settings: user id: %w", errNotFound)
	}
	ms, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	for i := range ms {
		if ms[i].UserID == id {
			return &ms[i], ms, nil
		}
	}
	return nil, nil, errNotFound
}

var errNotFound = fmt.Errorf("settings: member: %w", tenantdb.ErrNotFound)

// lastOwner reports whether m is the business's only enabled owner: disabling them would leave
// nobody to manage its users (platform staff, who act as owner, could do it).
func lastOwner(ms []platform.Membership, m *platform.Membership) bool {
	if m.Role != platform.RoleOwner || m.Disabled {
		return false
	}
	for _, o := range ms {
		if o.UserID != m.UserID && o.Role == platform.RoleOwner && !o.Disabled {
			return false
		}
	}
	return true
}

// ChangeRole sets a member's role. An owner cannot demote themselves, and nobody (platform staff
// included) can give the last enabled owner another role: a tenant must keep an owner.
func (h *Handler) ChangeRole(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	m, ms, err := h.memberOf(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	role := r.PostFormValue("role")
	if !platform.ValidRole(role) {
		web.FlashKey(w, r, false, "validation.choice")
		web.Redirect(w, r, usersPage)
		return
	}
	if m.UserID == c.UserID() && role != platform.RoleOwner && !c.User.IsStaff {
		web.FlashKey(w, r, false, "settings.cannot_demote_self")
		web.Redirect(w, r, usersPage)
		return
	}
	if role != platform.RoleOwner && lastOwner(ms, m) {
		web.FlashKey(w, r, false, "settings.cannot_demote_last_owner")
		web.Redirect(w, r, usersPage)
		return
	}
	// The role only: a disabled member stays disabled until Enable is pressed.
	if err := h.Platform.SetRole(r.Context(), m.UserID, c.Tenant.ID, role); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "change_role", m.Username+": "+m.Role+" → "+role, map[string]any{"user_id": m.UserID, "before": m.Role, "after": role}))
	web.FlashKey(w, r, true, "settings.role_changed", m.Username, i18n.P("role."+role))
	web.Redirect(w, r, usersPage)
}

// SetName is POST /app/settings/users/{id}/name: the name a member of this business goes by (what
// customers read for {{agent}}, colleagues as the assignee); empty shows their login name again. A
// refused name is said at the top of the page and nothing is stored.
func (h *Handler) SetName(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	m, _, err := h.memberOf(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	name, err := h.Platform.SetDisplayName(r.Context(), m.UserID, r.PostFormValue("display_name"))
	if fe := fault.As(err); fe != nil && len(fe.Fields) > 0 {
		web.FlashKey(w, r, false, fe.Fields[0].Key, fe.Fields[0].Args...)
		web.Redirect(w, r, usersPage)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if name != m.DisplayName {
		_ = audit.Log(r.Context(), c.DB, logEntry(r, "change_display_name", fmt.Sprintf("%s: display name %q → %q", m.Username, m.DisplayName, name),
			map[string]any{"user_id": m.UserID, "before": m.DisplayName, "after": name}))
	}
	web.FlashKey(w, r, true, "settings.name_saved", m.Username)
	web.Redirect(w, r, usersPage)
}

// SetDisabled disables or re-enables a member's access to this tenant (never one's own, never
// the last enabled owner's).
func (h *Handler) SetDisabled(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	m, ms, err := h.memberOf(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	disable := r.PostFormValue("disabled") != "false"
	if m.UserID == c.UserID() {
		web.FlashKey(w, r, false, "settings.cannot_disable_self")
		web.Redirect(w, r, usersPage)
		return
	}
	if disable && lastOwner(ms, m) {
		web.FlashKey(w, r, false, "settings.cannot_disable_last_owner")
		web.Redirect(w, r, usersPage)
		return
	}
	if err := h.Platform.SetMembershipDisabled(r.Context(), m.UserID, c.Tenant.ID, disable); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "disable_user", fmt.Sprintf("%s disabled=%v", m.Username, disable), map[string]any{"user_id": m.UserID, "disabled": disable}))
	if disable {
		web.FlashKey(w, r, true, "settings.user_disabled", m.Username)
	} else {
		web.FlashKey(w, r, true, "settings.user_enabled", m.Username)
	}
	web.Redirect(w, r, usersPage)
}

// CreateKey creates an API key and shows it once, on this response only. The same form posted
// again makes no second key and does not show the secret again: the page says, where the secret
// was, that the key was already made.
func (h *Handler) CreateKey(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	if web.SentAgain(r, h.Platform.DB.Read, nil) != nil {
		h.keyAgain(w, r)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	errs := web.Errors{}
	if name == "" {
		errs.Add("key_name", c.T("validation.required"))
	} else if len([]rune(name)) > 100 {
		errs.Add("key_name", c.T("validation.too_long", 100))
	}
	scopes, err := platform.ParseScopes(strings.Join(r.PostForm["scope"], ","))
	if err != nil {
		errs.Add("scope", c.T("settings.scope_required"))
	}
	var key string
	if !errs.Any() {
		var k *platform.APIKey
		key, k, err = h.Platform.CreateAPIKey(sendOnce(r, keysPage), c.Tenant.ID, name, scopes)
		if err != nil && web.SentAgain(r, h.Platform.DB.Read, err) != nil {
			h.keyAgain(w, r)
			return
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		_ = audit.Log(r.Context(), c.DB, logEntry(r, "create_api_key", "API key "+name+" created", map[string]any{"key_id": k.ID, "scopes": scopes}))
	}
	d, err := h.data(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	status := http.StatusOK
	if errs.Any() {
		status = http.StatusUnprocessableEntity
		d.Values["key_name"] = name
		d.KeyForm = r.PostForm
	}
	d.NewKey = key
	h.render(w, r, status, d, errs)
}

// RevokeKey revokes one of this tenant's keys.
func (h *Handler) RevokeKey(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := h.Platform.RevokeAPIKey(r.Context(), c.Tenant.ID, id); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "revoke_api_key", fmt.Sprintf("API key %d revoked", id), map[string]any{"key_id": id}))
	web.FlashKey(w, r, true, "settings.saved")
	web.Redirect(w, r, "/app/settings/#keys")
}

// RevokeSession ends one session of a member of this tenant that is working in this tenant (a lost
// phone, a shared computer); their sessions in their other businesses are not this owner's.
func (h *Handler) RevokeSession(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	account.EndOne(h.Render, h.Sessions, w, r, "/app/settings/#sessions", func(id int64) error {
		if err := h.Platform.DeleteSessionInTenant(r.Context(), c.Tenant.ID, id, auth.InTenant(c.Tenant.Slug)); err != nil {
			return err
		}
		return audit.Log(r.Context(), c.DB, logEntry(r, "revoke_session", fmt.Sprintf("session %d ended", id), map[string]any{"session_id": id}))
	})
}

// currencyInUse names, in the reader's language, how many amounts of each kind are stored in the
// business currency with no currency of their own.
func currencyInUse(c *web.Ctx, e *platform.CurrencyInUseError) string {
	return c.T("validation.currency_in_use", e.Args()...)
}
