package conversions

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
)

// PurchaseValue is the value of a won lead, read from the CRM (a declared read model of orders and
// invoices): the newest won or fulfilled order of the lead and of the leads merged into it (one
// person: inbox.MergeLeads leaves their orders where they were), else the newest paid invoice of
// its customer; 0 and "" when there is neither (the event goes out without a value).
func PurchaseValue(ctx context.Context, q Querier, leadID, customerID int64) (int64, string, error) {
	var total float64
	var cur string
	err := q.QueryRowContext(ctx, `SELECT total, currency FROM orders WHERE lead_id IN (SELECT id FROM leads WHERE id = ?1 OR merged_into = ?1)
		AND status IN ('won','fulfilled') ORDER BY ordered_at DESC, id DESC LIMIT 1`, leadID).Scan(&total, &cur)
	if errors.Is(err, sql.ErrNoRows) && customerID != 0 {
		err = q.QueryRowContext(ctx, `SELECT amount, currency FROM invoices WHERE customer_id = ? AND status = 'paid'
			ORDER BY paid_at DESC, id DESC LIMIT 1`, customerID).Scan(&total, &cur)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("conversions: purchase value: %w", err)
	}
	return int64(math.Round(total * 100)), cur, nil
}
