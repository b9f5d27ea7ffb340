// Package account is signing in and out and switching the active tenant: the doors of the panel.
package account

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gorilla/sessions"
	"github.com/prometheus/client_golang/prometheus"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// Handler serves /login/, /logout/ and the tenant switcher.
type Handler struct {
	Render       *web.Renderer
	Platform     *platform.Service
	Sessions     *auth.Store
	UserThrottle *auth.Throttle
	IPThrottle   *auth.Throttle
	// PasswordChecks counts password hashes computed by sign-ins (a Prometheus counter), so the
	// throttle's promise — at most the burst allowance is ever hashed — can be watched.
	PasswordChecks atomic.Int64
	// AuditLogin writes a sign-in to the tenant's audit trail.
	AuditLogin func(ctx context.Context, slug string, e audit.Entry)
	// Opens reports whether a business's file opens (nil: every one does): a sign-in lands in the
	// first business that does.
	Opens func(ctx context.Context, slug string) bool
	// CalendarFeed, when set, is the profile's section about the member's own calendar feed
	// (app/visits; drawn by the shared template "calendar-feed"); nil result: no section.
	CalendarFeed func(r *http.Request) (any, error)
}

func (h *Handler) session(r *http.Request) *sessions.Session {
	s, err := h.Sessions.Get(r, auth.SessionName)
	if err != nil {
		s, _ = h.Sessions.New(r, auth.SessionName)
	}
	return s
}

type loginData struct {
	Username string
	Next     string
}

// Form shows the sign-in form (or goes to the dashboard when already signed in).
func (h *Handler) Form(w http.ResponseWriter, r *http.Request) {
	s := h.session(r)
	if uid := auth.SignedIn(s); uid != 0 {
		if u, err := h.Platform.UserByID(r.Context(), uid); err == nil && !u.Disabled {
			http.Redirect(w, r, web.SafeNext(r.URL.Query().Get("next"), "/app/"), http.StatusSeeOther)
			return
		}
	}
	c := web.From(r)
	c.Session = s
	h.Render.Render(w, r, http.StatusOK, "account/login", &web.Page{
		Title: c.T("login.title"), Guide: "login-and-navigation",
		Data: loginData{Next: web.SafeNext(r.URL.Query().Get("next"), "")},
	})
}

// Login checks the password with throttling per username and per address. The attempt is
// reserved on both keys before the password is hashed, so a burst of parallel guesses gets at most
// the burst allowance of hashes; the rest are answered 429 with Retry-After at once, whether or
// not the password is right.
func (h *Handler) Login(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := web.SafeNext(r.PostFormValue("next"), "/app/")
	ip := web.ClientIP(r)
	userKey, ipKey := passwordKey(username), "ip:"+web.ClientKey(r)
	page := &web.Page{Title: c.T("login.title"), Guide: "login-and-navigation", Data: loginData{Username: username, Next: next}}
	if ok, d := h.UserThrottle.Reserve(userKey); !ok {
		h.throttled(w, r, "account/login", page, d)
		return
	}
	if ok, d := h.IPThrottle.Reserve(ipKey); !ok {
		h.UserThrottle.Release(userKey)
		h.throttled(w, r, "account/login", page, d)
		return
	}
	h.PasswordChecks.Add(1)
	u, ok := h.Platform.Authenticate(r.Context(), username, password)
	if !ok {
		h.wrong(w, r, "account/login", page, max(h.UserThrottle.Fail(userKey), h.IPThrottle.Fail(ipKey)), "login.invalid")
		return
	}
	h.UserThrottle.Succeed(userKey)
	h.IPThrottle.Release(ipKey)
	// A fresh session on every sign-in: a new token, nothing from before the login carries over.
	// With a second factor the session opens nothing until the code is given.
	s := h.session(r)
	if _, err := h.Sessions.Start(w, r, s, u.ID, u.TwoFactor); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if u.TwoFactor {
		web.Redirect(w, r, "/login/2fa?next="+url.QueryEscape(next))
		return
	}
	h.enter(w, r, s, u, ip, next)
}

// enter finishes a sign-in: the first tenant whose file opens (else the first) becomes the active
// one, the sign-in is written to its audit trail, and the browser goes where it was heading.
func (h *Handler) enter(w http.ResponseWriter, r *http.Request, s *sessions.Session, u *platform.User, ip, next string) {
	ms, _ := h.Platform.MembershipsOfUser(r.Context(), u.ID)
	if len(ms) > 0 {
		slug := ms[0].TenantSlug
		for _, m := range ms {
			if h.Opens == nil || h.Opens(r.Context(), m.TenantSlug) {
				slug = m.TenantSlug
				break
			}
		}
		s.Values["tenant"] = slug
		if h.AuditLogin != nil {
			h.AuditLogin(r.Context(), slug, audit.Entry{Provider: "auth", ActionType: "login", Summary: "signed in",
				ActorUserID: u.ID, ActorName: u.Username, ModelName: "human-review", Payload: map[string]any{"ip": ip}})
		}
	}
	if err := s.Save(r, w); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, next)
}

// wrong answers a failed sign-in step: 429 when this failure locked the key out, else 401 with
// the message msgKey.
func (h *Handler) wrong(w http.ResponseWriter, r *http.Request, view string, page *web.Page, lockout time.Duration, msgKey string) {
	if lockout > 0 {
		h.throttled(w, r, view, page, lockout)
		return
	}
	page.FlashErr = web.From(r).T(msgKey)
	h.Render.Render(w, r, http.StatusUnauthorized, view, page)
}

func (h *Handler) throttled(w http.ResponseWriter, r *http.Request, view string, page *web.Page, d time.Duration) {
	c := web.From(r)
	secs := int(math.Ceil(d.Seconds()))
	w.Header().Set("Retry-After", itoa(secs))
	page.FlashErr = c.P.Plural("login.throttled", secs)
	h.Render.Render(w, r, http.StatusTooManyRequests, view, page)
}

func itoa(n int) string { return strconv.Itoa(max(n, 1)) }

// passwordKey is the throttle key of a username's password checks: the sign-in form's, the
// profile's password change and turning two-step sign-in on share one allowance.
func passwordKey(username string) string { return "u:" + strings.ToLower(username) }

// Logout ends the session on the server (POST only, so a link on another site cannot sign anyone
// out): every copy of the cookie stops working at once.
func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) {
	if err := h.Sessions.End(w, r, h.session(r)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/login/")
}

// Switch changes the active tenant; only to a tenant the user belongs to, or any tenant for staff.
// Staff type into a search box: a slug, a name, or part of one that names exactly one tenant
// enters it; anything else opens the staff console's tenant search with that text.
func (h *Handler) Switch(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	slug := strings.TrimSpace(r.PostFormValue("tenant"))
	allowed := false
	for _, m := range c.Memberships {
		if m.TenantSlug == slug {
			allowed = true
		}
	}
	if !allowed && c.User.IsStaff {
		if t := pickTenant(c.AllTenants, slug); t != nil {
			slug, allowed = t.Slug, true
		} else {
			web.Redirect(w, r, "/staff/?q="+url.QueryEscape(slug))
			return
		}
	}
	if !allowed {
		h.Render.Fail(w, r, fault.Forbidden("error.not_member"))
		return
	}
	c.Session.Values["tenant"] = slug
	if err := c.Session.Save(r, w); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/")
}

// pickTenant finds the one tenant q names: its slug, its name (any case), or a part of exactly one
// tenant's slug or name; nil when q names none or several.
func pickTenant(ts []*platform.Tenant, q string) *platform.Tenant {
	if q == "" {
		return nil
	}
	lq := strings.ToLower(q)
	var part []*platform.Tenant
	for _, t := range ts {
		if t.Slug == q || strings.EqualFold(t.Name, q) {
			return t
		}
		if strings.Contains(t.Slug, lq) || strings.Contains(strings.ToLower(t.Name), lq) {
			part = append(part, t)
		}
	}
	if len(part) == 1 {
		return part[0]
	}
	return nil
}

// Collector is the sign-in counter for the server's metrics registry.
func (h *Handler) Collector() prometheus.Collector {
	return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "highvibe_login_password_checks_total",
		Help: "Passwords hashed to check a sign-in or a password change (throttled attempts are refused before hashing)."},
		func() float64 { return float64(h.PasswordChecks.Load()) })
}
