package crm

import (
	"context"
	"fmt"
	"math"
	"strings"

	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
)

// totalSlack is how far (in cents) an order's total may stand from what its lines come to at
// catalog prices before the form asks whether it is meant: one unit of the currency, well above
// the rounding of quantities times prices.
const totalSlack = 100

// catalog is the tenant's products by id, for pricing an order's lines.
type catalog map[int64]*Product

func loadCatalog(ctx context.Context, db *tenantdb.DB) (catalog, error) {
	ps, err := Products(ctx, db, false)
	if err != nil {
		return nil, err
	}
	return catalogOf(ps), nil
}

func catalogOf(ps []*Product) catalog {
	m := make(catalog, len(ps))
	for _, p := range ps {
		m[p.ID] = p
	}
	return m
}

// price is what lines come to at the products' catalog prices, in cents of currency. ok is false
// when there is nothing to compare with: no lines, a product gone or without a price, or one
// priced in another currency.
func (cat catalog) price(lines []OrderLine, currency string) (cents int64, ok bool) {
	currency = strings.ToUpper(strings.TrimSpace(currency))
	if len(lines) == 0 || currency == "" {
		return 0, false
	}
	for _, l := range lines {
		p := cat[l.ProductID]
		if p == nil || p.UnitPrice <= 0 || strings.ToUpper(p.Currency) != currency {
			return 0, false
		}
		cents += int64(math.Round(math.Round(p.UnitPrice*100) * float64(l.Quantity) / 1000))
	}
	return cents, true
}

// formLines reads the order form's lines from v, leaving out those that do not read (their
// messages come from readLines).
func formLines(v map[string]string, lang string) []OrderLine {
	return readLines(v, lang, map[string]string{})
}

// centsValue writes cents as the order form's total box reads it back ("4250.00").
func centsValue(cents int64) string {
	return fmt.Sprintf("%d.%02d", cents/100, cents%100)
}

// orderTotalCheck compares the total typed on an order's form with what its lines come to at
// catalog prices. A blank total takes the lines' sum. A total more than totalSlack away asks for a
// confirmation (confirm_total: a discount or an agreed price is a real reason) unless the order
// is saved with the same total and lines as before, so an order confirmed once is not asked again
// at each edit. It reports whether the form must come back to ask.
func orderTotalCheck(ctx context.Context, db *tenantdb.DB, id int64, v map[string]string, lang string) (bool, error) {
	if v["lines"] != "1" {
		return false, nil
	}
	cat, err := loadCatalog(ctx, db)
	if err != nil {
		return false, err
	}
	sum, ok := cat.price(formLines(v, lang), v["currency"])
	if !ok {
		return false, nil
	}
	if v["total"] == "" {
		v["total"] = centsValue(sum)
		return false, nil
	}
	total, ok := i18n.ParseAmount(v["total"], v["currency"])
	if !ok || abs64(total-sum) <= totalSlack || v["confirm_total"] == "1" {
		return false, nil // an unreadable total gets its own message
	}
	if id != 0 {
		o, err := OrderByID(ctx, db, id)
		if err != nil {
			return false, err
		}
		stored, err := OrderLines(ctx, db.Read, id)
		if err != nil {
			return false, err
		}
		before, ok := cat.price(stored, o.Currency)
		if ok && int64(math.Round(o.Total*100)) == total && before == sum {
			return false, nil
		}
	}
	return true, nil
}

func abs64(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}
