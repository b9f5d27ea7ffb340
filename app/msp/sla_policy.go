package msp

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/fault"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Calendars an SLA policy counts in.
const (
	CalendarBusinessHours = "business_hours" // the tenant's business hours (app/hours), holidays included
	CalendarAlways        = "always"         // around the clock, every day (24/7)
)

// SLACalendars lists the calendars in form order.
var SLACalendars = []string{CalendarBusinessHours, CalendarAlways}

// MaxTargetMinutes is the longest target a policy may set: a year of minutes.
const MaxTargetMinutes = 525600

// SLATarget is what a policy allows for one priority, in minutes of its calendar (0: no target).
type SLATarget struct {
	ResponseMin, ResolutionMin int
}

// SLAPolicy is one row of msp_sla_policies. Targets is indexed like Priorities (p1 first).
type SLAPolicy struct {
	ID        int64
	Name      string
	Calendar  string
	Targets   [4]SLATarget
	Default   bool
	CreatedAt int64
	UpdatedAt int64
}

// Target is the policy's target for a priority code (p1…p4); zero for an unknown one.
func (p *SLAPolicy) Target(priority string) SLATarget {
	for i, pr := range Priorities {
		if pr == priority {
			return p.Targets[i]
		}
	}
	return SLATarget{}
}

// AlwaysOn reports whether the policy counts around the clock.
func (p *SLAPolicy) AlwaysOn() bool { return p.Calendar == CalendarAlways }

const slaPolicyCols = `id, name, calendar, p1_response_min, p1_resolution_min, p2_response_min, p2_resolution_min,
	p3_response_min, p3_resolution_min, p4_response_min, p4_resolution_min, is_default, created_at, updated_at`

func scanSLAPolicy(sc interface{ Scan(...any) error }) (*SLAPolicy, error) {
	var p SLAPolicy
	t := &p.Targets
	err := sc.Scan(&p.ID, &p.Name, &p.Calendar, &t[0].ResponseMin, &t[0].ResolutionMin, &t[1].ResponseMin, &t[1].ResolutionMin,
		&t[2].ResponseMin, &t[2].ResolutionMin, &t[3].ResponseMin, &t[3].ResolutionMin, &p.Default, &p.CreatedAt, &p.UpdatedAt)
	return &p, err
}

// SLAPolicies lists the tenant's policies, the default first, then by name.
func SLAPolicies(ctx context.Context, q Querier) ([]*SLAPolicy, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+slaPolicyCols+` FROM msp_sla_policies ORDER BY is_default DESC, name, id`)
	if err != nil {
		return nil, fmt.Errorf("msp: sla policies: %w", err)
	}
	defer rows.Close()
	var out []*SLAPolicy
	for rows.Next() {
		p, err := scanSLAPolicy(rows)
		if err != nil {
			return nil, fmt.Errorf("msp: sla policies: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// SLAPolicyByID reads one policy; tenantdb.ErrNotFound when absent.
func SLAPolicyByID(ctx context.Context, q Querier, id int64) (*SLAPolicy, error) {
	p, err := scanSLAPolicy(q.QueryRowContext(ctx, `SELECT `+slaPolicyCols+` FROM msp_sla_policies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, tenantdb.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("msp: sla policy: %w", err)
	}
	return p, nil
}

// ValidateSLAPolicy returns what is wrong with p as a fault.Invalid error with field errors
// (catalog keys under sla.err.; fields name, calendar, p1_response … p4_resolution), nil when
// it is valid. It trims the name.
func ValidateSLAPolicy(p *SLAPolicy) error {
	var errs fault.Fields
	p.Name = strings.TrimSpace(p.Name)
	if n := len([]rune(p.Name)); n == 0 {
		errs.Add("name", "sla.err.name_required")
	} else if n > 100 {
		errs.Add("name", "sla.err.name_long")
	}
	if p.Calendar != CalendarBusinessHours && p.Calendar != CalendarAlways {
		errs.Add("calendar", "sla.err.calendar")
	}
	for i, pr := range Priorities {
		t := p.Targets[i]
		if t.ResponseMin < 0 || t.ResponseMin > MaxTargetMinutes {
			errs.Add(pr+"_response", "sla.err.target")
		}
		if t.ResolutionMin < 0 || t.ResolutionMin > MaxTargetMinutes {
			errs.Add(pr+"_resolution", "sla.err.target")
		}
		if t.ResponseMin > 0 && t.ResolutionMin > 0 && t.ResolutionMin < t.ResponseMin {
			errs.Add(pr+"_resolution", "sla.err.resolution_before_response")
		}
	}
	return errs.Err()
}

// SaveSLAPolicy creates (p.ID == 0) or updates a policy; when p.Default it becomes the one new
// tickets get. Invalid input returns fault.Invalid with the field errors and stores nothing. The
// SLA job is asked to look again, since open tickets follow their policy's new targets.
func SaveSLAPolicy(ctx context.Context, db *tenantdb.DB, p *SLAPolicy, now time.Time) error {
	if err := ValidateSLAPolicy(p); err != nil {
		return err
	}
	ms := now.UnixMilli()
	t := p.Targets
	return db.InTx(ctx, func(tx *sql.Tx) error {
		if p.Default {
			if _, err := tx.ExecContext(ctx, `UPDATE msp_sla_policies SET is_default = 0 WHERE is_default = 1 AND id <> ?`, p.ID); err != nil {
				return fmt.Errorf("msp: save sla policy: %w", err)
			}
		}
		if p.ID == 0 {
			err := tx.QueryRowContext(ctx, `INSERT INTO msp_sla_policies (name, calendar, p1_response_min, p1_resolution_min,
				p2_response_min, p2_resolution_min, p3_response_min, p3_resolution_min, p4_response_min, p4_resolution_min,
				is_default, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`,
				p.Name, p.Calendar, t[0].ResponseMin, t[0].ResolutionMin, t[1].ResponseMin, t[1].ResolutionMin,
				t[2].ResponseMin, t[2].ResolutionMin, t[3].ResponseMin, t[3].ResolutionMin, p.Default, ms, ms).Scan(&p.ID)
			if err != nil {
				return fmt.Errorf("msp: save sla policy: %w", err)
			}
			p.CreatedAt = ms
			// The new-policy form, sent once: a resend shows the first policy.
			if err := web.SpendOnce(ctx, tx, p.ID, "/app/msp/sla/#policy-"+strconv.FormatInt(p.ID, 10)); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE msp_sla_policies SET name = ?, calendar = ?, p1_response_min = ?, p1_resolution_min = ?,
				p2_response_min = ?, p2_resolution_min = ?, p3_response_min = ?, p3_resolution_min = ?, p4_response_min = ?,
				p4_resolution_min = ?, is_default = CASE WHEN ? THEN 1 ELSE is_default END, updated_at = ? WHERE id = ?`,
				p.Name, p.Calendar, t[0].ResponseMin, t[0].ResolutionMin, t[1].ResponseMin, t[1].ResolutionMin,
				t[2].ResponseMin, t[2].ResolutionMin, t[3].ResponseMin, t[3].ResolutionMin, p.Default, ms, p.ID)
			if err != nil {
				return fmt.Errorf("msp: save sla policy: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return tenantdb.ErrNotFound
			}
		}
		p.UpdatedAt = ms
		return kickSLA(ctx, tx, now)
	})
}
