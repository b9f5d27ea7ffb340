package inbox

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Suggestion is a reply the assistant drafted on demand for a person to edit in the composer; it
// is never sent by itself.
type Suggestion struct {
	Body     string
	Language string // the customer's language, as the assistant read it
	Model    string
	// Commitments are the commitment kinds the draft names (price, payment, warranty, date): a
	// person sending them commits the business, so the composer says so.
	Commitments []string
}

// Suggester drafts a reply to a conversation's latest customer message (the assistant, wired by
// the server: app/ai.Assistant.Suggest) and logs that it did.
type Suggester func(ctx context.Context, slug string, db *tenantdb.DB, convID, actorID int64, actorName string) (*Suggestion, error)

// suggestData is what the composer's draft fragment shows.
type suggestData struct {
	Body    string
	Commits []string
}

// Suggest handles POST /app/inbox/<id>/suggest: the assistant's draft goes into the composer's
// message box (htmx) or, without script, back to the conversation page with the draft prefilled.
// Nothing is sent.
func (h *Handler) Suggest(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok || h.Suggester == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	s, err := h.Suggester(r.Context(), c.Tenant.Slug, c.DB, id, c.UserID(), c.User.Username)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if web.IsHTMX(r) {
		h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", "suggested", &web.Page{Data: &suggestData{Body: s.Body, Commits: s.Commitments}})
		return
	}
	q := url.Values{"draft": {s.Body}}
	web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(id, 10)+"/?"+q.Encode())
}
