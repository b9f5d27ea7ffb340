package inbox

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/channels/channel"
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
	// Kept says the person's own words were in the box: the draft follows them (Added), or did
	// not fit beside them and the box holds their words alone (NoRoom).
	Added, NoRoom bool
	// Mention is the members the box's @mention picker offers (the page's textarea carries them).
	Mention string
	// Recorded: the conversation is a record (a call, a walk-in), whose box says so.
	Recorded bool
}

// maxBody is the longest message the composer sends (its textarea's maxlength, the update's check).
const maxBody = 4000

// withTyped is the message box after a suggestion: the draft alone in an empty box; after the
// words a person had already typed there (never replaced: asking for a draft threw them away),
// when both fit in a message; else their words alone.
func withTyped(typed, draft string) (body string, added, noRoom bool) {
	typed = strings.TrimRight(typed, " \t\r\n")
	if strings.TrimSpace(typed) == "" {
		return draft, false, false
	}
	both := typed + "\n\n" + draft
	if utf8.RuneCountInString(both) > maxBody {
		return typed, false, true
	}
	return both, true, false
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
	s, err := h.Suggester(r.Context(), c.Tenant.Slug, c.DB, id, c.UserID(), c.User.Name())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	body, added, noRoom := withTyped(r.PostFormValue("body"), s.Body)
	if web.IsHTMX(r) {
		d := &suggestData{Body: body, Commits: s.Commitments, Added: added, NoRoom: noRoom}
		if conv, err := ConversationByID(r.Context(), c.DB.Read, id); err == nil {
			d.Recorded = h.Svc.Channels.OutboundOf(conv.Channel) == channel.Record
		}
		if members, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID); err == nil {
			d.Mention = mentionMembers(members)
		}
		h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", "suggested", &web.Page{Data: d})
		return
	}
	q := url.Values{"draft": {body}}
	web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(id, 10)+"/?"+q.Encode())
}
