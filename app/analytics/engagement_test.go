package analytics_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"highvibe/app/analytics"
	"highvibe/app/apptest"
)

// Engagement counts the conversations whose customer got a reply: a reply the platform refused
// to deliver (failed), a send-later reply still waiting for its time, and a notice the product
// sent by itself (a site visit's confirmation or reminder) are no reply. Six conversations with
// a customer message: one answered by a person, one by the assistant, one by a send-later reply
// that went out, and three whose only outbound message failed, waits, or is a visit notice:
// 3 of 6 = 50 %, where the card said 100 %. The automation score is the assistant's share of
// those same replies.
func TestEngagementCountsRepliesThatReachedTheCustomer(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("tas", "parke_tas", "tr")
	db := e.DB("tas")
	ctx := context.Background()
	now := time.Now()
	ms := now.UnixMilli()
	later := now.Add(2 * time.Hour).UnixMilli()
	type msg struct {
		author, status string
		scheduled      any
	}
	convs := [][]msg{
		{{"user", "delivered", nil}},
		{{"ai", "read", nil}},
		{{"user", "sent", ms - 1000}}, // a send-later reply that went out
		{{"user", "failed", nil}},
		{{"user", "queued", later}}, // waits for its time
		{{"system", "sent", nil}},   // a site visit's confirmation
	}
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		for i, out := range convs {
			res, err := tx.ExecContext(ctx, `INSERT INTO leads(name, source, created_at, updated_at) VALUES('Ayşe', 'whatsapp', ?, ?)`, ms, ms)
			if err != nil {
				return err
			}
			lead, _ := res.LastInsertId()
			res, err = tx.ExecContext(ctx, `INSERT INTO conversations(lead_id, channel, last_message_at, created_at, updated_at) VALUES(?, 'whatsapp', ?, ?, ?)`, lead, ms, ms, ms)
			if err != nil {
				return err
			}
			conv, _ := res.LastInsertId()
			if _, err := tx.ExecContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, body, channel, created_at)
				VALUES(?, 'inbound', 'customer', 'Fiyat?', 'whatsapp', ?)`, conv, ms); err != nil {
				return err
			}
			for _, m := range out {
				if _, err := tx.ExecContext(ctx, `INSERT INTO messages(conversation_id, direction, author_kind, body, channel, delivery_status, scheduled_at, created_at)
					VALUES(?, 'outbound', ?, ?, 'whatsapp', ?, ?, ?)`, conv, m.author, "yanıt", m.status, m.scheduled, ms+int64(i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	snap, _, err := analytics.Build(ctx, db, now, analytics.Params{Currency: "TRY"})
	if err != nil {
		t.Fatal(err)
	}
	if snap.KPI.EngagementRate != 50 {
		t.Errorf("engagement %v %%, want 50 %% (3 of 6 conversations got a reply)", snap.KPI.EngagementRate)
	}
	// The automation score counts the same replies: the assistant wrote one of the three that
	// reached a customer (it said 1 of 6 outbound messages: 16.7 %).
	if snap.KPI.AutomationScore != 33.3 {
		t.Errorf("automation %v %%, want 33.3 %% (the assistant wrote 1 of the 3 replies sent)", snap.KPI.AutomationScore)
	}
}
