package seasonal

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// Handler serves the seasonal calendar (/app/seasonal/): everyone of the team reads it; the owner
// (manage_settings) adds presets and their own dates, edits and removes them.
type Handler struct {
	Render *web.Renderer
}

// occRow is one occurrence as the page shows it.
type occRow struct {
	ID        int64
	Name      string
	Date      time.Time
	LeadStart time.Time
	DaysLeft  int
	Preparing bool // the lead time covers today
	Past      bool
	UpliftPct int
	LeadDays  int
	Notes     string
}

type monthBlock struct {
	Month int
	Year  int
	Href  string
	Items []occRow
}

// gridCell is one day of the month view.
type gridCell struct {
	Day   int // 0: a blank before the 1st or after the last
	Today bool
	Lead  bool     // some campaign's lead time covers the day
	Names []string // the campaigns on the day
}

type campaignRow struct {
	C        *Campaign
	Rule     i18n.Phrase
	Next     time.Time // zero: no date in the coming two years
	LastDate time.Time // the last date a list of dates knows (RuleDates)
}

type presetRow struct {
	P     Preset
	Rule  i18n.Phrase
	Added bool
}

type page struct {
	Today    time.Time
	Year     int
	Month    int  // 0: the year view
	Rolling  bool // the default view: twelve months from this one (else the calendar year Year)
	EndYear  int  // the rolling view's last month's year
	Prev     string
	Next     string
	Upcoming []occRow
	Months   []monthBlock
	Weeks    [][]gridCell
	MonthOcc []occRow
	Weekdays []int // the grid's columns, Monday first
	Rows     []campaignRow
	Own      []presetRow
	Other    []presetRow
	CanEdit  bool
	Lunar    int // the last year the lunar presets have dates for
	Count    int
}

// RuleText words a campaign's rule in the reader's language.
func RuleText(c *Campaign) i18n.Phrase {
	switch c.Rule {
	case RuleFixed:
		return i18n.P("seasonal.rule.fixed_text", c.Day, i18n.P("seasonal.month."+strconv.Itoa(c.Month)))
	case RuleNthWeekday:
		return i18n.P("seasonal.rule.nth_text", i18n.P("seasonal.nth."+strconv.Itoa(c.Nth)), i18n.P("hours.day."+strconv.Itoa(int(c.Weekday))),
			i18n.P("seasonal.month."+strconv.Itoa(c.Month)))
	}
	return i18n.P("seasonal.rule.dates_text", len(c.Dates))
}

func row(o Occurrence, today time.Time) occRow {
	return occRow{ID: o.Campaign.ID, Name: o.Campaign.Name, Date: o.Date, LeadStart: o.LeadStart,
		DaysLeft: int(o.Date.Sub(today).Hours() / 24), Preparing: !o.LeadStart.After(today) && !o.Date.Before(today),
		Past: o.Date.Before(today), UpliftPct: o.Campaign.UpliftPct, LeadDays: o.Campaign.LeadDays, Notes: o.Campaign.Notes}
}

func (h *Handler) data(r *http.Request) (*page, error) {
	c := web.From(r)
	ctx := r.Context()
	today, _, err := Today(ctx, c.DB.Read, time.Now())
	if err != nil {
		return nil, err
	}
	cs, err := List(ctx, c.DB.Read)
	if err != nil {
		return nil, err
	}
	d := &page{Today: today, Year: today.Year(), CanEdit: c.Can(auth.ManageSettings), Lunar: LunarUntil(), Count: len(cs),
		Weekdays: []int{1, 2, 3, 4, 5, 6, 0}}
	q := r.URL.Query()
	if v := q.Get("month"); v != "" {
		if t, err := time.Parse("2006-01", v); err == nil && t.Year() >= 2000 && t.Year() <= 2100 {
			d.Year, d.Month = t.Year(), int(t.Month())
		}
	} else if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		d.Year = y
	} else {
		d.Rolling = true
	}
	for _, o := range Between(cs, today, today.AddDate(1, 0, 0)) {
		if len(d.Upcoming) == 6 {
			break
		}
		d.Upcoming = append(d.Upcoming, row(o, today))
	}
	if d.Month == 0 {
		// The calendar year, or by default the twelve months from this one (in December the
		// coming year matters more than the months gone).
		start := day(d.Year, 1, 1)
		d.Prev, d.Next = "?year="+strconv.Itoa(d.Year-1), "?year="+strconv.Itoa(d.Year+1)
		if d.Rolling {
			start = day(today.Year(), today.Month(), 1)
			d.Prev, d.Next = "?year="+strconv.Itoa(today.Year()), "?year="+strconv.Itoa(today.Year()+1)
			d.EndYear = start.AddDate(0, 11, 0).Year()
		}
		for i := 0; i < 12; i++ {
			first := start.AddDate(0, i, 0)
			b := monthBlock{Month: int(first.Month()), Year: first.Year(), Href: "?month=" + first.Format("2006-01")}
			for _, o := range Between(cs, first, first.AddDate(0, 1, -1)) {
				b.Items = append(b.Items, row(o, today))
			}
			d.Months = append(d.Months, b)
		}
	} else {
		first := day(d.Year, time.Month(d.Month), 1)
		last := first.AddDate(0, 1, -1)
		d.Prev, d.Next = "?month="+first.AddDate(0, -1, 0).Format("2006-01"), "?month="+first.AddDate(0, 1, 0).Format("2006-01")
		occ := Between(cs, first, last)
		for _, o := range occ {
			d.MonthOcc = append(d.MonthOcc, row(o, today))
		}
		// Lead times that reach into this month start from dates up to MaxLeadDays after it.
		lead := Between(cs, first, last.AddDate(0, 0, MaxLeadDays))
		var week []gridCell
		for i := 0; i < (int(first.Weekday())+6)%7; i++ {
			week = append(week, gridCell{})
		}
		for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
			cell := gridCell{Day: t.Day(), Today: t.Equal(today)}
			for _, o := range occ {
				if o.Date.Equal(t) {
					cell.Names = append(cell.Names, o.Campaign.Name)
				}
			}
			for _, o := range lead {
				if !t.Before(o.LeadStart) && t.Before(o.Date) {
					cell.Lead = true
				}
			}
			week = append(week, cell)
			if len(week) == 7 {
				d.Weeks = append(d.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, gridCell{})
			}
			d.Weeks = append(d.Weeks, week)
		}
	}
	for _, cp := range cs {
		cr := campaignRow{C: cp, Rule: RuleText(cp)}
		for y := today.Year(); y <= today.Year()+2 && cr.Next.IsZero(); y++ {
			if t, ok := cp.On(y); ok && !t.Before(today) {
				cr.Next = t
			}
		}
		if cp.Rule == RuleDates && len(cp.Dates) > 0 {
			cr.LastDate, _ = ParseDay(cp.Dates[len(cp.Dates)-1])
		}
		d.Rows = append(d.Rows, cr)
	}
	own, other := ForNiche(c.Tenant.NicheID)
	added := func(k string) bool { return slices.ContainsFunc(cs, func(cp *Campaign) bool { return cp.Preset == k }) }
	for _, p := range own {
		d.Own = append(d.Own, presetRow{P: p, Rule: RuleText(p.Campaign("")), Added: added(p.Key)})
	}
	for _, p := range other {
		d.Other = append(d.Other, presetRow{P: p, Rule: RuleText(p.Campaign("")), Added: added(p.Key)})
	}
	return d, nil
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, name string, status int, title string, data any, p *web.Page) {
	if p == nil {
		p = &web.Page{}
	}
	p.Title, p.Nav, p.Guide, p.Data = title, "seasonal", "seasonal-calendar", data
	h.Render.Render(w, r, status, name, p)
}

// Calendar is GET /app/seasonal/: the year view (?year=), or one month's grid (?month=YYYY-MM),
// what is coming, the campaigns and the presets.
func (h *Handler) Calendar(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := EnsureJob(r.Context(), c.DB); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, err := h.data(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.render(w, r, "seasonal/index", http.StatusOK, c.T("seasonal.title"), d, nil)
}

// form is the campaign form as shown.
type form struct {
	ID       int64
	Gone     bool // the campaign being edited was deleted meanwhile: Values are what was typed
	Values   url.Values
	Errors   map[string]string
	Weekdays []int
	Rules    []string
	Months   []int
	Nths     []int
}

func (h *Handler) showForm(w http.ResponseWriter, r *http.Request, status int, f *form) {
	c := web.From(r)
	f.Weekdays, f.Rules = []int{1, 2, 3, 4, 5, 6, 0}, Rules
	f.Months, f.Nths = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, []int{1, 2, 3, 4, 5, -1}
	title := c.T("seasonal.new")
	if f.ID != 0 {
		title = c.T("seasonal.edit")
	}
	h.render(w, r, "seasonal/form", status, title, f, &web.Page{Errors: f.Errors, Form: f.Values})
}

func valuesOf(cp *Campaign) url.Values {
	v := url.Values{}
	v.Set("name", cp.Name)
	v.Set("rule", cp.Rule)
	v.Set("month", strconv.Itoa(max(cp.Month, 1)))
	v.Set("nth_month", strconv.Itoa(max(cp.Month, 1)))
	v.Set("day", strconv.Itoa(max(cp.Day, 1)))
	v.Set("weekday", strconv.Itoa(int(cp.Weekday)))
	v.Set("nth", strconv.Itoa(max(cp.Nth, -1)))
	if cp.Nth == 0 {
		v.Set("nth", "1")
	}
	v.Set("dates", strings.Join(cp.Dates, "\n"))
	v.Set("lead_days", strconv.Itoa(cp.LeadDays))
	v.Set("uplift_pct", strconv.Itoa(cp.UpliftPct))
	v.Set("notes", cp.Notes)
	return v
}

// New is GET /app/seasonal/new.
func (h *Handler) New(w http.ResponseWriter, r *http.Request) {
	h.showForm(w, r, http.StatusOK, &form{Values: valuesOf(&Campaign{Rule: RuleFixed, Month: 1, Day: 1, Nth: 1, LeadDays: 14, UpliftPct: 50})})
}

// Edit is GET /app/seasonal/{id}/edit.
func (h *Handler) Edit(w http.ResponseWriter, r *http.Request) {
	cp, err := h.campaign(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.showForm(w, r, http.StatusOK, &form{ID: cp.ID, Values: valuesOf(cp)})
}

func (h *Handler) campaign(r *http.Request) (*Campaign, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return nil, fault.NotFound("")
	}
	return ByID(r.Context(), web.From(r).DB.Read, id)
}

func actor(c *web.Ctx) Actor {
	a := Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// whole reads a whole number field ("" and anything else unreadable: ok false).
func whole(v string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(i18n.ASCIIDigits(strings.TrimSpace(v)), "+")))
	return n, err == nil
}

// Save is POST /app/seasonal/new and POST /app/seasonal/{id}/edit: every field is checked; on
// any error the form comes back (422) with the messages and nothing is stored.
func (h *Handler) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	cp := &Campaign{}
	if r.PathValue("id") != "" {
		old, err := h.campaign(r)
		if fault.KindOf(err) == fault.KindNotFound && !web.WantsJSON(r) {
			// Deleted meanwhile (another tab, someone else): what was typed comes back as a new
			// campaign's form under a notice saying so, instead of a bare "not found".
			h.showForm(w, r, http.StatusNotFound, &form{Values: r.PostForm, Gone: true})
			return
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		cp = old
	}
	f := r.PostForm
	bad := map[string]string{}
	cp.Name, cp.Rule, cp.Notes = f.Get("name"), f.Get("rule"), f.Get("notes")
	num := func(field, key string) int {
		n, ok := whole(f.Get(field))
		if !ok {
			bad[field] = key
		}
		return n
	}
	switch cp.Rule {
	case RuleFixed:
		cp.Month, cp.Day = num("month", "seasonal.err.month"), num("day", "seasonal.err.day")
	case RuleNthWeekday:
		cp.Month, cp.Nth = num("nth_month", "seasonal.err.month"), num("nth", "seasonal.err.nth")
		cp.Weekday = time.Weekday(num("weekday", "seasonal.err.weekday"))
	case RuleDates:
		var wrong string
		if cp.Dates, wrong = ParseDates(f.Get("dates")); wrong != "" {
			bad["dates"] = "seasonal.err.dates"
		}
	}
	cp.LeadDays = num("lead_days", "seasonal.err.lead_days")
	cp.UpliftPct = num("uplift_pct", "seasonal.err.uplift")
	for k, v := range Check(cp) {
		if _, ok := bad[k]; !ok {
			bad[k] = v
		}
	}
	var err error
	if len(bad) > 0 {
		err = invalid(bad)
	} else {
		err = Save(r.Context(), c.DB, cp, actor(c), time.Now())
	}
	if fe := web.FieldErrors(r, err); fe != nil {
		h.showForm(w, r, http.StatusUnprocessableEntity, &form{ID: cp.ID, Values: f, Errors: fe})
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "seasonal.saved", cp.Name)
	web.Redirect(w, r, "/app/seasonal/#campaign-"+strconv.FormatInt(cp.ID, 10))
}

// Delete is POST /app/seasonal/{id}/delete.
func (h *Handler) Delete(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	cp, err := h.campaign(r)
	if err == nil {
		err = Delete(r.Context(), c.DB, cp.ID, actor(c))
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "seasonal.deleted", cp.Name)
	web.Redirect(w, r, "/app/seasonal/#campaigns")
}

// AddPresetHandler is POST /app/seasonal/presets: one click adds a preset (preset=<key>), named in
// the owner's language.
func (h *Handler) AddPresetHandler(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	key := r.PostForm.Get("preset")
	if _, ok := PresetByKey(key); !ok {
		h.Render.Fail(w, r, fault.InvalidField("preset", "seasonal.err.preset"))
		return
	}
	cp, err := AddPreset(r.Context(), c.DB, key, c.T("seasonal.preset."+key), actor(c), time.Now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "seasonal.added", cp.Name)
	web.Redirect(w, r, "/app/seasonal/#campaign-"+strconv.FormatInt(cp.ID, 10))
}
