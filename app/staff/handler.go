package staff

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb/replica"
	"highvibe/app/web"
)

// Handler serves the staff console under /staff/. The route table lets only staff users in.
type Handler struct {
	Render *web.Renderer
	Svc    *Service
	Repl   *replica.Manager // nil when replication is off
}

// Options of the AI settings form, in form order.
var (
	AIProviders     = []string{"builtin", "openai_compatible"}
	PrivacyProfiles = []string{"masked", "local"}
	// profileKeys and aiKeys are the settings the tenant page edits, form by form.
	profileKeys = []string{"name", "niche", "primary_locale"}
	aiKeys      = []string{"ai_provider", "ai_base_url", "ai_model", "monthly_budget_usd", "privacy_profile"}
)

func actor(r *http.Request) Actor {
	c := web.From(r)
	return Actor{UserID: c.User.ID, Name: c.User.Username, Via: "console"}
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, view, title string, data any, errs map[string]string, form url.Values) {
	h.Render.Render(w, r, status, view, &web.Page{Title: title, Nav: "staff", Guide: "staff-console", Data: data, Errors: errs, Form: form})
}

// listData is the tenant list with the create form.
type listData struct {
	Q       string
	Rows    []*TenantRow
	Total   int
	Repl    bool
	Niches  []web.NicheOption
	Locales []string
	// Countries are the countries a business may be made for (platform.Countries).
	Countries []string
	Values    map[string]string
	// NicheNames names every niche in the reader's language; Custom are the niches staff defined
	// (`highvibe niche create`), listed when there is one.
	NicheNames map[string]string
	Custom     []customNiche
}

// customNiche is a row of the console's custom niches table.
type customNiche struct {
	*platform.Niche
	Name    string
	Tenants int
}

// niches gives the niche select, the names of every niche and the custom niches' rows.
func (h *Handler) niches(r *http.Request) ([]web.NicheOption, map[string]string, []customNiche, error) {
	c := web.From(r)
	custom, err := h.Svc.Platform.CustomNiches(r.Context())
	if err != nil {
		return nil, nil, nil, err
	}
	opts := web.NicheOptions(c, custom)
	names := map[string]string{}
	for _, o := range opts {
		names[o.ID] = o.Name
	}
	var rows []customNiche
	for _, n := range custom {
		k, err := h.Svc.Platform.TenantsOfNiche(r.Context(), n.ID)
		if err != nil {
			return nil, nil, nil, err
		}
		rows = append(rows, customNiche{Niche: n, Name: n.Name(c.Lang), Tenants: k})
	}
	return opts, names, rows, nil
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, status int, values map[string]string, errs map[string]string) {
	c := web.From(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	rows, err := h.Svc.Tenants(r.Context(), h.Repl, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	all, err := h.Svc.Platform.ListTenants(r.Context())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if values == nil {
		values = map[string]string{"niche": "default", "country": "TR"}
	}
	opts, names, custom, err := h.niches(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &listData{Q: q, Rows: rows, Total: len(all), Repl: h.Repl != nil, Niches: opts, Locales: platform.Locales, Countries: platform.Countries, Values: values,
		NicheNames: names, Custom: custom}
	var form url.Values
	if errs != nil {
		form = r.PostForm // the refused form's one-time token, for the corrected post
	}
	h.page(w, r, status, "staff/tenants", c.T("staff.title"), d, errs, form)
}

// Tenants lists every tenant (searchable by slug or name) with the create form.
func (h *Handler) Tenants(w http.ResponseWriter, r *http.Request) {
	h.list(w, r, http.StatusOK, nil, nil)
}

// CreateTenant creates a tenant and its database; on a mistake the form comes back (422) with
// messages next to the fields and nothing is created.
func (h *Handler) CreateTenant(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	in := TenantInput{Slug: r.PostForm.Get("slug"), Name: r.PostForm.Get("name"), Niche: r.PostForm.Get("niche"), Locale: r.PostForm.Get("primary_locale"),
		Country: r.PostForm.Get("country")}
	// The form's one-time token is spent with the tenant's row, in the platform database.
	t, err := h.Svc.CreateTenant(platform.WithOnce(r.Context(), web.SpendOnce), actor(r), in)
	if fe := web.FieldErrors(r, err); fe != nil {
		// Two posts of one form at the same moment: the second meets the slug the first took.
		if web.ReplaySent(w, r, h.Svc.Platform.DB.Read, nil) {
			return
		}
		h.list(w, r, http.StatusUnprocessableEntity, map[string]string{"slug": in.Slug, "name": in.Name, "niche": in.Niche,
			"primary_locale": r.PostForm.Get("primary_locale"), "country": r.PostForm.Get("country")}, fe)
		return
	}
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	h.done(w, r, t.Slug, err, i18n.P("staff.created", t.Name))
}

// done finishes an action: a flash (or a warning when the action stood but recording it failed)
// and back to the tenant's page.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, slug string, recordErr error, msg i18n.Phrase) {
	c := web.From(r)
	if recordErr != nil {
		h.Render.Log.Error("staff: record action", "req", c.ReqID, "tenant", slug, "err", recordErr)
		web.FlashKey(w, r, false, "staff.not_recorded")
	} else {
		web.FlashSay(w, r, true, msg)
	}
	to := "/staff/users/"
	if slug != "" {
		to = "/staff/tenants/" + slug + "/"
	}
	web.Redirect(w, r, to)
}

// keyView is an API key with its times read, for the page (the secret is not stored at all).
// tenantData is everything the tenant page shows.
type tenantData struct {
	Row       *TenantRow
	Members   []platform.Membership
	Keys      []*platform.APIKey
	Counts    []jobs.KindCount
	Failed    []jobs.FailedJob
	Trail     []*audit.PlatformRow
	Values    map[string]string
	KeySet    bool
	Modules   []web.ModuleRow
	Niches    []web.NicheOption
	Locales   []string
	Roles     []string
	Providers []string
	Privacy   []string
}

func (h *Handler) tenantData(r *http.Request, slug string) (*tenantData, error) {
	ctx := r.Context()
	t, err := h.Svc.tenant(ctx, slug)
	if err != nil {
		return nil, err
	}
	rows, err := h.Svc.Tenants(ctx, h.Repl, "")
	if err != nil {
		return nil, err
	}
	opts, _, _, err := h.niches(r)
	if err != nil {
		return nil, err
	}
	d := &tenantData{Values: map[string]string{}, Niches: opts, Modules: web.ModuleRows(t), Locales: platform.Locales, Roles: auth.Roles,
		Providers: AIProviders, Privacy: PrivacyProfiles, KeySet: t.Setting("ai_api_key") != ""}
	for _, row := range rows {
		if row.Slug == slug {
			row.Tenant = t // with its settings
			d.Row = row
		}
	}
	if d.Row == nil {
		d.Row = &TenantRow{Tenant: t, SizeBytes: -1, Repl: ReplOff}
	}
	for _, k := range append(append([]string{}, profileKeys...), aiKeys...) {
		d.Values[k] = t.Setting(k)
	}
	if d.Members, err = h.Svc.Platform.MembersOfTenant(ctx, t.ID); err != nil {
		return nil, err
	}
	keys, err := h.Svc.Platform.ListAPIKeys(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	d.Keys = keys
	db, err := h.Svc.Mgr.Tenant(ctx, slug)
	if err != nil {
		return nil, err
	}
	if d.Counts, err = jobs.Counts(ctx, db, time.Now()); err != nil {
		return nil, err
	}
	if d.Failed, err = jobs.Failed(ctx, db, 50); err != nil {
		return nil, err
	}
	if d.Trail, err = audit.PlatformTrail(ctx, h.Svc.Platform.DB, slug, "", 20); err != nil {
		return nil, err
	}
	return d, nil
}

func (h *Handler) tenantPage(w http.ResponseWriter, r *http.Request, status int, d *tenantData, errs map[string]string) {
	h.page(w, r, status, "staff/tenant", d.Row.Name, d, errs, nil)
}

// Tenant shows one tenant: state, profile, AI settings, members, API keys, jobs and recent staff actions.
func (h *Handler) Tenant(w http.ResponseWriter, r *http.Request) {
	d, err := h.tenantData(r, r.PathValue("slug"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.tenantPage(w, r, http.StatusOK, d, nil)
}

// invalidForm re-renders the tenant page with the posted values and the field messages (422).
func (h *Handler) invalidForm(w http.ResponseWriter, r *http.Request, slug string, fe map[string]string) {
	d, err := h.tenantData(r, slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for k, v := range r.PostForm {
		if len(v) > 0 && k != "ai_api_key" && k != "password" {
			d.Values[k] = v[0]
		}
	}
	h.tenantPage(w, r, http.StatusUnprocessableEntity, d, fe)
}

// settings stores the posted keys of one form of the tenant page.
func (h *Handler) settings(w http.ResponseWriter, r *http.Request, keys []string, extra func(kv map[string]string)) {
	h.settingsSaid(w, r, keys, extra, i18n.P("staff.saved"))
}

// settingsSaid is settings with the banner said after a save.
func (h *Handler) settingsSaid(w http.ResponseWriter, r *http.Request, keys []string, extra func(kv map[string]string), said i18n.Phrase) {
	slug := r.PathValue("slug")
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	kv := map[string]string{}
	for _, k := range keys {
		kv[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	if extra != nil {
		extra(kv)
	}
	err := h.Svc.SetSettings(r.Context(), actor(r), slug, kv)
	if fe := web.FieldErrors(r, err); fe != nil {
		h.invalidForm(w, r, slug, fe)
		return
	}
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	h.done(w, r, slug, err, said)
}

// SaveProfile sets the tenant's name, niche and language.
func (h *Handler) SaveProfile(w http.ResponseWriter, r *http.Request) {
	h.settings(w, r, profileKeys, nil)
}

// SaveModules sets the tenant's modules (the ticked ones on, the rest off) or sends them back to
// the niche's defaults; an unknown module refuses the form and stores nothing.
func (h *Handler) SaveModules(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	// A module left as the page showed it, while it was switched on or off since (the owner's
	// settings, another staff tab, the command line): it stays as it is now, as on the owner's page.
	value, said := web.ModulesValue(r.PostForm), i18n.P("staff.saved")
	if shownOn, ok := r.PostForm[web.ShownModulesField]; ok && value != "default" {
		now, err := h.Svc.Platform.TenantBySlug(r.Context(), r.PathValue("slug"))
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		var kept []string
		if value, kept = web.KeepNewerModules(value, strings.Join(shownOn, ","), now); len(kept) > 0 {
			said = i18n.P("settings.saved_kept")
		}
	}
	h.settingsSaid(w, r, nil, func(kv map[string]string) { kv["modules"] = value }, said)
}

// SaveAI sets the tenant's AI provider, model, budget and privacy profile; the provider key is
// write-only: left empty it stays as it is, and "clear" removes it.
func (h *Handler) SaveAI(w http.ResponseWriter, r *http.Request) {
	h.settings(w, r, aiKeys, func(kv map[string]string) {
		if r.PostForm.Get("ai_api_key_clear") != "" {
			kv["ai_api_key"] = ""
		} else if k := strings.TrimSpace(r.PostForm.Get("ai_api_key")); k != "" {
			kv["ai_api_key"] = k
		}
	})
}

// SetStatus suspends or reactivates the tenant.
func (h *Handler) SetStatus(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	suspend := r.PostFormValue("suspend") == "true"
	err := h.Svc.SetSuspended(r.Context(), actor(r), slug, suspend)
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	msg := "staff.unsuspended"
	if suspend {
		msg = "staff.suspended_done"
	}
	h.done(w, r, slug, err, i18n.P(msg))
}

// AddMember gives an existing user a role in the tenant.
func (h *Handler) AddMember(w http.ResponseWriter, r *http.Request) {
	slug := r.PathValue("slug")
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	reenabled, created, err := h.Svc.AddMember(r.Context(), actor(r), slug, r.PostForm.Get("username"), r.PostForm.Get("role"), r.PostForm.Get("password"), r.PostForm.Get("display_name"))
	if fe := web.FieldErrors(r, err); fe != nil {
		h.invalidForm(w, r, slug, fe)
		return
	}
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	msg := i18n.P("staff.saved")
	switch name := strings.TrimSpace(r.PostForm.Get("username")); {
	case created:
		msg = i18n.P("staff.member_created", name)
	case reenabled:
		msg = i18n.P("staff.member_reenabled", name)
	}
	h.done(w, r, slug, err, msg)
}

// RemoveMember takes a user out of the tenant.
func (h *Handler) RemoveMember(w http.ResponseWriter, r *http.Request) {
	h.byID(w, r, "id", func(slug string, id int64) error { return h.Svc.RemoveMember(r.Context(), actor(r), slug, id) })
}

// RevokeKey revokes one of the tenant's API keys.
func (h *Handler) RevokeKey(w http.ResponseWriter, r *http.Request) {
	h.byID(w, r, "id", func(slug string, id int64) error { return h.Svc.RevokeKey(r.Context(), actor(r), slug, id) })
}

// RetryJob queues one failed job of the tenant again.
func (h *Handler) RetryJob(w http.ResponseWriter, r *http.Request) {
	h.byID(w, r, "id", func(slug string, id int64) error { return h.Svc.RetryJob(r.Context(), actor(r), slug, id) })
}

func (h *Handler) byID(w http.ResponseWriter, r *http.Request, name string, act func(slug string, id int64) error) {
	slug := r.PathValue("slug")
	id, err := web.PathID(r, name)
	if err == nil {
		err = act(slug, id)
	}
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	h.done(w, r, slug, err, i18n.P("staff.saved"))
}

// usersData is the user list.
type usersData struct {
	Q     string
	Users []*platform.UserSummary
	// Refused is the user whose name was refused (0: none) and Name what was typed for them; the
	// message stands beside their row.
	Refused int64
	Name    string
}

// Users lists every user (searchable by login or name) with their memberships and second factor.
func (h *Handler) Users(w http.ResponseWriter, r *http.Request) {
	h.users(w, r, http.StatusOK, strings.TrimSpace(r.URL.Query().Get("q")), nil, nil)
}

func (h *Handler) users(w http.ResponseWriter, r *http.Request, status int, q string, refused *usersData, errs map[string]string) {
	c := web.From(r)
	us, err := h.Svc.Platform.ListUsers(r.Context(), q, 500)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &usersData{Q: q, Users: us}
	if refused != nil {
		d.Refused, d.Name = refused.Refused, refused.Name
	}
	h.page(w, r, status, "staff/users", c.T("staff.users"), d, errs, nil)
}

// SetUserName sets or changes the name a user goes by, for every business they belong to; empty
// shows their login again. A name the profile would refuse comes back beside the user's row (422)
// in the reader's language, and nothing is stored.
func (h *Handler) SetUserName(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	name := r.PostForm.Get("display_name")
	u, err := h.Svc.SetUserName(r.Context(), actor(r), id, name)
	if fe := web.FieldErrors(r, err); fe != nil {
		h.users(w, r, http.StatusUnprocessableEntity, strings.TrimSpace(r.PostForm.Get("q")), &usersData{Refused: id, Name: name}, fe)
		return
	}
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	h.done(w, r, "", err, i18n.P("settings.name_saved", u.Username))
}

// ResetTwoFactor turns a user's second factor off (lost phone); they enrol again after signing in.
func (h *Handler) ResetTwoFactor(w http.ResponseWriter, r *http.Request) {
	id, err := web.PathID(r, "id")
	var u *platform.User
	if err == nil {
		u, err = h.Svc.ResetTwoFactor(r.Context(), actor(r), id)
	}
	if !Done(err) {
		h.Render.Fail(w, r, err)
		return
	}
	h.done(w, r, "", err, i18n.P("staff.two_factor_reset", u.Username))
}

// trailData is the platform trail page.
type trailData struct {
	Q, Tenant string
	Rows      []*audit.PlatformRow
}

// Trail shows the platform trail: every staff action, newest first, searchable.
func (h *Handler) Trail(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	slug := strings.TrimSpace(r.URL.Query().Get("tenant"))
	rows, err := audit.PlatformTrail(r.Context(), h.Svc.Platform.DB, slug, q, 200)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "staff/trail", c.T("staff.trail"), &trailData{Q: q, Tenant: slug, Rows: rows}, nil, nil)
}
