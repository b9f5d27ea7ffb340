// Package api is the integration API under /api/v1/ (guide: 31-integration-api.md): scoped tenant API keys read
// conversations, leads, recommendations and action logs, and import leads and CRM records in
// all-or-nothing batches that are idempotent on external_id.
package api

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/audit"
	"highvibe/app/channels/chanutil"
	"highvibe/app/fault"
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
	// A key in the address (?api_key=) is refused whatever else came: addresses end up in
	// proxies' and servers' access logs. Only the WhatsApp webhook, whose address Meta calls,
	// takes that form.
	var c *chanutil.Caller
	err := error(&chanutil.KeyError{Status: http.StatusUnauthorized, Code: "key_in_query", Msg: "send the API key in a header, not in the address"})
	if !chanutil.KeyInQuery(r) {
		c, err = h.Keys.Authenticate(r.Context(), chanutil.KeyFromHeader(r), scope)
	}
	if err != nil {
		var ke *chanutil.KeyError
		if errors.As(err, &ke) {
			kind := fault.KindForbidden
			if ke.Status == http.StatusUnauthorized {
				kind = fault.KindUnauthorized
			}
			err = fault.New(kind, "api.err."+ke.Code, scope).WithCode(ke.Code)
		}
		if errors.Is(err, tenantdb.ErrUnavailable) { // the business's file does not open: 503
			w.Header().Set("Retry-After", chanutil.UnavailableWait)
		}
		h.fail(w, r, err)
		return nil
	}
	if !c.Tenant.Active() {
		// A suspended tenant (staff console) takes in and gives out nothing, like its widget and webhooks.
		h.fail(w, r, fault.Forbidden("api.err.tenant_inactive").WithCode("tenant_inactive"))
		return nil
	}
	if ok, wait := h.Limits.Allow(strconv.FormatInt(c.Key.ID, 10)); !ok {
		w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
		h.fail(w, r, fault.New(fault.KindRateLimited, "api.err.rate_limited").WithCode("rate_limited"))
		return nil
	}
	return c
}

// fail answers err as RFC 9457 problem details in the caller's language (Accept-Language);
// internal errors are logged once and shown without their text.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if fault.KindOf(err) == fault.KindInternal {
		h.Log.Error("api", "req", web.From(r).ReqID, "path", r.URL.Path, "err", err)
	}
	web.WriteProblem(w, r, err)
}

// badQuery is a 400 for query parameters out of range.
func badQuery(key string, args ...any) error {
	return fault.New(fault.KindMalformed, key, args...).WithCode("bad_query")
}

// conversationChannels are the channels a conversation can be on (the conversations table's).
var conversationChannels = []string{"webchat", "whatsapp", "telegram", "email", "call", "manual"}

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
	if !ok1 || !ok2 || utf8.RuneCountInString(f.Q) > 200 {
		h.fail(w, r, badQuery("api.err.bad_conversation_query"))
		return
	}
	// A state or channel that does not exist is refused, not answered with an empty page an
	// integration would read as "nothing waiting".
	if f.State != "" && !slices.Contains(inbox.States, f.State) {
		h.fail(w, r, badQuery("api.err.bad_state", strings.Join(inbox.States, ", ")))
		return
	}
	if f.Channel != "" && !slices.Contains(conversationChannels, f.Channel) {
		h.fail(w, r, badQuery("api.err.bad_channel", strings.Join(conversationChannels, ", ")))
		return
	}
	list, next, err := listConversations(r.Context(), c.DB, f)
	if err != nil {
		h.fail(w, r, err)
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
	id, err := web.PathID(r, "id")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cursor, ok := cursorParam(r)
	if !ok {
		h.fail(w, r, badQuery("api.err.bad_cursor"))
		return
	}
	out, err := conversationDetail(r.Context(), c.DB, id, cursor)
	if err != nil {
		h.fail(w, r, err)
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
		h.fail(w, r, badQuery("api.err.bad_page"))
		return
	}
	list, next, err := listLeads(r.Context(), c.DB, limit, cursor)
	if err != nil {
		h.fail(w, r, err)
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
		h.fail(w, r, badQuery("api.err.bad_status"))
		return
	}
	list, err := listRecommendations(r.Context(), c.DB, "status", st, 500)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	web.JSON(w, http.StatusOK, RecommendationList{Recommendations: list})
}

// ActionLogs is GET /api/v1/action-logs?provider=&limit=&cursor=: newest first, paged by the
// row id like the leads (next_cursor; a cursor that is not a positive id is refused).
func (h *Handler) ActionLogs(w http.ResponseWriter, r *http.Request) {
	c := h.auth(w, r, "read")
	if c == nil {
		return
	}
	limit, ok1 := limitParam(r)
	cursor, ok2 := cursorParam(r)
	if !ok1 || !ok2 {
		h.fail(w, r, badQuery("api.err.bad_page"))
		return
	}
	f := audit.Filter{Provider: r.URL.Query().Get("provider"), BeforeID: cursor, Limit: limit}
	rows, err := audit.Search(r.Context(), c.DB, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := ActionLogList{ActionLogs: make([]ActionLog, 0, len(rows))}
	for _, a := range rows {
		out.ActionLogs = append(out.ActionLogs, ActionLog{ID: a.ID, Provider: a.Provider, ActionType: a.ActionType, Status: a.Status,
			DecisionSummary: a.Summary, Input: a.Input, Output: a.Output, Payload: Payload(a.Payload), ModelName: a.ModelName,
			ActorName: a.ActorName, ConversationID: a.ConversationID, CreatedAt: msTime(a.CreatedAt)})
	}
	// A full page has a next one when an older row matches (null on the last page, as the leads).
	if len(rows) == limit {
		f.BeforeID, f.Limit = rows[len(rows)-1].ID, 1
		more, err := audit.Search(r.Context(), c.DB, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if len(more) > 0 {
			out.NextCursor = cursorOut(f.BeforeID)
		}
	}
	web.JSON(w, http.StatusOK, out)
}
