package msp

// A contract's price per month (guide 44-msp-contracts-and-time.md, "Month summary for billing"),
// kept as its hours included are (changeAllowance, allowances, includedIn): msp_contract_prices
// holds the months from which a price applied, once the price was changed. A month closed for
// billing keeps the price it was closed with; the months open for billing when the price changes
// (this month, last month until it closes, a reopened month) take the new one, and a reopened
// month closed again keeps the price it was closed again with.

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// price is a change of a contract's price: Cents in Currency from Month (YYYY-MM) on.
type price struct {
	Month    string
	Cents    int64
	Currency string
}

// prices reads the prices c had from each month on, oldest first.
func prices(ctx context.Context, q Querier, c *Contract) ([]price, error) {
	rows, err := q.QueryContext(ctx, `SELECT month, price_cents, currency FROM msp_contract_prices WHERE contract_id = ? ORDER BY month`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("msp: contract prices: %w", err)
	}
	defer rows.Close()
	var out []price
	for rows.Next() {
		var p price
		if err := rows.Scan(&p.Month, &p.Cents, &p.Currency); err != nil {
			return nil, fmt.Errorf("msp: contract prices: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// priceIn is c's price in month (YYYY-MM), given its changes (prices).
func priceIn(c *Contract, changes []price, month string) (int64, string) {
	cents, cur := c.PriceCents, c.Currency
	for _, ch := range changes {
		if ch.Month <= month {
			cents, cur = ch.Cents, ch.Currency
		}
	}
	return cents, cur
}

// writePrices replaces c's prices by at(m) for each month from first to last (YYYY-MM), kept as
// the months at which the price changes; last's price holds on after it.
func writePrices(ctx context.Context, tx *sql.Tx, c *Contract, first, last string, at func(month string) (int64, string)) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM msp_contract_prices WHERE contract_id = ?`, c.ID); err != nil {
		return fmt.Errorf("msp: contract prices: %w", err)
	}
	var prev price
	for m := first; m != "" && m <= last; m = NextMonth(m) {
		cents, cur := at(m)
		if m != first && cents == prev.Cents && cur == prev.Currency {
			continue
		}
		prev = price{m, cents, cur}
		if _, err := tx.ExecContext(ctx, `INSERT INTO msp_contract_prices(contract_id, month, price_cents, currency) VALUES(?, ?, ?, ?)`,
			c.ID, m, cents, cur); err != nil {
			return fmt.Errorf("msp: contract prices: %w", err)
		}
	}
	return nil
}

// firstPriceMonth is the first month c's prices say anything about: its first month, or an
// earlier change's.
func firstPriceMonth(c *Contract, changes []price) string {
	first := c.StartsOn[:7]
	if len(changes) > 0 && changes[0].Month < first {
		first = changes[0].Month
	}
	return first
}

// changePrice records, inside the caller's transaction, that c (as stored before the save) is
// priced cents in currency from now on: the months closed for billing now (and not reopened) keep
// the price they had; the others take the new one.
func changePrice(ctx context.Context, tx *sql.Tx, c *Contract, cents int64, currency string) error {
	today, _, err := Today(ctx, tx, time.Now())
	if err != nil {
		return err
	}
	locked, _, err := LockedFunc(ctx, tx, today)
	if err != nil {
		return err
	}
	changes, err := prices(ctx, tx, c)
	if err != nil {
		return err
	}
	first, this := firstPriceMonth(c, changes), today[:7]
	closed := false
	for m := first; m != "" && m < this; m = NextMonth(m) {
		if locked(m + "-01") {
			closed = true
			break
		}
	}
	if !closed {
		// No month of it is closed: the new price is its price in every month.
		if _, err := tx.ExecContext(ctx, `DELETE FROM msp_contract_prices WHERE contract_id = ?`, c.ID); err != nil {
			return fmt.Errorf("msp: contract prices: %w", err)
		}
		return nil
	}
	return writePrices(ctx, tx, c, first, this, func(m string) (int64, string) {
		if m < this && locked(m+"-01") {
			return priceIn(c, changes, m)
		}
		return cents, currency
	})
}

// settlePrices is the closing again of a reopened month, inside the caller's transaction: each
// contract whose kept price for month differs from its price now keeps its price now for that
// month, as it was shown while the month was reopened.
func settlePrices(ctx context.Context, tx *sql.Tx, month string) error {
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT contract_id FROM msp_contract_prices`)
	if err != nil {
		return fmt.Errorf("msp: contract prices: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return fmt.Errorf("msp: contract prices: %w", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("msp: contract prices: %w", err)
	}
	if len(ids) == 0 {
		return nil
	}
	today, _, err := Today(ctx, tx, time.Now())
	if err != nil {
		return err
	}
	for _, id := range ids {
		c, err := ContractByID(ctx, tx, id)
		if err != nil {
			return err
		}
		changes, err := prices(ctx, tx, c)
		if err != nil {
			return err
		}
		if cents, cur := priceIn(c, changes, month); cents == c.PriceCents && cur == c.Currency {
			continue
		}
		last := max(today[:7], changes[len(changes)-1].Month)
		if err := writePrices(ctx, tx, c, min(firstPriceMonth(c, changes), month), last, func(m string) (int64, string) {
			if m == month {
				return c.PriceCents, c.Currency
			}
			return priceIn(c, changes, m)
		}); err != nil {
			return err
		}
	}
	return nil
}
