package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/jobs"
	"highvibe/app/tenantdb/replica/replicatest"
)

// tableCounts returns the row count of every table of the SQLite file at path (Litestream's own
// bookkeeping tables aside), opened read-only so the check cannot change what it measures.
func tableCounts(t *testing.T, path string) map[string]int {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("database missing: %v", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_litestream%' ORDER BY name`)
	if err != nil {
		t.Fatalf("list tables of %s: %v", path, err)
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	rows.Close()
	out := map[string]int{}
	for _, n := range names {
		var c int
		if err := db.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			t.Fatalf("count %s.%s: %v", path, n, err)
		}
		out[n] = c
	}
	var check string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity_check of %s = %q, %v", path, check, err)
	}
	return out
}

// writeFileReplicaConfig writes root/litestream.yml replicating root/data (platform.db and every
// tenant) to root/backup, and returns its path.
func writeFileReplicaConfig(t *testing.T, root string) string {
	t.Helper()
	cfg := filepath.Join(root, "litestream.yml")
	if err := os.WriteFile(cfg, []byte(`dbs:
  - path: data/platform.db
    replica:
      path: backup/platform.db
  - dir: data/tenants
    pattern: "*.db"
    replica:
      path: backup/tenants
`), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// TestRestoreAfterLosingTheDataDir is the disaster drill of the guide's backup page: the server
// writes, replicates, the data directory is lost, and `highvibe restore` (and the official
// litestream CLI) bring back every row of every table of platform.db and of each tenant,
// including a tenant created while the server was running.
func TestRestoreAfterLosingTheDataDir(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	if e.Server.Repl == nil {
		t.Fatal("replication is off although a litestream.yml was given")
	}
	e.Tenant("acme")
	e.User("acme", "olga", "owner") // a login also writes an audit row
	e.Set("acme", map[string]string{"greeting": "Merhaba", "chat_widget_enabled": "false"})
	e.APIKey("acme", "read")
	ctx := context.Background()
	for i := 0; i < 25; i++ {
		if err := audit.Log(ctx, e.DB("acme"), audit.Entry{Provider: "settings", ActionType: "drill", Summary: "row", ModelName: "human-review"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := jobs.EnqueueDB(ctx, e.DB("acme"), "test.pending", map[string]int{"n": 1}, jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	// A tenant created while the server runs, the way the CLI does it from another process.
	mustCLI(t, data, "", "tenant", "create", "--slug", "late-co", "--name", "Late Co")
	if _, err := e.Server.OpenAllTenants(ctx); err != nil {
		t.Fatal(err)
	}
	if err := audit.Log(ctx, e.DB("late-co"), audit.Entry{Provider: "settings", ActionType: "drill", Summary: "late row", ModelName: "human-review"}); err != nil {
		t.Fatal(err)
	}

	dbs := map[string]string{
		"platform": filepath.Join(data, "platform.db"),
		"acme":     filepath.Join(data, "tenants", "acme.db"),
		"late-co":  filepath.Join(data, "tenants", "late-co.db"),
	}
	e.Server.Heads.Flush() // each tenant's chain head reaches platform.db off the committing goroutine
	for _, p := range dbs {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Fatalf("sync %s: %v", p, err)
		}
	}
	want := map[string]map[string]int{}
	for name, p := range dbs {
		want[name] = tableCounts(t, p)
	}
	if want["acme"]["action_logs"] < 25 || want["acme"]["jobs"] != 1 || want["platform"]["tenants"] != 2 {
		t.Fatalf("the drill wrote less than expected: %v / %v", want["acme"], want["platform"])
	}

	// The owner's one-time copy of the audit keys (Litestream replicates databases only).
	keys := filepath.Join(root, "keys-backup")
	copyDir(t, filepath.Join(data, "audit-keys"), keys)

	// Disaster: the server stops and the data directory is gone.
	e.Close()
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, data, "", "restore", "--platform", "--litestream", cfg)
	// Without its audit key a tenant's log cannot be checked: restore says which file to put back
	// and leaves no tenant file behind.
	code, _, errs := cli(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg)
	if code != app.ExitRuntime || !strings.Contains(errs, filepath.Join(data, "audit-keys", "acme.key")) || !strings.Contains(errs, "is missing") {
		t.Fatalf("restore without the audit key: exit %d %q", code, errs)
	}
	if _, err := os.Stat(dbs["acme"]); !os.IsNotExist(err) {
		t.Fatalf("a restore whose log cannot be checked left the file behind: %v", err)
	}
	copyDir(t, keys, filepath.Join(data, "audit-keys"))
	if out := mustCLI(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg); !strings.Contains(out, "audit chain of acme intact") {
		t.Fatalf("restore with the key put back: %s", out)
	}
	mustCLI(t, data, "", "restore", "--tenant", "late-co", "--litestream", cfg)
	for name, p := range dbs {
		if got := tableCounts(t, p); !reflect.DeepEqual(got, want[name]) {
			t.Fatalf("restored %s differs:\n got  %v\n want %v", name, got, want[name])
		}
	}
	// Restoring over an existing file is refused (exit 2), so a restore never clobbers live data.
	if code, _, errs := cli(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg); code != app.ExitUsage || !strings.Contains(errs, "exists") {
		t.Fatalf("restore over an existing file: exit %d %q", code, errs)
	}
	// --output writes a copy elsewhere (how a restore is tested without touching production).
	copyPath := filepath.Join(root, "drill", "acme.db")
	mustCLI(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg, "--output", copyPath)
	if got := tableCounts(t, copyPath); !reflect.DeepEqual(got, want["acme"]) {
		t.Fatalf("--output copy differs: %v", got)
	}

	// The restored directory is a working installation: the owner signs in, the pending job is there.
	e2 := apptest.NewWith(t, apptest.Options{DataDir: data, NoJobs: true})
	c := e2.Client()
	c.Login("olga", apptest.Password)
	if r := c.Get("/app/settings/"); r.StatusCode != 200 || !strings.Contains(r.Body, "Acme") {
		t.Fatalf("restored server: settings %d", r.StatusCode)
	}
	e2.Close()

	if testing.Short() {
		t.Log("skipping the official litestream CLI check in -short mode")
		return
	}
	bin := replicatest.LitestreamCLI(t)
	for name, rel := range map[string]string{"platform": "backup/platform.db", "acme": "backup/tenants/acme.db", "late-co": "backup/tenants/late-co.db"} {
		out := filepath.Join(root, "official", name+".db")
		cmd := exec.Command(bin, "restore", "-o", out, "file://"+filepath.ToSlash(filepath.Join(root, rel)))
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("litestream restore %s: %v\n%s", name, err, b)
		}
		if got := tableCounts(t, out); !reflect.DeepEqual(got, want[name]) {
			t.Fatalf("official CLI restore of %s differs:\n got  %v\n want %v", name, got, want[name])
		}
	}
}

// TestRestoreFromS3AfterLosingTheDataDir is the disaster drill with the replica off the machine
// on S3-compatible storage, over real HTTP: the server replicates with keys from AWS_* variables,
// the data directory is lost, and `highvibe restore` (keys from LITESTREAM_* variables) and the
// official `litestream restore` both bring back identical rows. A wrong key is refused.
func TestRestoreFromS3AfterLosingTheDataDir(t *testing.T) {
	replicatest.IsolateAWS(t)
	store := replicatest.NewS3(t)
	endpoint := store.Serve(t)

	root := t.TempDir()
	cfg := filepath.Join(root, "litestream.yml")
	// Both ways of naming an S3 replica: a URL with the endpoint in it, and separate keys.
	if err := os.WriteFile(cfg, fmt.Appendf(nil, `dbs:
  - path: data/platform.db
    replica:
      url: s3://%[1]s/highvibe/platform.db?endpoint=%[2]s
  - dir: data/tenants
    pattern: "*.db"
    replica:
      type: s3
      bucket: %[1]s
      path: highvibe/tenants
      endpoint: %[2]s
`, store.Bucket, endpoint), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", store.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", store.SecretKey)

	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	if e.Server.Repl == nil {
		t.Fatal("replication is off although a litestream.yml was given")
	}
	e.Tenant("acme")
	e.User("acme", "olga", "owner")
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		if err := audit.Log(ctx, e.DB("acme"), audit.Entry{Provider: "settings", ActionType: "drill", Summary: fmt.Sprintf("row %d", i), ModelName: "human-review"}); err != nil {
			t.Fatal(err)
		}
	}
	dbs := map[string]string{
		"platform": filepath.Join(data, "platform.db"),
		"acme":     filepath.Join(data, "tenants", "acme.db"),
	}
	e.Server.Heads.Flush() // each tenant's chain head reaches platform.db off the committing goroutine
	for _, p := range dbs {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Fatalf("sync %s: %v", p, err)
		}
	}
	if st := e.Server.Repl.Status(); !st.Healthy || len(st.DBs) != 2 {
		t.Fatalf("replication status after sync: %+v", st)
	}
	want := map[string]map[string]int{}
	for name, p := range dbs {
		want[name] = tableCounts(t, p)
	}
	if want["acme"]["action_logs"] < 40 || want["platform"]["tenants"] != 1 {
		t.Fatalf("the drill wrote less than expected: %v / %v", want["acme"], want["platform"])
	}

	keys := filepath.Join(root, "keys-backup") // the owner's copy of the audit keys
	copyDir(t, filepath.Join(data, "audit-keys"), keys)
	e.Close()
	if err := os.RemoveAll(data); err != nil {
		t.Fatal(err)
	}
	copyDir(t, keys, filepath.Join(data, "audit-keys"))

	// The restoring shell has only the LITESTREAM_* keys.
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"} {
		if err := os.Unsetenv(k); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("LITESTREAM_ACCESS_KEY_ID", "WRONGKEY")
	t.Setenv("LITESTREAM_SECRET_ACCESS_KEY", store.SecretKey)
	if code, _, errs := cli(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg); code == 0 || !strings.Contains(errs, "InvalidAccessKeyId") {
		t.Fatalf("restore with a wrong key: exit %d %q", code, errs)
	}
	if _, err := os.Stat(dbs["acme"]); !os.IsNotExist(err) {
		t.Fatalf("a failed restore left a file behind: %v", err)
	}
	t.Setenv("LITESTREAM_ACCESS_KEY_ID", store.AccessKey)
	mustCLI(t, data, "", "restore", "--platform", "--litestream", cfg)
	mustCLI(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg)
	for name, p := range dbs {
		if got := tableCounts(t, p); !reflect.DeepEqual(got, want[name]) {
			t.Fatalf("highvibe restore of %s differs:\n got  %v\n want %v", name, got, want[name])
		}
	}

	if testing.Short() {
		t.Log("skipping the official litestream CLI check in -short mode")
		return
	}
	bin := replicatest.LitestreamCLI(t)
	for name, key := range map[string]string{"platform": "highvibe/platform.db", "acme": "highvibe/tenants/acme.db"} {
		out := filepath.Join(root, "official", name+".db")
		cmd := exec.Command(bin, "restore", "-o", out, "s3://"+store.Bucket+"/"+key+"?endpoint="+endpoint)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("litestream restore %s: %v\n%s", name, err, b)
		}
		if got := tableCounts(t, out); !reflect.DeepEqual(got, want[name]) {
			t.Fatalf("official CLI restore of %s differs:\n got  %v\n want %v", name, got, want[name])
		}
	}
}

// TestReadyzWithS3ReplicaBehindCustomCA: a self-hosted S3 store with its own CA, trusted through
// AWS_CA_BUNDLE (the embedded Litestream client used to refuse the variable outright, so
// /readyz/ answered 503 "replication: FAILING"). The server replicates and reports healthy.
func TestReadyzWithS3ReplicaBehindCustomCA(t *testing.T) {
	replicatest.IsolateAWS(t)
	store := replicatest.NewS3(t)
	endpoint, caFile := store.ServeTLS(t)
	t.Setenv("AWS_CA_BUNDLE", caFile)
	t.Setenv("AWS_ACCESS_KEY_ID", store.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", store.SecretKey)
	root := t.TempDir()
	cfg := filepath.Join(root, "litestream.yml")
	if err := os.WriteFile(cfg, fmt.Appendf(nil, `endpoint: %s
bucket: %s
dbs:
  - path: data/platform.db
    replica:
      type: s3
      path: hv/platform.db
  - dir: data/tenants
    pattern: "*.db"
    replica:
      type: s3
      path: hv/tenants
`, endpoint, store.Bucket), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	ctx := context.Background()
	if _, err := e.Server.OpenAllTenants(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(data, "platform.db"), filepath.Join(data, "tenants", "acme.db")} {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Errorf("sync %s: %v", p, err) // and show what /readyz/ says
		}
	}
	r := e.Client().Get("/readyz/")
	if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "replication: running for 2 databases") ||
		strings.Contains(r.Body, "last sync never") || strings.Contains(r.Body, "error") {
		t.Fatalf("readyz with the CA bundle set: %d\n%s", r.StatusCode, r.Body)
	}
}

// TestBackupCheck drives `highvibe backup check` against a real data directory with a file replica:
// while the server runs every database restores, passes the integrity check and matches the live
// row counts; rows written after replication stopped are "on their way" within --max-lag and a
// failure once the replica is older than that; a damaged replica fails its database's line.
func TestBackupCheck(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	scratch := filepath.Join(root, "scratch")
	if err := os.MkdirAll(scratch, 0o750); err != nil {
		t.Fatal(err)
	}
	check := func() (int, []string, string) {
		t.Helper()
		code, out, errs := cli(t, data, "", "backup", "check", "--litestream", cfg, "--tmp", scratch)
		if left, _ := os.ReadDir(scratch); len(left) != 0 {
			t.Fatalf("backup check left %d entries in its temporary folder", len(left))
		}
		return code, strings.Split(strings.TrimSpace(out), "\n"), errs
	}
	line := func(lines []string, name string) string {
		for _, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l[4:]), name+" ") {
				return l
			}
		}
		t.Fatalf("no line for %s in:\n%s", name, strings.Join(lines, "\n"))
		return ""
	}

	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	e.Tenant("beta")
	ctx := context.Background()
	for i := 0; i < 12; i++ {
		if err := audit.Log(ctx, e.DB("acme"), audit.Entry{Provider: "settings", ActionType: "drill", Summary: "row", ModelName: "human-review"}); err != nil {
			t.Fatal(err)
		}
	}
	dbs := []string{filepath.Join(data, "platform.db"), filepath.Join(data, "tenants", "acme.db"), filepath.Join(data, "tenants", "beta.db")}
	e.Server.Heads.Flush() // each tenant's chain head reaches platform.db off the committing goroutine
	for _, p := range dbs {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Fatalf("sync %s: %v", p, err)
		}
	}

	// While the server runs: everything matches.
	code, lines, errs := check()
	if code != 0 || len(lines) != 4 || !strings.Contains(lines[3], "all 3 databases restore and match") {
		t.Fatalf("backup check on a healthy replica: exit %d\n%s\n%s", code, strings.Join(lines, "\n"), errs)
	}
	for _, name := range []string{"platform", "tenant acme", "tenant beta"} {
		if l := line(lines, name); !strings.HasPrefix(l, "ok") || !strings.Contains(l, "rows match") || !strings.Contains(l, "replica at transaction") {
			t.Fatalf("line for %s: %q", name, l)
		}
	}
	// The server is unharmed: it keeps writing and replicating.
	if err := audit.Log(ctx, e.DB("acme"), audit.Entry{Provider: "settings", ActionType: "drill", Summary: "after check", ModelName: "human-review"}); err != nil {
		t.Fatal(err)
	}
	if err := e.Server.Repl.Sync(ctx, dbs[1]); err != nil {
		t.Fatalf("sync after the check: %v", err)
	}
	e.Close()

	// Rows written while nothing replicates.
	db, err := sql.Open("sqlite", "file:"+dbs[1]+"?_pragma=busy_timeout(10000)")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE late_rows (x); INSERT INTO late_rows VALUES (1), (2), (3)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, lines, _ = check()
	if l := line(lines, "tenant acme"); code != 0 || !strings.HasPrefix(l, "ok") || !strings.Contains(l, "still on their way: late_rows missing on the replica (3 rows live)") {
		t.Fatalf("fresh rows within --max-lag: exit %d, %q", code, l)
	}

	// The replica stopped two hours before the live file's last write: the same difference is now
	// a failure (counted from the live file's time, so the lag reads exactly 2h0m0s).
	live, err := os.Stat(dbs[1])
	if err != nil {
		t.Fatal(err)
	}
	old := live.ModTime().Add(-2 * time.Hour)
	// Someone looked at the file a minute after its last write: the check's own read-only open
	// left an empty WAL, and its time is when they looked, not a change of the data (the lag
	// still reads exactly 2h0m0s; it read 2h1m0s when an empty WAL counted).
	looked := live.ModTime().Add(time.Minute)
	if fi, err := os.Stat(dbs[1] + "-wal"); err != nil || fi.Size() != 0 {
		t.Fatalf("after a read-only check the live file should have an empty WAL: %v %v", fi, err)
	}
	if err := os.Chtimes(dbs[1]+"-wal", looked, looked); err != nil {
		t.Fatal(err)
	}
	if err := filepath.WalkDir(filepath.Join(root, "backup", "tenants", "acme.db"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		return os.Chtimes(p, old, old)
	}); err != nil {
		t.Fatal(err)
	}
	code, lines, errs = check()
	if l := line(lines, "tenant acme"); code != 1 || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "differs from the live file: late_rows missing on the replica (3 rows live)") || !strings.Contains(l, "2h0m0s behind the live file") {
		t.Fatalf("replica two hours behind: exit %d, %q (%s)", code, l, errs)
	}
	if l := line(lines, "platform"); !strings.HasPrefix(l, "ok") {
		t.Fatalf("platform line: %q", l)
	}
	if !strings.Contains(errs, "1 of 3 databases failing") {
		t.Fatalf("stderr: %q", errs)
	}

	// Damage: a byte run in the middle of each of beta's replica files is overwritten.
	if err := filepath.WalkDir(filepath.Join(root, "backup", "tenants", "beta.db"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".ltx") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i := len(b) / 2; i < len(b)/2+64 && i < len(b); i++ {
			b[i] ^= 0xff
		}
		return os.WriteFile(p, b, 0o600)
	}); err != nil {
		t.Fatal(err)
	}
	code, lines, _ = check()
	if l := line(lines, "tenant beta"); code != 1 || !strings.HasPrefix(l, "FAIL") || !strings.Contains(l, "restore failed") {
		t.Fatalf("damaged replica: exit %d, %q", code, l)
	}
	t.Logf("last report:\n%s", strings.Join(lines, "\n"))
}

// copyDir copies the files of folder src into dst (created 0700), keeping each file's mode.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dst, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, en := range entries {
		b, err := os.ReadFile(filepath.Join(src, en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		info, err := en.Info()
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, en.Name()), b, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}
