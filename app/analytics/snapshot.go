package analytics

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"highvibe/app/audit"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

// JobKind is the job that rebuilds a snapshot in the background.
const JobKind = "analytics_snapshot"

// StaleAfter is the age after which a snapshot is rebuilt in the background (guide: 11-kpi-center.md).
const StaleAfter = 15 * time.Minute

// Snapshot is one stored analytics_snapshots row.
type Snapshot struct {
	ID          int64           `json:"-"`
	GeneratedAt int64           `json:"generated_at"`
	ModelName   string          `json:"model_name"`
	KPI         KPI             `json:"kpi"`
	ChartPack   json.RawMessage `json:"chart_pack"`
}

// Generated is the build time as a time.Time for templates.
func (s *Snapshot) Generated() time.Time { return time.UnixMilli(s.GeneratedAt) }

// Stale reports whether the snapshot is older than StaleAfter.
func (s *Snapshot) Stale(now time.Time) bool { return now.Sub(s.Generated()) > StaleAfter }

// Params are the tenant facts a refresh needs besides its database.
type Params struct {
	Currency  string  // tenant currency (setting "currency")
	BudgetUSD float64 // setting "monthly_budget_usd"
	Lang      string  // language of generated recommendation texts (tenant primary locale)
	Region    string  // setting "phone_region": a nameless lead's number kept without its country code
	ActorID   int64   // user who asked; 0 for the background job
	ActorName string
	Trigger   string   // button, query, background, scheduled
	Channels  []string // the channel registry's names: the segment heatmap's rows, in order
	MSP       bool     // the tenant has the msp module on: the snapshot carries msp_payload
	Seasonal  bool     // the tenant has the seasonal module on: its campaigns raise the forecast
}

// ParamsFrom reads Params from tenant settings by key.
func ParamsFrom(setting func(string) string) Params {
	b, _ := strconv.ParseFloat(setting("monthly_budget_usd"), 64)
	cur := setting("currency")
	if cur == "" {
		cur = "TRY"
	}
	return Params{Currency: cur, BudgetUSD: b, Lang: setting("primary_locale"), Region: setting("phone_region")}
}

// Latest returns the newest snapshot, or tenantdb.ErrNotFound when none was built yet. The
// dashboard uses it for the ROI card.
func Latest(ctx context.Context, db *tenantdb.DB) (*Snapshot, error) {
	s := &Snapshot{}
	var kpi, cp string
	err := db.Read.QueryRowContext(ctx, `SELECT id, generated_at, model_name, kpi, chart_pack FROM analytics_snapshots ORDER BY id DESC LIMIT 1`).
		Scan(&s.ID, &s.GeneratedAt, &s.ModelName, &kpi, &cp)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("analytics: latest snapshot: %w", err)
	}
	if err := json.Unmarshal([]byte(kpi), &s.KPI); err != nil {
		return nil, fmt.Errorf("analytics: decode kpi: %w", err)
	}
	s.ChartPack = json.RawMessage(cp)
	return s, nil
}

// Build computes a snapshot without storing it (benchmarks and tests use it directly).
func Build(ctx context.Context, db *tenantdb.DB, now time.Time, p Params) (*Snapshot, *Dataset, error) {
	d, err := Load(ctx, db, now, p.Currency, p.BudgetUSD)
	if err != nil {
		return nil, nil, err
	}
	d.Channels = p.Channels
	k, _, f, ms := Compute(d)
	if p.Seasonal {
		months := forecastMonths(now, d.Zone, len(f.Points))
		weeks, err := campaignWeeks(ctx, db, months)
		if err != nil {
			return nil, nil, err
		}
		f.ApplySeasonal(months, weeks)
	}
	pack := map[string]any{}
	for key, fig := range BuildCharts(d, k, f, ms) {
		pack[key] = fig
	}
	if p.MSP {
		r, err := msp.BuildReport(ctx, db.Read, now)
		if err != nil {
			return nil, nil, err
		}
		pack[MSPKey] = mspPayload(r)
	}
	cp, err := json.Marshal(pack)
	if err != nil {
		return nil, nil, fmt.Errorf("analytics: encode chart pack: %w", err)
	}
	return &Snapshot{GeneratedAt: now.UnixMilli(), ModelName: ModelName, KPI: k, ChartPack: cp}, d, nil
}

// refreshing is the refresh each tenant has under way, by database file: a refresh asked for
// while one runs waits for it and shares its snapshot instead of building another (three owners
// pressing the button together, or the button meeting the hourly job, make one snapshot).
var refreshing = struct {
	sync.Mutex
	m map[string]*flight
}{m: map[string]*flight{}}

// flight is one refresh under way; done closes when s and err are set.
type flight struct {
	done chan struct{}
	s    *Snapshot
	err  error
}

// Test hooks (export_test.go): storing runs before a refresh stores its snapshot, joined when a
// refresh joins one under way.
var storing, joined atomic.Pointer[func()]

// Refresh builds a snapshot, stores it with its recommendations and an analytics_snapshot
// action log in one transaction, and returns it. While a refresh of the same tenant is under way
// it waits for that one and returns its snapshot (the action log names who started it). The
// refresh goes on when the request that started it is given up, so the others still get it.
func Refresh(ctx context.Context, db *tenantdb.DB, p Params) (*Snapshot, error) {
	refreshing.Lock()
	if f := refreshing.m[db.Path]; f != nil {
		refreshing.Unlock()
		if h := joined.Load(); h != nil {
			(*h)()
		}
		select {
		case <-f.done:
			return f.s, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &flight{done: make(chan struct{})}
	refreshing.m[db.Path] = f
	refreshing.Unlock()
	defer func() {
		refreshing.Lock()
		delete(refreshing.m, db.Path)
		refreshing.Unlock()
		close(f.done)
	}()
	f.s, f.err = refresh(context.WithoutCancel(ctx), db, p)
	return f.s, f.err
}

func refresh(ctx context.Context, db *tenantdb.DB, p Params) (*Snapshot, error) {
	now := time.Now()
	s, d, err := Build(ctx, db, now, p)
	if err != nil {
		return nil, err
	}
	cands, err := candidates(ctx, db, now, d, p.Region)
	if err != nil {
		return nil, err
	}
	kpi, err := json.Marshal(s.KPI)
	if err != nil {
		return nil, fmt.Errorf("analytics: encode kpi: %w", err)
	}
	if h := storing.Load(); h != nil {
		(*h)()
	}
	err = db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO analytics_snapshots(model_name, kpi, chart_pack, generated_at) VALUES(?,?,?,?)`,
			s.ModelName, string(kpi), string(s.ChartPack), s.GeneratedAt)
		if err != nil {
			return err
		}
		s.ID, _ = res.LastInsertId()
		created, err := insertRecommendations(ctx, tx, s.ID, p.Lang, cands, now.UnixMilli())
		if err != nil {
			return err
		}
		roi := "-"
		if s.KPI.ROI != nil {
			roi = strconv.FormatFloat(*s.KPI.ROI, 'f', 1, 64)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "analytics_snapshot", ActionType: "refresh",
			Summary: fmt.Sprintf("snapshot %d built (%s): %d leads, paid %.2f %s, ROI %s%%, %d new recommendations",
				s.ID, p.Trigger, s.KPI.LeadCount, s.KPI.PaidRevenue, s.KPI.Currency, roi, created),
			Output:    string(kpi),
			Payload:   map[string]any{"snapshot_id": s.ID, "trigger": p.Trigger, "recommendations_created": created, "updated_by_user_id": p.ActorID},
			ModelName: ModelName, ActorUserID: p.ActorID, ActorName: p.ActorName})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("analytics: store snapshot: %w", err)
	}
	return s, nil
}

// Job payload of JobKind.
type jobPayload struct {
	Scheduled bool `json:"scheduled,omitempty"`
}

// EnsureFresh enqueues a background refresh when the latest snapshot is missing or older than
// StaleAfter, and makes sure the hourly schedule exists. It never builds anything itself, so a
// page calling it is never slowed down. The slug is only used in errors.
func EnsureFresh(ctx context.Context, slug string, db *tenantdb.DB) error {
	s, err := Latest(ctx, db)
	if err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
		return err
	}
	if s == nil || s.Stale(time.Now()) {
		if _, err := jobs.EnqueueDB(ctx, db, JobKind, jobPayload{}, jobs.Options{DedupeKey: "fresh", MaxAttempts: 3}); err != nil {
			return fmt.Errorf("analytics: enqueue refresh for %s: %w", slug, err)
		}
	}
	return Schedule(ctx, db)
}

// Schedule makes sure the next hourly refresh is queued (one per hour slot, deduplicated).
func Schedule(ctx context.Context, db *tenantdb.DB) error {
	next := time.Now().Truncate(time.Hour).Add(time.Hour)
	_, err := jobs.EnqueueDB(ctx, db, JobKind, jobPayload{Scheduled: true},
		jobs.Options{RunAt: next, MaxAttempts: 3, DedupeKey: "scheduled:" + strconv.FormatInt(next.Unix(), 10)})
	if err != nil {
		return fmt.Errorf("analytics: schedule: %w", err)
	}
	return nil
}

// JobHandler returns the JobKind handler; params reads the tenant's settings by slug.
func JobHandler(params func(ctx context.Context, slug string) (Params, error)) jobs.Handler {
	return func(ctx context.Context, j *jobs.Job) error {
		var pl jobPayload
		if err := j.Decode(&pl); err != nil {
			return jobs.Permanent(err)
		}
		p, err := params(ctx, j.Tenant)
		if err != nil {
			return err
		}
		p.Trigger = "background"
		if pl.Scheduled {
			p.Trigger = "scheduled"
		}
		if _, err := Refresh(ctx, j.DB, p); err != nil {
			return err
		}
		if pl.Scheduled {
			return Schedule(ctx, j.DB)
		}
		return nil
	}
}

// printer returns the translator for generated texts.
func printer(lang string) *i18n.Printer {
	if lang == "" {
		lang = "en"
	}
	return i18n.For(lang)
}
