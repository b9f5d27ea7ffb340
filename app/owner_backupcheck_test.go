package app_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestBackupCheckByHandNamesTheServersConfig: an owner runs the weekly backup check by hand the
// way the guide runs every other command on the VPS (sudo -u highvibe … --data DIR), from their
// home folder. sudo does not pass the service's HIGHVIBE_LITESTREAM on, and the command said only
// "no litestream config at ./litestream.yml (pass --litestream PATH)", which names neither the
// folder it looked in nor where the server's file is. Now it names the full path it looked at,
// the flag and the variable, the service file's example and why sudo lost it; and the command
// the guide gives for it runs.
func TestBackupCheckByHandNamesTheServersConfig(t *testing.T) {
	t.Parallel()
	bin := apptest.Binary(t)
	data := filepath.Join(t.TempDir(), "data")
	mustCLI(t, data, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	home := t.TempDir()
	run := func(args ...string) (int, string) {
		cmd := exec.Command(bin, args...)
		cmd.Dir = home
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "HIGHVIBE_") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), errb.String()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0, errb.String()
	}
	code, errs := run("backup", "check", "--data", data)
	for _, want := range []string{filepath.Join(home, "litestream.yml"), "--litestream PATH", "HIGHVIBE_LITESTREAM", "/etc/highvibe/litestream.yml", "sudo does not pass it on"} {
		if code != 2 || !strings.Contains(errs, want) {
			t.Fatalf("backup check by hand without the config: exit %d, stderr %q, want it to name %q", code, errs, want)
		}
	}
	// With the server's file named, as the guide's command names it, the check runs (and fails
	// only because this server has never replicated anything).
	cfg := filepath.Join(t.TempDir(), "litestream.yml")
	yml := "dbs:\n  - path: " + filepath.Join(data, "platform.db") + "\n    replica:\n      path: " + filepath.Join(home, "replica", "platform.db") +
		"\n  - dir: " + filepath.Join(data, "tenants") + "\n    pattern: \"*.db\"\n    replica:\n      path: " + filepath.Join(home, "replica", "tenants") + "\n"
	if err := os.WriteFile(cfg, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, errs := run("backup", "check", "--data", data, "--litestream", cfg); code != 1 || strings.Contains(errs, "no litestream config") {
		t.Fatalf("backup check with the config named: exit %d, stderr %q", code, errs)
	}
}
