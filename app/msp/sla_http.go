package msp

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/hours"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// SLAHandler serves the SLA policies page (/app/msp/sla/): everyone of the team reads the
// targets; the owner (manage_settings) edits them, adds policies and picks the default one.
type SLAHandler struct {
	Render *web.Renderer
}

// slaPolicyForm is one policy's form as shown (hours as typed).
type slaPolicyForm struct {
	ID       int64
	Name     string
	Calendar string
	Default  bool
	Rows     []slaTargetRow
	Errors   map[string]string // field → translated message
	Open     bool              // the new-policy form is unfolded (it has errors)
}

type slaTargetRow struct {
	Priority   string
	Response   string // hours, as typed or as stored ("1", "0,5")
	Resolution string
}

type slaPage struct {
	Policies []*slaPolicyForm
	New      *slaPolicyForm
	CanEdit  bool
	Hours    slaHoursSummary
	Running  int // tickets whose clocks run now
	Calendar []string
}

// slaHoursSummary says what "business hours" means for this tenant now.
type slaHoursSummary struct {
	On         bool
	Zone       string
	Preset     bool
	Days       []slaDayHours // the weekdays with opening hours, Monday first
	PresetTill int
}

type slaDayHours struct {
	Day   int // time.Weekday
	Hours string
}

// hoursText writes minutes as hours the way people type them: 90 → "1,5" in Turkish, "1.5" in
// English; 0 → "" (no target).
func hoursText(min int, lang string) string {
	if min == 0 {
		return ""
	}
	s := strconv.FormatFloat(float64(min)/60, 'f', -1, 64)
	if i := strings.IndexByte(s, '.'); i >= 0 && len(s) > i+3 {
		s = strconv.FormatFloat(float64(min)/60, 'f', 2, 64)
	}
	if lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// parseHours reads a target in hours ("4", "0,5", "1.25"); "" is 0 (no target).
func parseHours(v string) (int, bool) {
	v = strings.TrimSpace(strings.ReplaceAll(i18n.ASCIINumber(v), ",", "."))
	if v == "" {
		return 0, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) || f*60 > MaxTargetMinutes {
		return 0, false
	}
	return int(math.Round(f * 60)), true
}

func formOfPolicy(p *SLAPolicy, lang string) *slaPolicyForm {
	f := &slaPolicyForm{ID: p.ID, Name: p.Name, Calendar: p.Calendar, Default: p.Default, Errors: map[string]string{}}
	for i, pr := range Priorities {
		f.Rows = append(f.Rows, slaTargetRow{Priority: pr, Response: hoursText(p.Targets[i].ResponseMin, lang),
			Resolution: hoursText(p.Targets[i].ResolutionMin, lang)})
	}
	return f
}

func (h *SLAHandler) data(r *http.Request) (*slaPage, error) {
	c := web.From(r)
	ctx := r.Context()
	ps, err := SLAPolicies(ctx, c.DB.Read)
	if err != nil {
		return nil, err
	}
	d := &slaPage{CanEdit: c.Can(auth.ManageSettings), Calendar: SLACalendars}
	for _, p := range ps {
		d.Policies = append(d.Policies, formOfPolicy(p, c.Lang))
	}
	d.New = formOfPolicy(&SLAPolicy{Calendar: CalendarBusinessHours}, c.Lang)
	cfg, set, err := hoursdb.Load(ctx, c.DB.Read)
	if err != nil {
		return nil, err
	}
	if set && cfg.Enabled {
		d.Hours = slaHoursSummary{On: true, Zone: c.P.ZoneName(c.Zone(), time.Now()), Preset: cfg.Preset != "", PresetTill: hours.PresetUntil("tr")}
		for _, wd := range []int{1, 2, 3, 4, 5, 6, 0} {
			var parts []string
			for _, iv := range cfg.Week[wd] {
				parts = append(parts, hhmm(iv.From)+"–"+hhmm(iv.To))
			}
			if len(parts) > 0 {
				d.Hours.Days = append(d.Hours.Days, slaDayHours{Day: wd, Hours: c.P.List(parts)})
			}
		}
	}
	if err := c.DB.Read.QueryRowContext(ctx, `SELECT count(*) FROM msp_ticket_sla WHERE running = 1`).Scan(&d.Running); err != nil {
		return nil, err
	}
	return d, nil
}

func hhmm(min int) string {
	return strconv.Itoa(min/60/10) + strconv.Itoa(min/60%10) + ":" + strconv.Itoa(min%60/10) + strconv.Itoa(min%10)
}

func (h *SLAHandler) render(w http.ResponseWriter, r *http.Request, status int, d *slaPage) {
	c := web.From(r)
	h.Render.Render(w, r, status, "msp/sla", &web.Page{Title: c.T("sla.title"), Nav: "msp", Guide: "sla", Data: d})
}

// Policies is GET /app/msp/sla/.
func (h *SLAHandler) Policies(w http.ResponseWriter, r *http.Request) {
	if err := EnsureSLAJob(r.Context(), web.From(r).DB); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d, err := h.data(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, d)
}

// Save is POST /app/msp/sla/ (a new policy) and POST /app/msp/sla/{id} (a policy's new targets).
// Every field is checked first; on any error the form comes back with the messages (422) and
// nothing is stored.
func (h *SLAHandler) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	var id int64
	if v := r.PathValue("id"); v != "" {
		var err error
		if id, err = strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			h.Render.Fail(w, r, fault.NotFound(""))
			return
		}
		if _, err := SLAPolicyByID(r.Context(), c.DB.Read, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	f := r.PostForm
	p := &SLAPolicy{ID: id, Name: f.Get("name"), Calendar: f.Get("calendar"), Default: f.Get("default") != ""}
	var bad fault.Fields
	for i, pr := range Priorities {
		var ok bool
		if p.Targets[i].ResponseMin, ok = parseHours(f.Get(pr + "_response")); !ok {
			bad.Add(pr+"_response", "sla.err.hours")
		}
		if p.Targets[i].ResolutionMin, ok = parseHours(f.Get(pr + "_resolution")); !ok {
			bad.Add(pr+"_resolution", "sla.err.hours")
		}
	}
	// Every field is checked, the ones that could not be read and the ones that could.
	keys := map[string]string{}
	for _, fe := range bad {
		keys[fe.Field] = fe.Key
	}
	for k, v := range fault.FieldKeys(ValidateSLAPolicy(p)) {
		if _, ok := keys[k]; !ok {
			keys[k] = v
		}
	}
	var err error
	if len(keys) == 0 {
		err = SaveSLAPolicy(r.Context(), c.DB, p, time.Now())
		keys = fault.FieldKeys(err)
	}
	if len(keys) > 0 {
		d, derr := h.data(r)
		if derr != nil {
			h.Render.Fail(w, r, derr)
			return
		}
		form := &slaPolicyForm{ID: id, Name: p.Name, Calendar: p.Calendar, Default: p.Default, Errors: map[string]string{}, Open: true}
		for _, pr := range Priorities {
			form.Rows = append(form.Rows, slaTargetRow{Priority: pr, Response: f.Get(pr + "_response"), Resolution: f.Get(pr + "_resolution")})
		}
		for k, key := range keys {
			form.Errors[k] = c.T(key)
		}
		if id == 0 {
			d.New = form
		} else {
			for i, old := range d.Policies {
				if old.ID == id {
					d.Policies[i] = form
				}
			}
		}
		h.render(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	targets := map[string]any{}
	for i, pr := range Priorities {
		targets[pr] = []int{p.Targets[i].ResponseMin, p.Targets[i].ResolutionMin}
	}
	_ = audit.Log(r.Context(), c.DB, audit.Entry{Provider: "msp_sla", ActionType: "sla_policy_saved", Summary: "SLA policy " + p.Name,
		ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actorName(c),
		Payload: map[string]any{"policy_id": p.ID, "calendar": p.Calendar, "default": p.Default, "targets_min": targets}})
	web.FlashKey(w, r, true, "sla.saved")
	web.Redirect(w, r, "/app/msp/sla/#policy-"+strconv.FormatInt(p.ID, 10))
}

func actorName(c *web.Ctx) string {
	if c.User != nil {
		return c.User.Name()
	}
	return ""
}
