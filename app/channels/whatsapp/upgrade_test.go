package whatsapp_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/tenantdb"
)

// TestUpgradeMovesQueuedDeliveries: a delivery acknowledged by the version that kept raw bodies in
// data_import_jobs (with a processing job pointing at it) and not yet processed when the server
// stopped is processed after the upgrade, exactly once; the old job is cancelled, the old row
// kept as history.
func TestUpgradeMovesQueuedDeliveries(t *testing.T) {
	dir := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("acme")
	e.Close()

	// Put the tenant file back in the state the old version left: the upgrade not yet applied,
	// one delivery pending, one completed, and the old-style job for the pending one.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "tenants", "acme.db"))
	if err != nil {
		t.Fatal(err)
	}
	body := payload(textMsg("905321234567", "wamid.OLD1", "yükseltmeden önce gelen mesaj"))
	now := tenantdb.Now()
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`DELETE FROM goose_db_version WHERE version_id = 19`, nil},
		{`INSERT INTO data_import_jobs(id, source, status, body, created_at) VALUES(41, 'whatsapp', 'completed', '{}', ?)`, []any{now}},
		{`INSERT INTO data_import_jobs(id, source, status, body, created_at) VALUES(42, 'whatsapp', 'pending', ?, ?)`, []any{[]byte(body), now}},
		{`INSERT INTO jobs(kind, payload, run_at, created_at, updated_at) VALUES('whatsapp_process', '{"import_id":42}', ?, ?, ?)`, []any{now, now, now}},
	} {
		if _, err := db.Exec(st.q, st.args...); err != nil {
			t.Fatalf("%s: %v", st.q, err)
		}
	}
	db.Close()

	e = apptest.NewWith(t, apptest.Options{DataDir: dir})
	f := &fixture{e: e}
	f.settle(t)
	if n := f.count(t, `SELECT count(*) FROM messages WHERE provider_message_id = 'wamid.OLD1'`); n != 1 {
		t.Fatalf("the delivery acknowledged before the upgrade is stored %d times, want once", n)
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'cancelled' AND payload = '{"import_id":42}'`, whatsapp.JobProcess); n != 1 {
		t.Fatal("the old-style job was not cancelled")
	}
	if n := f.count(t, `SELECT count(*) FROM jobs WHERE kind = ? AND status = 'done'`, whatsapp.JobProcess); n != 1 {
		t.Fatalf("%d delivery jobs done, want 1", n)
	}
	if n := f.count(t, `SELECT count(*) FROM data_import_jobs`); n != 2 {
		t.Fatalf("%d old rows kept, want 2", n)
	}
}
