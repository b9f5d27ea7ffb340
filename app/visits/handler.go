package visits

import (
	"bytes"
	"context"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/media"
	"highvibe/app/phone"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the calendar (/app/visits/), a visit's page, its outcome form and each member's
// calendar feed (/ical/<slug>/<token>.ics).
type Handler struct {
	Render   *web.Renderer
	Platform *platform.Service
	// Now is the clock (tests set it); nil: time.Now.
	Now func() time.Time
	// Inbox gives the lead its next step after a done visit (the inbox's own Update); nil: skipped.
	Inbox *inbox.Service
	// Media keeps photos uploaded with a visit's outcome (the media room); nil: uploads refused.
	Media *media.Service
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// calPage is the calendar's view model.
type calPage struct {
	*Layout
	P        *i18n.Printer
	Members  []platform.Membership
	User     int64 // 0: the whole team
	Date     string
	Prev     string
	Next     string
	Today    string
	WeekURL  string
	DayURL   string
	Here     string // this view's address, where a reschedule comes back to
	Ahead    string // on a Sunday, opened on the coming week: the link to today's day ("" otherwise)
	CanWrite bool
	Count    int
	Feed     string
}

// Clock is a time of day in the reader's language (12-hour clock in English).
func (p *calPage) Clock(t time.Time) string { return clock(p.P, t) }

func clock(p *i18n.Printer, t time.Time) string {
	if p.Lang == "en" {
		return t.Format("3:04 PM")
	}
	return t.Format("15:04")
}

// HourLabel is a grid row's hour: "07:00", in English "7 AM".
func (p *calPage) HourLabel(h HourMark) string {
	if p.P.Lang == "en" {
		return time.Date(2000, 1, 1, h.Hour, 0, 0, 0, time.UTC).Format("3 PM")
	}
	return h.Label
}

// DateOf is the full date of a day.
func (p *calPage) DateOf(t time.Time) string { return p.P.Date(t) }

// Heading is the range the page shows, for its title.
func (p *calPage) Heading() string {
	if p.View == "day" {
		return p.P.T("calendar.wd."+strconv.Itoa((int(p.From.Weekday())+6)%7+1)) + " " + p.P.Date(p.From)
	}
	return p.P.Date(p.From) + " – " + p.P.Date(p.To.AddDate(0, 0, -1))
}

// Statuses are the status set in its order (the legend).
func (p *calPage) Statuses() []string {
	return []string{StatusProposed, StatusConfirmed, StatusDone, StatusNoShow, StatusCancelled}
}

// DayLink opens a day of the week in the day view.
func (p *calPage) DayLink(d CalDay) string { return link("day", d.ISO(), p.User) }

// StatusWord is the visit's status in words.
func (p *calPage) StatusWord(s string) string { return p.P.T("calendar.status." + s) }

// link builds a calendar address.
func link(view, date string, user int64) string {
	q := url.Values{}
	if view != "" {
		q.Set("view", view)
	}
	if date != "" {
		q.Set("date", date)
	}
	if user > 0 {
		q.Set("user", strconv.FormatInt(user, 10))
	}
	if len(q) == 0 {
		return "/app/visits/"
	}
	return "/app/visits/?" + q.Encode()
}

// Calendar is GET /app/visits/: ?view=week|day, ?date=YYYY-MM-DD, ?user=<id> (0 or none: the team).
func (h *Handler) Calendar(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	loc := c.Zone()
	now := h.now().In(loc)
	q := r.URL.Query()
	view := q.Get("view")
	if view != "day" {
		view = "week"
	}
	day := now
	asked := false
	if d, err := time.ParseInLocation("2006-01-02", q.Get("date"), loc); err == nil {
		day, asked = d, true
	}
	members, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	user, _ := strconv.ParseInt(q.Get("user"), 10, 64)
	known := false
	for _, m := range members {
		known = known || m.UserID == user
	}
	if !known {
		user = 0
	}
	ahead := ""
	if !asked && view == "week" && now.Weekday() == time.Sunday {
		// On a Sunday the week holding today has only today left, and the team plans the week
		// ahead: the calendar opens on the coming week and links today's day (guide: site visits).
		day = now.AddDate(0, 0, 1)
		ahead = link("day", now.Format("2006-01-02"), user)
	}
	from, to := Range(view, day, loc)
	list, err := h.calendarVisits(r.Context(), c.DB, from, to, user, members, c.PhoneRegion())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	l := Lay(view, day, now, loc, list)
	step := 7
	if view == "day" {
		step = 1
	}
	date := from.Format("2006-01-02")
	p := &calPage{Layout: l, P: c.P, Members: members, User: user, Date: date, Count: len(list),
		Prev:     link(view, from.AddDate(0, 0, -step).Format("2006-01-02"), user),
		Next:     link(view, from.AddDate(0, 0, step).Format("2006-01-02"), user),
		Today:    link(view, "", user),
		WeekURL:  link("week", date, user),
		DayURL:   link("day", date, user),
		Here:     link(view, date, user),
		CanWrite: c.Can(auth.WriteInbox), Ahead: ahead}
	h.Render.Render(w, r, http.StatusOK, "visits/calendar", &web.Page{Title: c.T("calendar.title"), Nav: "visits", Guide: "site-visits", Data: p})
}

// members are the active tenant's members (the assignee filter and names).
func (h *Handler) members(r *http.Request) ([]platform.Membership, error) {
	c := web.From(r)
	if h.Platform == nil || c.Tenant == nil {
		return nil, nil
	}
	all, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, m := range all {
		if !m.Disabled {
			out = append(out, m)
		}
	}
	return out, nil
}

// calendarVisits reads the visits starting in [from, to), of one member (user > 0) or all, with
// the lead's name (a nameless lead's number kept without its country code read as region's) and
// the assignees' names.
func (h *Handler) calendarVisits(ctx context.Context, db *tenantdb.DB, from, to time.Time, user int64, members []platform.Membership, region string) ([]CalVisit, error) {
	vs, err := ListRange(ctx, db.Read, from, to, user)
	if err != nil {
		return nil, err
	}
	return named(ctx, db, vs, members, region), nil
}

// named draws visits for the calendar with the lead's and the assignees' names.
func named(ctx context.Context, db *tenantdb.DB, vs []*Visit, members []platform.Membership, region string) []CalVisit {
	names := map[int64]string{}
	for _, m := range members {
		names[m.UserID] = m.Name()
	}
	leads := map[int64]*inbox.Lead{}
	out := make([]CalVisit, 0, len(vs))
	for _, v := range vs {
		l, ok := leads[v.LeadID]
		if !ok {
			if l, _ = inbox.LeadByID(ctx, db.Read, v.LeadID); l == nil {
				l = &inbox.Lead{}
			}
			leads[v.LeadID] = l
		}
		cv := CalVisit{V: v, ID: v.ID, LeadID: v.LeadID, ConversationID: v.ConversationID, LeadName: l.Shown(region),
			Name: l.Name, Phone: l.Phone, Email: l.Email, Status: v.Status,
			Start: v.Start(), Duration: time.Duration(v.DurationMin) * time.Minute, Address: v.Address, MapURL: v.MapURL, AssigneeIDs: v.Assignees}
		for _, id := range v.Assignees {
			if n, ok := names[id]; ok {
				cv.Assignees = append(cv.Assignees, n)
			}
		}
		out = append(out, cv)
	}
	return out
}

// ---- the member's calendar feed ---------------------------------------------------------------

// FeedView is the profile page's section (views/partials/calendar_feed.html).
type FeedView struct {
	Has       bool
	CreatedAt int64
}

// FeedSection is what the profile page shows of the signed-in member's feed.
func FeedSection(r *http.Request) (*FeedView, error) {
	c := web.From(r)
	if c.DB == nil || c.User == nil {
		return nil, nil
	}
	f, ok, err := FeedOf(r.Context(), c.DB.Read, c.UserID())
	if err != nil {
		return nil, err
	}
	return &FeedView{Has: ok, CreatedAt: f.CreatedAt}, nil
}

type feedPage struct {
	HTTPS   string
	Webcal  template.URL // webcal://…: made here from the server's own origin and a random token
	Created bool
	Section *FeedView // GET: the section as on the profile, no address
}

func feedActor(c *web.Ctx) Actor {
	a := Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// MakeFeed is POST /app/visits/feed: a new secret address for the signed-in member (the old one
// stops working), shown once on the answer.
func (h *Handler) MakeFeed(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	_, had, err := FeedOf(r.Context(), c.DB.Read, c.UserID())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	token, err := MakeFeed(r.Context(), c.DB, feedActor(c), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	u := FeedURL(web.Origin(r), c.Tenant.Slug, token)
	p := &feedPage{HTTPS: u, Webcal: template.URL("webcal" + strings.TrimPrefix(strings.TrimPrefix(u, "https"), "http")), Created: !had}
	h.Render.Render(w, r, http.StatusOK, "visits/calendar_feed", &web.Page{Title: c.T("calendar.feed.title"), Nav: "profile", Guide: "site-visits", Data: p})
}

// FeedPage is GET /app/visits/feed: the member's feed section on its own page. The address
// itself is shown only on the answer that made it, so a reload (or the language switch) of that
// answer lands here, with the buttons to make a new one or turn it off.
func (h *Handler) FeedPage(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	fv, err := FeedSection(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "visits/calendar_feed", &web.Page{Title: c.T("calendar.feed.title"), Nav: "profile", Guide: "site-visits",
		Data: &feedPage{Section: fv}})
}

// RevokeFeed is POST /app/visits/feed/revoke: the member's address answers 404 from now on.
func (h *Handler) RevokeFeed(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := RevokeFeed(r.Context(), c.DB, feedActor(c)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "calendar.feed.revoked")
	web.Redirect(w, r, "/app/profile/#calendar-feed")
}

// FeedURL is a feed's address.
func FeedURL(origin, slug, token string) string {
	return strings.TrimRight(origin, "/") + "/ical/" + url.PathEscape(slug) + "/" + token + ".ics"
}

// ICal is GET /ical/{slug}/{file}: the member's visits (as assignee) from 30 days back to 180
// days ahead. No session: the secret token in the path is the key; any miss is the same 404.
func (h *Handler) ICal(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	t, err := h.Platform.TenantBySlug(r.Context(), r.PathValue("slug"))
	if !ok || err != nil || !t.Active() {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	db, err := h.Platform.Mgr.Tenant(r.Context(), t.Slug)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	uid, err := FeedUser(r.Context(), db.Read, token)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// The address reads the business's visits only while its member may: once their access is
	// closed (disabled here, taken out of the business, their account disabled) it answers as an
	// unknown address, and opens again if their access is given back.
	user, err := h.Platform.UserByID(r.Context(), uid)
	if err != nil || user.Disabled {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	if !user.IsStaff {
		if _, err := h.Platform.MembershipOf(r.Context(), uid, t.ID); err != nil {
			h.Render.Fail(w, r, tenantdb.ErrNotFound)
			return
		}
	}
	loc, err := hoursdb.Zone(r.Context(), db.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	lang := t.PrimaryLocale
	if user.Locale != "" {
		lang = user.Locale
	}
	p := i18n.For(lang).In(loc)
	now := h.now()
	list, err := h.calendarVisits(r.Context(), db, now.Add(-FeedPast), now.Add(FeedFuture), uid, nil, t.PhoneRegion())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	origin := web.Origin(r)
	host := hostOf(origin)
	events := make([]FeedEvent, 0, len(list))
	for _, v := range list {
		summary := p.T("calendar.feed.summary", v.LeadName)
		if v.Status != StatusConfirmed {
			summary += " (" + p.T("calendar.status."+v.Status) + ")"
		}
		back := origin + "/app/visits/" + strconv.FormatInt(v.ID, 10) + "/"
		desc := p.T("calendar.status." + v.Status)
		if v.Phone != "" {
			// The customer's number to call from the event, in its international form ("+90 532 123
			// 45 67", "+49 30 1234567"): a phone's calendar links it for a tap wherever it travels.
			desc += "\n" + p.T("calendar.feed.phone", phone.DisplayIn(v.Phone, t.PhoneRegion()))
		}
		desc += "\n" + back
		if v.MapURL != "" {
			desc += "\n" + v.MapURL
		}
		events = append(events, FeedEvent{UID: "visit-" + strconv.FormatInt(v.ID, 10) + "@" + t.Slug + "." + host,
			Start: v.Start, Duration: v.Duration, Summary: summary, Location: v.Address, Description: desc, URL: back, Status: v.Status})
	}
	var buf bytes.Buffer
	if err := EncodeFeed(&buf, p.T("calendar.feed.name", t.Name), now, events); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write(buf.Bytes())
}

func hostOf(origin string) string {
	u, err := url.Parse(origin)
	if err != nil || u.Hostname() == "" {
		return "highvibe"
	}
	return u.Hostname()
}

// ---- a visit's page and rescheduling --------------------------------------------------------------

type visitPage struct {
	V        *CalVisit
	Core     *Visit
	P        *i18n.Printer
	Photos   []int64
	CanWrite bool
	Start    string // the reschedule field's value
	Next     string
	now      time.Time
}

func (p *visitPage) Clock(t time.Time) string   { return clock(p.P, t) }
func (p *visitPage) StatusWord(s string) string { return p.P.T("calendar.status." + s) }
func (p *visitPage) DateOf(t time.Time) string  { return p.P.Date(t) }
func (p *visitPage) Weekday(t time.Time) string {
	return p.P.T("calendar.wd." + strconv.Itoa((int(t.Weekday())+6)%7+1))
}
func (p *visitPage) Minutes() int { return int(p.V.Duration / time.Minute) }
func (p *visitPage) Thumb(id int64) string {
	return "/app/media/" + strconv.FormatInt(id, 10) + "?v=thumb"
}
func (p *visitPage) Area() string  { return FormatArea(p.Core.MeasuredAreaDM2, p.P.Lang != "en") }
func (p *visitPage) Started() bool { return !p.V.Start.After(p.now) }
func (p *visitPage) Closable() bool {
	return p.V.Status != StatusProposed && p.V.Status != StatusCancelled
}

// Who is the customer for the page's heading, isolated (web.Isolate): a number stays one
// left-to-right piece on one line of an Arabic heading ({{isolated}}).
func (p *visitPage) Who() string { return web.Isolate(p.V.LeadName) }

func (p *visitPage) WeekOf() string { return link("week", p.V.Start.Format("2006-01-02"), 0) }

func (h *Handler) visitPage(w http.ResponseWriter, r *http.Request, status int, v *CalVisit, start string, errs map[string]string) {
	c := web.From(r)
	core, photos := v.V, v.V.Photos
	if start == "" {
		start = v.Start.Format("2006-01-02T15:04")
	}
	p := &visitPage{V: v, Core: core, P: c.P, Photos: photos, CanWrite: c.Can(auth.WriteInbox), Start: start, now: h.now(),
		Next: "/app/visits/" + strconv.FormatInt(v.ID, 10) + "/"}
	h.Render.Render(w, r, status, "visits/calendar_visit", &web.Page{Title: c.T("calendar.visit.title", v.LeadName), Nav: "visits", Guide: "site-visits", Data: p, Errors: errs})
}

// Visit is GET /app/visits/{id}/: the visit, its conversation, the reschedule form (the keyboard
// and phone way to move it) and its outcome.
func (h *Handler) Visit(w http.ResponseWriter, r *http.Request) {
	v, ok := h.oneVisit(w, r)
	if !ok {
		return
	}
	h.visitPage(w, r, http.StatusOK, v, "", nil)
}

// Move is POST /app/visits/{id}/reschedule (start=YYYY-MM-DDTHH:MM in the tenant's zone, from the
// calendar's drag or the visit's form): a new date is a new commitment, so a confirmed visit
// goes back to proposed with a new recommendation in the approval queue.
func (h *Handler) Move(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	v, ok := h.oneVisit(w, r)
	if !ok {
		return
	}
	next := web.SafeNext(r.PostFormValue("next"), "/app/visits/"+strconv.FormatInt(v.ID, 10)+"/")
	raw := r.PostFormValue("start")
	start, ok := ParseSlot(raw, c.Zone())
	if !ok {
		if web.WantsJSON(r) {
			h.Render.Fail(w, r, fault.InvalidField("start", "calendar.err.start"))
			return
		}
		h.visitPage(w, r, http.StatusUnprocessableEntity, v, raw, map[string]string{"start": c.T("calendar.err.start")})
		return
	}
	if err := MoveVisit(r.Context(), c.DB, v.ID, start, feedActor(c), h.now()); err != nil {
		if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
			h.visitPage(w, r, http.StatusUnprocessableEntity, v, raw, errs)
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "calendar.moved", i18n.Clock{T: start}, i18n.Day(start.In(c.Zone()).Format(time.DateOnly)))
	web.Redirect(w, r, next)
}
