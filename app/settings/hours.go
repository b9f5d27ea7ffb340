package settings

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// weekOrder is the order the form lists weekdays in: Monday first, as in Turkey and most of Europe.
var weekOrder = []int{1, 2, 3, 4, 5, 6, 0}

type hoursDay struct {
	Num   int
	Field string // day0..day6
	Value string // as typed: "09:00-18:00, 13:30-18:00"
	// Overnight says, for each interval that runs past midnight, when it closes the next day.
	Overnight []string
}

type hoursData struct {
	Set        bool
	Enabled    bool
	Preset     bool
	Values     map[string]string
	Days       []hoursDay
	Modes      []string
	Zones      []hours.ZoneChoice
	OpenNow    bool
	NextOpen   string // words; "" when open now or never
	Away       bool
	Upcoming   []hours.ClosedDay
	PresetTill int
	// AroundTheClock: every day is 00:00–24:00 (24/7); the page says what that means.
	AroundTheClock bool
	AckExample     string // the catalog's acknowledgement with a sample opening, as the placeholder
	// ZoneNow is the zone the panel uses, in the reader's language ("İstanbul (UTC+03:00)"): the
	// saved one, or before the page is saved once the default the zone field shows.
	ZoneNow string
	// BadList is the list of days ("closed_days" or "half_days") holding the day a refusal names,
	// so only that box is marked; "" marks both (a refusal of the lists together).
	BadList string
	// Shown is web.ShownField's value: what the form showed, field by field (hoursFields), so a
	// save from an older tab leaves alone what was changed meanwhile and not touched there.
	Shown string
}

// hoursFields are the hours form's fields as web.ShownField compares them: each weekday, the two
// boxes, the lists of days, the out-of-office period and the after-hours choice.
var hoursFields = []string{"enabled", "zone", "day0", "day1", "day2", "day3", "day4", "day5", "day6", "preset",
	"closed_days", "half_days", "away_from", "away_until", "away_message", "after_hours", "ack_message"}

// hoursFormValues is cfg as the form writes it, one value per hoursFields name: what the page
// shows, and what a post means once read (so "9:00-18:00" typed and "09:00-18:00" shown, or a
// textarea sent back with CRLF line ends, are the same value).
func hoursFormValues(cfg hours.Config) map[string]string {
	v := map[string]string{}
	for _, k := range hoursFields {
		v[k] = "" // every field, empty ones too: KeepNewer looks at the fields it is given
	}
	v["zone"], v["after_hours"], v["ack_message"] = cfg.Zone, cfg.AfterHours, strings.TrimSpace(cfg.AckMessage)
	if cfg.Enabled {
		v["enabled"] = "1"
	}
	if cfg.Preset != "" {
		v["preset"] = cfg.Preset
	}
	for d := 0; d < 7; d++ {
		v["day"+strconv.Itoa(d)] = hours.FormatIntervals(cfg.Week[d])
	}
	var full, half []string
	for _, c := range cfg.Closed {
		line := c.Date
		if c.Name != "" {
			line += " " + c.Name
		}
		if c.Half {
			half = append(half, line)
		} else {
			full = append(full, line)
		}
	}
	v["closed_days"], v["half_days"] = strings.Join(full, "\n"), strings.Join(half, "\n")
	if a := cfg.Away; a != nil {
		v["away_from"], v["away_until"], v["away_message"] = a.From, a.Until, a.Message
	}
	return v
}

func (h *Handler) hoursData(r *http.Request, cfg hours.Config, set bool) *hoursData {
	vals := hoursFormValues(cfg)
	d := &hoursData{Set: set, Enabled: cfg.Enabled, Preset: cfg.Preset == "tr", Modes: hours.Modes, AroundTheClock: cfg.AroundTheClock(),
		PresetTill: hours.PresetUntil("tr"), Values: map[string]string{
			"zone": cfg.Zone, "after_hours": cfg.AfterHours, "ack_message": cfg.AckMessage},
		Shown: web.ShownOf(hoursFields, vals)}
	c := web.From(r)
	for _, n := range weekOrder {
		day := hoursDay{Num: n, Field: "day" + strconv.Itoa(n), Value: hours.FormatIntervals(cfg.Week[n])}
		for _, iv := range cfg.Week[n] {
			if iv.Overnight() {
				day.Overnight = append(day.Overnight, hours.OvernightWords(c.T, n, iv))
			}
		}
		d.Days = append(d.Days, day)
	}
	// The lists of days and the out-of-office period as the form writes them (one place for it).
	for _, k := range []string{"closed_days", "half_days", "away_from", "away_until", "away_message"} {
		d.Values[k] = vals[k]
	}
	now := time.Now()
	d.ZoneNow = c.P.ZoneName(c.Zone(), now)
	d.Zones = hours.ZoneChoices(c.P, now)
	d.AckExample = c.T("hours.ack.default", c.T("hours.when.weekday", hours.DayInSentence(c.P.Lang, c.T, time.Monday), hours.ClockFrom(c.P.Lang, "09:00")))
	if s, err := hours.New(cfg); err == nil {
		d.OpenNow = s.Open(now)
		d.NextOpen = s.NextOpeningWords(c.P.Lang, c.T, c.P.Date, now)
		d.Away, _ = s.AwayAt(now)
		if cfg.Enabled { // switched off, no day is closed: listing the holidays said otherwise
			d.Upcoming = upcoming(cfg, now.In(s.Location()), 8)
		}
	}
	return d
}

// upcoming lists the next n closed and half days (the preset's and the owner's) from now.
func upcoming(cfg hours.Config, now time.Time, n int) []hours.ClosedDay {
	today := now.Format(time.DateOnly)
	byDate := map[string]hours.ClosedDay{}
	preset := hours.PresetDays(cfg.Preset)
	if cfg.AroundTheClock() {
		preset = nil // a business open around the clock is open on public holidays (hours.New)
	}
	for _, d := range append(preset, cfg.Closed...) {
		if d.Date >= today {
			if old, ok := byDate[d.Date]; !ok || old.Half {
				byDate[d.Date] = d
			}
		}
	}
	out := make([]hours.ClosedDay, 0, len(byDate))
	for _, d := range byDate {
		out = append(out, d)
	}
	for i := 1; i < len(out); i++ { // insertion sort: a few hundred days at most
		for j := i; j > 0 && out[j].Date < out[j-1].Date; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func (h *Handler) renderHours(w http.ResponseWriter, r *http.Request, status int, d *hoursData, errs web.Errors) {
	c := web.From(r)
	h.Render.Render(w, r, status, "settings/hours", &web.Page{Title: c.T("hours.title"), Nav: "settings", Guide: "business-hours", Data: d, Errors: errs})
}

// Hours is GET /app/settings/hours: opening hours, holidays, out of office, after-hours behaviour.
func (h *Handler) Hours(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	cfg, set, err := hoursdb.Load(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.renderHours(w, r, http.StatusOK, h.hoursData(r, cfg, set), nil)
}

// parseHoursForm reads the form into a Config; fields it cannot read are reported with the
// catalog key of the reason, like hours.Validate's.
func parseHoursForm(f map[string][]string) (hours.Config, hours.Errors) {
	get := func(k string) string {
		if v := f[k]; len(v) > 0 {
			return strings.TrimSpace(v[0])
		}
		return ""
	}
	errs := hours.Errors{}
	cfg := hours.Config{Enabled: get("enabled") != "", Zone: hours.CanonicalZone(get("zone")), AfterHours: get("after_hours"), AckMessage: get("ack_message")}
	if get("preset") != "" {
		cfg.Preset = "tr"
	}
	for d := 0; d < 7; d++ {
		field := "day" + strconv.Itoa(d)
		ivs, ok := hours.ParseIntervals(get(field))
		if !ok {
			errs[field] = "hours.err.format"
			continue
		}
		cfg.Week[d] = ivs
	}
	for _, kind := range []string{"closed_days", "half_days"} {
		cfg.Closed = append(cfg.Closed, hours.ParseDays(get(kind), kind == "half_days")...)
	}
	from, until, msg := i18n.ASCIIDigits(get("away_from")), i18n.ASCIIDigits(get("away_until")), get("away_message")
	switch {
	case from != "" || until != "":
		if from == "" || until == "" {
			errs["away"] = "hours.err.away_both"
		}
		cfg.Away = &hours.Away{From: from, Until: until, Message: msg}
	case msg != "":
		errs["away"] = "hours.err.away_both"
	}
	return cfg, errs
}

// badList names the list of days the refused day was typed in: "half_days" when every line with
// that date is a half day, "closed_days" when every one is a closed day, "" when it is in both (a
// day listed as closed and as half: both boxes are marked).
func badList(days []hours.ClosedDay, date string) string {
	var full, half bool
	for _, d := range days {
		if d.Date == date {
			full, half = full || !d.Half, half || d.Half
		}
	}
	switch {
	case half && !full:
		return "half_days"
	case full && !half:
		return "closed_days"
	}
	return ""
}

// SaveHours is POST /app/settings/hours. Every field is checked first; on any error the form comes
// back with the messages next to the fields (422) and nothing is stored.
func (h *Handler) SaveHours(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	cfg, errs := parseHoursForm(r.PostForm)
	for k, v := range hours.Validate(cfg) {
		if _, ok := errs[k]; !ok {
			errs[k] = v
		}
	}
	// A field the owner left as the page showed it, while it was changed since (another tab,
	// another owner): the newer value stays, and the form is read again with it.
	var kept []string
	if shown, ok := r.PostForm[web.ShownField]; ok && len(errs) == 0 {
		stored, _, err := hoursdb.Load(r.Context(), c.DB.Read)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		now := hoursFormValues(stored)
		sent := hoursFormValues(cfg)
		if kept = web.KeepNewer(sent, web.ParseShown(strings.Join(shown, ",")), func(k string) string { return now[k] }); len(kept) > 0 {
			merged := map[string][]string{}
			for k, v := range r.PostForm {
				merged[k] = v
			}
			for _, k := range kept {
				merged[k] = []string{now[k]}
			}
			cfg, errs = parseHoursForm(merged)
			for k, v := range hours.Validate(cfg) {
				if _, ok := errs[k]; !ok {
					errs[k] = v
				}
			}
		}
	}
	if len(errs) == 0 {
		err := hoursdb.Save(r.Context(), c.DB, cfg, time.Now())
		var ve hours.Errors
		if errors.As(err, &ve) {
			errs = ve
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		d := h.hoursData(r, cfg, true)
		if _, ok := r.PostForm[web.ShownField]; ok {
			d.Shown = r.PostForm.Get(web.ShownField) // the corrected post compares with what was first shown
		}
		for k, v := range r.PostForm { // show what was typed, not what could be read of it
			if len(v) > 0 {
				d.Values[k] = v[0]
			}
		}
		for i := range d.Days {
			d.Days[i].Value = r.PostForm.Get(d.Days[i].Field)
		}
		shown := web.Errors{}
		for k, key := range errs {
			msg := c.T(key)
			// "09:00-18:00, 12:00-13:00" is a lunch break written inside the opening: the
			// refusal says how to write it, with the owner's own hours.
			if d, err := strconv.Atoi(strings.TrimPrefix(k, "day")); key == "hours.err.overlap" && err == nil && d >= 0 && d < 7 {
				if open, ok := hours.WithBreaks(cfg.Week[d]); ok {
					msg = c.T("hours.err.overlap_break", hours.FormatIntervals(open))
				}
			}
			// A wrong date among the closed and half days is named: in a list of dozens,
			// "a date is not valid" alone leaves the owner searching.
			if day, dk := hours.BadDay(cfg.Closed); k == "closed" && dk == key {
				d.BadList = badList(cfg.Closed, day)
				if r := []rune(day); len(r) > 40 {
					day = string(r[:40]) + "…"
				}
				msg = c.T(key+"_at", day)
			}
			shown.Add(k, msg)
		}
		h.renderHours(w, r, http.StatusUnprocessableEntity, d, shown)
		return
	}
	payload := map[string]any{"enabled": cfg.Enabled, "zone": cfg.Zone,
		"after_hours": cfg.AfterHours, "preset": cfg.Preset, "closed_days": len(cfg.Closed), "away": cfg.Away != nil}
	if len(kept) > 0 {
		payload["kept_newer"] = kept
	}
	_ = audit.Log(r.Context(), c.DB, logEntry(r, "update_hours", "business hours saved", payload))
	said := savedHours(cfg)
	if len(kept) > 0 {
		said[0] = i18n.P("settings.saved_kept")
	}
	web.FlashSay(w, r, true, said...)
	web.Redirect(w, r, "/app/settings/hours")
}

// savedHours is the banner after saving: saved, and for every opening that runs past midnight,
// when it closes the next day — "18:00-09:00" typed for "09:00-18:00" is saved as the owner
// wrote it (a bar or a night shift is real) but never silently: one open more than twelve hours
// across midnight also names the daytime hours the owner may have meant.
func savedHours(cfg hours.Config) []any {
	out := []any{i18n.P("hours.saved")}
	for _, n := range weekOrder {
		for _, iv := range cfg.Week[n] {
			if !iv.Overnight() {
				continue
			}
			out = append(out, i18n.P("hours.overnight_saved", i18n.P("hours.day."+strconv.Itoa(n)), hours.Clock(iv.From),
				i18n.P("hours.day."+strconv.Itoa((n+1)%7)), hours.Clock(iv.To)))
			if iv.LongOvernight() {
				out = append(out, i18n.P("hours.overnight_meant", hours.FormatIntervals([]hours.Interval{{From: iv.To, To: iv.From}})))
			}
		}
	}
	return out
}
