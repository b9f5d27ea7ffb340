package approvals

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/inbox"
	"highvibe/app/live"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves /app/approvals/...
type Handler struct {
	Render *web.Renderer
	Live   *live.Hub
}

type pageData struct {
	Pending   []*Recommendation
	Decided   []*Recommendation
	Handoffs  []inbox.HandoffItem
	Logs      []*audit.Row
	CanDecide bool
}

// Index renders the queue: open recommendations by priority then age, handoff conversations (20),
// the latest decisions and the last 50 action logs.
func (h *Handler) Index(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	d := &pageData{CanDecide: c.Can(auth.DecideRecommendations)}
	var err error
	if d.Pending, err = Pending(ctx, c.DB, 200); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Decided, err = Decided(ctx, c.DB, 10); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Handoffs, err = inbox.HandoffConversations(ctx, c.DB.Read, 20); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Logs, err = audit.Search(ctx, c.DB, audit.Filter{Limit: 50}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "approvals/index", &web.Page{Title: c.T("approvals.title"), Nav: "approvals", Guide: "approval-queue", Data: d})
}

// Approve, Reject and Execute record a decision (optional form field `reason`).
func (h *Handler) Approve(w http.ResponseWriter, r *http.Request) { h.decide(w, r, "approve") }

// Reject records a rejection.
func (h *Handler) Reject(w http.ResponseWriter, r *http.Request) { h.decide(w, r, "reject") }

// Execute marks a lead_generation recommendation as carried out.
func (h *Handler) Execute(w http.ResponseWriter, r *http.Request) { h.decide(w, r, "execute") }

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

func actorName(c *web.Ctx) string {
	if c.User == nil {
		return ""
	}
	return c.User.Username
}

func (h *Handler) decide(w http.ResponseWriter, r *http.Request, verb string) {
	c := web.From(r)
	id, ok := pathID(r)
	if !ok {
		h.Render.Error(w, r, http.StatusNotFound, "")
		return
	}
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	if len([]rune(reason)) > 1000 {
		h.Render.Error(w, r, http.StatusUnprocessableEntity, c.T("approvals.reason_too_long"))
		return
	}
	status := Decisions[verb]
	note := c.T("approvals.note."+status, actorName(c))
	if reason != "" {
		note += " — " + reason
	}
	rec, msgID, err := Decide(r.Context(), c.DB, Decision{ID: id, Verb: verb, Reason: reason, Note: note,
		Actor: Actor{UserID: c.UserID(), Name: actorName(c)}})
	switch {
	case errors.Is(err, ErrDecided) && rec != nil:
		h.Render.Render(w, r, http.StatusConflict, "approvals/conflict", &web.Page{Title: c.T("approvals.conflict_title"), Nav: "approvals", Guide: "approval-queue", Data: rec})
		return
	case errors.Is(err, ErrNotExecutable):
		h.Render.Error(w, r, http.StatusUnprocessableEntity, c.T("approvals.not_executable"))
		return
	case errors.Is(err, tenantdb.ErrNotFound):
		h.Render.Error(w, r, http.StatusNotFound, "")
		return
	case err != nil:
		// The database trigger refusing a change to a decided row is also a conflict.
		if strings.Contains(err.Error(), "immutable") {
			h.Render.Error(w, r, http.StatusConflict, c.T("approvals.conflict_body"))
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	if h.Live != nil && rec.ConversationID > 0 {
		h.Live.Publish(c.Tenant.Slug, live.Event{Kind: "recommendation", ConversationID: rec.ConversationID, MessageID: msgID})
	}
	web.Flash(w, r, true, c.T("approvals.done."+status))
	web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
}

// Send delivers an approved draft reply to the customer through the conversation's channel; with a
// form field "body" (the conversation page) an open draft is approved and sent as edited.
func (h *Handler) Send(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := pathID(r)
	if !ok {
		h.Render.Error(w, r, http.StatusNotFound, "")
		return
	}
	// The conversation page posts the draft as the operator left it ("body"): approved and sent in one go.
	text := strings.TrimSpace(r.PostFormValue("body"))
	if len([]rune(text)) > 4000 {
		h.Render.Error(w, r, http.StatusUnprocessableEntity, c.T("validation.too_long", 4000))
		return
	}
	rec, msgID, err := SendEdited(r.Context(), c.DB, id, text, c.T("approvals.note.approved", actorName(c)),
		Actor{UserID: c.UserID(), Name: actorName(c)})
	switch {
	case errors.Is(err, ErrDecided) && rec != nil:
		h.Render.Render(w, r, http.StatusConflict, "approvals/conflict", &web.Page{Title: c.T("approvals.conflict_title"), Nav: "approvals", Guide: "approval-queue", Data: rec})
		return
	case errors.Is(err, tenantdb.ErrNotFound):
		h.Render.Error(w, r, http.StatusNotFound, "")
		return
	case errors.Is(err, ErrAlreadySent):
		h.Render.Error(w, r, http.StatusConflict, c.T("approvals.already_sent"))
		return
	case errors.Is(err, ErrNotSendable):
		h.Render.Error(w, r, http.StatusConflict, c.T("approvals.not_sendable"))
		return
	case err != nil:
		h.Render.Fail(w, r, err)
		return
	}
	if h.Live != nil {
		h.Live.Publish(c.Tenant.Slug, live.Event{Kind: "message", ConversationID: rec.ConversationID, MessageID: msgID})
	}
	done := c.T("approvals.sent")
	if text != "" && text != strings.TrimSpace(rec.DraftReply) {
		done = c.T("approvals.sent_edited")
	}
	web.Flash(w, r, true, done)
	web.Redirect(w, r, web.SafeNext(r.PostFormValue("next"), "/app/approvals/"))
}
