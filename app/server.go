package app

import (
	"context"
	"errors"
	"fmt"
	"highvibe/app/hours/hoursdb"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/jobs"
	"highvibe/app/live"
	"highvibe/app/ops"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/tenantdb/replica"
	"highvibe/app/web"
	"highvibe/static"
)

// Server holds what every room's handlers share. It is built by the serve command and by tests.
type Server struct {
	Log      *slog.Logger
	Mgr      *tenantdb.Manager
	Platform *platform.Service
	Sessions *auth.Store
	Render   *web.Renderer
	Assets   *static.Assets
	Jobs     *jobs.Runner
	Repl     *replica.Manager
	Heads    *audit.Recorder // records each tenant's audit chain head in platform.db (flushed by Close)
	Live     *live.Hub
	// MetricsToken, when set, lets /metrics be read from other than loopback with a Bearer token
	// (and lets tenant slugs appear as metric labels).
	MetricsToken string
	// Proxies are the reverse proxies whose forwarding headers are believed (web.ClientOf).
	Proxies web.Proxies
	// FormReadTimeout and WebhookReadTimeout bound how long a request body may take to arrive;
	// BodyGate caps the bodies strangers send at once (routes.go says which route is which).
	FormReadTimeout    time.Duration
	WebhookReadTimeout time.Duration
	BodyGate           *web.BodyGate
	// Metrics is the server's Prometheus registry; the rooms report to it through hooks.
	Metrics *ops.Metrics
	// BaseURL is the public address absolute links are built on (Options.BaseURL; "" none).
	BaseURL string
	// ListenOrigin is the address serve listens on, as it prints it ("http://localhost:8080"): what
	// links written without a request (the demo's seeded quote) use when there is no BaseURL.
	ListenOrigin string
	// DemoNow, when set, is the moment the demo's leads and conversations are seeded back from
	// (nil: now); a test seeds them as on a chosen day and hour with it.
	DemoNow func() time.Time

	UserThrottle *auth.Throttle
	IPThrottle   *auth.Throttle

	// suspended holds the slugs of the tenants that are not active, as OpenAllTenants last read
	// them: their jobs wait (nothing goes out for a suspended business) until staff reactivate them.
	// stopWatch ends the tenant watcher Start began; watchDone closes when it has returned. Close
	// waits for it, so that no watcher reads platform.db after the databases are closed.
	stopWatch context.CancelFunc
	watchDone chan struct{}

	suspended atomic.Pointer[map[string]bool]
	// unopened holds the tenants OpenAllTenants could not open, with why (a damaged or missing
	// file): /readyz/ names them, and each is logged when its reason first appears or changes.
	unopenedMu sync.Mutex
	unopened   map[string]error
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, detail string) {
	s.Render.Error(w, r, status, detail)
}

// Fail is the renderer's Fail (kept on the server for the few handlers that live in app/).
func (s *Server) Fail(w http.ResponseWriter, r *http.Request, err error) { s.Render.Fail(w, r, err) }

// session loads the panel session (a fresh one when the cookie is missing or invalid).
func (s *Server) session(r *http.Request) *sessions.Session {
	sess, err := s.Sessions.Get(r, auth.SessionName)
	if err != nil {
		sess, _ = s.Sessions.New(r, auth.SessionName)
	}
	return sess
}

// signedIn resolves the session's user and memberships into the request context; false means it
// answered (to the sign-in page, or an error).
func (s *Server) signedIn(w http.ResponseWriter, r *http.Request) (*web.Ctx, bool) {
	c, err := s.person(r)
	switch {
	case errors.Is(err, errSignedOut):
		if errors.Is(err, errUserGone) {
			_ = s.Sessions.End(w, r, c.Session)
		}
		s.toLogin(w, r)
		return nil, false
	case err != nil:
		s.Fail(w, r, err)
		return nil, false
	}
	return c, true
}

// errSignedOut: the request carries no session that opens the panel; errUserGone (one of them):
// its session names a user who is disabled or no longer exists, and the session should end.
var (
	errSignedOut = errors.New("signed out")
	errUserGone  = fmt.Errorf("%w: the session's user is disabled or gone", errSignedOut)
)

// person reads the request's signed-in user into its context (user, memberships, for staff every
// tenant), writing nothing. Only a session row in platform.db opens the panel: signed out,
// revoked, expired or half-finished (second factor owed) sessions, and disabled users, are
// errSignedOut.
func (s *Server) person(r *http.Request) (*web.Ctx, error) {
	c := web.From(r)
	sess := s.session(r)
	c.Session = sess
	uid := auth.SignedIn(sess)
	if uid == 0 {
		return c, errSignedOut
	}
	ctx := r.Context()
	u, err := s.Platform.UserByID(ctx, uid)
	if err != nil || u.Disabled {
		return c, errUserGone
	}
	ms, err := s.Platform.MembershipsOfUser(ctx, u.ID)
	if err != nil {
		return c, err
	}
	var all []*platform.Tenant
	if u.IsStaff {
		// The top bar's switcher lists every tenant for staff.
		if all, err = s.Platform.ListTenants(ctx); err != nil {
			return c, err
		}
	}
	c.User, c.Memberships, c.AllTenants = u, ms, all
	return c, nil
}

// stillIn reports whether a request that passed the panel's checks may still read its tenant: a
// long-lived response (the inbox's event stream) asks it while open. Its session must still be
// stored and within its limits (read afresh, not touched: an open stream does not keep a session
// alive), the person not disabled, and their membership of the tenant enabled (or staff).
func (s *Server) stillIn(r *http.Request) bool {
	c := web.From(r)
	if c.User == nil || c.Tenant == nil || c.Session == nil || c.Session.ID == "" {
		return false
	}
	ctx := r.Context()
	rec, err := s.Platform.SessionByToken(ctx, c.Session.ID)
	if err != nil || rec.Pending2FA || rec.UserID != c.User.ID {
		return false
	}
	cut := s.Sessions.Cutoffs()
	if rec.LastSeenAt.Before(cut.IdleSince) || rec.CreatedAt.Before(cut.CreatedSince) {
		return false
	}
	u, err := s.Platform.UserByID(ctx, rec.UserID)
	if err != nil || u.Disabled {
		return false
	}
	if u.IsStaff {
		return true
	}
	ms, err := s.Platform.MembershipsOfUser(ctx, u.ID)
	if err != nil {
		return false
	}
	for _, m := range ms {
		if m.TenantSlug == c.Tenant.Slug {
			return true
		}
	}
	return false
}

// memberOf reports whether the request carries a valid signed-in session of a person who may
// open the business t's panel: an enabled member of it, or staff. It reads the session without
// filling the request's context, so a public page stays the visitor's page (the customer's quote
// link uses it to tell the business's own look from the customer's).
func (s *Server) memberOf(r *http.Request, t *platform.Tenant) bool {
	uid := auth.SignedIn(s.session(r))
	if uid == 0 || t == nil {
		return false
	}
	ctx := r.Context()
	u, err := s.Platform.UserByID(ctx, uid)
	if err != nil || u.Disabled {
		return false
	}
	if u.IsStaff {
		return true
	}
	_, err = s.Platform.MembershipOf(ctx, u.ID, t.ID)
	return err == nil
}

// withPerson serves a public page (the guide) with the signed-in person's top bar when there is
// one — the app menu, the bell, the user menu — so reading the guide does not look like being
// signed out. Nobody is turned away: without a session, or when the person's business cannot be
// opened, the page is served as to anyone.
func (s *Server) withPerson(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// person fills the context only for a signed-in user; a business that cannot be
		// opened leaves the public bar's view of it.
		if c, err := s.person(r); err == nil {
			if err := s.enterTenant(w, r, c); err != nil {
				c.Tenant, c.DB = nil, nil
			}
		}
		h(w, r)
	}
}

// enterTenant opens the session's active tenant (remembering the choice) into the context.
func (s *Server) enterTenant(w http.ResponseWriter, r *http.Request, c *web.Ctx) error {
	ctx := r.Context()
	slug, _ := c.Session.Values["tenant"].(string)
	t, role, err := s.activeTenant(ctx, c.User, c.Memberships, slug)
	if err != nil {
		return err
	}
	if slug != t.Slug {
		c.Session.Values["tenant"] = t.Slug
		_ = c.Session.Save(r, w)
	}
	db, err := s.Mgr.Tenant(ctx, t.Slug)
	if err != nil {
		return err
	}
	c.Tenant, c.DB, c.Role = t, db, role
	// Dates and clock times show in the tenant's zone (business hours page), else the server's.
	zone, err := hoursdb.ZoneName(ctx, db.Read)
	if err != nil {
		return err
	}
	c.SetZone(s.Render.Zone(zone))
	web.ApplyTenantLocale(w, r, c, t.PrimaryLocale)
	// The language a person picks is remembered for what reaches them away from the panel
	// (push, e-mail, digest); written only when it changes.
	if chosen := web.ChosenLang(r); chosen != "" && chosen != c.User.Locale {
		if err := s.Platform.SetUserLocale(ctx, c.User.ID, chosen); err == nil {
			c.User.Locale = chosen
		}
	}
	return nil
}

// panel wraps a panel handler: it requires a logged-in user with an enabled membership in the
// active tenant (or staff), opens only that tenant's database, and checks permission p before the
// handler runs, so a forbidden action never half-happens.
//
// module, when not "", is the tenant module the route belongs to: while the tenant has it off the
// route answers 404 with the "module is off" page, for every role, before the permission check.
func (s *Server) panel(p auth.Permission, h http.HandlerFunc, module string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.signedIn(w, r)
		if !ok {
			return
		}
		if err := s.enterTenant(w, r, c); err != nil {
			if errors.Is(err, tenantdb.ErrNotFound) && c.User.IsStaff && r.Method == http.MethodGet {
				// No tenant exists yet: the staff console is where the first one is made.
				web.Redirect(w, r, "/staff/")
				return
			}
			if errors.Is(err, tenantdb.ErrNotFound) {
				s.errorPage(w, r, http.StatusForbidden, c.T("error.no_tenant"))
				return
			}
			// The active business's file does not open: its 503 page offers the person's other
			// businesses, and the switch to one of them needs nothing of this one (the membership
			// is checked against the platform's list), so it is let through.
			if errors.Is(err, tenantdb.ErrUnavailable) && r.Method == http.MethodPost && r.URL.Path == "/app/switch/" {
				if err := web.CheckFormText(r); err != nil {
					s.Fail(w, r, err)
					return
				}
				h(w, r)
				return
			}
			s.Fail(w, r, err)
			return
		}
		u, t := c.User, c.Tenant
		// A suspended tenant's panel is closed to its members (staff still enter, to see and to
		// reactivate it); they may still switch to another tenant.
		if !t.Active() && !u.IsStaff && r.URL.Path != "/app/switch/" {
			s.errorPage(w, r, http.StatusForbidden, c.T("staff.tenant_suspended_panel", t.Name))
			return
		}
		// A tenant that requires a second factor lets a user without one do nothing but enrol
		// (on the profile page), switch tenant or sign out.
		if t.Bool("require_2fa") && !u.TwoFactor && !strings.HasPrefix(r.URL.Path, "/app/profile/") && r.URL.Path != "/app/switch/" {
			web.Redirect(w, r, "/app/profile/#two-factor")
			return
		}
		if module != "" && !t.HasModule(module) {
			s.moduleOff(w, r, module)
			return
		}
		if !c.Can(p) {
			roleName := c.T("role." + c.Role)
			s.errorPage(w, r, http.StatusForbidden, c.T("error.403.body", roleName, c.T("perm."+string(p))))
			return
		}
		// The form is read here, once the person's language is known, so its refusal is in it.
		if err := web.CheckFormText(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		// A page drawn for another business than the session's (switched since, in another tab or
		// by a notification link) acts on nothing: its numbers mean other records here.
		if b := web.PageBusiness(r); b != "" && b != t.Slug && r.Method != http.MethodGet && r.Method != http.MethodHead && r.URL.Path != "/app/switch/" {
			s.Fail(w, r, fault.Conflict("error.other_business", businessName(c, b), t.Name))
			return
		}
		// A create form's one-time token, spent by the room that creates its record: a form sent
		// before is answered as the first time, before the handler runs.
		if s.Render.Replayed(w, r, nil) {
			return
		}
		h(w, r)
	}
}

// businessName is the name of the person's business slug (the slug itself when it is not theirs).
func businessName(c *web.Ctx, slug string) string {
	for _, m := range c.Memberships {
		if m.TenantSlug == slug {
			return m.TenantName
		}
	}
	return slug
}

// staffOnly wraps a staff-console handler: a signed-in staff user, whether or not any tenant
// exists yet (the console is where the first one is made); everyone else gets 403. The active
// tenant, when there is one, is opened only for the top bar.
func (s *Server) staffOnly(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, ok := s.signedIn(w, r)
		if !ok {
			return
		}
		if err := s.enterTenant(w, r, c); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			s.Fail(w, r, err)
			return
		}
		if !c.User.IsStaff {
			s.errorPage(w, r, http.StatusForbidden, c.T("staff.forbidden"))
			return
		}
		if err := web.CheckFormText(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		web.PageBusiness(r) // the console names its business in each address; the field is not its forms'
		// A console form's one-time token, kept in the platform database: a form sent before
		// is answered as the first time, before the handler runs.
		if s.Render.Replayed(w, r, s.Platform.DB.Read) {
			return
		}
		h(w, r)
	}
}

// activeTenant picks the session's tenant when the user may still enter it, else the first one.
func (s *Server) activeTenant(ctx context.Context, u *platform.User, ms []platform.Membership, slug string) (*platform.Tenant, string, error) {
	for _, m := range ms {
		if m.TenantSlug == slug {
			t, err := s.Platform.TenantBySlug(ctx, slug)
			return t, m.Role, err
		}
	}
	if u.IsStaff {
		if slug != "" {
			if t, err := s.Platform.TenantBySlug(ctx, slug); err == nil {
				return t, "owner", nil
			}
		}
		if len(ms) == 0 {
			all, err := s.Platform.ListTenants(ctx)
			if err != nil {
				return nil, "", err
			}
			if len(all) == 0 {
				return nil, "", tenantdb.ErrNotFound
			}
			t, err := s.Platform.TenantBySlug(ctx, all[0].Slug)
			return t, "owner", err
		}
	}
	if len(ms) == 0 {
		return nil, "", tenantdb.ErrNotFound
	}
	// No (valid) choice in the session: the first membership whose tenant is not suspended and
	// whose file opens (a person signing in lands in a business that works, not on the 503 page
	// of one that does not; that one stays a click away in the switcher).
	var first, unopened *platform.Tenant
	var unopenedRole string
	for _, m := range ms {
		t, err := s.Platform.TenantBySlug(ctx, m.TenantSlug)
		if err != nil {
			return nil, "", err
		}
		if t.Active() {
			if _, err := s.Mgr.Tenant(ctx, t.Slug); errors.Is(err, tenantdb.ErrUnavailable) {
				if unopened == nil {
					unopened, unopenedRole = t, m.Role
				}
				continue
			}
			return t, m.Role, nil
		}
		if first == nil {
			first = t
		}
	}
	if unopened != nil {
		return unopened, unopenedRole, nil
	}
	return first, ms[0].Role, nil
}

func (s *Server) toLogin(w http.ResponseWriter, r *http.Request) {
	to := "/login/?next=" + url.QueryEscape(r.URL.RequestURI())
	if r.Method != http.MethodGet {
		to = "/login/"
		// A stranger's form body is not worth waiting for: answer and close.
		w.Header().Set("Connection", "close")
	}
	web.Redirect(w, r, to)
}

// slashRedirect answers the other trailing-slash form of a route with a permanent redirect.
func slashRedirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := *r.URL
		u.Path = to
		http.Redirect(w, r, u.String(), http.StatusPermanentRedirect)
	}
}

// OpenAllTenants opens every tenant in platform.db (so replication and jobs cover them) and
// returns how many are open. serve calls it at start and every few seconds, which is how a tenant
// created by the CLI in another process reaches the running server.
func (s *Server) OpenAllTenants(ctx context.Context) (int, error) {
	ts, err := s.Platform.ListTenants(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	off := map[string]bool{}
	for _, t := range ts {
		if !t.Active() {
			off[t.Slug] = true
		}
	}
	s.suspended.Store(&off)
	failed := map[string]error{}
	for _, t := range ts {
		if _, err := s.Mgr.Tenant(ctx, t.Slug); err != nil {
			if ctx.Err() != nil {
				return n, ctx.Err()
			}
			failed[t.Slug] = err
			continue
		}
		n++
	}
	s.unopenedMu.Lock()
	for slug, err := range failed {
		if old, ok := s.unopened[slug]; !ok || old.Error() != err.Error() {
			s.Log.Error("cannot open tenant", "tenant", slug, "err", err, "what_to_do", ops.TenantFix(slug, err))
		}
	}
	for slug := range s.unopened {
		if _, still := failed[slug]; !still {
			s.Log.Info("tenant opened", "tenant", slug)
		}
	}
	s.unopened = failed
	s.unopenedMu.Unlock()
	return n, nil
}

// Unopened are the tenants the last OpenAllTenants could not open, with why.
func (s *Server) Unopened() map[string]error {
	s.unopenedMu.Lock()
	defer s.unopenedMu.Unlock()
	out := make(map[string]error, len(s.unopened))
	for k, v := range s.unopened {
		out[k] = v
	}
	return out
}

// watchTenants re-lists tenants every interval until ctx ends.
func (s *Server) watchTenants(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.OpenAllTenants(ctx); err != nil && ctx.Err() == nil {
				s.Log.Warn("watch tenants", "err", err)
			}
		}
	}
}

// jobSource adapts the server to the job runner: every tenant in platform.db.
type jobSource struct{ s *Server }

func (j jobSource) Slugs(ctx context.Context) ([]string, error) { return j.s.JobSlugs(), nil }

// JobSlugs are the tenants whose jobs run: every open tenant but the suspended ones, whose queued
// jobs (replies, deliveries, the assistant) wait until the tenant is active again.
func (s *Server) JobSlugs() []string {
	open := s.Mgr.OpenSlugs()
	off := s.suspended.Load()
	if off == nil || len(*off) == 0 {
		return open
	}
	out := open[:0:0]
	for _, slug := range open {
		if !(*off)[slug] {
			out = append(out, slug)
		}
	}
	return out
}
func (j jobSource) Tenant(ctx context.Context, slug string) (*tenantdb.DB, error) {
	return j.s.Mgr.Tenant(ctx, slug)
}

// NotFound is the 404 page; under the integration API (/api/v1/) it is problem details like every
// other answer there, so a typo in a path or a method gives a program JSON, not a page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/api/v1/") {
		web.WriteProblem(w, r, tenantdb.ErrNotFound)
		return
	}
	// A signed-in member who mistypes a panel address stays in the panel (menu, bell, own name),
	// not on a signed-out page that offers to sign in; anyone else gets the plain page.
	if strings.HasPrefix(r.URL.Path, "/app/") && auth.SignedIn(s.session(r)) != 0 {
		s.panel(auth.ReadPanel, func(w http.ResponseWriter, r *http.Request) { s.errorPage(w, r, http.StatusNotFound, "") }, "")(w, r)
		return
	}
	s.errorPage(w, r, http.StatusNotFound, "")
}
