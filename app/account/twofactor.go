package account

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/web"
)

// Issuer names HighVibe in authenticator apps.
const Issuer = "HighVibe"

type secondStepData struct{ Next string }

// checkSecondFactor accepts a current TOTP code (once: a replayed code is refused) or an unused
// recovery code (spent by this call).
func (h *Handler) checkSecondFactor(ctx context.Context, userID int64, code string) (bool, error) {
	tf, err := h.Platform.TwoFactorOf(ctx, userID)
	if err != nil || !tf.Enabled() {
		return false, err
	}
	code = strings.TrimSpace(code)
	if digits := strings.ReplaceAll(code, " ", ""); len(digits) == 6 && strings.Trim(digits, "0123456789") == "" {
		step := auth.CheckTOTP(tf.Secret, digits, h.now())
		if step == 0 {
			return false, nil
		}
		return h.Platform.UseTOTPStep(ctx, userID, step)
	}
	return h.Platform.UseRecoveryCode(ctx, userID, code, h.now())
}

func (h *Handler) now() time.Time {
	if h.Sessions != nil && h.Sessions.Now != nil {
		return h.Sessions.Now()
	}
	return time.Now()
}

// SecondStepForm asks for the authenticator code after a right password.
func (h *Handler) SecondStepForm(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	rec := auth.Current(h.session(r))
	if rec == nil || !rec.Pending2FA {
		web.Redirect(w, r, "/login/")
		return
	}
	h.Render.Render(w, r, http.StatusOK, "account/second_step", &web.Page{Title: c.T("twofactor.step_title"), Guide: "security-on-your-vps",
		Data: secondStepData{Next: web.SafeNext(r.URL.Query().Get("next"), "")}})
}

// SecondStep checks the code of a half-finished sign-in. Attempts are reserved per user before
// checking, like passwords; after the burst the sign-in is abandoned and must start over.
func (h *Handler) SecondStep(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s := h.session(r)
	rec := auth.Current(s)
	if rec == nil || !rec.Pending2FA {
		web.Redirect(w, r, "/login/")
		return
	}
	next := web.SafeNext(r.PostFormValue("next"), "/app/")
	page := &web.Page{Title: c.T("twofactor.step_title"), Guide: "security-on-your-vps", Data: secondStepData{Next: next}}
	key := "2fa:" + strconv.FormatInt(rec.UserID, 10)
	if ok, d := h.UserThrottle.Reserve(key); !ok {
		_ = h.Sessions.End(w, r, s)
		h.throttled(w, r, "account/second_step", page, d)
		return
	}
	ok, err := h.checkSecondFactor(r.Context(), rec.UserID, r.PostFormValue("code"))
	if err != nil {
		h.UserThrottle.Release(key)
		h.Render.Fail(w, r, err)
		return
	}
	if !ok {
		d := h.UserThrottle.Fail(key)
		if d > 0 {
			_ = h.Sessions.End(w, r, s) // the sign-in starts over from the password
		}
		h.wrong(w, r, "account/second_step", page, d, "twofactor.wrong_code")
		return
	}
	h.UserThrottle.Succeed(key)
	u, err := h.Platform.UserByID(r.Context(), rec.UserID)
	if err != nil || u.Disabled {
		_ = h.Sessions.End(w, r, s)
		web.Redirect(w, r, "/login/")
		return
	}
	// The finished sign-in gets a new token; the half-finished session's row is deleted.
	if _, err := h.Sessions.Start(w, r, s, u.ID, false); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.enter(w, r, s, u, web.ClientIP(r), next)
}
