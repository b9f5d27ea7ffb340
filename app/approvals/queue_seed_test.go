package approvals_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"highvibe/app/approvals"
	"highvibe/app/tenantdb"
)

// seedQueue writes convs conversations, each with a customer, three messages and perConv open
// recommendations (kinds and priorities cycling, ages spread over 30 days), straight into the
// tenant file. It returns the conversation ids in insertion order.
func seedQueue(tb testing.TB, db *tenantdb.DB, convs, perConv int) []int64 {
	tb.Helper()
	kinds := []string{"pricing", "stock", "delivery_date", "follow_up", "human_handoff"}
	prios := []string{"high", "medium", "low", "critical"}
	now := tenantdb.Now()
	var ids []int64
	err := db.InTx(context.Background(), func(tx *sql.Tx) error {
		for i := range convs {
			at := now - int64(i%30)*24*3600*1000 - int64(i)*1000
			r, err := tx.Exec(`INSERT INTO leads(name, source, created_at, updated_at) VALUES(?, 'whatsapp', ?, ?)`, fmt.Sprintf("Müşteri %04d", i), at, at)
			if err != nil {
				return err
			}
			lead, _ := r.LastInsertId()
			r, err = tx.Exec(`INSERT INTO conversations(lead_id, channel, last_message_at, created_at, updated_at) VALUES(?, 'whatsapp', ?, ?, ?)`, lead, at, at, at)
			if err != nil {
				return err
			}
			conv, _ := r.LastInsertId()
			ids = append(ids, conv)
			for m, body := range []string{"Merhaba", fmt.Sprintf("Soru %04d: 40 m² kilit taşı ne kadar?", i), "Teşekkürler"} {
				dir := "inbound"
				if m == 2 {
					dir = "outbound"
				}
				if _, err := tx.Exec(`INSERT INTO messages(conversation_id, direction, author_kind, body, channel, created_at) VALUES(?,?,?,?, 'whatsapp', ?)`,
					conv, dir, map[string]string{"inbound": "customer", "outbound": "user"}[dir], body, at+int64(m)); err != nil {
					return err
				}
			}
			for k := range perConv {
				n := i*perConv + k
				draft := ""
				if kinds[n%len(kinds)] == "pricing" {
					draft = fmt.Sprintf("Fiyat %d TRY", 1000+n)
				}
				if _, err := tx.Exec(`INSERT INTO decision_recommendations(lead_id, conversation_id, title, summary, draft_reply, priority, confidence,
					action_type, status, model_name, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?, 'pending', 'builtin-2', ?, ?)`,
					lead, conv, fmt.Sprintf("Öneri %d", n), "", draft, prios[n%len(prios)], 0.8, kinds[n%len(kinds)], at+1, at+1); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if n, err := approvals.PendingCount(context.Background(), db); err != nil || n != convs*perConv {
		tb.Fatalf("seeded %d pending (%v), want %d", n, err, convs*perConv)
	}
	return ids
}
