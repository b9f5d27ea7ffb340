package msp_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"

	"highvibe/app/apptest"
	"highvibe/app/msp"
	"highvibe/app/tenantdb"
)

// slaBenchTickets is the bar: the SLA job over 10,000 open tickets in at most a second.
const slaBenchTickets = 10000

// seedOpenTickets writes n open tickets with their SLA rows straight into the tenant file (one
// transaction): opened over the 30 days before now, priorities 5 % P1, 15 % P2, 50 % P3, 30 % P4,
// 40 % already answered, 20 % with a pause behind them and 15 % waiting on the customer now, under
// the Standard policy in office hours (Monday–Friday 09:00–18:00, Istanbul, Turkish holidays).
func seedOpenTickets(tb testing.TB, db *tenantdb.DB, n int, now time.Time) {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		for i := 1; i <= n; i++ {
			opened := now.Add(-time.Duration(rng.Int64N(int64(30 * 24 * time.Hour))))
			pr := "p3"
			switch x := rng.IntN(100); {
			case x < 5:
				pr = "p1"
			case x < 20:
				pr = "p2"
			case x >= 70:
				pr = "p4"
			}
			status := "open"
			waiting := rng.IntN(100) < 15
			if waiting {
				status = "waiting_customer"
			}
			ms := opened.UnixMilli()
			if _, err := tx.Exec(`INSERT INTO msp_tickets(id, number, subject, priority, status, created_at, updated_at, status_at)
				VALUES(?,?,?,?,?,?,?,?)`, i, i, fmt.Sprintf("Talep %d", i), pr, status, ms, ms, ms); err != nil {
				return err
			}
			var first any
			if rng.IntN(100) < 40 {
				first = opened.Add(time.Duration(rng.Int64N(int64(3 * time.Hour)))).UnixMilli()
			}
			if _, err := tx.Exec(`INSERT INTO msp_ticket_sla(ticket_id, policy_id, opened_at, first_response_at) VALUES(?, 1, ?, ?)`,
				i, ms, first); err != nil {
				return err
			}
			if rng.IntN(100) < 20 {
				from := opened.Add(time.Duration(rng.Int64N(int64(now.Sub(opened) / 2))))
				to := from.Add(time.Duration(rng.Int64N(int64(now.Sub(from) / 2))))
				if _, err := tx.Exec(`INSERT INTO msp_ticket_sla_pauses(ticket_id, reason, from_at, to_at) VALUES(?,?,?,?)`,
					i, "waiting_customer", from.UnixMilli(), to.UnixMilli()); err != nil {
					return err
				}
			}
			if waiting {
				from := now.Add(-time.Duration(rng.Int64N(int64(now.Sub(opened)/4) + 1)))
				if _, err := tx.Exec(`INSERT INTO msp_ticket_sla_pauses(ticket_id, reason, from_at) VALUES(?,?,?)`,
					i, "waiting_customer", from.UnixMilli()); err != nil {
					return err
				}
			}
		}
		_, err := tx.Exec(`UPDATE msp_ticket_numbers SET last = ?`, n)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func slaBenchEnv(b *testing.B) (*tenantdb.DB, time.Time) {
	e := apptest.NewWith(b, apptest.Options{NoJobs: true})
	e.Tenant("bilisim", "default", "tr")
	db := e.DB("bilisim")
	officeHours(b, db)
	now := istanbul(b, "2026-12-09 11:30") // a Wednesday morning
	seedOpenTickets(b, db, slaBenchTickets, now)
	return db, now
}

// BenchmarkSLAJob10k is one run of the SLA job over 10,000 open tickets in steady state (every
// warning and breach already recorded: the run reads, computes both clocks of every ticket and
// queues its next run) — what it costs every few minutes on a large MSP.
func BenchmarkSLAJob10k(b *testing.B) {
	db, now := slaBenchEnv(b)
	ctx := context.Background()
	first, err := msp.RunSLACheck(ctx, db, now)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("first run: %d tickets, %d warned, %d breached", first.Tickets, first.Warned, first.Breached)
	b.ResetTimer()
	cpu := cpuTime()
	defer func() { reportCPU(b, cpu) }()
	for i := 0; i < b.N; i++ {
		run, err := msp.RunSLACheck(ctx, db, now.Add(time.Duration(i)*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		if run.Tickets != slaBenchTickets {
			b.Fatalf("%d tickets", run.Tickets)
		}
	}
}

// BenchmarkSLAJob10kFirstRun is the run that finds every line crossed at once (the first run
// after the module is switched on over old tickets, or after the server was down for days): it
// writes a recommendation and a notification per warning, an audit row and a notification per
// breach, all in one transaction.
func BenchmarkSLAJob10kFirstRun(b *testing.B) {
	db, now := slaBenchEnv(b)
	ctx := context.Background()
	var cpuSpent time.Duration
	defer func() { b.ReportMetric(float64(cpuSpent.Milliseconds())/float64(b.N), "cpu-ms/op") }()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := db.Exec(ctx, `UPDATE msp_ticket_sla SET response_warned_at = NULL, resolution_warned_at = NULL,
			response_breached_at = NULL, resolution_breached_at = NULL`); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(ctx, `UPDATE decision_recommendations SET status = 'rejected' WHERE status = 'pending'`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		cpu := cpuTime()
		run, err := msp.RunSLACheck(ctx, db, now)
		cpuSpent += cpuTime() - cpu
		if err != nil {
			b.Fatal(err)
		}
		if i == 0 {
			b.Logf("%d tickets, %d warned, %d breached", run.Tickets, run.Warned, run.Breached)
		}
	}
}

// cpuTime is the CPU time (user and system) the process used so far: on a machine shared with
// other work the wall-clock figure waits for the cores, the CPU figure does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func reportCPU(b *testing.B, since time.Duration) {
	b.ReportMetric(float64((cpuTime()-since).Milliseconds())/float64(b.N), "cpu-ms/op")
}
