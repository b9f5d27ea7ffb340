package app_test

import (
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestRestoreAndBackupCheckPrintOnlyTheirOwnLines: `highvibe restore` and `highvibe backup check`
// printed the embedded Litestream's "INFO post-restore integrity check passed replica=file" on
// stderr among their own lines, once per database, which an owner reading the check's result took
// for something to act on. Now the real binary prints only its own lines (Litestream's warnings and
// errors would still show), and --verbose brings Litestream's progress lines back.
func TestRestoreAndBackupCheckPrintOnlyTheirOwnLines(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	e.User("acme", "olga", "owner")
	e.Server.Heads.Flush()
	for _, p := range []string{filepath.Join(data, "platform.db"), filepath.Join(data, "tenants", "acme.db")} {
		if err := e.Server.Repl.Sync(t.Context(), p); err != nil {
			t.Fatal(err)
		}
	}
	e.Close()

	restore := func(dir string) []string {
		return []string{"restore", "--tenant", "acme", "--litestream", cfg, "--output", filepath.Join(root, dir, "acme.db")}
	}
	for _, sc := range []struct{ quiet, verbose []string }{
		{restore("copy"), append(restore("copy2"), "--verbose")},
		{[]string{"backup", "check", "--litestream", cfg}, []string{"backup", "check", "--verbose", "--litestream", cfg}},
	} {
		out, errs, code := apptest.CLI(t, data, "", sc.quiet...)
		if code != 0 || strings.TrimSpace(out) == "" {
			t.Fatalf("%v: exit %d\n%s%s", sc.quiet, code, out, errs)
		}
		if strings.Contains(errs+out, "INFO") || strings.Contains(errs+out, "integrity check passed") {
			t.Errorf("%v prints Litestream's progress among its own lines:\n%s%s", sc.quiet, out, errs)
		}
		out, errs, code = apptest.CLI(t, data, "", sc.verbose...)
		if code != 0 || !strings.Contains(errs, "level=INFO") || !strings.Contains(errs, "post-restore integrity check passed") {
			t.Errorf("%v: exit %d, Litestream's lines not shown:\n%s%s", sc.verbose, code, out, errs)
		}
	}
}
