package msp

// Reopening a month closed for billing (guide 44-msp-contracts-and-time.md). A month's time
// closes at the end of CloseDay of the next month; an owner who finds a mistake in it (8 h typed
// for 0.8 h) reopens that one month with a reason, the team corrects its time, and the owner
// closes it again. Every check of "closed" (MonthClosed's callers: adding, changing and removing
// time, the pages' Change and Remove buttons, the dashboard) goes through monthLocked or
// LockedFunc, which read the reopened months from msp_month_reopens in the same transaction or
// read as the decision they guard. The exports made of a month's time are counted in
// msp_month_exports so that reopening can say what must be issued again.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/tenantdb"
)

// MaxReopenReason is the longest reason for reopening a month, in characters.
const MaxReopenReason = 1000

// Errors of reopening and closing a month.
var (
	// ErrOwnerOnly: only an owner reopens a closed month or closes it again.
	ErrOwnerOnly = fault.Sentinel(fault.KindForbidden, "msp_time.err.owner_only", "msp: only an owner reopens or closes a billing month")
	// ErrMonthOpen: the month has not closed yet (its time still changes): nothing to reopen.
	ErrMonthOpen = fault.Sentinel(fault.KindConflict, "msp_time.err.month_not_closed", "msp: month is not closed for billing")
	// ErrMonthReopened: the month is already reopened (by someone else, or a form sent twice).
	ErrMonthReopened = fault.Sentinel(fault.KindConflict, "msp_time.err.month_already_reopened", "msp: month is already reopened")
	// ErrMonthNotReopened: the month is not reopened, so there is nothing to close again.
	ErrMonthNotReopened = fault.Sentinel(fault.KindConflict, "msp_time.err.month_not_reopened", "msp: month is not reopened")
)

// Reopen is one reopening of a closed month; ClosedAt 0 while it is open.
type Reopen struct {
	ID           int64
	Month        string // YYYY-MM
	Reason       string
	ByID         int64
	ByName       string
	At           int64 // Unix ms
	ClosedByID   int64
	ClosedByName string
	ClosedAt     int64
}

// Open reports whether the month is reopened by this row now.
func (r *Reopen) Open() bool { return r.ClosedAt == 0 }

// MonthExports is what the timesheet's exports took of a month's time: how often, and the last.
type MonthExports struct {
	Month  string
	Times  int
	LastAt int64 // Unix ms
	LastBy string
}

// ParseMonth reads a month as "2026-11"; ok false when it is not one.
func ParseMonth(s string) (string, bool) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return "", false
	}
	return t.Format("2006-01"), true
}

// MonthCloses is the last day (YYYY-MM-DD) time of month (YYYY-MM) changes without a reopening.
func MonthCloses(month string) string { return closesOn(month + "-01") }

const reopenCols = `id, month, reason, reopened_by, reopened_by_name, reopened_at, coalesce(closed_by,0), coalesce(closed_by_name,''),
	coalesce(closed_at,0)`

func scanReopens(rows *sql.Rows) ([]*Reopen, error) {
	defer rows.Close()
	var out []*Reopen
	for rows.Next() {
		r := &Reopen{}
		if err := rows.Scan(&r.ID, &r.Month, &r.Reason, &r.ByID, &r.ByName, &r.At, &r.ClosedByID, &r.ClosedByName, &r.ClosedAt); err != nil {
			return nil, fmt.Errorf("msp: month reopens: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("msp: month reopens: %w", err)
	}
	return out, nil
}

// ReopenedMonths lists the months reopened now, by month.
func ReopenedMonths(ctx context.Context, q Querier) (map[string]*Reopen, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reopenCols+` FROM msp_month_reopens WHERE closed_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("msp: month reopens: %w", err)
	}
	rs, err := scanReopens(rows)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*Reopen, len(rs))
	for _, r := range rs {
		out[r.Month] = r
	}
	return out, nil
}

// MonthReopens lists a month's reopenings, the latest first.
func MonthReopens(ctx context.Context, q Querier, month string) ([]*Reopen, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reopenCols+` FROM msp_month_reopens WHERE month = ? ORDER BY id DESC`, month)
	if err != nil {
		return nil, fmt.Errorf("msp: month reopens: %w", err)
	}
	return scanReopens(rows)
}

// reopenOf is the month's open reopening; nil when it is not reopened.
func reopenOf(ctx context.Context, q Querier, month string) (*Reopen, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+reopenCols+` FROM msp_month_reopens WHERE month = ? AND closed_at IS NULL`, month)
	if err != nil {
		return nil, fmt.Errorf("msp: month reopens: %w", err)
	}
	rs, err := scanReopens(rows)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return rs[0], nil
}

// monthLocked reports whether time of day's month no longer changes on today: the month is
// closed for billing (MonthClosed) and not reopened.
func monthLocked(ctx context.Context, q Querier, day, today string) (bool, error) {
	if !MonthClosed(day, today) {
		return false, nil
	}
	if len(day) < 7 {
		return true, nil
	}
	r, err := reopenOf(ctx, q, day[:7])
	return r == nil, err
}

// LockedFunc reads the reopened months once and returns the check the pages use for each entry:
// whether time of a day no longer changes on today (closed and not reopened), and the months
// reopened now.
func LockedFunc(ctx context.Context, q Querier, today string) (func(day string) bool, map[string]*Reopen, error) {
	open, err := ReopenedMonths(ctx, q)
	if err != nil {
		return nil, nil, err
	}
	return func(day string) bool {
		return MonthClosed(day, today) && (len(day) < 7 || open[day[:7]] == nil)
	}, open, nil
}

// ExportsOfMonth reads what the exports took of month's time; Times 0 when none did.
func ExportsOfMonth(ctx context.Context, q Querier, month string) (MonthExports, error) {
	x := MonthExports{Month: month}
	err := q.QueryRowContext(ctx, `SELECT times, last_at, last_by_name FROM msp_month_exports WHERE month = ?`, month).
		Scan(&x.Times, &x.LastAt, &x.LastBy)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return x, fmt.Errorf("msp: month exports: %w", err)
	}
	return x, nil
}

// RecordExports counts one export of the time of each of months (YYYY-MM), by a.
func RecordExports(ctx context.Context, db *tenantdb.DB, months []string, a Actor) error {
	if len(months) == 0 {
		return nil
	}
	sort.Strings(months)
	return db.InTx(ctx, func(tx *sql.Tx) error {
		now := tenantdb.Now()
		for _, m := range months {
			if _, err := tx.ExecContext(ctx, `INSERT INTO msp_month_exports(month, times, first_at, last_at, last_by_name) VALUES(?,1,?,?,?)
				ON CONFLICT(month) DO UPDATE SET times = times + 1, last_at = excluded.last_at, last_by_name = excluded.last_by_name`,
				m, now, now, a.Name); err != nil {
				return fmt.Errorf("msp: record month export: %w", err)
			}
		}
		return nil
	})
}

// ReopenMonth reopens a month closed for billing on today (the tenant's zone) so that its time
// can be corrected, until CloseMonth: an owner's act, with a reason (a field error without one,
// nothing stored). The action log keeps who, when, why and how many exports of the month there
// were; the returned exports say what must be issued again.
func ReopenMonth(ctx context.Context, db *tenantdb.DB, month, reason string, owner bool, today string, a Actor) (*Reopen, MonthExports, error) {
	var out *Reopen
	var x MonthExports
	if !owner {
		return nil, x, ErrOwnerOnly
	}
	m, ok := ParseMonth(month)
	if !ok {
		return nil, x, tenantdb.ErrNotFound
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return nil, x, fault.InvalidField("reason", "msp_time.err.reason_required")
	case len([]rune(reason)) > MaxReopenReason:
		return nil, x, fault.InvalidField("reason", "validation.too_long", MaxReopenReason)
	}
	if !MonthClosed(m+"-01", today) {
		return nil, x, ErrMonthOpen
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		if r, err := reopenOf(ctx, tx, m); err != nil {
			return err
		} else if r != nil {
			return ErrMonthReopened
		}
		var err error
		if x, err = ExportsOfMonth(ctx, tx, m); err != nil {
			return err
		}
		now := tenantdb.Now()
		res, err := tx.ExecContext(ctx, `INSERT INTO msp_month_reopens(month, reason, reopened_by, reopened_by_name, reopened_at)
			VALUES(?,?,?,?,?)`, m, reason, a.UserID, a.Name, now)
		if tenantdb.ConstraintOf(err) == tenantdb.ConstraintUnique {
			return ErrMonthReopened
		}
		if err != nil {
			return fmt.Errorf("msp: reopen month: %w", err)
		}
		id, _ := res.LastInsertId()
		out = &Reopen{ID: id, Month: m, Reason: reason, ByID: a.UserID, ByName: a.Name, At: now}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "month_reopened", Summary: m + " · " + reason,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"month": m, "reason": reason,
				"reopen_id": id, "exports": x.Times}})
		return err
	})
	if err != nil {
		return nil, x, err
	}
	return out, x, nil
}

// CloseMonth closes a reopened month again: its time no longer changes. An owner's act; the
// action log keeps who and when, with the reason it was reopened for.
func CloseMonth(ctx context.Context, db *tenantdb.DB, month string, owner bool, a Actor) (*Reopen, error) {
	if !owner {
		return nil, ErrOwnerOnly
	}
	m, ok := ParseMonth(month)
	if !ok {
		return nil, tenantdb.ErrNotFound
	}
	var out *Reopen
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		r, err := reopenOf(ctx, tx, m)
		if err != nil {
			return err
		}
		if r == nil {
			return ErrMonthNotReopened
		}
		now := tenantdb.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE msp_month_reopens SET closed_by = ?, closed_by_name = ?, closed_at = ? WHERE id = ?`,
			a.UserID, a.Name, now, r.ID); err != nil {
			return fmt.Errorf("msp: close month: %w", err)
		}
		r.ClosedByID, r.ClosedByName, r.ClosedAt = a.UserID, a.Name, now
		out = r
		// Closed again with the contracts' prices it shows now (a price changed meanwhile).
		if err := settlePrices(ctx, tx, m); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "msp", ActionType: "month_closed", Summary: m,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, Payload: map[string]any{"month": m,
				"reopen_id": r.ID, "reason": r.Reason, "reopened_at": r.At, "reopened_by": r.ByName}})
		return err
	})
	return out, err
}
