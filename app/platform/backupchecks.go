package platform

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"highvibe/app/tenantdb"
)

// The kinds of database a backup check restores.
const (
	BackupDBPlatform = "platform" // platform.db: users, tenants, settings (shared by every business)
	BackupDBTenant   = "tenant"   // a business's records
	BackupDBMedia    = "media"    // a business's photos and files
)

// BackupCheck is one run of `highvibe backup check`: when it ran, whether every database restored
// and matched, and what it found per database.
type BackupCheck struct {
	ID        int64
	RanAt     time.Time
	OK        bool
	Failing   int
	Databases []BackupCheckDB
}

// BackupCheckDB is what one run found for one database.
type BackupCheckDB struct {
	Kind      string // BackupDBPlatform, BackupDBTenant or BackupDBMedia
	Slug      string // the business ("" for platform.db)
	OK        bool
	Integrity string        // "ok", what integrity_check reported, or "" when no copy was restored
	Diffs     string        // tables whose row counts differed, "; "-separated
	InFlight  bool          // the differences were rows still on their way (not a fault)
	Lag       time.Duration // how much later the live file changed than the newest replica file
	Problems  string        // what made it fail, "; "-separated, in the command's words
}

// What the record of backup checks keeps: the newest KeepBackupChecks runs, none older than
// KeepBackupChecksFor (the run just recorded always stays). The backups page reads the newest
// run; a year of weekly runs, or the last hundred of a daily one, is the history an owner or
// whoever runs the server may want to look back on, and every run adds a row per database.
const (
	KeepBackupChecks    = 100
	KeepBackupChecksFor = 365 * 24 * time.Hour
)

// RecordBackupCheck stores one run with its databases, all or nothing, and in the same
// transaction prunes the runs the record no longer keeps (their databases' rows go with them).
func (s *Service) RecordBackupCheck(ctx context.Context, c *BackupCheck) error {
	failing := 0
	for _, d := range c.Databases {
		if !d.OK {
			failing++
		}
	}
	c.Failing, c.OK = failing, failing == 0
	return s.DB.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO backup_checks(ran_at, ok, databases, failing) VALUES(?,?,?,?)`,
			tenantdb.Millis(c.RanAt), boolInt(c.OK), len(c.Databases), failing)
		if err != nil {
			return fmt.Errorf("platform: record backup check: %w", err)
		}
		c.ID, _ = res.LastInsertId()
		for _, d := range c.Databases {
			if _, err := tx.ExecContext(ctx, `INSERT INTO backup_check_databases(check_id, kind, slug, ok, integrity, diffs, in_flight, lag_ms, problems)
				VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING`, c.ID, d.Kind, d.Slug, boolInt(d.OK), d.Integrity, d.Diffs, boolInt(d.InFlight),
				d.Lag.Milliseconds(), d.Problems); err != nil {
				return fmt.Errorf("platform: record backup check: %s %s: %w", d.Kind, d.Slug, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM backup_checks WHERE id <> ? AND (ran_at < ?
			OR id NOT IN (SELECT id FROM backup_checks ORDER BY ran_at DESC, id DESC LIMIT ?))`,
			c.ID, tenantdb.Millis(c.RanAt.Add(-KeepBackupChecksFor)), KeepBackupChecks); err != nil {
			return fmt.Errorf("platform: prune backup checks: %w", err)
		}
		return nil
	})
}

// LastBackupCheck is the newest recorded run with the databases of business slug and platform.db
// (another business's databases are not its owner's business); nil when no run was recorded.
func (s *Service) LastBackupCheck(ctx context.Context, slug string) (*BackupCheck, error) {
	c := &BackupCheck{}
	var ran int64
	err := s.DB.Read.QueryRowContext(ctx, `SELECT id, ran_at, ok, failing FROM backup_checks ORDER BY ran_at DESC, id DESC LIMIT 1`).
		Scan(&c.ID, &ran, &c.OK, &c.Failing)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("platform: last backup check: %w", err)
	}
	c.RanAt = tenantdb.Time(ran)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT kind, slug, ok, integrity, diffs, in_flight, lag_ms, problems FROM backup_check_databases
		WHERE check_id = ? AND (kind = 'platform' OR slug = ?)
		ORDER BY CASE kind WHEN 'tenant' THEN 0 WHEN 'media' THEN 1 ELSE 2 END`, c.ID, slug)
	if err != nil {
		return nil, fmt.Errorf("platform: last backup check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var d BackupCheckDB
		var lag int64
		if err := rows.Scan(&d.Kind, &d.Slug, &d.OK, &d.Integrity, &d.Diffs, &d.InFlight, &lag, &d.Problems); err != nil {
			return nil, fmt.Errorf("platform: last backup check: %w", err)
		}
		d.Lag = time.Duration(lag) * time.Millisecond
		c.Databases = append(c.Databases, d)
	}
	return c, rows.Err()
}
