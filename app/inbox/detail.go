package inbox

import (
	"context"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

type detailData struct {
	// Opening, while the business is closed, is its next opening: "send later" offers it.
	Opening  *sendAtOpening
	Icons    map[string]string // channel → symbol
	C        *Conversation
	Lead     *Lead
	Messages []*Message
	// Earlier is the first message shown when the conversation has older ones (0: it shows them
	// all): the timeline links to them (GET /app/inbox/<id>/earlier?before=Earlier).
	Earlier int64
	// Archive: this is the earlier-messages page, read-only.
	Archive   bool
	Siblings  []*Conversation
	Recs      []Recommendation
	Quotes    []QuoteLink  // the conversation's written quotes (app/quotes), newest first
	Visits    []VisitLink  // the conversation's site visits (app/visits), newest first
	Tickets   []TicketLink // the conversation's MSP tickets (app/msp), newest first
	FollowUp  *FollowUpLine
	TicketsOn bool // the ticket card shows (the MSP room is wired in)
	Logs      []*audit.Row
	Tags      string
	Templates []Template
	Vars      string // JSON of template variables
	Names     map[int64]string
	// LogNames name the people of Logs as they go by now (the rows keep the name they stored).
	LogNames map[int64]string
	Members  []memberOpt
	States   []string
	AIModes  []string
	DueValue string
	Now      int64
	Why      []WhyGroup // the assistant's reasons for the scores
	Drafts   []Draft    // the assistant's draft replies waiting in the approval queue
	// Seen and SeenAt are the customer's latest message (id, Unix ms) when drafts wait: a draft's
	// "Approve and send" posts Seen, and is refused when the customer wrote after it; a draft
	// written before SeenAt is marked as overtaken.
	Seen, SeenAt int64
	Customer     *LinkedCustomer
	WhatsApp     string                        // https://wa.me/ link of the lead's phone
	Files        map[int64][]*media.Attachment // photos and files by message id
	CanAttach    bool                          // the composer may send a file
	// Recorded: the panel sends nothing on this channel (a phone call, a walk-in: channel.Record);
	// what the composer takes is kept as what was said, so it offers no "send later" and words
	// its buttons, hints and file form as a record, not a send.
	Recorded bool
	PhotoMB  int64  // the largest photo it sends on this channel, in MB
	DocMB    int64  // the largest PDF, in MB
	Accept   string // the file field's accept attribute: media.UploadAccept
	// Window is the channel's reply window (WhatsApp's 24 hours; nil when the channel has none):
	// once it is closed the composer offers the tenant's approved templates.
	Window *windowState
	// BlockedAt is when the customer blocked the business on the channel (Telegram: the bot),
	// Unix ms; 0 while they have not. A reply cannot reach them then: the composer opens as an
	// internal note and refuses a reply.
	BlockedAt int64
	// NoAddress: the channel addresses replies by more than the conversation (e-mail) and has no
	// address for this customer: a reply would be queued and fail, so the composer opens as an
	// internal note, refuses a reply, and the page says to add the address on the lead.
	NoAddress bool
	// CannotSend: the server sends this channel's replies, but a setting it needs is empty
	// (Telegram's bot token, WhatsApp's access token): a reply would be queued and fail, so the
	// page says so above the composer, which opens as an internal note and refuses a reply.
	// SendSetup is the first missing setting, the anchor of its field on the channels page.
	CannotSend bool
	SendSetup  string
	Pane       bool   // rendered into the inbox's conversation pane (no own event stream)
	Self       string // URL of this conversation
	// Mentions are who each internal note mentions (message id → user ids); MentionJSON is the
	// composer's @ picker list of active members.
	Mentions    map[int64][]int64
	MentionJSON string
	memberList  []platform.Membership
	// kept is what a refused post typed, shown again in its own form (keptIn: composer, template
	// or attach) with its one-time token; the page's other forms start empty with fresh ones.
	kept   url.Values
	keptIn string
}

// SendAtMaxDays is how far ahead a reply can be scheduled.
const SendAtMaxDays = 90

// Kept is the refused post's values when it came from form (composer, template, attach), else nil.
func (d *detailData) Kept(form string) url.Values {
	if form != d.keptIn {
		return nil
	}
	return d.kept
}

// Direction is the composer's kind of message as it opens: what a refused post chose, else an
// internal note while the channel's reply window is closed (a free-text reply would not be
// delivered, and is refused), else a reply to the customer.
func (d *detailData) Direction() string {
	if k := d.Kept("composer"); k != nil {
		if v := k.Get("direction"); slices.Contains([]string{"outbound", "system", "inbound"}, v) {
			return v
		}
	}
	if (d.Window != nil && d.Window.Closed) || d.BlockedAt > 0 || d.CannotSend || d.NoAddress {
		return "system"
	}
	return "outbound"
}

// blockedSince is when the customer blocked the conversation's channel (inbox.BlockedSince), 0
// when they have not or the channel has no blocks.
func (h *Handler) blockedSince(ctx context.Context, c *web.Ctx, conv *Conversation) (int64, error) {
	info, ok := h.Svc.Channels.Info(conv.Channel)
	if !ok || info.Blocked == "" {
		return 0, nil
	}
	return BlockedSince(ctx, c.DB.Read, conv.ID, info.Blocked, info.Unblocked)
}

// cannotSend reports whether the conversation's channel is one the server sends replies on whose
// sending is not set up (channel.Info.CanSend), and the first setting it lacks.
func (h *Handler) cannotSend(c *web.Ctx, conv *Conversation) (bool, string) {
	info, ok := h.Svc.Channels.Info(conv.Channel)
	if !ok {
		return false, ""
	}
	k := info.MissingSetting(c.Tenant.Setting)
	return k != "", k
}

// noReachWords is why a reply (file: a file) written now on conv would not reach the customer,
// in the reader's words with what to do instead; "" when it can be tried. The reasons are
// CannotReach's, which a quote's send asks too.
func (h *Handler) noReachWords(ctx context.Context, c *web.Ctx, conv *Conversation, file bool) (string, error) {
	no, err := CannotReach(ctx, c.DB.Read, h.Svc.Channels, c.Tenant.Setting, conv, time.Now())
	if err != nil || no == nil {
		return "", err
	}
	return c.P.Say(no.Phrase(file)), nil
}

// postedForm names the composer form a post to the conversation came from, by its address.
func postedForm(path string) string {
	switch {
	case strings.HasSuffix(path, "/attach"):
		return "attach"
	case strings.HasSuffix(path, "/template"):
		return "template"
	}
	return "composer"
}

// At names where the conversation page says a refused field's message, so that it is said once,
// where the form that posted it is, as its htmx answer says it: "field" under the field itself
// (the attach form's file, the template form's purpose and parameters while that form is on the
// page), "composer" in the composer's status line (what the composer refused, and a template
// refused while its form is not shown), else "banner", the page's banner on top (the side
// controls, posted without script).
func (d *detailData) At(field string) string {
	switch {
	case field == "file":
		return "field"
	case field == "purpose" || templateParam(field):
		if d.Window != nil && d.Window.Closed && len(d.Window.Templates) > 0 {
			return "field"
		}
		return "composer"
	case field == "body" || field == "direction" || field == "send_at":
		return "composer"
	case field == "next_action" || field == "next_action_due_at":
		return "field"
	}
	return "banner"
}

// templateParam reports whether field is one of the template form's parameters (p1…p5).
func templateParam(field string) bool {
	n, err := strconv.Atoi(strings.TrimPrefix(field, "p"))
	return strings.HasPrefix(field, "p") && err == nil && n >= 1 && n <= TemplateParams
}

// NoteHTML is an internal note's text with its mentions shown as the members' names.
func (d *detailData) NoteHTML(m *Message) template.HTML {
	return mentionHTML(m.Body, d.Mentions[m.ID], d.memberList)
}

type memberOpt struct {
	ID   int64
	Name string
}

func pathID(r *http.Request, name string) (int64, bool) {
	id, err := web.PathID(r, name)
	return id, err == nil
}

// Detail renders /app/inbox/<id>/ and marks the conversation read.
func (h *Handler) Detail(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	h.detail(w, r, id, http.StatusOK, nil)
}

// Timeline renders only the message list of a conversation: the open page fetches it when the
// event stream says something changed in this conversation. Messages seen here are read.
func (h *Handler) Timeline(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	ctx := r.Context()
	conv, err := ConversationByID(ctx, c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if conv.UnreadCount > 0 {
		if err := MarkRead(ctx, c.DB, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	d, err := h.load(r, conv)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// htmx swaps the list's children (the list keeps the live stream's trigger); a plain
	// request gets the whole list.
	part := "timeline"
	if web.IsHTMX(r) {
		part = "timeline-items"
	}
	h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", part, &web.Page{Data: d})
}

// Earlier renders GET /app/inbox/<id>/earlier?before=<message id>: the timelineShown messages
// of the conversation before that message, oldest first, read-only, with a link to the ones
// before them. It does not mark the conversation read (that is the conversation page's).
func (h *Handler) Earlier(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	before, err := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	if !ok || err != nil || before <= 0 {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	conv, err := ConversationByID(r.Context(), c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, err := h.loadBefore(r, conv, before)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Archive, d.Drafts = true, nil
	h.Render.Render(w, r, http.StatusOK, "inbox/conversation", &web.Page{Title: c.T("inbox.earlier.title"), Nav: "inbox", Guide: "conversation", Data: d})
}

// Retry handles POST /app/inbox/<id>/messages/<mid>/retry: a failed reply is queued again.
// One that would only fail again — the channel's sending not set up, WhatsApp's window closed
// (a free-text reply; one sent as a template goes while its template is set), the customer
// blocked the bot, an e-mail customer without an address — is refused with the reason and what to
// do instead (inbox.CannotRetry), nothing queued: beside the message's Try again (htmx) or in the
// page's banner.
func (h *Handler) Retry(w http.ResponseWriter, r *http.Request) {
	id, ok1 := pathID(r, "id")
	mid, ok2 := pathID(r, "mid")
	if ok1 && ok2 {
		c := web.From(r)
		ctx := r.Context()
		conv, err := ConversationByID(ctx, c.DB.Read, id)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		m, err := MessageByID(ctx, c.DB.Read, mid)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if m.ConversationID == id && m.Retryable() {
			no, err := CannotRetry(ctx, c.DB.Read, h.Svc.Channels, c.Tenant.Setting, conv, m, time.Now())
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			if no != nil {
				files, err := media.ForMessage(ctx, c.DB.Read, mid)
				if err != nil {
					h.Render.Fail(w, r, err)
					return
				}
				why := no.Phrase(len(files) > 0 && m.Template() == nil)
				if web.IsHTMX(r) {
					w.Header().Set("HX-Retarget", "#retry-status-"+strconv.FormatInt(mid, 10))
					w.Header().Set("HX-Reswap", "innerHTML")
					h.Render.Fragment(w, r, http.StatusUnprocessableEntity, "inbox/conversation", "saved",
						&web.Page{Data: map[string]any{"Msg": c.P.Say(why), "Err": true}})
					return
				}
				web.FlashSay(w, r, false, why)
				web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(id, 10)+"/")
				return
			}
		}
	}
	h.onMessage(w, r, h.Svc.Retry, "inbox.done.retry")
}

// onMessage runs a person's action on one message of a conversation (retry a failed reply, cancel
// a scheduled one) and answers with the timeline (htmx) or a banner on the conversation page;
// a message that no longer fits (already sent, not failed) is the action's conflict error.
func (h *Handler) onMessage(w http.ResponseWriter, r *http.Request,
	act func(ctx context.Context, slug string, db *tenantdb.DB, convID, msgID, actorID int64, actorName string) error,
	doneKey string) {
	id, ok1 := pathID(r, "id")
	mid, ok2 := pathID(r, "mid")
	if !ok1 || !ok2 {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	err := act(r.Context(), c.Tenant.Slug, c.DB, id, mid, c.UserID(), c.User.Name())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if web.IsHTMX(r) && r.Header.Get("HX-Target") == "timeline" {
		h.Timeline(w, r)
		return
	}
	web.FlashKey(w, r, true, doneKey)
	web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(id, 10)+"/")
}

func (h *Handler) detail(w http.ResponseWriter, r *http.Request, id int64, status int, errs web.Errors) {
	c := web.From(r)
	ctx := r.Context()
	conv, err := ConversationByID(ctx, c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if status == http.StatusOK && conv.UnreadCount > 0 {
		if err := MarkRead(ctx, c.DB, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	d, err := h.load(r, conv)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Pane = web.IsHTMX(r) && r.Header.Get("HX-Target") == "inbox-pane"
	if d.Siblings, err = Siblings(ctx, c.DB.Read, conv); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if f := h.Neighbours.Recommendations; f != nil {
		if d.Recs, err = f(ctx, c.DB.Read, conv.LeadID, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if f := h.Neighbours.Quotes; f != nil {
		if d.Quotes, err = f(ctx, c.DB, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if f := h.Neighbours.Visits; f != nil {
		if d.Visits, err = f(ctx, c.DB.Read, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if f := h.Neighbours.Tickets; f != nil && (h.Neighbours.TicketsShown == nil || h.Neighbours.TicketsShown(c.Tenant)) {
		d.TicketsOn = true
		if d.Tickets, err = f(ctx, c.DB.Read, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if f := h.Neighbours.FollowUp; f != nil {
		if d.FollowUp, err = f(ctx, c.DB, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	cust := conv.CustomerID
	if cust == 0 {
		cust = d.Lead.CustomerID
	}
	if f := h.Neighbours.Customer; f != nil && cust != 0 {
		if d.Customer, err = f(ctx, c.DB.Read, cust); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	d.WhatsApp = WhatsAppLink(d.Lead.PhoneE164)
	if d.Logs, err = audit.Search(ctx, c.DB, audit.Filter{ConversationID: id, Limit: 20}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.LogNames, err = h.Platform.NamesOf(ctx, audit.ActorIDs(d.Logs)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	tags, err := TagsOf(ctx, c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Tags = strings.Join(tags, ", ")
	if d.Templates, err = Templates(ctx, c.DB.Read); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	vars, _ := json.Marshal(templateValues(d.Lead, c.Tenant.Name, c.PhoneRegion(), c.User.Name()))
	d.Vars = string(vars)
	if conv.NextActionDueAt > 0 {
		d.DueValue = DueValue(conv.NextActionDueAt, c.Zone())
	}
	if s, err := hoursdb.Schedule(ctx, c.DB.Read); err == nil && s != nil {
		if now := time.Now(); !s.Open(now) {
			// Not offered when the reply window (WhatsApp's 24 hours) closes before the opening:
			// a reply scheduled then is refused, since it could not be sent.
			if next, ok := s.NextOpen(now); ok {
				if win := h.window(c, conv, next.Add(SendAtMargin)); win == nil || !win.Closed {
					next = next.In(c.Zone())
					d.Opening = &sendAtOpening{Value: next.Format("2006-01-02T15:04"), When: c.P.DateTime(next)}
				}
			}
		}
	}
	title := d.Lead.Shown(c.PhoneRegion())
	if title == "" {
		title = c.T("inbox.unknown")
	}
	p := &web.Page{Title: title, Nav: "inbox", Guide: "conversation", Data: d, Errors: errs, Form: r.PostForm}
	if r.Method == http.MethodPost {
		d.kept, d.keptIn = r.PostForm, postedForm(r.URL.Path)
		if _, next := r.PostForm["next_action_due_at"]; next && d.keptIn == "composer" {
			d.keptIn = "next" // the next step's form (only it posts a due date) shows what was typed
		}
	}
	if draft := r.URL.Query().Get("draft"); r.Method == http.MethodGet && draft != "" && len([]rune(draft)) <= 4000 {
		// The assistant's suggestion without script (POST …/suggest redirects here): prefilled, not sent.
		p.Form = url.Values{"body": {draft}}
		d.kept, d.keptIn = p.Form, "composer"
	}
	if d.Pane {
		w.Header().Set("Vary", "HX-Request, HX-Target")
		h.Render.Fragment(w, r, status, "inbox/conversation", "conversation", p)
		return
	}
	h.Render.Render(w, r, status, "inbox/conversation", p)
}

// sendAtOpening is the "send when we open" choice of the composer: the datetime-local value of
// the business's next opening and the same moment in words.
type sendAtOpening struct{ Value, When string }

// NoteReplyTo is the channel note (Inbound.Notes) naming, by the channel's message id, the
// earlier message a customer's message answers.
const NoteReplyTo = "reply_to"

// ReplyQuote is the earlier message a customer's message answers, when they replied to one (the
// timeline shows its first words above theirs): nil when it answers nothing in particular, an
// ID of 0 when that message is not in this conversation's timeline.
type ReplyQuote struct {
	ID    int64
	Words string
}

// Replied finds what m answers (see ReplyQuote).
func (d *detailData) Replied(m *Message) *ReplyQuote {
	id := m.Notes().Channel[NoteReplyTo]
	if id == "" {
		return nil
	}
	for _, x := range d.Messages {
		// By its provider message id, or a customer's message by the channel's own id of it
		// (NoteMessage: Telegram's chat message id).
		if x.Channel == m.Channel && x.ID != m.ID && (x.ProviderMessageID == id || (x.Direction == "inbound" && x.Notes().Channel[NoteMessage] == id)) {
			q := &ReplyQuote{ID: x.ID, Words: x.Body}
			if r := []rune(q.Words); len(r) > 120 {
				q.Words = string(r[:120]) + "…"
			}
			return q
		}
	}
	return &ReplyQuote{}
}

// NoteMessage is the channel note naming the message by the channel's own id where its provider
// message id is another (Telegram's is the update's id, its chat's message id is kept here).
const NoteMessage = "message"

// NoteEdits is the channel note of a message that is the customer's edit of an earlier one: that
// message's id on the channel (its provider message id or NoteMessage).
const NoteEdits = "edits"

// EditOf finds the message m is the customer's new version of: nil when m is no edit, an ID of 0
// when the first version is not in this conversation's timeline.
func (d *detailData) EditOf(m *Message) *ReplyQuote {
	id := m.Notes().Channel[NoteEdits]
	if id == "" {
		return nil
	}
	for _, x := range d.Messages {
		if x.Channel == m.Channel && x.Direction == "inbound" && x.ID != m.ID && (x.ProviderMessageID == id || x.Notes().Channel[NoteMessage] == id) &&
			x.Notes().Channel[NoteEdits] == "" {
			q := &ReplyQuote{ID: x.ID, Words: x.Body}
			if r := []rune(q.Words); len(r) > 120 {
				q.Words = string(r[:120]) + "…"
			}
			return q
		}
	}
	return &ReplyQuote{}
}

// NoteLanguage is the channel note of the language the customer's messenger app is set to, as a
// primary language subtag ("ru", "de"; Telegram's from.language_code): the assistant greets and
// answers in it while the customer's own words do not tell their language. The data export lists
// it with the message; the erasure empties it with the message's other notes.
const NoteLanguage = "language"

// NoteForwarded is the channel note of a message the customer forwarded from elsewhere (another
// chat, a channel, a person): not words of their own. Its value is "from:" and the name of where
// it came from as the channel gives it, empty when the sender hides it.
const NoteForwarded = "forwarded"

// Forward is where a forwarded message came from: From is a name, "" when not known.
type Forward struct{ From string }

// Forwarded says whether the customer forwarded m from elsewhere (nil: their own message).
func (d *detailData) Forwarded(m *Message) *Forward {
	v, ok := strings.CutPrefix(m.Notes().Channel[NoteForwarded], "from:")
	if !ok {
		return nil
	}
	return &Forward{From: strings.TrimSpace(v)}
}

// Quiet reports whether a message's words are only the placeholder of the file it carries
// ("[image]", "[document: plan.pdf]"): the bubble then shows the file alone.
func (d *detailData) Quiet(m *Message) bool {
	for _, a := range d.Files[m.ID] {
		if m.Body == media.Placeholder(a.Kind, a.Filename) || m.Body == media.Placeholder(a.Kind, "") {
			return true
		}
	}
	return false
}

// timelineShown is how many messages the conversation page shows: its newest, with a link to
// the earlier ones. A phone draws a few hundred messages quickly; a long-running customer's
// thousands would make every live redraw slow.
const timelineShown = 500

// SendAtMargin is how long before WhatsApp's reply window closes a scheduled reply must be due.
// Its delivery runs within seconds of that time, but a failed try is repeated after 5, 20, 45,
// 80 and 125 s (jobs.Backoff): with the margin every repeat still falls inside the window.
const SendAtMargin = 5 * time.Minute

// load reads what the conversation's timeline needs: its lead, its newest messages and member
// names.
func (h *Handler) load(r *http.Request, conv *Conversation) (*detailData, error) {
	return h.loadBefore(r, conv, 0)
}

// PageSize is how many messages the timeline shows at a time (timelineShown).
func (d *detailData) PageSize() int { return timelineShown }

// loadBefore is load showing the timelineShown messages before message before (0: the newest).
func (h *Handler) loadBefore(r *http.Request, conv *Conversation, before int64) (*detailData, error) {
	c := web.From(r)
	ctx := r.Context()
	d := &detailData{Icons: h.Svc.Channels.Icons(), C: conv, States: States, AIModes: AIModes, Names: map[int64]string{}, Now: tenantdb.Now(), Why: Why(conv.ScoreReasons),
		Self: "/app/inbox/" + strconv.FormatInt(conv.ID, 10) + "/"}
	var err error
	if d.Lead, err = LeadByID(ctx, c.DB.Read, conv.LeadID); err != nil {
		return nil, err
	}
	var older bool
	if d.Messages, older, err = Latest(ctx, c.DB.Read, conv.ID, before, timelineShown); err != nil {
		return nil, err
	}
	if older && len(d.Messages) > 0 {
		d.Earlier = d.Messages[0].ID
	}
	if d.Files, err = media.ForConversation(ctx, c.DB.Read, conv.ID); err != nil {
		return nil, err
	}
	d.CanAttach = h.Media != nil
	d.Recorded = h.Svc.Channels.OutboundOf(conv.Channel) == channel.Record
	d.PhotoMB, d.DocMB, d.Accept = h.photoMax(conv.Channel)>>20, media.MaxSize(media.KindDocument)>>20, media.UploadAccept(true)
	d.Window = h.window(c, conv, time.Now())
	if d.BlockedAt, err = h.blockedSince(ctx, c, conv); err != nil {
		return nil, err
	}
	d.CannotSend, d.SendSetup = h.cannotSend(c, conv)
	if no, err := CannotReach(ctx, c.DB.Read, h.Svc.Channels, c.Tenant.Setting, conv, time.Now()); err != nil {
		return nil, err
	} else if no != nil && no.Reason == "no_address" {
		d.NoAddress = true
	}
	if f := h.Neighbours.Drafts; f != nil {
		if d.Drafts, err = f(ctx, c.DB.Read, conv.ID); err != nil {
			return nil, err
		}
		if len(d.Drafts) > 0 {
			if d.Seen, _, d.SeenAt, _, err = InboundAfter(ctx, c.DB.Read, conv.ID, 0, 0); err != nil {
				return nil, err
			}
		}
	}
	if d.Mentions, err = mentionsIn(ctx, c.DB.Read, conv.ID); err != nil {
		return nil, err
	}
	if members, err := h.Platform.MembersOfTenant(ctx, c.Tenant.ID); err == nil {
		d.memberList, d.MentionJSON = members, mentionMembers(members)
		for _, m := range members {
			d.Names[m.UserID] = m.Name()
			// Only owners and operators can look after a conversation (a viewer cannot answer it);
			// one assigned before this rule stays shown, so saving the page does not drop them.
			if !m.Disabled && (Assignable(m.Role) || m.UserID == conv.AssignedUserID) {
				d.Members = append(d.Members, memberOpt{m.UserID, m.Name()})
			}
		}
	}
	return d, nil
}

// parseWhen accepts datetime-local ("2006-01-02T15:04") or a date, read as wall time in loc (the
// business's zone: see web.Ctx.Zone).
func parseWhen(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := i18n.ParseTime(layout, s, loc); err == nil && t.Year() >= 2000 && t.Year() <= 2200 {
			return t, true
		}
	}
	return time.Time{}, false
}

func last(v url.Values, k string) (string, bool) {
	vs, ok := v[k]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return strings.TrimSpace(vs[len(vs)-1]), true
}

// parseChange validates the conversation form; absent fields stay nil. assignedNow is who the
// conversation is assigned to: kept as it is, they are not refused.
func (h *Handler) parseChange(r *http.Request, c *web.Ctx, assignedNow int64) (Change, web.Errors) {
	errs := web.Errors{}
	v := r.PostForm
	ch := Change{ActorID: c.UserID(), ActorName: c.User.Name()}
	ch.Body = strings.TrimSpace(v.Get("body"))
	ch.Direction = v.Get("direction")
	if ch.Body != "" {
		if ch.Direction == "" {
			ch.Direction = "outbound"
		}
		if !slices.Contains([]string{"inbound", "outbound", "system"}, ch.Direction) {
			errs.Add("direction", c.T("validation.choice"))
		}
		if len([]rune(ch.Body)) > 4000 {
			errs.Add("body", c.T("validation.too_long", 4000))
		}
		if ch.Direction == "system" && strings.Contains(ch.Body, "@") {
			members, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
			if err == nil {
				ch.Mentions = FindMentions(ch.Body, members)
			}
		}
	}
	// A reply is scheduled at most SendAtMaxDays ahead: a time years away is a typing slip
	// (2099 for 2026), and a reply that old would answer a conversation long gone.
	if s, ok := last(v, "send_at"); ok && s != "" {
		t, good := parseWhen(s, c.Zone())
		switch {
		case !good:
			errs.Add("send_at", c.T("validation.date"))
		case !t.After(time.Now()):
			errs.Add("send_at", c.T("inbox.error.send_at_past"))
		case ch.Direction != "outbound":
			errs.Add("send_at", c.T("inbox.error.send_at_note"))
		case ch.Body == "":
			errs.Add("send_at", c.T("inbox.error.send_at_outbound"))
		case t.After(time.Now().AddDate(0, 0, SendAtMaxDays)):
			errs.Add("send_at", c.T("inbox.error.send_at_far", SendAtMaxDays))
		default:
			ch.SendAt = t
		}
	}
	if s, ok := last(v, "state"); ok {
		if !slices.Contains(States, s) {
			errs.Add("state", c.T("validation.choice"))
		}
		ch.State = &s
	}
	// A field its form sent as the form showed it (was_<name>) was not changed there: it stays
	// as stored, which someone else may have changed since the page was drawn.
	changed := func(name, s string) bool { w, ok := last(v, "was_"+name); return !ok || w != s }
	if s, ok := last(v, "next_action"); ok && changed("next_action", s) {
		if len([]rune(s)) > 255 {
			errs.Add("next_action", c.T("validation.too_long", 255))
		}
		ch.NextAction = &s
	}
	if s, ok := last(v, "next_action_due_at"); ok && changed("next_action_due_at", s) {
		var ms int64
		if s != "" {
			t, good := parseWhen(s, c.Zone())
			if !good {
				errs.Add("next_action_due_at", c.T("validation.date"))
			}
			ms = t.UnixMilli()
		}
		ch.NextActionDueAt = &ms
	}
	if ch.NextAction != nil || ch.NextActionDueAt != nil {
		ch.Drawn, ch.Zone = v, c.Zone() // what the next step's boxes showed, checked in the save
	}
	if s, ok := last(v, "handoff_required"); ok {
		var b bool
		switch strings.ToLower(s) {
		case "1", "true", "on", "yes":
			b = true
		case "0", "false", "off", "no", "":
		default:
			errs.Add("handoff_required", c.T("validation.choice"))
		}
		ch.Handoff = &b
	}
	if s, ok := last(v, "assigned_user_id"); ok {
		var id int64
		if s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil || n <= 0 {
				errs.Add("assigned_user_id", c.T("validation.choice"))
			} else if m, err := h.Platform.MembershipOf(r.Context(), n, c.Tenant.ID); err != nil || m == nil || m.Disabled {
				errs.Add("assigned_user_id", c.T("inbox.error.not_member"))
			} else if !Assignable(m.Role) && n != assignedNow {
				errs.Add("assigned_user_id", c.T("inbox.error.not_assignable"))
			} else {
				ch.AssigneeName = m.Name()
			}
			id = n
		}
		ch.AssignedUserID = &id
	}
	if s, ok := last(v, "ai_mode"); ok {
		if !slices.Contains(AIModes, s) {
			errs.Add("ai_mode", c.T("validation.choice"))
		}
		ch.AIMode = &s
	}
	if s, ok := last(v, "tags"); ok {
		tags := tagList(s)
		for _, t := range tags {
			if len([]rune(t)) > 40 {
				errs.Add("tags", c.T("validation.too_long", 40))
			}
		}
		if len(tags) > 20 {
			errs.Add("tags", c.T("inbox.error.too_many_tags"))
		}
		ch.Tags = &tags
		if w, ok := last(v, "was_tags"); ok {
			was := tagList(w)
			ch.TagsWas = &was
		}
	}
	return ch, errs
}

// tagList reads a tags box: comma-separated, trimmed and without invisible characters
// (channel.Visible: "vip" pasted with a zero-width space is the tag "vip", not a second one that
// looks the same; one of only such characters is none), each once whatever its case, in the
// order sortedTags gives.
func tagList(s string) []string {
	tags := []string{}
	for _, t := range strings.Split(s, ",") {
		t = channel.Visible(t)
		if t == "" || slices.ContainsFunc(tags, func(x string) bool { return strings.EqualFold(x, t) }) {
			continue
		}
		tags = append(tags, t)
	}
	return sortedTags(tags)
}

// shownNow is what the boxes of the form a save came from show now, by field, for the form's
// was_ fields the answer puts back (see the "saved" fragment): the next edit of the same box is
// read against what it shows, not against the page as first drawn.
func shownNow(v url.Values) map[string]string {
	out := map[string]string{}
	for k := range v {
		if name, ok := strings.CutPrefix(k, "was_"); ok {
			out[name], _ = last(v, name)
		}
	}
	return out
}

// Update handles POST /app/inbox/<id>/: validate everything, then one transaction or nothing.
func (h *Handler) Update(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	conv, err := ConversationByID(r.Context(), c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.resent(w, r, conv, nil) { // the composer's message, posted again: sent once
		return
	}
	ch, errs := h.parseChange(r, c, conv.AssignedUserID)
	ch.Once = true
	if msg := dueWithoutWords(c, conv, ch, errs); msg != "" {
		errs.Add("next_action", msg)
	}
	if s, _ := last(r.PostForm, "send_at"); s != "" && h.Svc.Channels.OutboundOf(conv.Channel) == channel.Record {
		// A phone call or a walk-in is a record of what was said: nothing goes to the customer,
		// so there is nothing to send later (the composer does not offer it there).
		delete(errs, "send_at")
		errs.Add("send_at", c.T("inbox.error.send_at_record"))
	}
	if _, composer := r.PostForm["direction"]; composer && ch.Body == "" {
		// The composer (the only form with a kind of message) sent no words: nothing to add.
		errs.Add("body", c.T("inbox.error.body_empty"))
	}
	if ch.Body != "" && ch.Direction == "outbound" {
		// A free-text reply outside WhatsApp's window would be queued and then fail: refused
		// here, with what to do instead (a template, or a note). So is a reply to a customer who
		// blocked the bot.
		if no, err := h.noReachWords(r.Context(), c, conv, false); err != nil {
			h.Render.Fail(w, r, err)
			return
		} else if no != "" {
			errs.Add("body", no)
		} else if win := h.window(c, conv, ch.SendAt.Add(SendAtMargin)); win != nil && win.Closed && !ch.SendAt.IsZero() {
			// Open now but closed at the time chosen (a reply on Friday evening scheduled "when
			// we open" on Monday), or so soon after it that a failed try could not be repeated:
			// it would wait and then fail, and the customer hear nothing.
			info, _ := h.Svc.Channels.Info(conv.Channel)
			closes := time.UnixMilli(conv.LastInboundAt).Add(info.Window).In(c.Zone())
			errs.Add("send_at", c.T("inbox.error.send_at_window", c.P.DateTime(closes), c.P.DateTime(closes.Add(-SendAtMargin))))
		}
	}
	target := r.Header.Get("HX-Target")
	inline := web.IsHTMX(r) && (target == "timeline" || strings.HasPrefix(target, "saved-"))
	if errs.Any() {
		if inline {
			msgs := make([]string, 0, len(errs))
			for _, m := range errs {
				msgs = append(msgs, m)
			}
			slices.Sort(msgs)
			if target == "timeline" {
				w.Header().Set("HX-Retarget", "#composer-status")
				w.Header().Set("HX-Reswap", "innerHTML")
			}
			h.Render.Fragment(w, r, http.StatusUnprocessableEntity, "inbox/conversation", "saved",
				&web.Page{Data: map[string]any{"Msg": strings.Join(msgs, " "), "Err": true}})
			return
		}
		h.detail(w, r, id, http.StatusUnprocessableEntity, errs)
		return
	}
	var done doneMsg
	if same, err := unchanged(r.Context(), c.DB.Read, conv, ch); err != nil {
		h.Render.Fail(w, r, err)
		return
	} else if same {
		if inline && target != "timeline" {
			// A control posted with the value it has (a change and a submit of the same edit):
			// nothing to say, and the line keeps what the post that saved said. A box that now
			// shows what is stored (a tag someone else gave too) is still told so (out of band).
			if was := shownNow(r.PostForm); len(was) > 0 {
				w.Header().Set("HX-Reswap", "none")
				h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", "saved", &web.Page{Data: map[string]any{"Was": was}})
				return
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		done = doneMsg{Key: "inbox.nothing_changed"}
	} else {
		if err := h.Svc.Update(r.Context(), c.Tenant.Slug, c.DB, id, ch); err != nil {
			if web.ChangedMeanwhile(err) && !web.WantsJSON(r) {
				h.changedMeanwhile(w, r, c, id, inline, err)
				return
			}
			h.sendFailed(w, r, conv, err)
			return
		}
		done = h.doneText(r, c, ch)
	}
	if inline {
		if target == "timeline" {
			conv, err := ConversationByID(r.Context(), c.DB.Read, id)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			d, err := h.load(r, conv)
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", "composed", &web.Page{Data: d, Flash: done.words(c)})
			return
		}
		h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", "saved", &web.Page{Data: map[string]any{"Msg": done.words(c), "Was": shownNow(r.PostForm)}})
		return
	}
	web.FlashKey(w, r, true, done.Key, done.Args...)
	web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(id, 10)+"/")
}

// changedMeanwhile answers a next step refused because someone else changed it too since the page
// was drawn: inline, the line beside the form says what each side saved and the form's was_ boxes
// are told what is stored (so a second press saves deliberately); else the page comes back (409)
// with what was typed and the same words.
func (h *Handler) changedMeanwhile(w http.ResponseWriter, r *http.Request, c *web.Ctx, id int64, inline bool, err error) {
	errs := web.FieldErrors(r, err)
	if !inline {
		h.detail(w, r, id, http.StatusConflict, errs)
		return
	}
	conv, rerr := ConversationByID(r.Context(), c.DB.Read, id)
	if rerr != nil {
		h.Render.Fail(w, r, rerr)
		return
	}
	// The boxes keep what they show; a box both changed is told what is stored, the others what
	// their page drew (a box left alone stays left alone, one changed only here stays changed).
	msgs, was := []string{errs[web.MeanwhileField]}, map[string]string{}
	stored := map[string]string{"next_action": conv.NextAction, "next_action_due_at": DueValue(conv.NextActionDueAt, c.Zone())}
	for _, k := range []string{"next_action", "next_action_due_at"} {
		if w, ok := last(r.PostForm, "was_"+k); ok {
			was[k] = w
		}
		if m, ok := errs[k]; ok {
			msgs, was[k] = append(msgs, m), stored[k]
		}
	}
	// 422 as the line's other refusals: the page's script shows those where the control is.
	h.Render.Fragment(w, r, http.StatusUnprocessableEntity, "inbox/conversation", "saved",
		&web.Page{Data: map[string]any{"Msg": strings.Join(msgs, " "), "Err": true, "Was": was}})
}

// dueWithoutWords refuses a next step that would have a due date and no words: the dashboard,
// the lead pages and the overdue reminder all count a next step by its words, so such a date
// would be stored and never shown or told. Checked on the step as the save leaves it (what is
// posted, else what is stored): clearing the words of a dated step is refused as well.
func dueWithoutWords(c *web.Ctx, conv *Conversation, ch Change, errs web.Errors) string {
	if ch.NextAction == nil && ch.NextActionDueAt == nil || errs["next_action_due_at"] != "" || errs["next_action"] != "" {
		return ""
	}
	words, due := conv.NextAction, conv.NextActionDueAt
	if ch.NextAction != nil {
		words = *ch.NextAction
	}
	if ch.NextActionDueAt != nil {
		due = *ch.NextActionDueAt
	}
	if due != 0 && words == "" {
		return c.T("inbox.error.due_without_action")
	}
	return ""
}

// doneMsg is what a save did as a catalog key and its arguments (a time.Time is a moment shown in
// the reader's language): said at once in a fragment, or kept as a banner put into words when the
// next page shows it, in that page's language.
type doneMsg struct {
	Key  string
	Args []any
}

func (m doneMsg) words(c *web.Ctx) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if t, ok := a.(time.Time); ok {
			a = c.P.DateTime(t)
		}
		args[i] = a
	}
	return c.T(m.Key, args...)
}

// doneText says what a save did: sent (the widget's visitor reads it at once), queued for sending,
// recorded, scheduled (with the time), note added, customer message logged, or saved.
func (h *Handler) doneText(r *http.Request, c *web.Ctx, ch Change) doneMsg {
	switch {
	case ch.Body == "" && ch.NextActionDueAt != nil && *ch.NextActionDueAt != 0:
		// Due while the business is closed: the reminder waits for the opening, and says so.
		due := time.UnixMilli(*ch.NextActionDueAt)
		if remind, err := ReminderAt(r.Context(), c.DB.Read, due); err == nil && remind.After(due) {
			return doneMsg{"hours.due_closed", []any{remind}}
		}
		return doneMsg{Key: "inbox.saved"}
	case ch.Body == "":
		return doneMsg{Key: "inbox.saved"}
	case ch.Direction == "system":
		return doneMsg{Key: "inbox.done.note"}
	case ch.Direction == "inbound":
		return doneMsg{Key: "inbox.done.logged"}
	case !ch.SendAt.IsZero():
		return doneMsg{"inbox.done.scheduled", []any{ch.SendAt}}
	}
	// A reply the server sends through the channel (WhatsApp, Telegram, e-mail) is queued until the
	// provider takes it: "Sent." there was a promise the message might not keep (WhatsApp sending
	// not set up, a closed 24-hour window); the message's ticks or its "Not sent" say the outcome.
	if conv, err := ConversationByID(r.Context(), c.DB.Read, mustID(r)); err == nil {
		switch h.Svc.Channels.OutboundOf(conv.Channel) {
		case channel.Record:
			return doneMsg{Key: "inbox.done.recorded"}
		case channel.Deliver:
			return doneMsg{Key: "inbox.done.queued"}
		}
	}
	return doneMsg{Key: "inbox.done.sent"}
}

// unchanged reports whether ch would change nothing of conv: no message, and every setting it
// carries already has that value (a control posted again, an empty post).
func unchanged(ctx context.Context, db Querier, conv *Conversation, ch Change) (bool, error) {
	if ch.Body != "" || !ch.SendAt.IsZero() {
		return false, nil
	}
	if (ch.State != nil && *ch.State != conv.State) ||
		(ch.NextAction != nil && *ch.NextAction != conv.NextAction) ||
		(ch.NextActionDueAt != nil && *ch.NextActionDueAt != conv.NextActionDueAt) ||
		(ch.Handoff != nil && *ch.Handoff != conv.HandoffRequired) ||
		(ch.AssignedUserID != nil && *ch.AssignedUserID != conv.AssignedUserID) ||
		(ch.AIMode != nil && *ch.AIMode != conv.AIMode) {
		return false, nil
	}
	if ch.Tags != nil {
		now, err := TagsOf(ctx, db, conv.ID)
		if err != nil {
			return false, err
		}
		if !slices.Equal(ch.tagsOn(now), sortedTags(now)) {
			return false, nil
		}
	}
	return true, nil
}

// sortedTags is tags in the order parseChange gives them.
func sortedTags(tags []string) []string {
	out := slices.Clone(tags)
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

func mustID(r *http.Request) int64 { id, _ := pathID(r, "id"); return id }

// Unread handles POST /app/inbox/<id>/unread.
func (h *Handler) Unread(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	if err := h.Svc.MarkUnread(r.Context(), c.Tenant.Slug, c.DB, id, c.UserID(), c.User.Name()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/inbox/")
}

// CancelScheduled handles POST /app/inbox/<id>/scheduled/<mid>/cancel.
func (h *Handler) CancelScheduled(w http.ResponseWriter, r *http.Request) {
	h.onMessage(w, r, h.Svc.CancelScheduled, "inbox.cancelled")
}

// New handles POST /app/inbox/new/: a call or walk-in becomes a lead + conversation via Ingest.
func (h *Handler) New(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	in := Inbound{Name: strings.TrimSpace(r.PostForm.Get("name")), Phone: strings.TrimSpace(r.PostForm.Get("phone")),
		Email: channel.VisibleEmail(r.PostForm.Get("email")), Channel: r.PostForm.Get("channel"), Body: strings.TrimSpace(r.PostForm.Get("body")),
		LeadSource: r.PostForm.Get("channel")}
	// A refused post draws the inbox again with the form as typed and each message at its field:
	// what a caller said on the phone is not lost to a typo in their number.
	errs := web.Errors{}
	if !slices.Contains(h.Svc.Channels.ByHand(), in.Channel) {
		errs.Add("channel", c.T("inbox.new.channel_required"))
	}
	if len([]rune(in.Name)) > 200 {
		errs.Add("name", c.T("validation.too_long", 200))
	}
	in.Region = c.Tenant.PhoneRegion()
	if in.Phone != "" && NormalizePhone(in.Phone, in.Region) == "" {
		errs.Add("phone", c.T("validation.phone"))
	}
	if in.Email != "" && !channel.ValidEmail(in.Email) {
		errs.Add("email", c.T(channel.EmailProblem(in.Email, "validation.email")))
	}
	if in.Name == "" && in.Phone == "" && in.Email == "" {
		errs.Add("name", c.T("inbox.new.contact_required"))
	}
	if in.Body == "" {
		errs.Add("body", c.T("validation.required"))
	} else if len([]rune(in.Body)) > 4000 {
		errs.Add("body", c.T("validation.too_long", 4000))
	}
	if errs.Any() {
		h.list(w, r, r.PostForm, errs)
		return
	}
	res, err := h.Svc.Ingest(r.Context(), c.Tenant.Slug, c.DB, in)
	if err != nil {
		if fe := fault.As(err); fe != nil && len(fe.Fields) > 0 {
			for _, f := range fe.Fields {
				errs.Add(f.Field, c.T(f.Key, f.Args...))
			}
			h.list(w, r, r.PostForm, errs)
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(res.ConversationID, 10)+"/")
}
