// Package dashboard is the panel's front page /app/ (guide: 05-dashboard.md): the day at a glance — open
// conversations, pending approvals, leads, handoffs, ROI with the snapshot's age, the newest
// recommendations, recent conversations, the last action logs and two chart previews.
package dashboard

import (
	"context"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/msp"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves /app/.
type Handler struct {
	Render   *web.Renderer
	Log      *slog.Logger
	Platform *platform.Service // the business's members, for the first steps
	// Now is the clock the page's figures are read at (nil: time.Now); tests set the day.
	Now func() time.Time
	// BackupTrouble reports whether a backup of the business needs someone (app/settings, the
	// backups page); nil: never.
	BackupTrouble func(slug string) bool
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

// Data is the dashboard's view model.
type Data struct {
	Counts          Counts
	Pending         int
	Recommendations []*approvals.Recommendation
	Recent          []*RecentConversation
	Logs            []*audit.Row
	// LogNames name the people of Logs as they go by now (the rows keep the login they stored).
	LogNames    map[int64]string
	Snapshot    *analytics.Snapshot // nil: none built yet
	SnapshotAge time.Duration
	Stale       bool // older than analytics.StaleAfter; a background refresh was asked for
	ROI         float64
	HasROI      bool // false when the tenant set no AI budget or recorded no invoice (ROI is undefined)
	ROIOver     bool // ROI above analytics.ROIShownUpTo: the card says "over 10,000 %" (a budget tiny beside the revenue)
	NoBudget    bool // no AI budget set: the card says so; else, with no ROI, no invoice was recorded
	// BudgetNoRate names the business currency the AI budget (USD) cannot be converted into (the
	// fixed rate table has no rate for it): the card says so instead of a ROI; "" otherwise.
	BudgetNoRate string
	CanRefresh   bool
	// Previews are the two 3-D charts drawn small by the server (SVG), so the page loads no
	// chart library; the KPI page draws them in full.
	Previews []Preview
	// MSP is the IT provider's part of the page (nil: the tenant has the MSP module off).
	MSP *MSPView
	// Setup is the first steps card, for those who manage the settings, while a step is not
	// done (nil otherwise).
	Setup *Setup
	// BackupTrouble: for those who manage the settings, a backup of the business is failing,
	// falling behind or not covered; the page says so at its top, linking the backups page.
	BackupTrouble bool
}

// MSPView is the MSP module's cards and lists (app/msp computes the figures; guide
// 05-dashboard.md): open tickets per priority, tickets near or past their SLA, this month's
// billable hours not yet invoiced and the contracts ending soon.
type MSPView struct {
	*msp.Overview
	Priorities []PriorityCount
	Billable   string // this month's billable time in words ("42 h 30 min")
	Beyond     string // the part no contract's hours include
	ClosesOn   time.Time
	// LastMonth is last month's time while it is still open (the 1st to the 5th): the month
	// the owner invoices now (nil once it has closed).
	LastMonth *LastMonth
	Ending    []EndingContract
}

// LastMonth is last month's line of the unbilled-hours card.
type LastMonth struct {
	Month            string // YYYY-MM
	Billable, Beyond string // in words
	ClosesOn         time.Time
}

// PriorityCount is one priority's open tickets.
type PriorityCount struct {
	Priority string
	Count    int
}

// EndingContract is a contract ending soon, as the dashboard lists it.
type EndingContract struct {
	*msp.Contract
	EndsOn   time.Time // the last day, as midnight UTC (the "day" template function)
	DaysLeft int
}

// mspView gathers the MSP part of the page at now.
func mspView(ctx context.Context, c *web.Ctx, now time.Time) (*MSPView, error) {
	o, err := msp.DashboardOverview(ctx, c.DB.Read, now)
	if err != nil {
		return nil, err
	}
	v := &MSPView{Overview: o, Billable: msp.FormatMinutes(c.P, o.Billable), Beyond: msp.FormatMinutes(c.P, o.Beyond)}
	for _, p := range msp.Priorities {
		v.Priorities = append(v.Priorities, PriorityCount{p, o.Open[p]})
	}
	v.ClosesOn, _ = time.Parse(time.DateOnly, o.ClosesOn)
	if l := o.Last; l != nil {
		v.LastMonth = &LastMonth{Month: l.Month, Billable: msp.FormatMinutes(c.P, l.Billable), Beyond: msp.FormatMinutes(c.P, l.Beyond)}
		v.LastMonth.ClosesOn, _ = time.Parse(time.DateOnly, l.ClosesOn)
	}
	for _, k := range o.Ending {
		end, _ := time.Parse(time.DateOnly, k.EndsOn)
		v.Ending = append(v.Ending, EndingContract{Contract: k, EndsOn: end, DaysLeft: o.DaysLeft[k.ID]})
	}
	return v, nil
}

// Preview is one chart preview: its name and its SVG, "" when the chart has no data yet.
type Preview struct {
	Key, Label string
	SVG        template.HTML
}

// Sizes of the lists the dashboard shows.
const (
	newestRecommendations = 5
	recentCount           = 8
	lastLogs              = 5
)

// Show renders the dashboard. A missing or stale KPI snapshot is rebuilt by a background job
// (analytics.EnsureFresh only enqueues), so the page never waits for a rebuild.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ctx := r.Context()
	d, err := load(ctx, c.DB, h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.CanRefresh = c.Can(auth.RefreshKPI)
	if h.Platform != nil {
		if d.LogNames, err = h.Platform.NamesOf(ctx, audit.ActorIDs(d.Logs)); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if c.Can(auth.ManageSettings) && h.Platform != nil {
		if d.Setup, err = setupSteps(ctx, c.DB, h.Platform, c.Tenant); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if c.Can(auth.ManageSettings) && h.BackupTrouble != nil {
		d.BackupTrouble = h.BackupTrouble(c.Tenant.Slug)
	}
	if c.HasModule(platform.ModuleMSP) {
		if d.MSP, err = mspView(ctx, c, h.now()); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if d.Snapshot != nil {
		for _, key := range []string{"lead_3d", "decision_3d"} {
			label := c.T("dashboard.chart." + key)
			d.Previews = append(d.Previews, Preview{Key: key, Label: label, SVG: analytics.Thumbnail(d.Snapshot.ChartPack, key, label, c.T)})
		}
	}
	if d.Snapshot == nil || d.Stale {
		if err := analytics.EnsureFresh(ctx, c.Tenant.Slug, c.DB); err != nil && h.Log != nil {
			// The page still shows the cached numbers; the hourly schedule tries again.
			h.Log.Warn("dashboard: background KPI refresh not queued", "tenant", c.Tenant.Slug, "err", err)
		}
	}
	h.Render.Render(w, r, http.StatusOK, "dashboard", &web.Page{Title: c.T("nav.dashboard"), Nav: "dashboard", Guide: "dashboard", Data: d})
}

// load gathers the page's data through the owning rooms' exported read functions and the
// dashboard's own read model (store.go).
func load(ctx context.Context, db *tenantdb.DB, now time.Time) (*Data, error) {
	d := &Data{}
	var err error
	if d.Counts, err = counts(ctx, db, now.UnixMilli()); err != nil {
		return nil, err
	}
	if d.Pending, err = approvals.PendingCount(ctx, db); err != nil {
		return nil, err
	}
	if d.Recommendations, err = approvals.Newest(ctx, db, newestRecommendations); err != nil {
		return nil, err
	}
	if d.Recent, err = recentConversations(ctx, db, recentCount); err != nil {
		return nil, err
	}
	if d.Logs, err = audit.Search(ctx, db, audit.Filter{Limit: lastLogs}); err != nil {
		return nil, err
	}
	s, err := analytics.Latest(ctx, db)
	switch {
	case errors.Is(err, tenantdb.ErrNotFound):
	case err != nil:
		return nil, err
	default:
		d.Snapshot = s
		d.NoBudget = s.KPI.BudgetPeriod <= 0 && !s.KPI.BudgetNoRate
		if s.KPI.BudgetNoRate {
			d.BudgetNoRate = s.KPI.Currency
		}
		if s.KPI.ROI != nil {
			d.ROI, d.HasROI = *s.KPI.ROI, true
			d.ROIOver = d.ROI > analytics.ROIShownUpTo
		}
		d.SnapshotAge = now.Sub(s.Generated())
		d.Stale = s.Stale(now)
	}
	return d, nil
}
