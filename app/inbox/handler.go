package inbox

import (
	"context"
	"fmt"
	"highvibe/app/export"
	"net/http"
	"net/url"
	"strings"
	"time"

	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// Handler serves the inbox pages; app/serve.go builds it and the route table points at its methods.
type Handler struct {
	Render   *web.Renderer
	Svc      *Service
	Platform *platform.Service
	// Neighbours read what the conversation page shows from the approval queue and the CRM.
	Neighbours Neighbours
	// Suggester drafts a reply on demand (POST /app/inbox/<id>/suggest); nil answers 404.
	Suggester Suggester
	// Heartbeat is how often the event stream sends a comment line (zero = 20 s).
	Heartbeat time.Duration
	// StillIn says whether the stream's request may still read this tenant: its session not ended
	// (signed out, revoked, expired), the person not disabled, their membership neither disabled
	// nor removed. The stream asks before every event and every Recheck, and closes when not.
	// nil: always (a handler built without the server).
	StillIn func(r *http.Request) bool
	// Recheck is how often an idle stream asks StillIn (zero = 3 s).
	Recheck time.Duration
	// Media keeps the files the composer sends (nil: no attachments).
	Media *media.Service
}

type listData struct {
	F        Filter
	Form     url.Values
	Rows     []*Row
	Next     string // URL of the next page
	Self     string // URL of this list (for live refresh)
	Counters Counters
	Recent   []Recent
	Members  []platform.Membership
	Names    map[int64]string
	States   []string
	Channels []string // the registry's channels, for the filter
	// NewChannels are the channels a person can log by hand.
	NewChannels []string
	Icons       map[string]string // channel → symbol
	// Filtered counts the filters in use besides the search text (they fold behind one button).
	Filtered int
	// Waiting words how long each waiting conversation's customer has waited for an answer: in
	// business time when the tenant has business hours (and says so), else in clock time.
	Waiting map[int64]string
	// WaitBusiness is true when Waiting counts business time.
	WaitBusiness bool
	// ExportBase is the export of these conversations with the same filters (export.Base); "" while
	// the filters are refused (no export is offered then).
	ExportBase string
	// NewForm and NewErrors are a refused "log a call or walk-in" post: what was typed, shown
	// again in its form, and each field's message beside it (Handler.New).
	NewForm   url.Values
	NewErrors web.Errors
}

// NewFirst is the first field of the refused "log a call or walk-in" form that needs attention,
// in form order (it takes the focus, so a phone scrolls down to it); "" when nothing was refused.
func (d *listData) NewFirst() string {
	for _, k := range []string{"name", "phone", "email", "channel", "body"} {
		if d.NewErrors[k] != "" {
			return k
		}
	}
	return ""
}

// parseFilter reads the inbox query string. A filter it cannot read (a state or channel that is
// not one, ?assigned=abc, a search or tag longer than its field, a page link it cannot follow) is
// left out and recorded on c (web.Ctx.IgnoreFilter): the list names it above its rows.
func parseFilter(c *web.Ctx, v url.Values, channels []string) Filter {
	f := Filter{Q: strings.TrimSpace(v.Get("q")), Tag: strings.TrimSpace(v.Get("tag")), UserID: c.UserID()}
	if len([]rune(f.Q)) > 200 {
		c.IgnoreFilter("q", c.T("button.search"), f.Q)
		f.Q = ""
	}
	f.State = c.FilterChoice(v, "state", c.T("inbox.state"), append([]string{"open"}, States...))
	f.Channel = c.FilterChoice(v, "channel", c.T("inbox.channel"), channels)
	f.Handoff = c.FilterChoice(v, "handoff", c.T("inbox.handoff_only"), []string{"0", "1"}) == "1"
	f.Unread = c.FilterChoice(v, "unread", c.T("inbox.unread_only"), []string{"0", "1"}) == "1"
	switch a := strings.TrimSpace(v.Get("assigned")); a {
	case "":
	case "me":
		f.AssignedMe = true
	case "none":
		f.Unassigned = true
	default:
		f.AssignedTo = c.FilterID(v, "assigned", c.T("inbox.assignee"))
	}
	f.MentionsMe = c.FilterChoice(v, "mentions", c.T("inbox.mentions_me"), []string{"me"}) == "me"
	if len([]rune(f.Tag)) > 40 {
		c.IgnoreFilter("tag", c.T("inbox.tag"), f.Tag)
		f.Tag = ""
	}
	f.Sort = c.FilterChoice(v, "sort", c.T("inbox.sort"), []string{"newest", "urgency", "waiting"})
	if cur := v.Get("cursor"); cur != "" {
		if ValidCursor(f.Sort, cur) {
			f.Cursor = cur
		} else {
			c.IgnoreCursor("cursor", cur)
		}
	}
	return f
}

// List renders /app/inbox/; htmx requests aimed at the results get only that fragment.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) { h.list(w, r, nil, nil) }

// list renders the inbox; newForm and newErrs, when set, are a refused post of its "log a call or
// walk-in" form, drawn again with what was typed, under a 422.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, newForm url.Values, newErrs web.Errors) {
	c := web.From(r)
	v := r.URL.Query()
	reg := h.Svc.Channels
	f := parseFilter(c, v, reg.Names())
	// What the list applies: its live refresh, next page and export carry these, not the
	// filters it left out (named above the rows).
	kept := c.WithoutIgnored(v)
	d := &listData{F: f, Form: kept, States: States, Channels: reg.Names(), NewChannels: reg.ByHand(), Icons: reg.Icons(), Names: map[int64]string{},
		NewForm: newForm, NewErrors: newErrs}
	p := &web.Page{Title: c.T("nav.inbox"), Nav: "inbox", Guide: "inbox", Data: d, Form: kept}
	if members, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID); err == nil {
		d.Members = members
		for _, m := range members {
			d.Names[m.UserID] = m.Name()
		}
	}
	self := url.Values{}
	for k, vs := range kept {
		if k != "lang" && k != "cursor" && len(vs) > 0 && vs[0] != "" {
			self.Set(k, vs[0])
		}
	}
	d.Self = "/app/inbox/?" + self.Encode()
	for k := range self {
		if k != "q" {
			d.Filtered++
		}
	}
	status := http.StatusOK
	if newErrs.Any() {
		status = http.StatusUnprocessableEntity
		p.FlashErr = c.T("inbox.new.refused")
	}
	d.ExportBase = export.Base("/app/inbox/export", kept)
	rows, next, err := List(r.Context(), c.DB.Read, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Rows = rows
	if d.Waiting, d.WaitBusiness, err = waitingWords(r.Context(), c, rows, time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if next != "" {
		nv := url.Values{}
		for k := range self {
			nv.Set(k, self.Get(k))
		}
		nv.Set("cursor", next)
		d.Next = "/app/inbox/?" + nv.Encode()
	}
	if d.Counters, err = Count(r.Context(), c.DB.Read, time.Now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if d.Recent, err = RecentMessages(r.Context(), c.DB.Read, 12); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if web.IsHTMX(r) && r.Header.Get("HX-Target") == "inbox-results" {
		h.Render.Fragment(w, r, status, "inbox/index", "results", p)
		return
	}
	h.Render.Render(w, r, status, "inbox/index", p)
}

// waitingWords words the wait of every row whose customer is waiting for an answer (guide:
// 35-business-hours.md): business time when business hours are on, clock time otherwise.
func waitingWords(ctx context.Context, c *web.Ctx, rows []*Row, now time.Time) (map[int64]string, bool, error) {
	s, err := hoursdb.Schedule(ctx, c.DB.Read)
	if err != nil {
		return nil, false, err
	}
	days := func(n int) string { return c.P.Plural("hours.dur.d", n) }
	out := map[int64]string{}
	for _, row := range rows {
		if row.WaitingSince == 0 {
			continue
		}
		since := time.UnixMilli(row.WaitingSince)
		if s == nil {
			out[row.ID] = c.T("hours.waiting_wall", hours.Wall(c.T, days, now.Sub(since)))
		} else if open := s.Between(since, now); open < 30*time.Second && now.Sub(since) >= time.Minute {
			// Every minute of the wait fell outside the opening hours: "waiting 0 min in business
			// time" read as a mistake on a message that came in last night.
			out[row.ID] = c.T("hours.waiting_after")
		} else {
			out[row.ID] = c.T("hours.waiting", hours.Business(c.T, open))
		}
	}
	return out, s != nil, nil
}

// Events streams the tenant's live events as Server-Sent Events until the client goes away; the
// inbox list re-fetches itself on each "message" event, an open conversation on its "conv-<id>".
func (h *Handler) Events(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	ch, stop := h.Svc.Live.Subscribe(c.Tenant.Slug)
	defer stop()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 3000\n: connected\n\n")
	fl.Flush()
	hb := h.Heartbeat
	if hb <= 0 {
		hb = 20 * time.Second
	}
	tick := time.NewTicker(hb)
	defer tick.Stop()
	rc := h.Recheck
	if rc <= 0 {
		rc = 3 * time.Second
	}
	recheck := time.NewTicker(rc)
	defer recheck.Stop()
	// A stream outlives the checks its request passed: the session can end or the access close
	// while it is open, and then it must not tell anyone what happens in the business.
	still := func() bool { return h.StillIn == nil || h.StillIn(r) }
	for {
		select {
		case <-r.Context().Done():
			return
		case <-recheck.C:
			if !still() {
				return
			}
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
			fl.Flush()
		case e := <-ch:
			if !still() {
				return
			}
			// Every kind re-fetches the list: htmx listens for the unnamed "message" event. An open
			// conversation listens for its own named event "conv-<id>" and re-fetches its timeline.
			data := fmt.Sprintf("{\"kind\":%q,\"conversation_id\":%d,\"message_id\":%d}", e.Kind, e.ConversationID, e.MessageID)
			if _, err := fmt.Fprintf(w, "event: message\ndata: %s\n\n", data); err != nil {
				return
			}
			if e.ConversationID > 0 {
				if _, err := fmt.Fprintf(w, "event: conv-%d\ndata: %s\n\n", e.ConversationID, data); err != nil {
					return
				}
			}
			fl.Flush()
		}
	}
}
