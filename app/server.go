package app

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/sessions"

	"highvibe/app/auth"
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

	UserThrottle *auth.Throttle
	IPThrottle   *auth.Throttle
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

// panel wraps a panel handler: it requires a logged-in user with an enabled membership in the
// active tenant (or staff), opens only that tenant's database, and checks permission p before the
// handler runs, so a forbidden action never half-happens.
func (s *Server) panel(p auth.Permission, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := web.From(r)
		sess := s.session(r)
		c.Session = sess
		// Only a session row in platform.db opens the panel: signed out, revoked, expired or
		// half-finished (second factor owed) sessions are sent to the sign-in page.
		uid := auth.SignedIn(sess)
		if uid == 0 {
			s.toLogin(w, r)
			return
		}
		ctx := r.Context()
		u, err := s.Platform.UserByID(ctx, uid)
		if err != nil || u.Disabled {
			_ = s.Sessions.End(w, r, sess)
			s.toLogin(w, r)
			return
		}
		c.User = u
		ms, err := s.Platform.MembershipsOfUser(ctx, u.ID)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		c.Memberships = ms
		slug, _ := sess.Values["tenant"].(string)
		t, role, err := s.activeTenant(ctx, u, ms, slug)
		if err != nil {
			if errors.Is(err, tenantdb.ErrNotFound) {
				s.errorPage(w, r, http.StatusForbidden, c.T("error.no_tenant"))
				return
			}
			s.Fail(w, r, err)
			return
		}
		if slug != t.Slug {
			sess.Values["tenant"] = t.Slug
			_ = sess.Save(r, w)
		}
		db, err := s.Mgr.Tenant(ctx, t.Slug)
		if err != nil {
			s.Fail(w, r, err)
			return
		}
		c.Tenant, c.DB, c.Role = t, db, role
		web.ApplyTenantLocale(w, r, c, t.PrimaryLocale)
		// A tenant that requires a second factor lets a user without one do nothing but enrol
		// (on the profile page), switch tenant or sign out.
		if t.Bool("require_2fa") && !u.TwoFactor && !strings.HasPrefix(r.URL.Path, "/app/profile/") && r.URL.Path != "/app/switch/" {
			web.Redirect(w, r, "/app/profile/#two-factor")
			return
		}
		if !c.Can(p) {
			roleName := c.T("role." + role)
			s.errorPage(w, r, http.StatusForbidden, c.T("error.403.body", roleName, c.T("perm."+string(p))))
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
	t, err := s.Platform.TenantBySlug(ctx, ms[0].TenantSlug)
	return t, ms[0].Role, err
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
	for _, t := range ts {
		if _, err := s.Mgr.Tenant(ctx, t.Slug); err != nil {
			s.Log.Warn("open tenant", "tenant", t.Slug, "err", err)
			continue
		}
		n++
	}
	return n, nil
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

func (j jobSource) Slugs(ctx context.Context) ([]string, error) { return j.s.Mgr.OpenSlugs(), nil }
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
	s.errorPage(w, r, http.StatusNotFound, "")
}
