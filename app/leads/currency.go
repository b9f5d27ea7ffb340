package leads

import (
	"context"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// A lead's expected value is a number stored without a currency and read in the business
// currency: while any lead has one, the business currency does not change (guide: leads).
func init() { platform.OnCurrencyAmounts("leads", countValues) }

func countValues(ctx context.Context, db *tenantdb.DB) (int, error) {
	var n int
	err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM leads WHERE expected_value > 0 AND merged_into IS NULL`).Scan(&n)
	return n, err
}
