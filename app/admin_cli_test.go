package app_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/apptest"
)

// TestCLIRefusesWordsItWouldDrop: a value with a space that lost its quotes (`--name My Company`)
// and a stray word are refused with one line saying how to write it, and nothing is stored.
// Before, the command ran on what it had read: a tenant named "My".
func TestCLIRefusesWordsItWouldDrop(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	before := platformCounts(t, dir)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"tenant", "create", "--slug", "my-company", "--name", "My", "Company"}, `--name "My Company"`},
		{[]string{"tenant", "set", "--slug", "acme", "name=Acme", "--data", dir, "stray"}, ""},
		{[]string{"tenant", "list", "extra"}, `unexpected argument "extra"`},
		{[]string{"apikey", "create", "--tenant", "acme", "--name", "site", "key", "--scope", "read"}, `--name "site key"`},
	} {
		code, out, errs := cli(t, dir, "", c.args...)
		if c.want == "" { // tenant set takes key=value words: "stray" is refused as one of them
			c.want = `"stray" is not key=value`
		}
		lines := strings.Split(strings.TrimRight(errs, "\n"), "\n")
		if code != app.ExitUsage || len(lines) != 1 || !strings.Contains(errs, c.want) {
			t.Errorf("highvibe %v: exit %d, stdout %q, stderr %q (want it to say %s)", c.args, code, out, errs, c.want)
		}
	}
	if after := platformCounts(t, dir); after != before {
		t.Fatalf("a refused command wrote something:\nbefore %s\nafter  %s", before, after)
	}
}

// TestCLIFromTheWrongFolderNamesTheDataDirectory: `sudo -u highvibe highvibe tenant create …` run
// from a home directory has neither --data nor the service's HIGHVIBE_DATA (sudo drops it), so the
// default ./data is not the server's. The command stops, says where it looked and how to name
// the right directory, and creates nothing there — before, it made a new, empty data directory
// beside the administrator's files and put the business in it, where the server never looked.
func TestCLIFromTheWrongFolderNamesTheDataDirectory(t *testing.T) {
	t.Parallel()
	bin := apptest.Binary(t)
	home := t.TempDir()
	cmd := exec.Command(bin, "tenant", "create", "--slug", "acme", "--name", "Acme")
	cmd.Dir = home
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HIGHVIBE_DATA=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(errb.String(), filepath.Join(home, "data")) ||
		!strings.Contains(errb.String(), "--data DIR") || !strings.Contains(errb.String(), "HIGHVIBE_DATA") {
		t.Fatalf("tenant create from the wrong folder: %v, stderr %q", err, errb.String())
	}
	if _, err := os.Stat(filepath.Join(home, "data")); err == nil {
		t.Fatal("the command created a data directory in the folder it was run from")
	}
}
