// Package hoursdb keeps a tenant's business hours (app/hours.Config) and the after-hours
// acknowledgements already sent, in the tenant database. It owns the business_hours and
// after_hours_acks tables; other rooms call these functions.
package hoursdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"highvibe/app/hours"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// Querier is what reads need: a pool or a transaction.
type Querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Execer is what writes need: a transaction or a connection of the writer.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Load returns the tenant's stored configuration; set is false when the owner never saved one
// (then cfg is hours.Default() with Enabled false).
func Load(ctx context.Context, q Querier) (cfg hours.Config, set bool, err error) {
	var raw string
	err = q.QueryRowContext(ctx, `SELECT config FROM business_hours WHERE id = 1`).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return hours.Default(), false, nil
	}
	if err != nil {
		return hours.Config{}, false, fmt.Errorf("hoursdb: load: %w", err)
	}
	if err := json.Unmarshal([]byte(raw), &cfg); err != nil {
		return hours.Config{}, false, fmt.Errorf("hoursdb: load: %w", err)
	}
	if cfg.Starting { // the country's starting values (StartIn): nobody saved the page yet
		cfg.Starting = false
		return cfg, false, nil
	}
	return cfg, true, nil
}

// ZoneName is the time zone the panel shows and reads dates and clock times in (an IANA name):
// the one the owner chose on the business hours page, whether or not the hours themselves are
// switched on, else hours.DefaultZone (the zone that page offers before it is saved).
func ZoneName(ctx context.Context, q Querier) (string, error) {
	var name sql.NullString
	err := q.QueryRowContext(ctx, `SELECT json_extract(config, '$.zone') FROM business_hours WHERE id = 1`).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && name.String == "") {
		return hours.DefaultZone(), nil
	}
	if err != nil {
		return "", fmt.Errorf("hoursdb: zone: %w", err)
	}
	return name.String, nil
}

// Zone is the tenant's time zone as a location: the one chosen on the business hours page, else
// hours.DefaultLocation (also when the stored name is no longer known to the system). On an error
// it returns the default location too, for callers that go on without the database's answer.
// The location is loaded once per zone name and shared (hours.Location).
func Zone(ctx context.Context, q Querier) (*time.Location, error) {
	name, err := ZoneName(ctx, q)
	if err != nil {
		return hours.DefaultLocation(), err
	}
	if loc := hours.Location(name); loc != nil {
		return loc, nil
	}
	return hours.DefaultLocation(), nil
}

// Schedule returns the tenant's schedule, or nil when business hours are not switched on (a nil
// schedule is always open; see app/hours). A stored configuration that no longer validates (a time
// zone removed from the system's database) is treated as off rather than failing every caller.
func Schedule(ctx context.Context, q Querier) (*hours.Schedule, error) {
	cfg, set, err := Load(ctx, q)
	if err != nil || !set || !cfg.Enabled {
		return nil, err
	}
	s, err := hours.New(cfg)
	if err != nil {
		return nil, nil
	}
	return s, nil
}

// Save validates cfg and stores it whole; an invalid cfg returns hours.Errors and stores nothing.
func Save(ctx context.Context, db *tenantdb.DB, cfg hours.Config, now time.Time) error {
	cfg.Starting = false
	if errs := hours.Validate(cfg); errs != nil {
		return errs
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("hoursdb: save: %w", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO business_hours (id, config, updated_at) VALUES (1, ?, ?)
		ON CONFLICT (id) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`, string(raw), now.UnixMilli()); err != nil {
		return fmt.Errorf("hoursdb: save: %w", err)
	}
	return nil
}

func init() { platform.OnTenantCreated("hours_zone", StartIn) }

// StartIn gives a business made for a country (platform.NewBusiness) that country's time zone
// and, outside Turkey, no Turkish public holidays, as the starting values of its business hours
// page: switched off and unsaved, as for any new business, but its dates, clock times and
// offered visit slots are read in its own zone from the first day. A business made without a
// country keeps the product's default zone.
func StartIn(ctx context.Context, db *tenantdb.DB, nb platform.NewBusiness) error {
	if nb.Zone == "" || hours.Location(nb.Zone) == nil {
		return nil
	}
	cfg := hours.Default()
	cfg.Zone, cfg.Starting = nb.Zone, true
	if nb.Country != "TR" {
		cfg.Preset = ""
	}
	if cfg.Zone == hours.DefaultZone() && cfg.Preset == "tr" {
		return nil // what a business without a stored page gets anyway
	}
	raw, err := json.Marshal(cfg)
	if err != nil {
		return fmt.Errorf("hoursdb: start: %w", err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO business_hours (id, config, updated_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`,
		string(raw), time.Now().UnixMilli()); err != nil {
		return fmt.Errorf("hoursdb: start: %w", err)
	}
	return nil
}

// ClaimAck records that conversation convID is acknowledged for the closed period ending at
// opensAt (zero time: no opening in sight) and reports whether this call was the first to do so;
// false means the acknowledgement of this period was already sent (or is being sent).
func ClaimAck(ctx context.Context, x Execer, convID int64, opensAt, now time.Time) (bool, error) {
	key := int64(0)
	if !opensAt.IsZero() {
		key = opensAt.UnixMilli()
	}
	res, err := x.ExecContext(ctx, `INSERT INTO after_hours_acks (conversation_id, period_opens_at, created_at) VALUES (?, ?, ?)
		ON CONFLICT DO NOTHING`, convID, key, now.UnixMilli())
	if err != nil {
		return false, fmt.Errorf("hoursdb: claim acknowledgement: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("hoursdb: claim acknowledgement: %w", err)
	}
	return n == 1, nil
}

// ReleaseAck forgets a claim whose acknowledgement could not be sent, so a later message of the
// same closed period tries again.
func ReleaseAck(ctx context.Context, x Execer, convID int64, opensAt time.Time) error {
	key := int64(0)
	if !opensAt.IsZero() {
		key = opensAt.UnixMilli()
	}
	if _, err := x.ExecContext(ctx, `DELETE FROM after_hours_acks WHERE conversation_id = ? AND period_opens_at = ?`, convID, key); err != nil {
		return fmt.Errorf("hoursdb: release acknowledgement: %w", err)
	}
	return nil
}
