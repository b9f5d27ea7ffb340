package visits

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// BookHandler serves booking a site visit from a conversation (/app/visits/book), cancelling and
// marking a no-show, and the customer's page of a visit (/v/<slug>.<token>, public.go).
type BookHandler struct {
	Render   *web.Renderer
	Platform *platform.Service
	Svc      *Service
	// Now is the clock (tests set it); nil: time.Now.
	Now func() time.Time
}

func (h *BookHandler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// SearchDays is how many days the booking form shows free slots for, from the chosen day.
const SearchDays = 7

// ConversationVisits is the conversation page's list of its visits (inbox.Neighbours.Visits).
func ConversationVisits(ctx context.Context, q inbox.Querier, convID int64) ([]inbox.VisitLink, error) {
	vs, err := ForConversation(ctx, q, convID)
	if err != nil {
		return nil, err
	}
	out := make([]inbox.VisitLink, 0, len(vs))
	for _, v := range vs {
		rej, err := DateRejected(ctx, q, v)
		if err != nil {
			return nil, err
		}
		out = append(out, inbox.VisitLink{ID: v.ID, StartsAt: v.StartsAt, Status: v.Status, DateRejected: rej, Answer: v.CustomerAnswer})
	}
	return out, nil
}

// member is one person who can go.
type member struct {
	ID   int64
	Name string
}

// SlotDay is one day of free slots as the form lists it.
type SlotDay struct {
	Date  time.Time
	Slots []time.Time
}

// bookPage is the booking form.
type bookPage struct {
	Conv      *inbox.Conversation
	Lead      *inbox.Lead
	Members   []member
	Chosen    []int64 // assignees
	Duration  int
	Buffer    int
	From      string // YYYY-MM-DD, the first day searched
	Days      []SlotDay
	Start     string // the chosen slot (2006-01-02T15:04)
	Address   string
	Note      string
	MapURL    string
	Searched  bool
	ZoneName  string
	Weekday   func(time.Time) string
	MinDate   string
	Durations []int
	Lang      string
}

// Clock is a slot's time of day as the page's language writes it.
func (p *bookPage) Clock(t time.Time) string {
	if p.Lang == "en" {
		return t.Format("3:04 PM")
	}
	return t.Format("15:04")
}

// Picked reports whether id is among the chosen assignees.
func (p *bookPage) Picked(id int64) bool { return slices.Contains(p.Chosen, id) }

// Value is a slot's form value.
func (p *bookPage) Value(t time.Time) string { return t.Format("2006-01-02T15:04") }

func (h *BookHandler) settingInt(c *web.Ctx, key string, def int) int {
	if n, err := strconv.Atoi(c.Tenant.Setting(key)); err == nil {
		return n
	}
	return def
}

// CanGo reports whether member m can be sent to a visit: an active owner or operator (a viewer
// reads the panel but is not sent to a customer's site). The booking form offers and accepts only
// them, and the assistant proposes its visits only for them (ProposeForAssistantTx).
func CanGo(m platform.Membership) bool {
	return !m.Disabled && (m.Role == platform.RoleOwner || m.Role == platform.RoleOperator)
}

// members lists the tenant's members who can go to a visit (CanGo).
func (h *BookHandler) members(r *http.Request) ([]member, []int64, error) {
	c := web.From(r)
	ms, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	var out []member
	var ids []int64
	for _, m := range ms {
		if CanGo(m) {
			out = append(out, member{m.UserID, m.Name()})
			ids = append(ids, m.UserID)
		}
	}
	return out, ids, nil
}

// form reads the booking form's fields (a GET that looks for slots or the POST that books).
func (h *BookHandler) page(r *http.Request, vals func(string) string, list func(string) []string) (*bookPage, error) {
	c := web.From(r)
	ctx := r.Context()
	convID, err := strconv.ParseInt(vals("conversation_id"), 10, 64)
	if err != nil || convID <= 0 {
		return nil, tenantdb.ErrNotFound
	}
	d := &bookPage{Duration: h.settingInt(c, SettingDuration, DefaultDuration), Buffer: h.settingInt(c, SettingBuffer, DefaultBuffer),
		Durations: []int{30, 45, 60, 90, 120, 180, 240}}
	if d.Conv, err = inbox.ConversationByID(ctx, c.DB.Read, convID); err != nil {
		return nil, err
	}
	if d.Lead, err = inbox.LeadByID(ctx, c.DB.Read, d.Conv.LeadID); err != nil {
		return nil, err
	}
	var ids []int64
	if d.Members, ids, err = h.members(r); err != nil {
		return nil, err
	}
	for _, s := range list("assignee") {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil && slices.Contains(ids, id) && !slices.Contains(d.Chosen, id) {
			d.Chosen = append(d.Chosen, id)
		}
	}
	if len(list("assignee")) == 0 && slices.Contains(ids, c.UserID()) {
		d.Chosen = []int64{c.UserID()}
	}
	if n, err := strconv.Atoi(i18n.ASCIIDigits(vals("duration"))); err == nil {
		d.Duration = n
	}
	if !slices.Contains(d.Durations, d.Duration) && d.Duration >= MinDuration && d.Duration <= MaxDuration {
		d.Durations = append(d.Durations, d.Duration)
		slices.Sort(d.Durations)
	}
	d.Start, d.Address, d.Note = vals("start"), vals("address"), vals("note")
	d.MapURL = MapURL(d.Address)
	loc := c.Zone()
	now := h.now().In(loc)
	d.MinDate = now.Format(time.DateOnly)
	from := now
	if t, err := i18n.ParseTime(time.DateOnly, vals("from"), loc); err == nil && !t.Before(now.AddDate(0, 0, -1)) && t.Before(now.AddDate(2, 0, 0)) {
		from = t
	}
	d.From, d.Lang = from.Format(time.DateOnly), c.Lang
	d.ZoneName = loc.String()
	d.Weekday = func(t time.Time) string { return c.T("visits.weekday." + lower(t.Weekday().String())) }
	if len(d.Chosen) > 0 && d.Duration >= MinDuration && d.Duration <= MaxDuration {
		slots, zone, err := Slots(ctx, c.DB.Read, d.Chosen, from, from.AddDate(0, 0, SearchDays-1), time.Duration(d.Duration)*time.Minute,
			time.Duration(d.Buffer)*time.Minute, 0, h.now())
		if err != nil {
			return nil, err
		}
		d.Searched = true
		for _, s := range slots {
			s = s.In(zone)
			if n := len(d.Days); n == 0 || d.Days[n-1].Date.Format(time.DateOnly) != s.Format(time.DateOnly) {
				d.Days = append(d.Days, SlotDay{Date: s})
			}
			d.Days[len(d.Days)-1].Slots = append(d.Days[len(d.Days)-1].Slots, s)
		}
	}
	return d, nil
}

func lower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 32
		}
	}
	return string(b)
}

func (h *BookHandler) show(w http.ResponseWriter, r *http.Request, status int, d *bookPage, errs map[string]string) {
	c := web.From(r)
	name := d.Lead.Shown(c.PhoneRegion())
	if name == "" {
		name = c.T("inbox.unknown")
	}
	h.Render.Render(w, r, status, "visits/book", &web.Page{Title: c.T("visits.book.title", name), Nav: "inbox", Guide: "site-visits", Data: d, Errors: errs,
		Form: r.PostForm}) // a refused post's values keep the form's one-time token
}

// Form is GET /app/visits/book?conversation_id=…: who goes, how long, from which day; the free
// slots of the chosen people for the next days; the address and a note.
func (h *BookHandler) Form(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d, err := h.page(r, q.Get, func(k string) []string { return q[k] })
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.show(w, r, http.StatusOK, d, nil)
}

// Book is POST /app/visits/book: the visit is stored as proposed and its date goes to the approval
// queue; nothing reaches the customer before it is approved. Bad input re-renders the form at 422
// in the user's language with nothing stored.
func (h *BookHandler) Book(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, err := h.page(r, r.PostForm.Get, func(k string) []string { return r.PostForm[k] })
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_, ids, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var assignees []int64
	for _, s := range r.PostForm["assignee"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			id = -1 // not a member: refused by the booking's check
		}
		assignees = append(assignees, id)
	}
	b := Booking{ConversationID: d.Conv.ID, DurationMin: d.Duration, Address: d.Address, Note: d.Note, Assignees: assignees, Members: ids}
	if d.Start != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", d.Start, c.Zone())
		if err != nil {
			h.show(w, r, http.StatusUnprocessableEntity, d, map[string]string{"start": c.T("visits.err.start_required")})
			return
		}
		b.Start = t
	}
	// The start's own checks (passed, year past 2100) come first, from Book below: only a start
	// that could be booked at all is compared with the free times the form found.
	if startProblem(b.Start, h.now()) == "" && b.Start.After(h.now()) && len(assignees) > 0 && d.Searched && !h.free(d, b.Start) {
		// Not a listed time: say why, so nobody thinks a colleague took a time that was never open.
		why := "visits.err.slot_taken"
		if s, _, err := PlanningSchedule(r.Context(), c.DB.Read); err == nil && s != nil {
			if dur := time.Duration(d.Duration) * time.Minute; s.Between(b.Start, b.Start.Add(dur)) != dur {
				why = "visits.err.outside_hours"
			}
		}
		if why == "visits.err.slot_taken" && b.Start.In(c.Zone()).Minute()%int(Grid/time.Minute) != 0 {
			why = "visits.err.off_grid"
		}
		h.show(w, r, http.StatusUnprocessableEntity, d, map[string]string{"start": c.T(why)})
		return
	}
	v, err := Book(r.Context(), c.DB, b, Actor{UserID: c.UserID(), Name: c.User.Name()})
	if errs := web.FieldErrors(r, err); errs != nil {
		h.show(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Svc != nil && h.Svc.Live != nil {
		h.Svc.Live.Publish(c.Tenant.Slug, liveConversation(v.ConversationID))
	}
	web.FlashKey(w, r, true, "visits.book.done")
	http.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(v.ConversationID, 10)+"/", http.StatusSeeOther)
}

// free reports whether start is one of the free slots the form found (the chosen day's week).
func (h *BookHandler) free(d *bookPage, start time.Time) bool {
	for _, day := range d.Days {
		for _, s := range day.Slots {
			if s.Equal(start) {
				return true
			}
		}
	}
	return false
}

// actor is the signed-in person.
func actor(c *web.Ctx) Actor { return Actor{UserID: c.UserID(), Name: c.User.Name()} }

func (h *BookHandler) visitID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return 0, false
	}
	return id, true
}

// Cancel is POST /app/visits/{id}/cancel (an optional reason): the visit is cancelled, its
// waiting date withdrawn from the approval queue and its reminders do nothing.
func (h *BookHandler) Cancel(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := h.visitID(w, r)
	if !ok {
		return
	}
	if _, err := Cancel(r.Context(), c.DB, id, r.PostFormValue("reason"), actor(c)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "visits.cancelled")
	next := "/app/visits/" + strconv.FormatInt(id, 10) + "/"
	if n := r.PostFormValue("next"); strings.HasPrefix(n, "/app/inbox/") && !strings.ContainsAny(n, "\\:") && !strings.HasPrefix(n, "//") {
		next = n // back to the conversation it was cancelled from
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// NoShow is POST /app/visits/{id}/no-show: the customer was not there.
func (h *BookHandler) NoShow(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := h.visitID(w, r)
	if !ok {
		return
	}
	if _, err := NoShow(r.Context(), c.DB, id, actor(c), h.now()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "visits.no_show_saved")
	http.Redirect(w, r, "/app/visits/"+strconv.FormatInt(id, 10)+"/", http.StatusSeeOther)
}
