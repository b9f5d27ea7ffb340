package followups

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves /app/followups/: the sequences running and the owner's rules.
type Handler struct {
	Render *web.Renderer
}

// Row is one sequence on the follow-ups page: its conversation, lead and line.
type Row struct {
	ConversationID int64
	Name           string
	Line           *inbox.FollowUpLine
}

type pageData struct {
	Settings Settings
	Values   map[string]string // the form as typed (after a refused save) or stored
	Open     []Row
	Recent   []Row
	Limits   map[string]int
	Fields   []string // the form's number fields, in order
}

// Index is GET /app/followups/.
func (h *Handler) Index(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	set, err := LoadSettings(ctx, c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if set.Enabled {
		_ = Ensure(ctx, c.DB)
	}
	h.render(w, r, http.StatusOK, set, values(set), nil)
}

func values(s Settings) map[string]string {
	return map[string]string{"no_reply_hours": strconv.Itoa(s.NoReplyHours), "quote_hours": strconv.Itoa(s.QuoteHours),
		"step_days": strconv.Itoa(s.StepDays), "max_steps": strconv.Itoa(s.MaxSteps)}
}

func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, set Settings, vals map[string]string, errs map[string]string) {
	c := web.From(r)
	ctx := r.Context()
	d := &pageData{Settings: set, Values: vals, Limits: map[string]int{"no_reply_hours": MaxNoReplyHours, "quote_hours": MaxQuoteHours,
		"step_days": MaxStepDays, "max_steps": MaxMaxSteps}, Fields: []string{"no_reply_hours", "quote_hours", "step_days", "max_steps"}}
	var err error
	if d.Open, err = rows(ctx, c.DB.Read, Open, 100); err == nil {
		d.Recent, err = rows(ctx, c.DB.Read, Recent, 20)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "followups/index", &web.Page{Title: c.T("followups.title"), Nav: "approvals", Guide: "follow-ups", Data: d, Errors: errs, Form: r.PostForm})
}

func rows(ctx context.Context, q Querier, list func(context.Context, Querier, int) ([]*FollowUp, error), n int) ([]Row, error) {
	fs, err := list(ctx, q, n)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(fs))
	for _, f := range fs {
		name := ""
		if l, err := inbox.LeadByID(ctx, q, f.LeadID); err == nil {
			name = l.Name
		}
		out = append(out, Row{ConversationID: f.ConversationID, Name: name, Line: f.Line()})
	}
	return out, nil
}

// Save is POST /app/followups/settings: every field checked first; a refused form comes back at
// 422 with the messages next to the fields, nothing stored.
func (h *Handler) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	var set Settings
	var vals map[string]string
	err := c.DB.InTx(ctx, func(tx *sql.Tx) error {
		// A box left as the page drew it takes the stored rule, which another owner may have
		// changed since: a save changes only what its sender changed (turning follow-ups off is
		// not undone by someone's stale page saving another field).
		cur, err := LoadSettings(ctx, tx)
		if err != nil {
			return err
		}
		stored := map[string]any{"enabled": web.Tick(cur.Enabled, "1")}
		for k, v := range values(cur) {
			stored[k] = v
		}
		meanwhile := web.KeepUntouched(r.PostForm, stored)
		var f fault.Fields
		set, vals, f = parseSettings(r.PostForm)
		if meanwhile != nil {
			return meanwhile // changed by someone else too: nothing stored, the form says what
		}
		if err := f.Err(); err != nil {
			return err
		}
		if err := saveSettings(ctx, tx, set, tenantdb.Now()); err != nil {
			return err
		}
		if !set.Enabled {
			if err := stopAllTx(ctx, tx, tenantdb.Now()); err != nil {
				return err
			}
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "settings", ActionType: "update_followups", Summary: "follow-up rules saved",
			ActorUserID: c.UserID(), ActorName: c.User.Username, ModelName: "human-review",
			Payload: map[string]any{"enabled": set.Enabled, "no_reply_hours": set.NoReplyHours, "quote_hours": set.QuoteHours,
				"step_days": set.StepDays, "max_steps": set.MaxSteps, "updated_by_user_id": c.UserID()}})
		return err
	})
	if errs := web.FieldErrors(r, err); errs != nil {
		h.render(w, r, web.StatusOf(err), set, vals, errs) // 409 when changed meanwhile
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if set.Enabled {
		_, _ = RunScanSoon(ctx, c.DB)
	}
	web.FlashKey(w, r, true, "followups.saved")
	web.Redirect(w, r, "/app/followups/")
}

// parseSettings reads the rules form: the rules, the numbers as typed, and the fields that are
// not whole numbers.
func parseSettings(form url.Values) (Settings, map[string]string, fault.Fields) {
	set := Settings{Enabled: form.Get("enabled") != ""}
	vals := map[string]string{}
	var f fault.Fields
	for _, fld := range []struct {
		name string
		to   *int
		max  int
	}{{"no_reply_hours", &set.NoReplyHours, MaxNoReplyHours}, {"quote_hours", &set.QuoteHours, MaxQuoteHours},
		{"step_days", &set.StepDays, MaxStepDays}, {"max_steps", &set.MaxSteps, MaxMaxSteps}} {
		v := strings.TrimSpace(form.Get(fld.name))
		vals[fld.name] = v
		n, err := strconv.Atoi(i18n.ASCIIDigits(v))
		if err != nil {
			f.Add(fld.name, "followups.err.range", 1, fld.max)
			continue
		}
		*fld.to = n
	}
	return set, vals, f
}

// RunScanSoon queues a run now (after the rules changed).
func RunScanSoon(ctx context.Context, db *tenantdb.DB) (int64, error) {
	return jobs.EnqueueDB(ctx, db, JobScan, struct{}{}, jobs.Options{MaxAttempts: 3, DedupeKey: "soon"})
}

// stopAllTx stops every open sequence (follow-ups switched off) and withdraws their waiting drafts.
func stopAllTx(ctx context.Context, tx *sql.Tx, now int64) error {
	fs, err := listFU(ctx, tx, `WHERE status IN ('active','waiting')`)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if err := stopTx(ctx, tx, f, "disabled", now); err != nil {
			return err
		}
	}
	return nil
}

// Line is the sequence as the pages show it.
func (f *FollowUp) Line() *inbox.FollowUpLine {
	l := &inbox.FollowUpLine{Step: f.Step, Steps: f.Steps, Next: f.Step + 1, DueAt: f.NextDueAt, Status: f.Status,
		StopReason: f.StopReason, Reason: f.Reason, Template: f.Template, RecID: f.RecommendationID}
	return l
}

// ConversationLine is the conversation page's neighbour (inbox.Neighbours.FollowUp): the newest
// sequence of the conversation as one line. It also makes sure the tenant's chain of runs goes on.
func ConversationLine(ctx context.Context, db *tenantdb.DB, convID int64) (*inbox.FollowUpLine, error) {
	f, err := Line(ctx, db.Read, convID)
	if err != nil || f == nil {
		return nil, err
	}
	if f.Status == "active" {
		_ = Ensure(ctx, db)
	}
	return f.Line(), nil
}

// LeadLines are a lead's sequences (every conversation of it), newest first, for the lead page.
func LeadLines(ctx context.Context, q Querier, leadID int64) ([]Row, error) {
	fs, err := ForLead(ctx, q, leadID)
	if err != nil {
		return nil, err
	}
	out := make([]Row, 0, len(fs))
	for _, f := range fs {
		out = append(out, Row{ConversationID: f.ConversationID, Line: f.Line()})
	}
	return out, nil
}

// LeadSection is the lead page's follow-ups section: the lead's sequences (every conversation of
// it), newest first; nil when it has none, so the page leaves the section out.
func LeadSection(ctx context.Context, q Querier, leadID int64) (any, error) {
	rows, err := LeadLines(ctx, q, leadID)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows, nil
}
