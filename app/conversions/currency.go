package conversions

import (
	"context"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// A month's ad spend is stored without a currency and read in the business currency: while any
// is stored, the business currency does not change (guide: conversion tracking).
func init() { platform.OnCurrencyAmounts("ad_spend", countSpend) }

func countSpend(ctx context.Context, db *tenantdb.DB) (int, error) {
	var n int
	err := db.Read.QueryRowContext(ctx, `SELECT count(*) FROM ad_spend WHERE amount_minor > 0`).Scan(&n)
	return n, err
}
