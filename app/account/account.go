// Package account is signing in and out and switching the active tenant: the doors of the panel.
package account

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gorilla/sessions"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// Handler serves /login/, /logout/ and the tenant switcher.
type Handler struct {
	Render       *web.Renderer
	Platform     *platform.Service
	Sessions     *sessions.CookieStore
	UserThrottle *auth.Throttle
	IPThrottle   *auth.Throttle
	// OpenTenant gives the tenant's database so sign-ins can be written to its audit trail.
	AuditLogin func(ctx context.Context, slug string, e audit.Entry)
}

func (h *Handler) session(r *http.Request) *sessions.Session {
	s, err := h.Sessions.Get(r, auth.SessionName)
	if err != nil {
		s, _ = h.Sessions.New(r, auth.SessionName)
	}
	return s
}

func (h *Handler) save(w http.ResponseWriter, r *http.Request, s *sessions.Session) error {
	opts := *h.Sessions.Options
	opts.Secure = web.Secure(r)
	s.Options = &opts
	return s.Save(r, w)
}

type loginData struct {
	Username string
	Next     string
}

// Form shows the sign-in form (or goes to the dashboard when already signed in).
func (h *Handler) Form(w http.ResponseWriter, r *http.Request) {
	s := h.session(r)
	if uid, _ := s.Values["uid"].(int64); uid != 0 {
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

// Login checks the password with throttling per username and per IP: after a burst of failures
// the answer is 429 with Retry-After, whether or not the password is right.
func (h *Handler) Login(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	username := strings.TrimSpace(r.PostFormValue("username"))
	password := r.PostFormValue("password")
	next := web.SafeNext(r.PostFormValue("next"), "/app/")
	ip := web.ClientIP(r)
	userKey := "u:" + strings.ToLower(username)
	page := &web.Page{Title: c.T("login.title"), Guide: "login-and-navigation", Data: loginData{Username: username, Next: next}}
	blockedU, du := h.UserThrottle.Blocked(userKey)
	blockedI, di := h.IPThrottle.Blocked("ip:" + ip)
	if blockedU || blockedI {
		h.throttled(w, r, page, max(du, di))
		return
	}
	u, ok := h.Platform.Authenticate(r.Context(), username, password)
	if !ok {
		d := max(h.UserThrottle.Fail(userKey), h.IPThrottle.Fail("ip:"+ip))
		if d > 0 {
			h.throttled(w, r, page, d)
			return
		}
		page.FlashErr = c.T("login.invalid")
		h.Render.Render(w, r, http.StatusUnauthorized, "account/login", page)
		return
	}
	h.UserThrottle.Succeed(userKey)
	s := h.session(r)
	// A fresh session on every sign-in: nothing from before the login carries over.
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.Values["uid"] = u.ID
	s.Values["at"] = time.Now().Unix()
	ms, _ := h.Platform.MembershipsOfUser(r.Context(), u.ID)
	if len(ms) > 0 {
		s.Values["tenant"] = ms[0].TenantSlug
		if h.AuditLogin != nil {
			h.AuditLogin(r.Context(), ms[0].TenantSlug, audit.Entry{Provider: "auth", ActionType: "login", Summary: "signed in",
				ActorUserID: u.ID, ActorName: u.Username, ModelName: "human-review", Payload: map[string]any{"ip": ip}})
		}
	}
	if err := h.save(w, r, s); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, next)
}

func (h *Handler) throttled(w http.ResponseWriter, r *http.Request, page *web.Page, d time.Duration) {
	c := web.From(r)
	secs := int(math.Ceil(d.Seconds()))
	w.Header().Set("Retry-After", itoa(secs))
	page.FlashErr = c.P.Plural("login.throttled", secs)
	h.Render.Render(w, r, http.StatusTooManyRequests, "account/login", page)
}

func itoa(n int) string { return strconv.Itoa(max(n, 1)) }

// Logout ends the session (POST only, so a link on another site cannot sign anyone out).
func (h *Handler) Logout(w http.ResponseWriter, r *http.Request) {
	s := h.session(r)
	for k := range s.Values {
		delete(s.Values, k)
	}
	s.Options = &sessions.Options{Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode}
	_ = s.Save(r, w)
	web.Redirect(w, r, "/login/")
}

// Switch changes the active tenant; only to a tenant the user belongs to, or any tenant for staff.
func (h *Handler) Switch(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	slug := r.PostFormValue("tenant")
	allowed := false
	for _, m := range c.Memberships {
		if m.TenantSlug == slug {
			allowed = true
		}
	}
	if !allowed && c.User.IsStaff {
		if _, err := h.Platform.TenantBySlug(r.Context(), slug); err == nil {
			allowed = true
		}
	}
	if !allowed {
		h.Render.Error(w, r, http.StatusForbidden, c.T("error.not_member"))
		return
	}
	c.Session.Values["tenant"] = slug
	if err := h.save(w, r, c.Session); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/")
}
