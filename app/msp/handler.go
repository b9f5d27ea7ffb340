package msp

import (
	"context"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/channels/channel"
	"highvibe/app/export"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the MSP pages under /app/msp/: tickets (list, board, a ticket's page, the new
// ticket form), clients, sites and devices.
type Handler struct {
	Render   *web.Renderer
	Platform *platform.Service
	// Inbox sends public replies on a ticket's conversation (its channel registry) and tells open
	// pages about them; nil: replies refused.
	Inbox *inbox.Service
}

func actor(c *web.Ctx) Actor {
	a := Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, view, title string, data any, errs map[string]string) {
	c := web.From(r)
	h.Render.Render(w, r, status, "msp/"+view, &web.Page{Title: title, Nav: "msp", Guide: "msp-tickets", Data: data, Errors: errs,
		Form: formOf(r)})
	_ = c
}

func formOf(r *http.Request) url.Values {
	if r.Method == http.MethodPost {
		return r.PostForm
	}
	return nil
}

// member is one person a ticket can be given to.
type member struct {
	ID   int64
	Name string
}

// members lists who a ticket can be given to — the tenant's active members whose role works
// tickets (operators and owners; a viewer can only read them, so a ticket given to one would sit
// with nobody able to answer it) — and their ids; names maps every member (disabled too).
func (h *Handler) members(r *http.Request) ([]member, []int64, map[int64]string, error) {
	c := web.From(r)
	names := map[int64]string{}
	if h.Platform == nil || c.Tenant == nil {
		return nil, nil, names, nil
	}
	ms, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	var out []member
	var ids []int64
	for _, m := range ms {
		names[m.UserID] = m.Name()
		if !m.Disabled && auth.Can(m.Role, false, auth.WriteInbox) {
			out = append(out, member{m.UserID, m.Name()})
			ids = append(ids, m.UserID)
		}
	}
	return out, ids, names, nil
}

func idParam(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id
}

func formID(v string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if id < 0 {
		return 0
	}
	return id
}

// ---- tickets list and board ----------------------------------------------------------------

type listPage struct {
	F          Filter
	Assignee   string // the filter's value: "", "none", "me" or an id
	Page       *Page
	Clients    []*Client
	Members    []member
	Names      map[int64]string
	Statuses   []string
	Priorities []string
	NextURL    string
	FirstURL   string
	BoardURL   string
	ListURL    string
	CanWrite   bool
	Filtered   bool
	Here       string // the board's own address (its filters kept); "" on the list
	ExportBase string // the export of the tickets with these filters (export.Base)
	// SLA is the SLA state of the tickets shown, by id (sla.go): their clocks on every row and card.
	SLA map[int64]*TicketSLA
	// Rows are the list's rows and ClientOptions the client filter's options, written in Go
	// (list_rows.go): the list's speed bar.
	Rows          template.HTML
	ClientOptions template.HTML
}

// filterOf reads the list's filter from the query. A value a filter cannot read (client=abc,
// status=whatever) is ignored and named above the list (web.Ctx.FilterID, FilterChoice).
func filterOf(c *web.Ctx, q url.Values) (Filter, string) {
	f := Filter{Status: q.Get("status"), Q: strings.TrimSpace(q.Get("q"))}
	if f.Status != "" && f.Status != FilterAll && !ValidStatus(f.Status) {
		c.IgnoreFilter("status", c.T("msp.filter.status"), f.Status)
	}
	if f.Status != FilterAll && !ValidStatus(f.Status) {
		f.Status = FilterActive
	}
	f.Priority = c.FilterChoice(q, "priority", c.T("msp.filter.priority"), Priorities)
	f.ClientID = c.FilterID(q, "client", c.T("msp.filter.client"))
	f.SLA = c.FilterChoice(q, "sla", c.T("msp.filter.sla"), []string{SLAAtRisk})
	a := strings.TrimSpace(q.Get("assignee"))
	switch a {
	case "none":
		f.AssigneeID = -1
	case "me":
		f.AssigneeID = c.UserID()
	default:
		f.AssigneeID = c.FilterID(q, "assignee", c.T("msp.filter.assignee"))
		if f.AssigneeID == 0 {
			a = ""
		}
	}
	if raw := strings.TrimSpace(q.Get("before")); raw != "" {
		// The page link is a ticket number: one cut or garbled opens the first page, and says so.
		if n, err := strconv.ParseInt(i18n.ASCIIDigits(raw), 10, 64); err == nil && n > 0 {
			f.Before = n
		} else {
			c.IgnoreCursor("before", raw)
		}
	}
	if len([]rune(f.Q)) > 200 {
		f.Q = string([]rune(f.Q)[:200])
	}
	return f, a
}

// resolveSLA fills the at-risk tickets' ids of an SLA filter (their clocks at now).
func resolveSLA(ctx context.Context, q Querier, f *Filter, now time.Time) error {
	if f.SLA != SLAAtRisk {
		return nil
	}
	var err error
	f.IDs, err = atRiskIDs(ctx, q, now)
	return err
}

func (f Filter) query(assignee string) url.Values {
	v := url.Values{}
	if f.Status != "" {
		v.Set("status", f.Status)
	}
	if f.Priority != "" {
		v.Set("priority", f.Priority)
	}
	if f.ClientID > 0 {
		v.Set("client", strconv.FormatInt(f.ClientID, 10))
	}
	if assignee != "" {
		v.Set("assignee", assignee)
	}
	if f.SLA != "" {
		v.Set("sla", f.SLA)
	}
	if f.Q != "" {
		v.Set("q", f.Q)
	}
	return v
}

func withQuery(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

func (h *Handler) listData(r *http.Request) (*listPage, error) {
	return h.listDataOf(r, r.URL.Query())
}

// listDataOf is listData under the filters of q (the board a card was moved on).
func (h *Handler) listDataOf(r *http.Request, q url.Values) (*listPage, error) {
	c := web.From(r)
	f, a := filterOf(c, q)
	if err := resolveSLA(r.Context(), c.DB.Read, &f, time.Now()); err != nil {
		return nil, err
	}
	members, _, names, err := h.members(r)
	if err != nil {
		return nil, err
	}
	clients, err := ClientOptions(r.Context(), c.DB.Read)
	if err != nil {
		return nil, err
	}
	base := f.query(a)
	d := &listPage{F: f, Assignee: a, Clients: clients, Members: members, Names: names, Statuses: Statuses, Priorities: Priorities,
		FirstURL: withQuery("/app/msp/tickets/", base), BoardURL: withQuery("/app/msp/board", base), ListURL: withQuery("/app/msp/tickets/", base),
		CanWrite:      c.Can(auth.WriteInbox),
		Filtered:      f.Status != FilterActive || f.Priority != "" || f.ClientID > 0 || a != "" || f.Q != "" || f.SLA != "",
		ClientOptions: clientOptionsHTML(clients, f.ClientID),
		ExportBase:    export.Base("/app/msp/tickets/export", base)}
	return d, nil
}

// Tickets is GET /app/msp/tickets/: the list, newest first, filtered by status, priority,
// client, assignee and a search (a number T-000123 or words of the subject), paged by a cursor.
func (h *Handler) Tickets(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	d, err := h.listData(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Page, err = List(r.Context(), c.DB.Read, d.F); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.SLA, err = SLAFor(r.Context(), c.DB.Read, ticketIDs(d.Page.Tickets), time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := EnsureSLAJob(r.Context(), c.DB); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Rows = ticketRowsHTML(c.P.In(c.Zone()), d.Page.Tickets, d.SLA, d.Names, time.Now())
	if d.Page.Next != 0 {
		v := d.F.query(d.Assignee)
		v.Set("before", strconv.FormatInt(d.Page.Next, 10))
		d.NextURL = withQuery("/app/msp/tickets/", v)
	}
	h.page(w, r, http.StatusOK, "tickets", c.T("msp.tickets.title"), d, nil)
}

type boardPage struct {
	*listPage
	Columns []boardColumn
	Moved   string // "T-000123 moved." after a move made in place
	Refused string // why the last move made in place was refused
}

type boardColumn struct {
	Status  string
	Tickets []*Ticket
}

// BoardColumnSize is how many cards a column of the board shows at most (newest first).
const BoardColumnSize = 50

// Board is GET /app/msp/board: the tickets by status, one column each (resolved and closed of the
// last 14 days); each card moves with its own small form (a select of the statuses it may go to).
func (h *Handler) Board(w http.ResponseWriter, r *http.Request) {
	h.showBoard(w, r, r.URL.Query(), "", "")
}

// showBoard renders the board under the filters of q; moved or refused is the line above it that
// says what the last move did (a card moved in place, without a reload: Status).
func (h *Handler) showBoard(w http.ResponseWriter, r *http.Request, q url.Values, moved, refused string) {
	c := web.From(r)
	d, err := h.listDataOf(r, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	cols, err := Board(r.Context(), c.DB.Read, d.F, BoardColumnSize, time.Now().Add(-14*24*time.Hour).UnixMilli())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Here = d.BoardURL
	p := &boardPage{listPage: d, Moved: moved, Refused: refused}
	var shown []*Ticket
	for _, s := range Statuses {
		p.Columns = append(p.Columns, boardColumn{Status: s, Tickets: cols[s]})
		shown = append(shown, cols[s]...)
	}
	if d.SLA, err = SLAFor(r.Context(), c.DB.Read, ticketIDs(shown), time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "board", c.T("msp.board.title"), p, nil)
}

// ---- a ticket's page -------------------------------------------------------------------------

type ticketPage struct {
	T        *Ticket
	Events   []*Event
	Lead     *inbox.Lead
	Conv     *inbox.Conversation
	Client   *Client
	Site     *Site
	Device   *Device
	Clients  []*Client
	Sites    []*Site
	Devices  []*Device
	Members  []member
	Names    map[int64]string
	Next     []string
	CanWrite bool
	Reply    string
	Note     string
	Cats     []string
	Prios    []string
	SLA      *TicketSLA      // its SLA clocks and history (nil: none kept)
	Time     *ticketTimePage // the time panel (time*.go)
	Proposal *proposalView   // the assistant's newest proposal (triage.go); nil: none
	// CannotSend: the ticket's conversation is on a channel the server sends replies on (e-mail,
	// WhatsApp, Telegram) whose sending is not set up: a public reply would be queued and fail.
	// The page says so where the reply box was (the note box stays) and a reply is refused.
	// SendSetup is the first missing setting, the anchor of its field on the channels page.
	CannotSend bool
	SendSetup  string
}

// Who names a member by id ("" for nobody).
func (p *ticketPage) Who(id string) string {
	n, _ := strconv.ParseInt(id, 10, 64)
	return p.Names[n]
}

// Fields splits an "edited" line's field list.
func (p *ticketPage) Fields(s string) []string { return strings.Split(s, ",") }

func (h *Handler) ticketData(r *http.Request, id int64) (*ticketPage, error) {
	c := web.From(r)
	ctx := r.Context()
	t, err := TicketByID(ctx, c.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if err := fillNames(ctx, c.DB.Read, []*Ticket{t}); err != nil {
		return nil, err
	}
	d := &ticketPage{T: t, Next: Next(t.Status), CanWrite: c.Can(auth.WriteInbox), Cats: Categories, Prios: Priorities}
	sla, err := SLAFor(ctx, c.DB.Read, []int64{t.ID}, time.Now())
	if err != nil {
		return nil, err
	}
	d.SLA = sla[t.ID]
	if d.Events, err = Events(ctx, c.DB.Read, id); err != nil {
		return nil, err
	}
	if d.Proposal, err = proposalFor(ctx, c.DB.Read, t); err != nil {
		return nil, err
	}
	if d.Members, _, d.Names, err = h.members(r); err != nil {
		return nil, err
	}
	if t.LeadID != 0 {
		if d.Lead, err = inbox.LeadByID(ctx, c.DB.Read, t.LeadID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	if t.ConversationID != 0 {
		if d.Conv, err = inbox.ConversationByID(ctx, c.DB.Read, t.ConversationID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	if d.Conv != nil {
		d.CannotSend, d.SendSetup = h.cannotSend(c, d.Conv.Channel)
	}
	if t.ClientID != 0 {
		if d.Client, err = ClientByID(ctx, c.DB.Read, t.ClientID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	if t.SiteID != 0 {
		if d.Site, err = SiteByID(ctx, c.DB.Read, t.SiteID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	if t.DeviceID != 0 {
		if d.Device, err = DeviceByID(ctx, c.DB.Read, t.DeviceID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	if d.CanWrite {
		if d.Clients, err = ClientOptions(ctx, c.DB.Read); err != nil {
			return nil, err
		}
		if d.Sites, err = Sites(ctx, c.DB.Read, t.ClientID); err != nil {
			return nil, err
		}
		if d.Devices, err = Devices(ctx, c.DB.Read, t.ClientID, ""); err != nil {
			return nil, err
		}
	}
	if d.Time, err = timePanel(r, t, "/app/msp/tickets/"+strconv.FormatInt(t.ID, 10)+"/"); err != nil {
		return nil, err
	}
	return d, nil
}

// cannotSend reports whether replies on channel cannot go out with the tenant's settings
// (channel.Info.CanSend), and the first setting it lacks.
func (h *Handler) cannotSend(c *web.Ctx, ch string) (bool, string) {
	if h.Inbox == nil || h.Inbox.Channels == nil {
		return false, ""
	}
	info, ok := h.Inbox.Channels.Info(ch)
	if !ok {
		return false, ""
	}
	k := info.MissingSetting(c.Tenant.Setting)
	return k != "", k
}

// Ticket is GET /app/msp/tickets/{id}/: the ticket with its timeline and, for those who work
// tickets, the forms to move, assign, edit, note and reply.
func (h *Handler) Ticket(w http.ResponseWriter, r *http.Request) {
	h.showTicket(w, r, http.StatusOK, nil)
}

func (h *Handler) showTicket(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	c := web.From(r)
	d, err := h.ticketData(r, idParam(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if status != http.StatusOK {
		d.Reply, d.Note = r.PostForm.Get("reply"), r.PostForm.Get("note")
	}
	h.page(w, r, status, "ticket", d.T.Ref()+" · "+d.T.Subject, d, errs)
	_ = c
}

// done answers a successful change: back to next (a local address) or the ticket's page.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, t *Ticket, msg string) {
	if msg != "" {
		web.FlashKey(w, r, true, msg, t.Ref())
	}
	web.Redirect(w, r, web.SafeNext(r.PostForm.Get("next"), "/app/msp/tickets/"+strconv.FormatInt(t.ID, 10)+"/"))
}

// refuse answers a refused change: field errors re-render the ticket page at 422; a conflict
// (a move the graph does not allow) goes back with the reason as a banner when it came from the
// board, or fails as usual.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if errs := web.FieldErrors(r, err); errs != nil {
		status := http.StatusUnprocessableEntity
		if web.ChangedMeanwhile(err) {
			status = http.StatusConflict
		}
		h.showTicket(w, r, status, errs)
		return
	}
	if next := r.PostForm.Get("next"); next != "" && web.StatusOf(err) == http.StatusConflict {
		web.FlashError(w, r, err)
		web.Redirect(w, r, web.SafeNext(next, "/app/msp/board"))
		return
	}
	h.Render.Fail(w, r, err)
}

// Status is POST /app/msp/tickets/{id}/status: status=<new status>; next: where to go back
// (the board's card form sends it).
func (h *Handler) Status(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	t, err := SetStatus(r.Context(), c.DB, idParam(r, "id"), r.PostForm.Get("status"), actor(c))
	if q, ok := boardInPlace(r); ok {
		// A card moved on the board with htmx: the board comes back under its filters and takes
		// the old one's place, with a line saying what happened (no reload, no lost scroll).
		if err != nil {
			if web.StatusOf(err) >= 500 {
				h.Render.Fail(w, r, err)
				return
			}
			h.showBoard(w, r, q, "", web.Message(r, err))
			return
		}
		h.showBoard(w, r, q, c.T("msp.flash.moved", t.Ref()), "")
		return
	}
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	h.done(w, r, t, "msp.flash.moved")
}

// boardInPlace reports whether a status change is a board card's htmx move (not boosted: the
// form's own hx-post), and the board's filters from its next address. Without JavaScript the same
// form posts and the answer redirects back to the board.
func boardInPlace(r *http.Request) (url.Values, bool) {
	if !web.IsHTMX(r) || r.Header.Get("HX-Boosted") == "true" {
		return nil, false
	}
	u, err := url.Parse(web.SafeNext(r.PostForm.Get("next"), ""))
	if err != nil || u.Path != "/app/msp/board" {
		return nil, false
	}
	return u.Query(), true
}

// Assign is POST /app/msp/tickets/{id}/assign: assignee=<user id> (empty: nobody).
func (h *Handler) Assign(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "assignee"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_, ids, _, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	t, err := Assign(r.Context(), c.DB, idParam(r, "id"), formID(r.PostForm.Get("assignee")), ids, actor(c))
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	h.done(w, r, t, "msp.flash.saved")
}

// Edit is POST /app/msp/tickets/{id}/edit: subject, category, priority, client, site, device.
func (h *Handler) Edit(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "client", "site", "device", "was_client", "was_site", "was_device"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := r.PostForm
	d := Details{Subject: f.Get("subject"), Category: f.Get("category"), Priority: f.Get("priority"),
		ClientID: formID(f.Get("client")), SiteID: formID(f.Get("site")), DeviceID: formID(f.Get("device"))}
	if _, ok := f["was_subject"]; ok {
		// The page's form says what it showed: only the fields changed on it are saved, so a page
		// drawn before someone else's edit does not put their priority or client back.
		d.Drawn = &Details{Subject: f.Get("was_subject"), Category: f.Get("was_category"), Priority: f.Get("was_priority"),
			ClientID: formID(f.Get("was_client")), SiteID: formID(f.Get("was_site")), DeviceID: formID(f.Get("was_device"))}
		d.form = f // refused as changed meanwhile, the form shown again says what is stored
	}
	t, rc, err := EditRecounted(r.Context(), c.DB, idParam(r, "id"), d, actor(c))
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	if rc.Kept > 0 {
		// The time of closed months stays where it was billed: said, not done silently.
		web.FlashSay(w, r, true, i18n.P("msp.flash.saved", t.Ref()), keptClosed(rc))
		h.done(w, r, t, "")
		return
	}
	h.done(w, r, t, "msp.flash.saved")
}

// Note is POST /app/msp/tickets/{id}/note: an internal note on the timeline.
func (h *Handler) Note(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	t, err := AddNote(r.Context(), c.DB, idParam(r, "id"), r.PostForm.Get("note"), actor(c))
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	h.done(w, r, t, "msp.flash.noted")
}

// Reply is POST /app/msp/tickets/{id}/reply: a public reply, sent on the ticket's conversation.
func (h *Handler) Reply(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var reg *channel.Registry
	if h.Inbox != nil {
		reg = h.Inbox.Channels
	}
	// A reply on a channel whose sending is not set up would be queued and fail without a word:
	// refused, the text moved to the internal-note box with the reason beside it.
	if t, err := TicketByID(r.Context(), c.DB.Read, idParam(r, "id")); err == nil && t.ConversationID != 0 {
		if conv, err := inbox.ConversationByID(r.Context(), c.DB.Read, t.ConversationID); err == nil {
			if no, _ := h.cannotSend(c, conv.Channel); no {
				r.PostForm.Set("note", r.PostForm.Get("reply"))
				h.showTicket(w, r, http.StatusUnprocessableEntity, map[string]string{
					"note": c.T("msp.reply.cannot_send_refused", c.T("inbox.channel."+conv.Channel))})
				return
			}
		}
	}
	t, msgID, err := SendReply(r.Context(), c.DB, reg, idParam(r, "id"), r.PostForm.Get("reply"), actor(c))
	if web.StatusOf(err) == http.StatusConflict {
		// Refused by the ticket's state (closed since the page was opened, say): its page again,
		// the reply kept in its box with the reason beside it; a closed ticket offers the text to
		// a new ticket for the same client.
		h.showTicket(w, r, http.StatusConflict, map[string]string{"reply": web.Message(r, err)})
		return
	}
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	if h.Inbox != nil {
		h.Inbox.DeliveryChanged(c.Tenant.Slug, t.ConversationID, msgID)
	}
	h.done(w, r, t, "msp.flash.replied")
}

// ---- new ticket, from a conversation or not ----------------------------------------------------

type newPage struct {
	Conv    *inbox.Conversation
	Lead    *inbox.Lead
	In      NewTicket
	Clients []*Client
	Sites   []*Site
	Devices []*Device
	Members []member
	Cats    []string
	Prios   []string
}

func (h *Handler) newData(r *http.Request, in NewTicket) (*newPage, error) {
	c := web.From(r)
	ctx := r.Context()
	d := &newPage{In: in, Cats: Categories, Prios: Priorities}
	var err error
	if in.ConversationID != 0 {
		if d.Conv, err = inbox.ConversationByID(ctx, c.DB.Read, in.ConversationID); err != nil {
			return nil, err
		}
		if d.Lead, err = inbox.LeadByID(ctx, c.DB.Read, d.Conv.LeadID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			return nil, err
		}
	}
	if d.Clients, err = ClientOptions(ctx, c.DB.Read); err != nil {
		return nil, err
	}
	if d.Sites, err = Sites(ctx, c.DB.Read, 0); err != nil {
		return nil, err
	}
	if d.Devices, err = Devices(ctx, c.DB.Read, in.ClientID, ""); err != nil {
		return nil, err
	}
	if d.Members, _, _, err = h.members(r); err != nil {
		return nil, err
	}
	return d, nil
}

// New is GET /app/msp/tickets/new (?conversation_id=: "turn this conversation into a ticket"):
// the form, with the subject taken from the customer's last message and the client from the
// conversation's customer when that customer is a client.
func (h *Handler) New(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	in := NewTicket{ConversationID: formID(r.URL.Query().Get("conversation_id")), Priority: P3, Category: "other",
		ClientID: formID(r.URL.Query().Get("client")), AssigneeID: c.UserID()}
	if in.ConversationID != 0 {
		conv, err := inbox.ConversationByID(ctx, c.DB.Read, in.ConversationID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		cust := conv.CustomerID
		if lead, err := inbox.LeadByID(ctx, c.DB.Read, conv.LeadID); err == nil && cust == 0 {
			cust = lead.CustomerID
		}
		if cust != 0 && in.ClientID == 0 {
			if in.ClientID, err = ClientOfCustomer(ctx, c.DB.Read, cust); err != nil {
				h.Render.Fail(w, r, err)
				return
			}
		}
		msgs, _, err := inbox.Latest(ctx, c.DB.Read, conv.ID, 0, 200)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		for i := len(msgs) - 1; i >= 0; i-- {
			if msgs[i].Direction == "inbound" && strings.TrimSpace(msgs[i].Body) != "" {
				body := strings.Join(strings.Fields(msgs[i].Body), " ")
				in.Description = msgs[i].Body
				if rs := []rune(body); len(rs) > 120 {
					body = string(rs[:119]) + "…"
				}
				in.Subject = body
				break
			}
		}
	}
	if in.ConversationID == 0 {
		// A reply refused on a closed ticket comes over as the new ticket's description.
		in.Description = r.URL.Query().Get("description")
	}
	d, err := h.newData(r, in)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.page(w, r, http.StatusOK, "ticket_new", c.T("msp.new.title"), d, nil)
}

// Create is POST /app/msp/tickets/new.
func (h *Handler) Create(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "client", "site", "device", "conversation_id", "assignee"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := r.PostForm
	_, ids, _, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	in := NewTicket{Subject: f.Get("subject"), Description: f.Get("description"), ClientID: formID(f.Get("client")), SiteID: formID(f.Get("site")),
		DeviceID: formID(f.Get("device")), ConversationID: formID(f.Get("conversation_id")), Category: f.Get("category"),
		Priority: f.Get("priority"), AssigneeID: formID(f.Get("assignee")), Members: ids}
	t, err := Create(r.Context(), c.DB, in, actor(c))
	if errs := web.FieldErrors(r, err); errs != nil {
		d, derr := h.newData(r, in)
		if derr != nil {
			h.Render.Fail(w, r, derr)
			return
		}
		h.page(w, r, http.StatusUnprocessableEntity, "ticket_new", c.T("msp.new.title"), d, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp.flash.created", t.Ref())
	web.Redirect(w, r, "/app/msp/tickets/"+strconv.FormatInt(t.ID, 10)+"/")
}

// Link is POST /app/msp/tickets/link: conversation_id and ticket (a number, T-000123 or 123):
// the conversation becomes the ticket's (replies go there); back to the conversation.
func (h *Handler) Link(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "conversation_id"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	convID := formID(r.PostForm.Get("conversation_id"))
	back := "/app/inbox/" + strconv.FormatInt(convID, 10) + "/"
	id, err := TicketIDByRef(r.Context(), c.DB.Read, r.PostForm.Get("ticket"))
	if err == nil {
		_, err = LinkConversation(r.Context(), c.DB, id, convID, actor(c))
	}
	if errors.Is(err, tenantdb.ErrNotFound) || web.FieldErrors(r, err) != nil {
		web.FlashKey(w, r, false, "msp.err.no_ticket", r.PostForm.Get("ticket"))
		web.Redirect(w, r, back)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp.flash.linked", FormatNumber(refNumber(r.PostForm.Get("ticket"))))
	web.Redirect(w, r, back)
}

// ConversationTickets is the conversation page's list of its tickets (inbox.Neighbours.Tickets).
func ConversationTickets(ctx context.Context, q inbox.Querier, convID int64) ([]inbox.TicketLink, error) {
	ts, err := TicketsOfConversation(ctx, q, convID)
	if err != nil {
		return nil, err
	}
	out := make([]inbox.TicketLink, 0, len(ts))
	for _, t := range ts {
		out = append(out, inbox.TicketLink{ID: t.ID, Ref: t.Ref(), Subject: t.Subject, Status: t.Status, Priority: t.Priority})
	}
	return out, nil
}

// NextOf lists the statuses a card in status s may move to.
func (p *boardPage) NextOf(s string) []string { return Next(s) }

// Shown reports whether the tenant's conversation pages offer the ticket card: when the tenant has
// the MSP module on (the router gates the MSP pages themselves).
func Shown(t *platform.Tenant) bool { return t.HasModule(platform.ModuleMSP) }
