// Package api is the integration API under /api/v1/ (guide: 31-integration-api.md): scoped tenant API keys read
// conversations, leads, recommendations and action logs, and import leads and CRM records in
// all-or-nothing batches that are idempotent on external_id.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/channels/chanutil"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves /api/v1/.
type Handler struct {
	Platform *platform.Service
	Keys     *chanutil.Keys
	Inbox    *inbox.Service
	Log      *slog.Logger
	Limits   *chanutil.Limiters
	openapi  []byte // the OpenAPI document, built once from types.go
}

// New builds the handler with a per-key limit of 20 requests/s (bursts of 100).
func New(p *platform.Service, keys *chanutil.Keys, in *inbox.Service, log *slog.Logger) *Handler {
	doc, err := openAPIDocument()
	if err != nil {
		panic(err) // the document is built from this package's types: a failure is a programming error
	}
	return &Handler{Platform: p, Keys: keys, Inbox: in, Log: log, Limits: chanutil.NewLimiters(20, 100), openapi: doc}
}

// auth authenticates the key for scope and applies the rate limit; nil means it answered.
func (h *Handler) auth(w http.ResponseWriter, r *http.Request, scope string) *chanutil.Caller {
	c, err := h.Keys.Authenticate(r.Context(), chanutil.KeyFromRequest(r), scope)
	if err != nil {
		var ke *chanutil.KeyError
		if errors.As(err, &ke) {
			web.JSONError(w, ke.Status, ke.Code, ke.Msg)
		} else {
			h.Log.Error("api: key", "err", err)
			web.JSONError(w, http.StatusInternalServerError, "internal", "internal error")
		}
		return nil
	}
	if ok, wait := h.Limits.Allow(strconv.FormatInt(c.Key.ID, 10)); !ok {
		w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
		web.JSONError(w, http.StatusTooManyRequests, "rate_limited", "too many requests for this key")
		return nil
	}
	return c
}

func (h *Handler) fail(w http.ResponseWriter, err error) {
	if errors.Is(err, tenantdb.ErrNotFound) {
		web.JSONError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	h.Log.Error("api", "err", err)
	web.JSONError(w, http.StatusInternalServerError, "internal", "internal error")
}

func limitParam(r *http.Request) (int, bool) {
	s := r.URL.Query().Get("limit")
	if s == "" {
		return 50, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1 && n <= 500
}

// cursorOut is the next page's cursor, nil on the last page.
func cursorOut(next int64) *string {
	if next <= 0 {
		return nil
	}
	s := strconv.FormatInt(next, 10)
	return &s
}

func cursorParam(r *http.Request) (int64, bool) {
	s := r.URL.Query().Get("cursor")
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n > 0
}

// Conversations is GET /api/v1/conversations.
func (h *Handler) Conversations(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "read")
	if c == nil {
		return
	}
	q := r.URL.Query()
	limit, ok1 := limitParam(r)
	cursor, ok2 := cursorParam(r)
	f := convFilter{State: q.Get("state"), Channel: q.Get("channel"), Q: strings.TrimSpace(q.Get("q")), Limit: limit, Cursor: cursor}
	switch q.Get("handoff") {
	case "", "0", "false":
	case "1", "true":
		f.Handoff = true
	default:
		ok1 = false
	}
	if !ok1 || !ok2 || len(f.Q) > 200 {
		web.JSONError(w, http.StatusBadRequest, "bad_query", "limit must be 1–500, cursor a positive id, handoff 1 or 0")
		return
	}
	list, next, err := listConversations(r.Context(), c.DB, f)
	if err != nil {
		h.fail(w, err)
		return
	}
	web.JSON(w, http.StatusOK, ConversationList{Conversations: list, NextCursor: cursorOut(next)})
}

// Conversation is GET /api/v1/conversations/{id}.
func (h *Handler) Conversation(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "read")
	if c == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		web.JSONError(w, http.StatusNotFound, "not_found", "not found")
		return
	}
	out, err := conversationDetail(r.Context(), c.DB, id)
	if err != nil {
		h.fail(w, err)
		return
	}
	web.JSON(w, http.StatusOK, out)
}

// Leads is GET /api/v1/leads.
func (h *Handler) Leads(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "read")
	if c == nil {
		return
	}
	limit, ok1 := limitParam(r)
	cursor, ok2 := cursorParam(r)
	if !ok1 || !ok2 {
		web.JSONError(w, http.StatusBadRequest, "bad_query", "limit must be 1–500 and cursor a positive id")
		return
	}
	list, next, err := listLeads(r.Context(), c.DB, limit, cursor)
	if err != nil {
		h.fail(w, err)
		return
	}
	web.JSON(w, http.StatusOK, LeadList{Leads: list, NextCursor: cursorOut(next)})
}

// Recommendations is GET /api/v1/recommendations?status=.
func (h *Handler) Recommendations(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "read")
	if c == nil {
		return
	}
	st := r.URL.Query().Get("status")
	switch st {
	case "", "draft", "pending", "approved", "rejected", "executed":
	default:
		web.JSONError(w, http.StatusBadRequest, "bad_query", "status must be draft, pending, approved, rejected or executed")
		return
	}
	list, err := listRecommendations(r.Context(), c.DB, "status", st, 500)
	if err != nil {
		h.fail(w, err)
		return
	}
	web.JSON(w, http.StatusOK, RecommendationList{Recommendations: list})
}

// ActionLogs is GET /api/v1/action-logs?provider=.
func (h *Handler) ActionLogs(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "read")
	if c == nil {
		return
	}
	limit, ok := limitParam(r)
	if !ok {
		web.JSONError(w, http.StatusBadRequest, "bad_query", "limit must be 1–500")
		return
	}
	rows, err := audit.Search(r.Context(), c.DB, audit.Filter{Provider: r.URL.Query().Get("provider"), Limit: limit})
	if err != nil {
		h.fail(w, err)
		return
	}
	out := ActionLogList{ActionLogs: make([]ActionLog, 0, len(rows))}
	for _, a := range rows {
		out.ActionLogs = append(out.ActionLogs, ActionLog{ID: a.ID, Provider: a.Provider, ActionType: a.ActionType, Status: a.Status,
			DecisionSummary: a.Summary, Input: a.Input, Output: a.Output, Payload: Payload(a.Payload), ModelName: a.ModelName,
			ActorName: a.ActorName, ConversationID: a.ConversationID, CreatedAt: msTime(a.CreatedAt)})
	}
	web.JSON(w, http.StatusOK, out)
}
