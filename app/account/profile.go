package account

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// SessionView is one session as the profile and settings pages list it.
type SessionView struct {
	platform.Session
	Browser string
	Current bool
}

// SessionViews labels sessions for display and marks the one making the request.
func SessionViews(list []platform.Session, current *platform.Session) []SessionView {
	out := make([]SessionView, len(list))
	for i, s := range list {
		out[i] = SessionView{Session: s, Browser: auth.BrowserLabel(s.UserAgent), Current: current != nil && s.ID == current.ID}
	}
	return out
}

type profileData struct {
	TwoFactor platform.TwoFactor
	Required  bool            // the active tenant requires a second factor
	Enrol     *auth.Enrolment // enrolment under way: the QR code, shown on this response only
	QR        template.URL    // the enrolment's QR code as a data: URL (CSP img-src allows data:)
	Codes     []string        // recovery codes, shown once right after enabling
	Sessions  []SessionView   // the user's live sessions
	Values    map[string]string
	Username  string // the login name, shown beside the display name field
	Feed      any    // the calendar feed section (Handler.CalendarFeed), nil: none
}

func (h *Handler) profile(w http.ResponseWriter, r *http.Request, status int, d *profileData, errs web.Errors) {
	c := web.From(r)
	var err error
	if d.TwoFactor, err = h.Platform.TwoFactorOf(r.Context(), c.UserID()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Required = c.Tenant != nil && c.Tenant.Bool("require_2fa")
	if d.Enrol != nil {
		d.QR = template.URL(d.Enrol.QR) // made here from a PNG we encoded, never from input
	}
	list, err := h.Platform.SessionsOfUser(r.Context(), c.UserID(), h.Sessions.Cutoffs())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Sessions = SessionViews(list, auth.Current(c.Session))
	if d.Values == nil {
		d.Values = map[string]string{}
	}
	if _, kept := d.Values["display_name"]; !kept {
		d.Values["display_name"] = c.User.DisplayName
	}
	d.Username = c.User.Username
	if h.CalendarFeed != nil {
		if d.Feed, err = h.CalendarFeed(r); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.Render.Render(w, r, status, "account/profile", &web.Page{Title: c.T("profile.title"), Nav: "profile", Guide: "security-on-your-vps", Data: d, Errors: errs})
}

// Profile shows the signed-in user's own page: password, second factor, sessions. A user whose
// tenant requires a second factor and who has none is sent here before anything else.
func (h *Handler) Profile(w http.ResponseWriter, r *http.Request) {
	d := &profileData{}
	// An enrolment left half-way (the page was reloaded) shows its QR code again until confirmed.
	if tf, err := h.Platform.TwoFactorOf(r.Context(), web.From(r).UserID()); err == nil && tf.Secret != "" && !tf.Enabled() {
		if d.Enrol, err = auth.Enrol(Issuer, web.From(r).User.Username, tf.Secret); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.profile(w, r, http.StatusOK, d, nil)
}

func (h *Handler) log(r *http.Request, action, summary string) {
	c := web.From(r)
	if c.DB == nil {
		return
	}
	_ = audit.Log(r.Context(), c.DB, audit.Entry{Provider: "auth", ActionType: action, Summary: summary,
		ActorUserID: c.UserID(), ActorName: c.User.Username, ModelName: "human-review", Payload: map[string]any{"ip": web.ClientIP(r)}})
}

// SaveName is POST /app/profile/name: the name the signed-in person goes by, which customers read
// where a reply says {{agent}} and colleagues see as the assignee; empty shows the login name
// again. A refused name re-renders the form with the field's message and stores nothing.
func (h *Handler) SaveName(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	name, err := h.Platform.SetDisplayName(r.Context(), c.UserID(), r.PostFormValue("display_name"))
	if errs := web.FieldErrors(r, err); errs != nil {
		h.profile(w, r, http.StatusUnprocessableEntity, &profileData{Values: map[string]string{"display_name": r.PostFormValue("display_name")}}, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	before := c.User.DisplayName
	if before != name {
		h.log(r, "change_display_name", "display name "+quoteOrNone(before)+" → "+quoteOrNone(name))
	}
	web.FlashKey(w, r, true, "profile.name_saved")
	web.Redirect(w, r, "/app/profile/")
}

// quoteOrNone is a display name for the trail: quoted, or "(none)".
func quoteOrNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return strconv.Quote(s)
}

// ChangePassword checks the current password (throttled like a sign-in), sets the new one, ends
// every session of the user — a copied cookie included — and signs this browser in afresh.
func (h *Handler) ChangePassword(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	current, next, again := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password_again")
	errs := web.Errors{}
	if len(next) < platform.MinPasswordLen {
		errs.Add("new_password", c.T("validation.password_short", platform.MinPasswordLen))
	} else if len(next) > platform.MaxPasswordLen {
		errs.Add("new_password", c.T("validation.password_long", platform.MaxPasswordLen))
	} else if platform.CommonPassword(next) {
		errs.Add("new_password", c.T("validation.password_common"))
	} else if next != again {
		errs.Add("new_password_again", c.T("profile.password_mismatch"))
	}
	if errs.Any() {
		h.profile(w, r, http.StatusUnprocessableEntity, &profileData{}, errs)
		return
	}
	key := passwordKey(c.User.Username)
	if ok, d := h.UserThrottle.Reserve(key); !ok {
		w.Header().Set("Retry-After", itoa(int(d.Seconds())))
		errs.Add("current_password", c.P.Plural("login.throttled", max(int(d.Seconds()), 1)))
		h.profile(w, r, http.StatusTooManyRequests, &profileData{}, errs)
		return
	}
	h.PasswordChecks.Add(1)
	if !platform.CheckPassword(c.User.PasswordHash, current) {
		h.UserThrottle.Fail(key)
		errs.Add("current_password", c.T("profile.current_wrong"))
		h.profile(w, r, http.StatusUnprocessableEntity, &profileData{}, errs)
		return
	}
	h.UserThrottle.Succeed(key)
	if err := h.Platform.SetPassword(r.Context(), c.UserID(), next); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.log(r, "change_password", "password changed; every session ended")
	if err := h.restart(w, r); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "profile.password_changed")
	web.Redirect(w, r, "/app/profile/")
}

// restart gives this browser a new session after its old one was ended with all the others,
// keeping the active tenant.
func (h *Handler) restart(w http.ResponseWriter, r *http.Request) error {
	c := web.From(r)
	tenant, _ := c.Session.Values["tenant"].(string)
	if _, err := h.Sessions.Start(w, r, c.Session, c.UserID(), false); err != nil {
		return err
	}
	if tenant != "" {
		c.Session.Values["tenant"] = tenant
	}
	return c.Session.Save(r, w)
}

// SignOutEverywhere ends every session of the user — other browsers, and every copy of this
// browser's cookie — and gives this browser a fresh session.
func (h *Handler) SignOutEverywhere(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	n, err := h.Platform.RevokeSessions(r.Context(), c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.log(r, "sign_out_everywhere", "signed out on every device")
	if err := h.restart(w, r); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashSay(w, r, true, i18n.Count{Key: "sessions.signed_out_everywhere", N: max(n-1, 0)})
	web.Redirect(w, r, "/app/profile/#sessions")
}

// RevokeSession ends one of the user's own sessions (another device).
func (h *Handler) RevokeSession(w http.ResponseWriter, r *http.Request) {
	EndOne(h.Render, h.Sessions, w, r, "/app/profile/#sessions", func(id int64) error {
		if err := h.Platform.DeleteSessionOf(r.Context(), web.From(r).UserID(), id); err != nil {
			return err
		}
		h.log(r, "revoke_session", "one session ended")
		return nil
	})
}

// EndOne ends the session whose id is in the URL with del (which decides whose sessions may be
// reached, ErrNotFound otherwise → 404) and goes back; ending one's own session signs out.
func EndOne(render *web.Renderer, st *auth.Store, w http.ResponseWriter, r *http.Request, back string, del func(id int64) error) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		render.Fail(w, r, err)
		return
	}
	if err := del(id); err != nil {
		render.Fail(w, r, err)
		return
	}
	if rec := auth.Current(c.Session); rec != nil && rec.ID == id {
		_ = st.End(w, r, c.Session)
		web.Redirect(w, r, "/login/")
		return
	}
	web.FlashKey(w, r, true, "profile.session_ended")
	web.Redirect(w, r, back)
}

// StartTwoFactor makes a new TOTP secret and shows its QR code (on this response only; a reload
// before confirming shows the same secret again, never after).
func (h *Handler) StartTwoFactor(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	en, err := auth.Enrol(Issuer, c.User.Username, "")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := h.Platform.StartTwoFactor(r.Context(), c.UserID(), en.Secret); errors.Is(err, platform.ErrExists) {
		web.Redirect(w, r, "/app/profile/#two-factor")
		return
	} else if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.profile(w, r, http.StatusOK, &profileData{Enrol: en}, nil)
}

// ConfirmTwoFactor turns the second factor on with the first good code, hands out the recovery
// codes (shown once) and ends the user's other sessions.
func (h *Handler) ConfirmTwoFactor(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	tf, err := h.Platform.TwoFactorOf(r.Context(), c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if tf.Enabled() || tf.Secret == "" {
		web.Redirect(w, r, "/app/profile/#two-factor")
		return
	}
	again := func(status int, errs web.Errors) {
		en, err := auth.Enrol(Issuer, c.User.Username, tf.Secret)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.profile(w, r, status, &profileData{Enrol: en}, errs)
	}
	// The account's password first, as for changing it: a session alone (a copied cookie, a panel
	// left open) must not tie the account to someone else's phone and sign its owner out.
	key := passwordKey(c.User.Username)
	if ok, d := h.UserThrottle.Reserve(key); !ok {
		w.Header().Set("Retry-After", itoa(int(d.Seconds())))
		again(http.StatusTooManyRequests, web.Errors{"confirm_password": c.P.Plural("login.throttled", max(int(d.Seconds()), 1))})
		return
	}
	h.PasswordChecks.Add(1)
	if !platform.CheckPassword(c.User.PasswordHash, r.PostFormValue("current_password")) {
		h.UserThrottle.Fail(key)
		again(http.StatusUnprocessableEntity, web.Errors{"confirm_password": c.T("profile.current_wrong")})
		return
	}
	h.UserThrottle.Succeed(key)
	step := auth.CheckTOTP(tf.Secret, r.PostFormValue("code"), h.now())
	if step == 0 {
		again(http.StatusUnprocessableEntity, web.Errors{"code": c.T("twofactor.wrong_code")})
		return
	}
	codes := auth.NewRecoveryCodes(auth.RecoveryCodes)
	keep := int64(0)
	if rec := auth.Current(c.Session); rec != nil {
		keep = rec.ID
	}
	if err := h.Platform.FinishTwoFactor(r.Context(), c.UserID(), step, codes, keep, h.now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.log(r, "enable_2fa", "two-step sign-in turned on")
	c.User.TwoFactor = true
	d := &profileData{Codes: codes}
	h.profile(w, r, http.StatusOK, d, nil)
}

// DisableTwoFactor turns the second factor off after a current code or a recovery code; refused
// while a tenant of the user requires it.
func (h *Handler) DisableTwoFactor(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	required, err := h.Platform.RequiresTwoFactor(r.Context(), c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if required {
		h.profile(w, r, http.StatusUnprocessableEntity, &profileData{}, web.Errors{"disable_code": c.T("twofactor.required_cannot_disable")})
		return
	}
	// Already off (turned off from another tab): say so; the form with the code field is gone.
	if tf, err := h.Platform.TwoFactorOf(r.Context(), c.UserID()); err != nil {
		h.Render.Fail(w, r, err)
		return
	} else if !tf.Enabled() {
		web.FlashKey(w, r, true, "twofactor.disabled")
		web.Redirect(w, r, "/app/profile/#two-factor")
		return
	}
	key := "2fa:" + strconv.FormatInt(c.UserID(), 10)
	if ok, d := h.UserThrottle.Reserve(key); !ok {
		w.Header().Set("Retry-After", itoa(int(d.Seconds())))
		h.profile(w, r, http.StatusTooManyRequests, &profileData{}, web.Errors{"disable_code": c.P.Plural("login.throttled", max(int(d.Seconds()), 1))})
		return
	}
	ok, err := h.checkSecondFactor(r.Context(), c.UserID(), r.PostFormValue("code"))
	if err != nil {
		h.UserThrottle.Release(key)
		h.Render.Fail(w, r, err)
		return
	}
	if !ok {
		h.UserThrottle.Fail(key)
		h.profile(w, r, http.StatusUnprocessableEntity, &profileData{}, web.Errors{"disable_code": c.T("twofactor.wrong_code")})
		return
	}
	h.UserThrottle.Succeed(key)
	keep := int64(0)
	if rec := auth.Current(c.Session); rec != nil {
		keep = rec.ID
	}
	if err := h.Platform.ResetTwoFactor(r.Context(), c.UserID(), keep); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.log(r, "disable_2fa", "two-step sign-in turned off")
	web.FlashKey(w, r, true, "twofactor.disabled")
	web.Redirect(w, r, "/app/profile/#two-factor")
}
