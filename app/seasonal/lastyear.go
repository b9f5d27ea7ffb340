package seasonal

import (
	"context"
	"fmt"
	"time"
)

// lastYearOrders is the seasonal room's read model of the CRM's orders (declared in
// app/ownership): how many orders (not cancelled) were placed in the campaign week of last year's
// date — the seven days up to and including it, in the tenant's zone — and whether any order at
// all was recorded before that week ended (without one there is nothing to compare with).
func lastYearOrders(ctx context.Context, q Querier, last Occurrence, loc *time.Location) (n int, recorded bool, err error) {
	ws := last.WeekStart()
	from := time.Date(ws.Year(), ws.Month(), ws.Day(), 0, 0, 0, 0, loc).UnixMilli()
	end := last.Date.AddDate(0, 0, 1)
	to := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, loc).UnixMilli()
	err = q.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM orders WHERE status <> 'cancelled' AND ordered_at >= ? AND ordered_at < ?),
		EXISTS(SELECT 1 FROM orders WHERE ordered_at < ?)`, from, to, to).Scan(&n, &recorded)
	if err != nil {
		return 0, false, fmt.Errorf("seasonal: last year's orders: %w", err)
	}
	return n, recorded, nil
}
