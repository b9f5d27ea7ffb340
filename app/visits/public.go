package visits

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/live"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

func liveConversation(convID int64) live.Event {
	return live.Event{Kind: "conversation", ConversationID: convID}
}

// publicPage is what the customer's page of a visit shows.
type publicPage struct {
	V        *Visit
	Business string
	Link     string
	When     string
	Done     string // "accepted" or "reschedule" right after an answer
	Closed   bool   // the visit no longer takes an answer (cancelled, done, moved back to proposed)
	// Hidden: the visit's date is not an approved one (moved after its confirmation, the new date
	// waiting for approval): the page says it changed and shows no date, place or length.
	Hidden bool
	// Past: the confirmed visit's time has come; the page says so and asks the customer to
	// contact the business instead of offering the answers.
	Past bool
}

// public resolves /v/<slug>.<token> to its tenant and visit; any miss is the same 404, so a
// guessed link tells nothing about which part was wrong. A visit whose date was not approved
// (proposed) is never shown: nothing a person has not approved reaches the customer.
func (h *BookHandler) public(w http.ResponseWriter, r *http.Request) (*platform.Tenant, *tenantdb.DB, *Visit, bool) {
	t, db, token, err := h.Platform.OpenLink(r.Context(), r.PathValue("link"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	v, err := ByToken(r.Context(), db.Read, token)
	if err == nil && v.ApprovedAt == 0 && !linkSent(r.Context(), db, v) {
		err = tenantdb.ErrNotFound // never confirmed: nobody was given the link
	}
	if err != nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return nil, nil, nil, false
	}
	// The page speaks the conversation's language unless the visitor picked another one.
	c := web.From(r)
	if r.URL.Query().Get("lang") == "" && v.ConversationID != 0 {
		if conv, err := inbox.ConversationByID(r.Context(), db.Read, v.ConversationID); err == nil && i18n.Supported(conv.Language) {
			c.Lang, c.P = conv.Language, i18n.For(conv.Language).In(c.Loc)
		}
	}
	return t, db, v, true
}

func (h *BookHandler) showPublic(w http.ResponseWriter, r *http.Request, status int, t *platform.Tenant, db *tenantdb.DB, v *Visit, done string, errs map[string]string) {
	c := web.From(r)
	loc, err := hoursdb.Zone(r.Context(), db.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	ct := &customerText{P: c.P.In(loc), Loc: loc}
	d := &publicPage{V: v, Business: t.Name, Link: "/v/" + t.Slug + "." + v.Token, When: ct.When(v), Done: done, Closed: v.Status != StatusConfirmed,
		Hidden: v.ApprovedAt == 0, Past: !v.Start().After(h.now())}
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	h.Render.Render(w, r, status, "visits/public", &web.Page{Title: c.T("visits.public.title", t.Name), Nav: "customer", Data: d, Errors: errs, Form: r.PostForm})
}

// Public is GET /v/{link}: the customer's page of a confirmed visit: when, where, who from, and
// the two answers. No sign-in, no tracking.
func (h *BookHandler) Public(w http.ResponseWriter, r *http.Request) {
	t, db, v, ok := h.public(w, r)
	if !ok {
		return
	}
	h.showPublic(w, r, http.StatusOK, t, db, v, r.URL.Query().Get("done"), nil)
}

// Accept is POST /v/{link}/accept.
func (h *BookHandler) Accept(w http.ResponseWriter, r *http.Request) { h.answer(w, r, AnswerAccepted) }

// AskOther is POST /v/{link}/reschedule: the customer asks for another time (optional message).
func (h *BookHandler) AskOther(w http.ResponseWriter, r *http.Request) {
	h.answer(w, r, AnswerReschedule)
}

func (h *BookHandler) answer(w http.ResponseWriter, r *http.Request, answer string) {
	t, db, v, ok := h.public(w, r)
	if !ok {
		return
	}
	got, msgID, err := Answer(r.Context(), db, v.Token, answer, r.PostFormValue("message"), h.now())
	if errs := web.FieldErrors(r, err); errs != nil {
		h.showPublic(w, r, http.StatusUnprocessableEntity, t, db, v, "", errs)
		return
	}
	if errors.Is(err, ErrAnswerClosed) || errors.Is(err, ErrAnswerPast) {
		h.showPublic(w, r, http.StatusConflict, t, db, v, "", nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Svc != nil && h.Svc.Live != nil && got.ConversationID != 0 {
		h.Svc.Live.Publish(t.Slug, live.Event{Kind: "message", ConversationID: got.ConversationID, MessageID: msgID})
	}
	http.Redirect(w, r, "/v/"+t.Slug+"."+v.Token+"?done="+answer, http.StatusSeeOther)
}

// linkSent reports whether the customer was given v's link: a message of its conversation (the
// confirmation, a reminder) carries it. A visit moved after its confirmation is proposed again,
// its approval cleared; its link, in the customer's hands, then opens a page saying it changed
// rather than "not found". Only the newest 500 messages are read: an older link is a 404 as before.
func linkSent(ctx context.Context, db *tenantdb.DB, v *Visit) bool {
	if v.ConversationID == 0 || v.Token == "" {
		return false
	}
	msgs, _, err := inbox.Latest(ctx, db.Read, v.ConversationID, 0, 500)
	if err != nil {
		return false
	}
	for _, m := range msgs {
		if m.Direction == "outbound" && strings.Contains(m.Body, "."+v.Token) {
			return true
		}
	}
	return false
}
