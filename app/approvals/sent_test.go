package approvals_test

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"highvibe/app/approvals"
	"highvibe/app/tenantdb"
	"highvibe/schema"
)

// TestSentIsTheRecommendationsState: sending an approved draft records the message on the
// recommendation itself (not only in the audit trail), a second send sends nothing, and the schema
// refuses to record a send twice, on an open recommendation, or to change anything else of a
// decided one.
func TestSentIsTheRecommendationsState(t *testing.T) {
	f := setup(t)
	owner := f.e.User("acme", "talha", "owner")
	id := f.rec(t, "pricing", "Metrekaresi 1.450 TRY.")
	open := f.rec(t, "stock", "Stokta var.")
	owner.Post(fmt.Sprintf("/app/approvals/%d/approve", id), nil)
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send", id), nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("send: %d", r.StatusCode)
	}
	db := f.e.DB("acme")
	rec, err := approvals.ByID(context.Background(), db.Read, id)
	if err != nil {
		t.Fatal(err)
	}
	var msg int64
	if err := db.Read.QueryRow(`SELECT id FROM messages WHERE body = 'Metrekaresi 1.450 TRY.' AND direction = 'outbound'`).Scan(&msg); err != nil {
		t.Fatal(err)
	}
	if !rec.Sent || rec.SentMessageID != msg {
		t.Fatalf("after the send: sent %v message %d, want message %d", rec.Sent, rec.SentMessageID, msg)
	}
	if r := owner.Post(fmt.Sprintf("/app/approvals/%d/send", id), nil); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != fmt.Sprintf("/app/inbox/%d/", f.conv) {
		t.Fatalf("second send: %d to %q, want 303 to the conversation", r.StatusCode, r.Header.Get("Location"))
	}
	for _, q := range []struct {
		what string
		sql  string
		arg  int64
	}{
		{"record a send twice", `UPDATE decision_recommendations SET sent_message_id = 999 WHERE id = ?`, id},
		{"record a send on an open recommendation", `UPDATE decision_recommendations SET sent_message_id = 999 WHERE id = ?`, open},
		{"change a decided recommendation", `UPDATE decision_recommendations SET draft_reply = 'x' WHERE id = ?`, id},
	} {
		_, err := db.Write.Exec(q.sql, q.arg)
		if err == nil || !tenantdb.IsTrigger(err) {
			t.Errorf("the schema let a caller %s (err %v)", q.what, err)
		}
	}
}

// TestSentBackfilledFromTheAuditLog: a tenant file from before sent_message_id (migration 21) gets
// the column filled from the approval queue's draft_sent log rows on upgrade.
func TestSentBackfilledFromTheAuditLog(t *testing.T) {
	old := fstest.MapFS{}
	err := fs.WalkDir(schema.FS, "tenant", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		v, _ := strconv.Atoi(strings.SplitN(path.Base(p), "_", 2)[0])
		if v <= 20 {
			b, err := fs.ReadFile(schema.FS, p)
			if err != nil {
				return err
			}
			old[p] = &fstest.MapFile{Data: b}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	file := t.TempDir() + "/t.db"
	db, err := tenantdb.Open(ctx, file, old, "tenant")
	if err != nil {
		t.Fatal(err)
	}
	rows := []string{
		`INSERT INTO decision_recommendations(id, title, priority, confidence, action_type, status, model_name, created_at, updated_at)
			VALUES (1, 'sent', 'high', 0.8, 'pricing', 'approved', 'm', 0, 0), (2, 'approved, not sent', 'high', 0.8, 'pricing', 'approved', 'm', 0, 0),
			       (3, 'sent, no message id logged', 'high', 0.8, 'pricing', 'approved', 'm', 0, 0), (4, 'open', 'high', 0.8, 'pricing', 'pending', 'm', 0, 0)`,
		`INSERT INTO action_logs(provider, action_type, status, payload, created_at, prev_hash, hash) VALUES
			('approval_queue', 'draft_sent', 'completed', '{"recommendation_id":1,"message_id":41}', 0, '', 'a'),
			('approval_queue', 'recommendation_approved', 'completed', '{"recommendation_id":2}', 0, 'a', 'b'),
			('approval_queue', 'draft_sent', 'completed', '{"recommendation_id":3}', 0, 'b', 'c'),
			('crm', 'draft_sent', 'completed', '{"recommendation_id":4,"message_id":7}', 0, 'c', 'd')`,
	}
	for _, q := range rows {
		if _, err := db.Write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	if db, err = tenantdb.Open(ctx, file, schema.FS, "tenant"); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[int64]string{1: "true 41", 2: "false 0", 3: "true 0", 4: "false 0"}
	for id, w := range want {
		r, err := approvals.ByID(ctx, db.Read, id)
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(r.Sent, r.SentMessageID); got != w {
			t.Errorf("recommendation %d (%s): sent, message = %s, want %s", id, r.Title, got, w)
		}
	}
}
