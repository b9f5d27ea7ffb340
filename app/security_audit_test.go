package app_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/audit"
)

// The audit trail against someone who can edit the tenant file (issue: "truncation and
// recomputation go unnoticed"). Every command runs the real binary; the tampering is done with
// plain SQL on the file, the way an intruder with an SQLite shell would.

// auditTenant makes a data dir with tenant acme whose log holds n rows (at most auditRows) written
// by the binary: the creation (recorded in the tenant's log since the staff console shares the
// command's path) and n-1 settings changes. The binary writes the rows once per test process, into
// one data dir copied after every command (auditTemplates); each test gets its own copy of the
// snapshot with n rows, so the tampering of one test is seen by no other.
func auditTenant(t *testing.T, n int) string {
	t.Helper()
	if n < 1 || n > auditRows {
		t.Fatalf("auditTenant: %d rows; the snapshots hold 1 to %d", n, auditRows)
	}
	bin := apptest.Binary(t)
	auditTemplates.once.Do(func() { auditTemplates.root, auditTemplates.err = writeAuditSnapshots(bin) })
	if auditTemplates.err != nil {
		t.Fatal(auditTemplates.err)
	}
	dir := t.TempDir()
	if err := copyTree(filepath.Join(auditTemplates.root, strconv.Itoa(n)), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

// auditRows is the longest log auditTenant hands out.
const auditRows = 10

// auditTemplates holds the snapshots auditTenant copies: root/N is the data dir after N rows.
var auditTemplates struct {
	once sync.Once
	root string
	err  error
}

// writeAuditSnapshots runs `tenant create` and auditRows-1 `tenant set` commands of the binary on
// one data dir and copies the dir after each command (the command has exited, its files are
// closed).
func writeAuditSnapshots(bin string) (string, error) {
	root, err := os.MkdirTemp("", "highvibe-audit-")
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "work")
	for n := 1; n <= auditRows; n++ {
		args := []string{"tenant", "create", "--slug", "acme", "--name", "Acme"}
		if n > 1 {
			args = []string{"tenant", "set", "--slug", "acme", fmt.Sprintf("greeting=Merhaba %d", n-1)}
		}
		if out, err := exec.Command(bin, append(args, "--data", dir)...).CombinedOutput(); err != nil {
			return root, fmt.Errorf("highvibe %v: %v\n%s", args, err, out)
		}
		snap := filepath.Join(root, strconv.Itoa(n))
		if err := os.Mkdir(snap, 0o700); err != nil {
			return root, err
		}
		if err := copyTree(dir, snap); err != nil {
			return root, err
		}
	}
	return root, nil
}

// removeAuditTemplates deletes the snapshots; TestMain calls it after the run.
func removeAuditTemplates() {
	if auditTemplates.root != "" {
		_ = os.RemoveAll(auditTemplates.root)
	}
}

// tamper runs statements on the tenant file with the append-only triggers dropped first.
func tamper(t *testing.T, dir string, stmts ...string) {
	t.Helper()
	db := openFile(t, filepath.Join(dir, "tenants", "acme.db"))
	defer db.Close()
	for _, q := range append([]string{`DROP TRIGGER IF EXISTS action_logs_no_update`, `DROP TRIGGER IF EXISTS action_logs_no_delete`}, stmts...) {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func openFile(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// plainHash is the documented unkeyed format (SHA-256 over length-prefixed fields), which anyone
// who reads the source can recompute: what an intruder uses to rebuild the chain.
func plainHash(id int64, provider, action, status, summary, input, output, payload, model string,
	actorID int64, actor string, convID, created int64, prev string) string {
	h := sha256.New()
	for _, f := range []string{strconv.FormatInt(id, 10), provider, action, status, summary, input, output, payload, model,
		strconv.FormatInt(actorID, 10), actor, strconv.FormatInt(convID, 10), strconv.FormatInt(created, 10), prev} {
		fmt.Fprintf(h, "%d:%s", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rechain recomputes every hash from row `from` on with plainHash, as an intruder would after
// forging a row; with unkey it also marks the rows as unkeyed (key_version 0).
func rechain(t *testing.T, dir string, from int64, unkey bool) {
	t.Helper()
	db := openFile(t, filepath.Join(dir, "tenants", "acme.db"))
	defer db.Close()
	type row struct {
		id                                                               int64
		provider, action, status, summary, input, output, payload, model string
		actorID                                                          int64
		actor                                                            string
		convID, created                                                  int64
	}
	rs, err := db.Query(`SELECT id, provider, action_type, status, decision_summary, input_excerpt, output_excerpt, payload, model_name,
		COALESCE(actor_user_id, 0), actor_name, COALESCE(conversation_id, 0), created_at FROM action_logs WHERE id >= ? ORDER BY id`, from)
	if err != nil {
		t.Fatal(err)
	}
	var rows []row
	for rs.Next() {
		var r row
		if err := rs.Scan(&r.id, &r.provider, &r.action, &r.status, &r.summary, &r.input, &r.output, &r.payload, &r.model, &r.actorID, &r.actor, &r.convID, &r.created); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	rs.Close()
	prev := strings.Repeat("0", 64) // the first row's link
	if from > 1 {
		if err := db.QueryRow(`SELECT hash FROM action_logs WHERE id = ?`, from-1).Scan(&prev); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rows {
		h := plainHash(r.id, r.provider, r.action, r.status, r.summary, r.input, r.output, r.payload, r.model, r.actorID, r.actor, r.convID, r.created, prev)
		q := `UPDATE action_logs SET prev_hash = ?, hash = ? WHERE id = ?`
		if unkey {
			q = `UPDATE action_logs SET prev_hash = ?, hash = ?, key_version = 0 WHERE id = ?`
		}
		if _, err := db.Exec(q, prev, h, r.id); err != nil {
			t.Fatal(err)
		}
		prev = h
	}
}

func verify(t *testing.T, dir string) (string, string, int) {
	t.Helper()
	out, errs, code := apptest.CLI(t, dir, "", "audit", "verify", "--tenant", "acme")
	return out, errs, code
}

func mustFailAt(t *testing.T, dir string, row int64, words ...string) {
	t.Helper()
	out, errs, code := verify(t, dir)
	if code != 1 || strings.Contains(out, "intact") {
		t.Fatalf("verify of a tampered file: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if want := fmt.Sprintf("row %d:", row); !strings.Contains(errs, want) {
		t.Fatalf("verify should name row %d first:\n%s", row, errs)
	}
	for _, w := range words {
		if !strings.Contains(errs, w) {
			t.Fatalf("verify's message lacks %q:\n%s", w, errs)
		}
	}
}

func TestAuditChainIntactThroughTheBinary(t *testing.T) {
	t.Parallel()
	dir := auditTenant(t, 10)
	out, errs, code := verify(t, dir)
	if code != 0 || !strings.Contains(out, "intact: 10 rows verified") || !strings.Contains(out, "every row carries a hash keyed") ||
		!strings.Contains(out, "the newest row, 10, matches the head recorded in platform.db") {
		t.Fatalf("verify of an untouched log: exit %d\n%s%s", code, out, errs)
	}
	// The key lives outside the tenant file, owner-only.
	keyDir := filepath.Join(dir, "audit-keys")
	for path, want := range map[string]os.FileMode{keyDir: 0o700, filepath.Join(keyDir, "acme.key"): 0o600} {
		st, err := os.Stat(path)
		if err != nil || st.Mode().Perm() != want {
			t.Fatalf("%s: mode %v, want %v (%v)", path, st.Mode().Perm(), want, err)
		}
	}
}

// Cutting off the newest rows and lowering sqlite_sequence to match used to verify as intact.
func TestAuditTruncationWithSequenceFixedIsCaught(t *testing.T) {
	t.Parallel()
	dir := auditTenant(t, 10)
	tamper(t, dir, `DELETE FROM action_logs WHERE id >= 8`, `UPDATE sqlite_sequence SET seq = 7 WHERE name = 'action_logs'`)
	mustFailAt(t, dir, 8, "missing", "platform.db recorded row 10 as the newest")
}

// A forged row with every later hash recomputed in the (public) unkeyed format used to verify as
// intact; now the keyed hash of the forged row fails — also when the intruder marks the rows as
// unkeyed, since platform.db records that the chain is keyed from row 1.
func TestAuditForgedRowWithRecomputedHashesIsCaught(t *testing.T) {
	t.Parallel()
	for _, unkey := range []bool{false, true} {
		t.Run(fmt.Sprintf("marked unkeyed %v", unkey), func(t *testing.T) {
			dir := auditTenant(t, 8)
			tamper(t, dir, `UPDATE action_logs SET decision_summary = 'nothing happened' WHERE id = 4`)
			rechain(t, dir, 4, unkey)
			if unkey {
				mustFailAt(t, dir, 4, "unkeyed hash", "without the audit key")
			} else {
				mustFailAt(t, dir, 4, "content does not match its hash")
			}
		})
	}
}

func TestAuditMissingKeyFileIsNamed(t *testing.T) {
	t.Parallel()
	dir := auditTenant(t, 3)
	keyFile := filepath.Join(dir, "audit-keys", "acme.key")
	if err := os.Rename(keyFile, keyFile+".away"); err != nil {
		t.Fatal(err)
	}
	out, errs, code := verify(t, dir)
	if code != 1 || strings.Contains(out, "intact") || !strings.Contains(errs, keyFile) || !strings.Contains(errs, "is missing") ||
		!strings.Contains(errs, "backup of audit-keys/") {
		t.Fatalf("verify without the key file: exit %d\n%s%s", code, out, errs)
	}
	// A key file lost for good: a new generation lets the tenant log again, but the rows written
	// under the lost one cannot be checked, and verify keeps saying so.
	if _, errs, code := apptest.CLI(t, dir, "", "audit", "rotate-key", "--tenant", "acme"); code != 0 {
		t.Fatalf("rotate-key: exit %d %s", code, errs)
	}
	_, errs, code = verify(t, dir)
	if code != 1 || !strings.Contains(errs, "holds generations up to 2, but row 1 was written with generation 1") {
		t.Fatalf("verify after a new key replaced a lost one: exit %d %s", code, errs)
	}
	// The old file found again: its line and the new one together verify every row.
	old, err := os.ReadFile(keyFile + ".away")
	if err != nil {
		t.Fatal(err)
	}
	cur, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	var gen2 string
	for _, l := range strings.Split(string(cur), "\n") {
		if strings.HasPrefix(l, "2 ") {
			gen2 = l
		}
	}
	if err := os.WriteFile(keyFile, []byte(string(old)+gen2+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, errs, code := verify(t, dir); code != 0 || !strings.Contains(out, "intact: 4 rows verified") {
		t.Fatalf("verify with both generations: exit %d %s%s", code, out, errs)
	}
}

// Rotating keeps the old generations, so the whole log still verifies.
func TestAuditKeyRotation(t *testing.T) {
	t.Parallel()
	dir := auditTenant(t, 3)
	out, errs, code := apptest.CLI(t, dir, "", "audit", "rotate-key", "--tenant", "acme")
	if code != 0 || !strings.Contains(out, "generation 2 added") {
		t.Fatalf("rotate-key: exit %d %s%s", code, out, errs)
	}
	apptest.CLI(t, dir, "", "tenant", "set", "--slug", "acme", "greeting=after rotation")
	if out, errs, code := verify(t, dir); code != 0 || !strings.Contains(out, "intact: 5 rows verified") {
		t.Fatalf("verify after rotation: exit %d %s%s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "audit-keys", "acme.key"))
	if err != nil || !strings.Contains(string(b), "\n1 ") || !strings.Contains(string(b), "\n2 ") {
		t.Fatalf("key file after rotation:\n%s %v", b, err)
	}
}

// A log written before keyed hashes existed keeps verifying, and the next change continues it
// with keyed rows.
func TestAuditUnkeyedChainFromBeforeTheUpgrade(t *testing.T) {
	t.Parallel()
	dir := auditTenant(t, 5)
	// Make the file what an installation from before keying holds: plain hashes, no key file, no
	// record in platform.db.
	tamper(t, dir)
	rechain(t, dir, 1, true)
	for _, q := range []string{
		`CREATE TRIGGER action_logs_no_update BEFORE UPDATE ON action_logs BEGIN SELECT RAISE(ABORT, 'action_logs is append-only'); END`,
		`CREATE TRIGGER action_logs_no_delete BEFORE DELETE ON action_logs BEGIN SELECT RAISE(ABORT, 'action_logs is append-only'); END`,
	} {
		tamperNoDrop(t, dir, q)
	}
	if err := os.RemoveAll(filepath.Join(dir, "audit-keys")); err != nil {
		t.Fatal(err)
	}
	p := openFile(t, filepath.Join(dir, "platform.db"))
	if _, err := p.Exec(`DELETE FROM audit_heads`); err != nil {
		t.Fatal(err)
	}
	p.Close()
	out, errs, code := verify(t, dir)
	if code != 0 || !strings.Contains(out, "rows 1–5 are from before keyed hashes") || !strings.Contains(out, "no record of the newest row yet") {
		t.Fatalf("verify of an old unkeyed log: exit %d %s%s", code, out, errs)
	}
	apptest.CLI(t, dir, "", "tenant", "set", "--slug", "acme", "greeting=after the upgrade")
	apptest.CLI(t, dir, "", "tenant", "set", "--slug", "acme", "greeting=again")
	out, errs, code = verify(t, dir)
	if code != 0 || !strings.Contains(out, "intact: 7 rows verified") || !strings.Contains(out, "rows 6–7 carry hashes keyed") ||
		!strings.Contains(out, "the newest row, 7, matches") {
		t.Fatalf("verify after the first keyed rows: exit %d %s%s", code, out, errs)
	}
	// From now on the old part is anchored too: rewriting it breaks the first keyed row's link.
	tamper(t, dir, `UPDATE action_logs SET decision_summary = 'nothing happened' WHERE id = 2`)
	rechain(t, dir, 2, true)
	mustFailAt(t, dir, 6, "unkeyed hash")
}

func tamperNoDrop(t *testing.T, dir, q string) {
	t.Helper()
	db := openFile(t, filepath.Join(dir, "tenants", "acme.db"))
	defer db.Close()
	if _, err := db.Exec(q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// A restore goes back in time: the restored file ends before the head platform.db recorded. That
// is not tampering, and restore must not leave a tenant that verify calls truncated: it appends a
// row saying which rows the restore left out and moves the recorded head to it.
func TestAuditRestoreBehindTheRecordedHead(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	ctx := context.Background()
	for i := range 5 {
		if err := audit.Log(ctx, e.DB("acme"), audit.Entry{Provider: "settings", ActionType: "drill", Summary: fmt.Sprintf("replicated %d", i)}); err != nil {
			t.Fatal(err)
		}
	}
	tenantFile := filepath.Join(data, "tenants", "acme.db")
	e.Server.Heads.Flush() // each tenant's chain head reaches platform.db off the committing goroutine
	for _, p := range []string{filepath.Join(data, "platform.db"), tenantFile} {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	var replicated int64
	if err := e.DB("acme").Read.QueryRow(`SELECT max(id) FROM action_logs`).Scan(&replicated); err != nil {
		t.Fatal(err)
	}
	e.Close()
	// Three more changes while nothing replicates: platform.db records them, the replica never sees them.
	for i := range 3 {
		if _, errs, code := apptest.CLI(t, data, "", "tenant", "set", "--slug", "acme", fmt.Sprintf("greeting=late %d", i)); code != 0 {
			t.Fatal(errs)
		}
	}
	if out, errs, code := verify(t, data); code != 0 || !strings.Contains(out, fmt.Sprintf("the newest row, %d, matches", replicated+3)) {
		t.Fatalf("before the restore: exit %d %s%s", code, out, errs)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Rename(tenantFile+suffix, tenantFile+suffix+".damaged"); err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
	}
	out, errs, code := apptest.CLI(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("the restored file ended at row %d, before the recorded newest row %d", replicated, replicated+3)) ||
		!strings.Contains(out, "audit chain of acme intact") {
		t.Fatalf("restore behind the head: exit %d\n%s%s", code, out, errs)
	}
	out, errs, code = verify(t, data)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("the newest row, %d, matches", replicated+1)) {
		t.Fatalf("verify after the restore: exit %d %s%s", code, out, errs)
	}
	db := openFile(t, tenantFile)
	defer db.Close()
	var action, summary string
	if err := db.QueryRow(`SELECT action_type, decision_summary FROM action_logs ORDER BY id DESC LIMIT 1`).Scan(&action, &summary); err != nil ||
		action != "restore" || !strings.Contains(summary, fmt.Sprintf("rows %d–%d are not in this file", replicated+1, replicated+3)) {
		t.Fatalf("the log's newest row: %s %q %v", action, summary, err)
	}
}
