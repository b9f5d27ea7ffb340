package seasonal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/approvals"
	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Querier is a *sql.DB or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Actor is who changed the calendar, for the action log.
type Actor struct {
	UserID int64
	Name   string
}

const campaignCols = `id, name, rule, month, day, weekday, nth, dates, lead_days, uplift_pct, notes, preset, created_at, updated_at`

func scanCampaign(sc interface{ Scan(...any) error }) (*Campaign, error) {
	c := &Campaign{}
	var dates string
	var wd int
	if err := sc.Scan(&c.ID, &c.Name, &c.Rule, &c.Month, &c.Day, &wd, &c.Nth, &dates, &c.LeadDays, &c.UpliftPct,
		&c.Notes, &c.Preset, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	c.Weekday = time.Weekday(wd)
	if dates != "" {
		c.Dates = strings.Split(dates, ",")
	}
	return c, nil
}

// List returns every campaign of the calendar, by name.
func List(ctx context.Context, q Querier) ([]*Campaign, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+campaignCols+` FROM seasonal_campaigns ORDER BY name COLLATE NOCASE, id`)
	if err != nil {
		return nil, fmt.Errorf("seasonal: list: %w", err)
	}
	defer rows.Close()
	var out []*Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("seasonal: list: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// ByID returns one campaign (tenantdb.ErrNotFound when there is none).
func ByID(ctx context.Context, q Querier, id int64) (*Campaign, error) {
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM seasonal_campaigns WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("seasonal: campaign: %w", err)
	}
	return c, nil
}

// Occurrences lists the campaigns' dates that fall in [from, to] (calendar days, inclusive): the
// KPI room's forecast reads the campaign weeks of the months it projects here.
func Occurrences(ctx context.Context, q Querier, from, to time.Time) ([]Occurrence, error) {
	cs, err := List(ctx, q)
	if err != nil {
		return nil, err
	}
	return Between(cs, from, to), nil
}

// invalid turns Check's findings into the one error of a form: fault.Invalid with every field.
func invalid(bad map[string]string) error {
	var f fault.Fields
	for _, k := range []string{"name", "rule", "month", "day", "nth", "weekday", "dates", "lead_days", "uplift_pct", "notes"} {
		if key, ok := bad[k]; ok {
			f.Add(k, key)
		}
	}
	return f.Err()
}

// Save stores a new campaign (c.ID 0) or a campaign's new fields, after checking every field (a
// fault.Invalid error with the fields' messages stores nothing); the seasonal job looks at the
// calendar again in the same transaction. It sets c.ID.
func Save(ctx context.Context, db *tenantdb.DB, c *Campaign, by Actor, now time.Time) error {
	c.Name = strings.TrimSpace(c.Name)
	c.Notes = strings.TrimSpace(strings.ReplaceAll(c.Notes, "\r\n", "\n"))
	if bad := Check(c); len(bad) > 0 {
		return invalid(bad)
	}
	switch c.Rule { // keep only the fields the rule uses
	case RuleFixed:
		c.Weekday, c.Nth, c.Dates = 0, 0, nil
	case RuleNthWeekday:
		c.Day, c.Dates = 0, nil
	case RuleDates:
		c.Month, c.Day, c.Weekday, c.Nth = 0, 0, 0, 0
	}
	ms := now.UnixMilli()
	return db.InTx(ctx, func(tx *sql.Tx) error {
		args := []any{c.Name, c.Rule, c.Month, c.Day, int(c.Weekday), c.Nth, strings.Join(c.Dates, ","), c.LeadDays, c.UpliftPct, c.Notes}
		action := "seasonal_campaign_updated"
		if c.ID == 0 {
			res, err := tx.ExecContext(ctx, `INSERT INTO seasonal_campaigns(name, rule, month, day, weekday, nth, dates, lead_days, uplift_pct, notes, preset, created_at, updated_at)
				VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`, append(args, c.Preset, ms, ms)...)
			if err != nil {
				if tenantdb.IsUnique(err) {
					return fault.Conflict("seasonal.err.preset_added")
				}
				return fmt.Errorf("seasonal: add: %w", err)
			}
			if c.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			c.CreatedAt = ms
			action = "seasonal_campaign_added"
			// The new-campaign form, sent once: a resend shows the first campaign.
			if err := web.SpendOnce(ctx, tx, c.ID, "/app/seasonal/#campaign-"+strconv.FormatInt(c.ID, 10)); err != nil {
				return err
			}
		} else {
			old, err := ByID(ctx, tx, c.ID)
			if err != nil {
				return err
			}
			if old.recKey() != c.recKey() {
				if err := withdrawWaitingTx(ctx, tx, c.ID, by); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, `UPDATE seasonal_campaigns SET name = ?, rule = ?, month = ?, day = ?, weekday = ?, nth = ?, dates = ?,
				lead_days = ?, uplift_pct = ?, notes = ?, updated_at = ? WHERE id = ?`, append(args, ms, c.ID)...)
			if err != nil {
				return fmt.Errorf("seasonal: save: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return tenantdb.ErrNotFound
			}
		}
		c.UpdatedAt = ms
		if _, err := audit.Write(ctx, tx, audit.Entry{Provider: "seasonal", ActionType: action, Summary: c.Name,
			ModelName: "human-review", ActorUserID: by.UserID, ActorName: by.Name,
			Payload: map[string]any{"campaign_id": c.ID, "rule": c.Rule, "lead_days": c.LeadDays, "uplift_pct": c.UpliftPct, "preset": c.Preset}}); err != nil {
			return err
		}
		return kick(ctx, tx, now)
	})
}

// recKey is what a campaign's recommendation is made of — its name, its date's rule, lead time
// and uplift — as one string: an edit that changes it makes a waiting recommendation stale.
func (c *Campaign) recKey() string {
	return fmt.Sprint(c.Name, "|", c.Rule, "|", c.Month, "|", c.Day, "|", int(c.Weekday), "|", c.Nth, "|", strings.Join(c.Dates, ","),
		"|", c.LeadDays, "|", c.UpliftPct)
}

// withdrawWaitingTx withdraws the recommendations of campaign id still waiting for a decision and
// forgets that they were raised, so the check that follows the save raises them again from the
// campaign as it now is (its new date, lead time, uplift, name), or not at all when its lead time
// no longer covers today. Decided ones stay as they were, and stay the year's one.
func withdrawWaitingTx(ctx context.Context, tx *sql.Tx, id int64, by Actor) error {
	recs, err := tenantdb.IDs(ctx, tx, `SELECT recommendation_id FROM seasonal_raised WHERE campaign_id = ? AND recommendation_id IS NOT NULL`, id)
	if err != nil {
		return fmt.Errorf("seasonal: raised: %w", err)
	}
	for _, rec := range recs {
		r, err := approvals.ByID(ctx, tx, rec)
		if errors.Is(err, tenantdb.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if !r.Open() {
			continue
		}
		if err := approvals.WithdrawTx(ctx, tx, rec, approvals.Actor{UserID: by.UserID, Name: by.Name}); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM seasonal_raised WHERE campaign_id = ? AND recommendation_id = ?`, id, rec); err != nil {
			return fmt.Errorf("seasonal: raised: %w", err)
		}
	}
	return nil
}

// AddPreset adds the preset key to the calendar under name (its name in the owner's language);
// a preset already on the calendar is a conflict.
func AddPreset(ctx context.Context, db *tenantdb.DB, key, name string, by Actor, now time.Time) (*Campaign, error) {
	p, ok := PresetByKey(key)
	if !ok {
		return nil, fault.NotFound("")
	}
	c := p.Campaign(name)
	if err := Save(ctx, db, c, by, now); err != nil {
		return nil, err
	}
	return c, nil
}

// Delete removes a campaign from the calendar. A recommendation it raised that nobody decided yet
// is withdrawn with it: nothing is left to prepare for, and a campaign added again raises its own
// (never two in the queue for one day). Decided ones stay as they were.
func Delete(ctx context.Context, db *tenantdb.DB, id int64, by Actor) error {
	return db.InTx(ctx, func(tx *sql.Tx) error {
		c, err := ByID(ctx, tx, id)
		if err != nil {
			return err
		}
		recs, err := tenantdb.IDs(ctx, tx, `SELECT recommendation_id FROM seasonal_raised WHERE campaign_id = ? AND recommendation_id IS NOT NULL`, id)
		if err != nil {
			return fmt.Errorf("seasonal: delete: %w", err)
		}
		for _, rec := range recs {
			if err := approvals.WithdrawTx(ctx, tx, rec, approvals.Actor{UserID: by.UserID, Name: by.Name}); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM seasonal_campaigns WHERE id = ?`, id); err != nil {
			return fmt.Errorf("seasonal: delete: %w", err)
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "seasonal", ActionType: "seasonal_campaign_deleted", Summary: c.Name,
			ModelName: "human-review", ActorUserID: by.UserID, ActorName: by.Name, Payload: map[string]any{"campaign_id": id}})
		return err
	})
}
