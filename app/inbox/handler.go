package inbox

import (
	"context"
	"fmt"
	"highvibe/app/export"
	"net/http"
	"net/url"
	"slices"
	"strconv"
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

// parseFilter reads and validates the inbox query string.
func parseFilter(c *web.Ctx, v url.Values, channels []string) (Filter, web.Errors) {
	errs := web.Errors{}
	f := Filter{Q: strings.TrimSpace(v.Get("q")), State: v.Get("state"), Channel: v.Get("channel"),
		Handoff: v.Get("handoff") == "1", Tag: strings.TrimSpace(v.Get("tag")), Unread: v.Get("unread") == "1",
		Sort: v.Get("sort"), Cursor: v.Get("cursor"), UserID: c.UserID()}
	if len([]rune(f.Q)) > 200 {
		errs.Add("q", c.T("validation.too_long", 200))
	}
	if f.State != "" && f.State != "open" && !slices.Contains(States, f.State) {
		errs.Add("state", c.T("validation.choice"))
	}
	if f.Channel != "" && !slices.Contains(channels, f.Channel) {
		errs.Add("channel", c.T("validation.choice"))
	}
	switch a := v.Get("assigned"); a {
	case "":
	case "me":
		f.AssignedMe = true
	case "none":
		f.Unassigned = true
	default:
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			errs.Add("assigned", c.T("validation.choice"))
		}
		f.AssignedTo = id
	}
	switch v.Get("mentions") {
	case "":
	case "me":
		f.MentionsMe = true
	default:
		errs.Add("mentions", c.T("validation.choice"))
	}
	if len([]rune(f.Tag)) > 40 {
		errs.Add("tag", c.T("validation.too_long", 40))
	}
	if f.Sort != "" && f.Sort != "newest" && f.Sort != "urgency" && f.Sort != "waiting" {
		errs.Add("sort", c.T("validation.choice"))
	}
	if f.Cursor != "" && !ValidCursor(f.Sort, f.Cursor) {
		errs.Add("cursor", c.T("inbox.error.cursor"))
	}
	return f, errs
}

// List renders /app/inbox/; htmx requests aimed at the results get only that fragment.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) { h.list(w, r, nil, nil) }

// list renders the inbox; newForm and newErrs, when set, are a refused post of its "log a call or
// walk-in" form, drawn again with what was typed, under a 422.
func (h *Handler) list(w http.ResponseWriter, r *http.Request, newForm url.Values, newErrs web.Errors) {
	c := web.From(r)
	v := r.URL.Query()
	reg := h.Svc.Channels
	f, errs := parseFilter(c, v, reg.Names())
	d := &listData{F: f, Form: v, States: States, Channels: reg.Names(), NewChannels: reg.ByHand(), Icons: reg.Icons(), Names: map[int64]string{},
		NewForm: newForm, NewErrors: newErrs}
	p := &web.Page{Title: c.T("nav.inbox"), Nav: "inbox", Guide: "inbox", Data: d, Form: v}
	if members, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID); err == nil {
		d.Members = members
		for _, m := range members {
			d.Names[m.UserID] = m.Username
		}
	}
	self := url.Values{}
	for k, vs := range v {
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
	if errs.Any() {
		p.Errors = errs
		status = http.StatusUnprocessableEntity
	} else {
		// Export only filters the list accepts (refused ones would answer with an error page).
		d.ExportBase = export.Base("/app/inbox/export", v)
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
	}
	var err error
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
