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
	s, err := purchaseSale(ctx, q, leadID, customerID)
	return s.value, s.currency, err
}

// sale is what a Purchase stands for: its value and currency, and the record it was read from
// ("order-12", "invoice-7"; "" when there is none), which makes the event's id, so one sale is
// one Purchase however many of the person's conversations are marked won.
type sale struct {
	value    int64
	currency string
	record   string
}

// purchaseSale is PurchaseValue with the record the value comes from.
func purchaseSale(ctx context.Context, q Querier, leadID, customerID int64) (sale, error) {
	var total float64
	var cur string
	var id int64
	kind := "order"
	err := q.QueryRowContext(ctx, `SELECT id, total, currency FROM orders WHERE lead_id IN (SELECT id FROM leads WHERE id = ?1 OR merged_into = ?1)
		AND status IN ('won','fulfilled') ORDER BY ordered_at DESC, id DESC LIMIT 1`, leadID).Scan(&id, &total, &cur)
	if errors.Is(err, sql.ErrNoRows) && customerID != 0 {
		kind = "invoice"
		err = q.QueryRowContext(ctx, `SELECT id, amount, currency FROM invoices WHERE customer_id = ? AND status = 'paid'
			ORDER BY paid_at DESC, id DESC LIMIT 1`, customerID).Scan(&id, &total, &cur)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return sale{}, nil
	}
	if err != nil {
		return sale{}, fmt.Errorf("conversions: purchase value: %w", err)
	}
	return sale{value: int64(math.Round(total * 100)), currency: cur, record: fmt.Sprintf("%s-%d", kind, id)}, nil
}

// expectedValue is what the team put on the deal (the pipeline's expected value, whole units of
// the business currency) of the lead, else of the newest lead merged into it that has one: the
// value of a sale marked won before its order or invoice is recorded. 0 when none has a value.
func expectedValue(ctx context.Context, q Querier, leadID int64) (int64, error) {
	var v int64
	err := q.QueryRowContext(ctx, `SELECT expected_value FROM leads WHERE (id = ?1 OR merged_into = ?1) AND expected_value > 0
		ORDER BY id = ?1 DESC, id DESC LIMIT 1`, leadID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("conversions: expected value: %w", err)
	}
	return v, nil
}
