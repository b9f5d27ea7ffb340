package platform

import (
	"context"
	"fmt"
	"strings"

	"highvibe/app/tenantdb"
)

// AmountsCounter counts a room's stored amounts that carry no currency of their own and are read
// in the business currency (a lead's expected value, a month's ad spend). Amounts that store their
// currency with them (products, quotes, orders, invoices, contracts) are not counted: a change of
// the business currency leaves them in theirs.
type AmountsCounter func(ctx context.Context, db *tenantdb.DB) (int, error)

var currencyAmounts named[AmountsCounter]

// OnCurrencyAmounts registers a room's counter under name ("leads", "ad_spend": the name is also
// the last part of the catalog key settings.currency_amounts.NAME that names them to the owner).
// Rooms register from init, so every way the currency is changed (settings page, staff console,
// command line) asks them.
func OnCurrencyAmounts(name string, count AmountsCounter) {
	currencyAmounts.set(name, count)
}

// AmountsCount is how many amounts of one kind are stored in the business currency.
type AmountsCount struct {
	Name string
	N    int
}

// CurrencyInUseError refuses a change of the business currency while amounts with no currency of
// their own are stored: they would keep their numbers and be read in the new currency (174,000 ₺
// would become €174,000 on the leads list and the board's sums).
type CurrencyInUseError struct {
	From, To string
	Counts   []AmountsCount // in name order, only kinds with at least one amount
}

func (e *CurrencyInUseError) Error() string {
	parts := make([]string, 0, len(e.Counts))
	for _, c := range e.Counts {
		switch c.Name {
		case "leads":
			parts = append(parts, fmt.Sprintf("%d lead(s) with an expected value", c.N))
		case "ad_spend":
			parts = append(parts, fmt.Sprintf("%d month(s) of ad spend", c.N))
		default:
			parts = append(parts, fmt.Sprintf("%d %s", c.N, c.Name))
		}
	}
	return fmt.Sprintf("currency: %s are stored in %s with no currency of their own and would read as %s; set them to 0 first, or keep %s",
		strings.Join(parts, " and "), e.From, e.To, e.From)
}

// Args are the catalog message validation.currency_in_use's arguments: the currency, the one
// asked for, the leads with an expected value, the months of ad spend.
func (e *CurrencyInUseError) Args() []any {
	var leads, spend int
	for _, c := range e.Counts {
		switch c.Name {
		case "leads":
			leads = c.N
		case "ad_spend":
			spend = c.N
		}
	}
	return []any{e.From, e.To, leads, spend}
}

// checkCurrencyChange asks every registered room how many of its amounts are read in the business
// currency, and refuses a change from from to to while any are stored.
func (s *Service) checkCurrencyChange(ctx context.Context, slug, from, to string) error {
	if from == to || s.Mgr == nil {
		return nil
	}
	names, counters := currencyAmounts.sorted()
	if len(counters) == 0 {
		return nil
	}
	db, err := s.Mgr.Tenant(ctx, slug)
	if err != nil {
		return err
	}
	e := &CurrencyInUseError{From: from, To: to}
	for i, count := range counters {
		n, err := count(ctx, db)
		if err != nil {
			return fmt.Errorf("platform: amounts in %s (%s): %w", from, names[i], err)
		}
		if n > 0 {
			e.Counts = append(e.Counts, AmountsCount{Name: names[i], N: n})
		}
	}
	if len(e.Counts) > 0 {
		return e
	}
	return nil
}
