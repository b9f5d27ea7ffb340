package ai

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// MonthStart is the first millisecond of the calendar month it is at now in loc: budgets are per
// calendar month of the business (its time zone), so a new month's budget starts at its midnight,
// not at UTC's (03:00 in Istanbul).
func MonthStart(now time.Time, loc *time.Location) int64 {
	now = now.In(loc)
	return time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, loc).UnixMilli()
}

// MonthSpend is the estimated AI cost (USD) recorded in ai_usage this month; the settings page and
// the budget check both read it.
func MonthSpend(ctx context.Context, db *tenantdb.DB) (float64, error) {
	return MonthSpendAt(ctx, db, time.Now())
}

// MonthSpendAt is MonthSpend at now: the month is the one it is at now in the tenant's time zone
// (the business hours page's, else the server's).
func MonthSpendAt(ctx context.Context, db *tenantdb.DB, now time.Time) (float64, error) {
	loc, err := hoursdb.Zone(ctx, db.Read)
	if err != nil {
		return 0, fmt.Errorf("ai: month spend: %w", err)
	}
	var spent float64
	err = db.Read.QueryRowContext(ctx, `SELECT coalesce(sum(cost_usd), 0) FROM ai_usage WHERE created_at >= ?`, MonthStart(now, loc)).Scan(&spent)
	if err != nil {
		return 0, fmt.Errorf("ai: month spend: %w", err)
	}
	return spent, nil
}

// Budget is the state the dashboard shows to explain why the assistant is (not) replying.
type Budget struct {
	Limit, Spent, Left float64
	Exhausted          bool
	Provider           string
}

// BudgetState compares this month's spend with the tenant's monthly_budget_usd. A budget of 0
// stops paid providers entirely; the builtin engine costs nothing and keeps running unless the
// month's recorded spend reached a positive budget.
func BudgetState(ctx context.Context, t *platform.Tenant, db *tenantdb.DB) (Budget, error) {
	limit, _ := strconv.ParseFloat(t.Setting("monthly_budget_usd"), 64)
	spent, err := MonthSpend(ctx, db)
	if err != nil {
		return Budget{}, err
	}
	b := Budget{Limit: limit, Spent: spent, Left: max(0, limit-spent), Provider: t.Setting("ai_provider")}
	if limit <= 0 {
		b.Exhausted = b.Provider != "builtin" || spent > 0
	} else {
		b.Exhausted = spent >= limit
	}
	return b, nil
}

// Usage is one provider call's accounting.
type Usage struct {
	Provider, Model, Purpose   string
	PromptTokens, OutputTokens int
	CostUSD                    float64
	ConversationID             int64
}

// recordUsage stores one call in ai_usage inside the caller's transaction.
func recordUsage(ctx context.Context, tx *sql.Tx, u Usage) error {
	var conv any
	if u.ConversationID > 0 {
		conv = u.ConversationID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ai_usage(provider, model_name, purpose, prompt_tokens, output_tokens, cost_usd, conversation_id, created_at)
		VALUES(?,?,?,?,?,?,?,?)`, u.Provider, u.Model, u.Purpose, u.PromptTokens, u.OutputTokens, max(0, u.CostUSD), conv, tenantdb.Now())
	if err != nil {
		return fmt.Errorf("ai: record usage: %w", err)
	}
	return nil
}
