package msp

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// TimeHandler serves the contracts and time pages under /app/msp/: the contract list and page
// (the owner creates, changes and ends contracts), the timesheet, a ticket's time panel with its
// timer, and the manual time entry form.
type TimeHandler struct {
	Render   *web.Renderer
	Platform *platform.Service
}

func (h *TimeHandler) page(w http.ResponseWriter, r *http.Request, status int, view, title string, data any, errs map[string]string) {
	h.Render.Render(w, r, status, "msp/"+view, &web.Page{Title: title, Nav: "msp", Guide: "msp-contracts-and-time", Data: data,
		Errors: errs, Form: postedForm(r)})
}

func timeActor(c *web.Ctx) Actor {
	a := Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// pathID reads a numeric path value; 0 when it is not one.
func pathID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.PathValue(name), 10, 64)
	return max(0, id)
}

func numID(v string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return max(0, id)
}

// back is where a form returns to: a page of the MSP module the form names, else fallback.
func back(r *http.Request, fallback string) string {
	b := r.PostFormValue("back")
	if strings.HasPrefix(b, "/app/msp/") && !strings.ContainsAny(b, "\\\r\n") && !strings.HasPrefix(b, "//") {
		return b
	}
	return fallback
}

// views is what every time page hands its template: the duration and clock writers bound to the
// request's language and zone.
type views struct {
	Dur   func(int) string
	Clock func(int64) string
	Date  func(string) time.Time // a YYYY-MM-DD day for the "day" writer
	// Elapsed is the whole minutes since a moment (a running timer's start).
	Elapsed func(int64) int
	Today   string
}

func viewsOf(c *web.Ctx) views {
	loc := c.Zone()
	return views{
		Dur:     func(m int) string { return FormatMinutes(c.P, m) },
		Clock:   func(ms int64) string { return time.UnixMilli(ms).In(loc).Format("15:04") },
		Date:    mustDay,
		Elapsed: func(ms int64) int { return int(max(0, time.Now().UnixMilli()-ms) / 60_000) },
		Today:   time.Now().In(loc).Format(time.DateOnly),
	}
}

// ---- the timesheet ----------------------------------------------------------------------

type sheetPage struct {
	views
	Sheet            *Sheet
	User             int64
	UserName         string
	Members          []timeMember
	Prev, Next, This string
	Timer            *Timer
	Clients          []*Client
	Me               int64
	CanWrite, Mine   bool
	Owner            bool
	In               EntryInput
	Closed           func(string) bool
	ShowForm         bool
	// Months are the week's months closed for billing (or reopened), for the notice above the
	// sheet and its link to the month's billing page.
	Months []weekMonth
}

// Timesheet is GET /app/msp/time?user=&week=: one person's week (Monday to Sunday) with the
// totals of each day and of the week, billable and not; the signed-in person's own by default.
func (h *TimeHandler) Timesheet(w http.ResponseWriter, r *http.Request) {
	h.timesheet(w, r, http.StatusOK, EntryInput{Billable: true}, nil)
}

func (h *TimeHandler) timesheet(w http.ResponseWriter, r *http.Request, status int, in EntryInput, errs map[string]string) {
	c := web.From(r)
	q := r.URL.Query()
	d := &sheetPage{views: viewsOf(c), CanWrite: c.Can(auth.WriteInbox), Owner: c.Can(auth.ManageSettings), In: in, ShowForm: errs != nil}
	d.User = c.FilterID(q, "user", c.T("msp_time.sheet.person"))
	if d.User == 0 {
		d.User = c.UserID()
	}
	monday, ok := ParseWeek(q.Get("week"))
	if !ok && strings.TrimSpace(q.Get("week")) != "" {
		c.IgnoreFilter("week", c.T("msp_time.sheet.week"), q.Get("week"))
	}
	if !ok {
		today, _ := time.Parse(time.DateOnly, d.Today)
		monday = today.AddDate(0, 0, -((int(today.Weekday()) + 6) % 7))
	}
	ms, _, names, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Members = ms
	if _, known := names[d.User]; !known && h.Platform != nil {
		d.User = c.UserID()
	}
	d.UserName = names[d.User]
	d.Me = c.UserID()
	d.Mine = d.User == c.UserID()
	if d.Sheet, err = Timesheet(r.Context(), c.DB.Read, d.User, monday); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.This = WeekOf(monday)
	d.Prev, d.Next = WeekOf(monday.AddDate(0, 0, -7)), WeekOf(monday.AddDate(0, 0, 7))
	if d.Mine {
		if d.Timer, err = RunningTimer(r.Context(), c.DB.Read, d.User); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if d.CanWrite && d.Mine {
		if d.Clients, err = Clients(r.Context(), c.DB.Read, ""); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if d.In.Day == "" {
		d.In.Day = d.Today
	}
	var reopened map[string]*Reopen
	if d.Closed, reopened, err = LockedFunc(r.Context(), c.DB.Read, d.Today); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Months = weekMonths(d.Sheet, d.Today, reopened)
	h.page(w, r, status, "time_sheet", c.T("msp_time.sheet.title"), d, errs)
}

// members lists the tenant's active members and every member's name by id.
func (h *TimeHandler) members(r *http.Request) ([]timeMember, []int64, map[int64]string, error) {
	c := web.From(r)
	names := map[int64]string{}
	if c.User != nil {
		names[c.User.ID] = c.User.Name()
	}
	if h.Platform == nil || c.Tenant == nil {
		return nil, nil, names, nil
	}
	ms, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	var out []timeMember
	var ids []int64
	for _, m := range ms {
		names[m.UserID] = m.Name()
		if !m.Disabled {
			out = append(out, timeMember{m.UserID, m.Name()})
			ids = append(ids, m.UserID)
		}
	}
	return out, ids, names, nil
}

// entryInput reads the manual entry form.
func entryInput(r *http.Request) EntryInput {
	c := web.From(r)
	f := r.PostForm
	return EntryInput{Ticket: f.Get("ticket"), TicketID: numID(f.Get("ticket_id")), ClientID: numID(f.Get("client")),
		Day: f.Get("day"), Start: f.Get("start"), End: f.Get("end"), Hours: f.Get("hours"), Minutes: f.Get("minutes"),
		Billable: f.Get("billable") == "1", Note: f.Get("note"), Loc: c.Zone()}
}

// AddTime is POST /app/msp/time/entries: a time entry typed in (on a ticket, or for a client).
// Bad input answers 422 with the form and its field errors, storing nothing.
func (h *TimeHandler) AddTime(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "ticket_id", "client"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	in := entryInput(r)
	e, err := AddEntry(r.Context(), c.DB, in, timeActor(c))
	if err != nil {
		errs := web.FieldErrors(r, err)
		if errs == nil {
			h.Render.Fail(w, r, err)
			return
		}
		if in.TicketID != 0 {
			h.ticketTime(w, r, in.TicketID, http.StatusUnprocessableEntity, in, errs)
			return
		}
		h.timesheet(w, r, http.StatusUnprocessableEntity, in, errs)
		return
	}
	web.FlashKey(w, r, true, "msp_time.entry.saved", MinutesPhrase(e.Minutes))
	to := "/app/msp/time?week=" + url.QueryEscape(WeekOf(mustDay(e.Day)))
	if in.TicketID != 0 {
		to = "/app/msp/tickets/" + strconv.FormatInt(in.TicketID, 10) + "/time"
	}
	web.Redirect(w, r, back(r, to))
}

func mustDay(s string) time.Time {
	d, _ := time.Parse(time.DateOnly, s)
	return d
}

// DeleteTime is POST /app/msp/time/entries/{id}/delete: the person's own entry (an owner: any),
// never in a closed month.
func (h *TimeHandler) DeleteTime(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	e, err := DeleteEntry(r.Context(), c.DB, pathID(r, "id"), c.Can(auth.ManageSettings), c.Zone(), timeActor(c))
	var mc *MonthClosedError
	if errors.As(err, &mc) && !web.WantsJSON(r) {
		// From a page shown before the month closed: back to it, with the reason on top.
		web.FlashSay(w, r, false, closedPhrase(mc))
		web.Redirect(w, r, back(r, "/app/msp/time"))
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp_time.entry.removed", MinutesPhrase(e.Minutes))
	web.Redirect(w, r, back(r, "/app/msp/time?week="+url.QueryEscape(WeekOf(mustDay(e.Day)))))
}

// StartTimer is POST /app/msp/time/timer/start: the person's timer on a ticket (one at a time).
func (h *TimeHandler) StartTimer(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "ticket_id"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	id := numID(r.PostFormValue("ticket_id"))
	ticketTime := "/app/msp/tickets/" + strconv.FormatInt(id, 10) + "/time"
	if _, err := StartTimer(r.Context(), c.DB, id, r.PostFormValue("billable") == "1", r.PostFormValue("note"), timeActor(c)); err != nil {
		if timerMoved(w, r, err, ticketTime) {
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp_time.timer.started")
	web.Redirect(w, r, back(r, ticketTime))
}

// StopTimer is POST /app/msp/time/timer/stop: stops the person's timer and writes its entry.
func (h *TimeHandler) StopTimer(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	e, err := StopTimer(r.Context(), c.DB, c.Zone(), timeActor(c))
	if key, _ := fault.KeyOf(err); !web.WantsJSON(r) && (key == "msp_time.err.timer_overlap_ticket" ||
		key == "msp_time.err.timer_overlap_client" || key == "msp_time.err.timer_day_full") {
		// Refused over time already logged: back to the page the person stopped from, where the
		// timer still runs and the other entry can be changed, with the reason on top.
		web.FlashError(w, r, err)
		web.Redirect(w, r, back(r, "/app/msp/time"))
		return
	}
	if timerMoved(w, r, err, "/app/msp/time") {
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp_time.timer.stopped", MinutesPhrase(e.Minutes))
	to := "/app/msp/time"
	if e.TicketID != 0 {
		to = "/app/msp/tickets/" + strconv.FormatInt(e.TicketID, 10) + "/time"
	}
	web.Redirect(w, r, back(r, to))
}

// timerMoved answers a start refused because a timer already runs, or a stop or discard with no
// timer left (the timer was started, stopped or discarded meanwhile in another tab or on another
// device): back to the page the person pressed it on, which shows the timer as it is now, with the
// reason on top, instead of an error page that leads only to the dashboard. False for other errors.
func timerMoved(w http.ResponseWriter, r *http.Request, err error, fallback string) bool {
	if web.WantsJSON(r) || !(errors.Is(err, ErrTimerRunning) || errors.Is(err, ErrNoTimer)) {
		return false
	}
	web.FlashError(w, r, err)
	web.Redirect(w, r, back(r, fallback))
	return true
}

// DiscardTimer is POST /app/msp/time/timer/discard: throws the running timer away.
func (h *TimeHandler) DiscardTimer(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := DiscardTimer(r.Context(), c.DB, timeActor(c)); err != nil {
		if timerMoved(w, r, err, "/app/msp/time") {
			return
		}
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "msp_time.timer.discarded")
	web.Redirect(w, r, back(r, "/app/msp/time"))
}

// ---- a ticket's time ----------------------------------------------------------------------

type ticketTimePage struct {
	views
	T        *Ticket
	Entries  []*Entry
	Billable int
	NonBill  int
	Contract *Contract
	Usage    *MonthUsage
	Timer    *Timer // the person's running timer (on this ticket or another)
	CanWrite bool
	Owner    bool
	Me       int64
	In       EntryInput
	Closed   func(string) bool
	ShowForm bool
	Back     string // where the panel's forms return to: the ticket's page, or this time page
	// Standalone: the panel is its own page (not a card of the ticket's page).
	Standalone bool
	// NoErrors is the panel's (empty) field errors on the ticket's page, whose own errors are
	// its forms'.
	NoErrors map[string]string
}

// TicketTime is GET /app/msp/tickets/{id}/time: a ticket's time — its entries, the timer, the
// contract covering it with this month's hours against the allowance, the manual entry form. An
// htmx request gets the panel alone (the ticket page loads it).
func (h *TimeHandler) TicketTime(w http.ResponseWriter, r *http.Request) {
	h.ticketTime(w, r, pathID(r, "id"), http.StatusOK, EntryInput{Billable: true}, nil)
}

func (h *TimeHandler) ticketTime(w http.ResponseWriter, r *http.Request, id int64, status int, in EntryInput, errs map[string]string) {
	c := web.From(r)
	t, err := TicketByID(r.Context(), c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, err := timePanel(r, t, "/app/msp/tickets/"+strconv.FormatInt(t.ID, 10)+"/time")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.In, d.ShowForm, d.Standalone = in, errs != nil, true
	if d.In.Day == "" {
		d.In.Day = d.Today
	}
	h.page(w, r, status, "time_ticket", c.T("msp_time.ticket.title", t.Ref()), d, errs)
}

// timePanel reads a ticket's time panel (also shown on the ticket's own page, whose forms come
// back to backTo).
func timePanel(r *http.Request, t *Ticket, backTo string) (*ticketTimePage, error) {
	c := web.From(r)
	ctx := r.Context()
	d := &ticketTimePage{views: viewsOf(c), T: t, CanWrite: c.Can(auth.WriteInbox), Owner: c.Can(auth.ManageSettings), Me: c.UserID(),
		In: EntryInput{Billable: true}, Back: backTo}
	var err error
	if d.Entries, err = TicketEntries(ctx, c.DB.Read, t.ID); err != nil {
		return nil, err
	}
	for _, e := range d.Entries {
		if e.Billable {
			d.Billable += e.Minutes
		} else {
			d.NonBill += e.Minutes
		}
	}
	if d.Contract, err = CoveringTicket(ctx, c.DB.Read, t, d.Today); err != nil {
		return nil, err
	}
	if d.Contract != nil && d.Contract.HasHours() {
		us, err := Usage(ctx, c.DB.Read, d.Contract, []string{d.Today[:7]})
		if err != nil {
			return nil, err
		}
		d.Usage = &us[0]
	}
	if d.Timer, err = RunningTimer(ctx, c.DB.Read, c.UserID()); err != nil {
		return nil, err
	}
	d.In.Day = d.Today
	if d.Closed, _, err = LockedFunc(ctx, c.DB.Read, d.Today); err != nil {
		return nil, err
	}
	return d, nil
}

// notFound answers a missing record the one way.
func notFound(err error) bool { return errors.Is(err, tenantdb.ErrNotFound) }

// timeMember is one person of the tenant, for the timesheet's picker.
type timeMember struct {
	ID   int64
	Name string
}

func postedForm(r *http.Request) url.Values {
	if r.Method == http.MethodPost {
		return r.PostForm
	}
	return nil
}

// ---- changing a time entry ----------------------------------------------------------------

type entryPage struct {
	views
	E    *Entry
	In   EntryInput
	Back string
	// Closed, when set, says the entry's month is closed for billing: the form shows what was
	// typed, read-only, under this notice instead of a save button.
	Closed string
}

// closedMessage is the notice of a refused change to time of a closed month, in the person's
// language: which month, the last day it could change and that only an owner reopens it.
func closedMessage(c *web.Ctx, e *MonthClosedError) string { return c.P.Say(closedPhrase(e)) }

// closedPhrase is closedMessage's catalog key and arguments, for a banner.
func closedPhrase(e *MonthClosedError) i18n.Phrase {
	return i18n.P("msp_time.err.month_locked", i18n.Month(e.Month), i18n.Day(e.ClosedOn()))
}

// safeBack is a return address of the MSP module from v, else fallback.
func safeBack(v, fallback string) string {
	if strings.HasPrefix(v, "/app/msp/") && !strings.ContainsAny(v, "\\\r\n") && !strings.HasPrefix(v, "//") {
		return v
	}
	return fallback
}

// entryBack is where an entry's pages return to by default: the timesheet of its person's week.
func entryBack(e *Entry) string {
	return "/app/msp/time?user=" + strconv.FormatInt(e.UserID, 10) + "&week=" + url.QueryEscape(WeekOf(mustDay(e.Day)))
}

// entryInputOf is the form of an entry as it is: its times when it has them, else its duration.
func entryInputOf(e *Entry, loc *time.Location) EntryInput {
	in := EntryInput{Day: e.Day, Billable: e.Billable, Note: e.Note}
	if e.StartedAt != 0 {
		in.Start = time.UnixMilli(e.StartedAt).In(loc).Format("15:04")
		in.End = time.UnixMilli(e.EndedAt).In(loc).Format("15:04")
	} else {
		in.Hours, in.Minutes = strconv.Itoa(e.Minutes/60), strconv.Itoa(e.Minutes%60)
	}
	return in
}

// EditTime is GET /app/msp/time/entries/{id}/edit: the form that changes one entry (the person's
// own; an owner: anyone's), not in a closed month.
func (h *TimeHandler) EditTime(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	e, err := EntryByID(r.Context(), c.DB.Read, pathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if e.UserID != c.UserID() && !c.Can(auth.ManageSettings) {
		h.Render.Fail(w, r, ErrNotYours)
		return
	}
	d := &entryPage{views: viewsOf(c), E: e, In: entryInputOf(e, c.Zone()), Back: safeBack(r.URL.Query().Get("back"), entryBack(e))}
	status, errs := http.StatusOK, map[string]string(nil)
	locked, err := monthLocked(r.Context(), c.DB.Read, e.Day, d.Today)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if locked {
		// The entry as it is, read-only, with why it no longer changes beside its day.
		var mc *MonthClosedError
		errors.As(monthClosed(e.Day), &mc)
		d.Closed = closedMessage(c, mc)
		status, errs = http.StatusConflict, map[string]string{"day": c.T("msp_time.err.month_closed", CloseDay)}
	}
	h.page(w, r, status, "time_entry", c.T("msp_time.entry.edit_title"), d, errs)
}

// ChangeTime is POST /app/msp/time/entries/{id}/edit: the changed entry; bad input answers 422
// with the form and its field errors, changing nothing.
func (h *TimeHandler) ChangeTime(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "ticket_id", "client"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	in := entryInput(r)
	in.form = r.PostForm // the boxes sent as the page drew them take what is stored, read in the change's transaction
	_, after, err := ChangeEntry(r.Context(), c.DB, pathID(r, "id"), in, c.Can(auth.ManageSettings), timeActor(c))
	if err != nil {
		status, errs, closed := web.StatusOf(err), web.FieldErrors(r, err), "" // 422, or 409 when changed meanwhile
		// The month closed while the form was open (or the page was old): the same form, with
		// what was typed, says so beside the day, rather than a bare conflict page.
		var mc *MonthClosedError
		if errors.As(err, &mc) {
			// The whole story above the form; beside the day, the short reason.
			status, closed = http.StatusConflict, closedMessage(c, mc)
			errs = map[string]string{"day": c.T("msp_time.err.month_closed", CloseDay)}
		}
		if fault.KindOf(err) == fault.KindNotFound && !web.WantsJSON(r) {
			// Removed meanwhile (another tab, someone else): what was typed stays on the screen,
			// read-only, under a notice saying so, instead of a bare "not found".
			d := &entryPage{views: viewsOf(c), E: &Entry{ID: pathID(r, "id")}, In: in, Back: back(r, "/app/msp/time"),
				Closed: c.T("msp_time.entry.deleted")}
			h.page(w, r, http.StatusNotFound, "time_entry", c.T("msp_time.entry.edit_title"), d, nil)
			return
		}
		if errs == nil {
			h.Render.Fail(w, r, err)
			return
		}
		e, rerr := EntryByID(r.Context(), c.DB.Read, pathID(r, "id"))
		if rerr != nil {
			h.Render.Fail(w, r, rerr)
			return
		}
		in = entryInput(r) // as the change read it: the untouched boxes with what is stored
		d := &entryPage{views: viewsOf(c), E: e, In: in, Back: back(r, entryBack(e)), Closed: closed}
		h.page(w, r, status, "time_entry", c.T("msp_time.entry.edit_title"), d, errs)
		return
	}
	web.FlashKey(w, r, true, "msp_time.entry.changed", MinutesPhrase(after.Minutes))
	web.Redirect(w, r, back(r, entryBack(after)))
}
