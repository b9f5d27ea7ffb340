package analytics_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
	"highvibe/app/tenantdb"
)

// generate fills a tenant with n leads, customers/5 of them customers, and the given orders and
// invoices spread over the last year.
func generate(b testing.TB, db *tenantdb.DB, leads, orders, invoices int) {
	now := time.Now().UnixMilli()
	year := int64(365 * 86400000)
	rng := rand.New(rand.NewPCG(1, 2))
	stages := []string{"new", "contacted", "qualified", "proposal", "won", "lost"}
	sources := []string{"webchat", "whatsapp", "call", "manual"}
	customers := 5000
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		ins := func(q string, n int, args func(i int) []any) error {
			st, err := tx.Prepare(q)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := 1; i <= n; i++ {
				if _, err := st.Exec(args(i)...); err != nil {
					return err
				}
			}
			return nil
		}
		if err := ins(`INSERT INTO customers(id, name, phone_e164, created_at, updated_at) VALUES(?,?,?,?,?)`, customers, func(i int) []any {
			return []any{i, fmt.Sprintf("Müşteri %d", i), fmt.Sprintf("90532%07d", i), now, now}
		}); err != nil {
			return err
		}
		if err := ins(`INSERT INTO leads(name, stage, source, customer_id, created_at, updated_at) VALUES(?,?,?,?,?,?)`, leads, func(i int) []any {
			at := now - rng.Int64N(year)
			var cust any
			if i%20 == 0 {
				cust = 1 + i%customers
			}
			return []any{fmt.Sprintf("Lead %d", i), stages[rng.IntN(len(stages))], sources[rng.IntN(len(sources))], cust, at, at}
		}); err != nil {
			return err
		}
		ostat := []string{"open", "won", "fulfilled", "cancelled"}
		if err := ins(`INSERT INTO orders(customer_id, status, total, ordered_at, created_at, updated_at) VALUES(?,?,?,?,?,?)`, orders, func(i int) []any {
			at := now - rng.Int64N(year)
			return []any{1 + rng.IntN(customers), ostat[rng.IntN(4)], 1000 + rng.Float64()*50000, at, at, at}
		}); err != nil {
			return err
		}
		return ins(`INSERT INTO invoices(customer_id, amount, status, issued_at, paid_at, created_at, updated_at) VALUES(?,?,?,?,?,?,?)`, invoices, func(i int) []any {
			at := now - rng.Int64N(year)
			if rng.IntN(3) > 0 {
				return []any{1 + rng.IntN(customers), 1000 + rng.Float64()*50000, "paid", at, at + 86400000, at, at}
			}
			return []any{1 + rng.IntN(customers), 1000 + rng.Float64()*50000, "sent", at, nil, at, at}
		})
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSnapshot measures one full build (load + KPIs + HVC + forecast + chart pack) with
// 100,000 leads, 20,000 orders and 20,000 invoices; the budget is 1 s per build.
func BenchmarkSnapshot(b *testing.B) {
	e := apptest.NewWith(b, apptest.Options{NoJobs: true})
	e.Tenant("bench")
	db := e.DB("bench")
	generate(b, db, 100000, 20000, 20000)
	p := analytics.Params{Currency: "TRY", BudgetUSD: 20}
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := analytics.Build(context.Background(), db, time.Now(), p); err != nil {
			b.Fatal(err)
		}
	}
}
