package app_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// TestRootInTheServiceUsersDataDirectoryRefused: root running a command on the data directory the
// service's user owns (the sudo -u forgotten) is stopped with the command to type instead. Before,
// `tenant create` made a tenant file only root could write, and the server, running as its user,
// then refused to start at all ("jobs: recover: attempt to write a readonly database").
func TestRootInTheServiceUsersDataDirectoryRefused(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root: it is root's mistake")
	}
	dir := t.TempDir()
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	if err := filepath.Walk(dir, func(p string, _ os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return os.Lchown(p, 65534, 65534)
	}); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"tenant", "create", "--slug", "rooty", "--name", "Rooty"},
		{"tenant", "list"},
		{"backup", "check"},
	} {
		code, _, errs := cli(t, dir, "", args...)
		if code != app.ExitUsage || !strings.Contains(errs, "you are root") || !strings.Contains(errs, "sudo -u ") {
			t.Errorf("highvibe %v as root: exit %d, stderr %q", args, code, errs)
		}
	}
	if err := filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Sys().(*syscall.Stat_t).Uid == 0 {
			t.Errorf("%s belongs to root", p)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestAFullDiskIsSaidToBeFull: on a full disk a command fails with what SQLite said and, in plain
// words, that the disk is full, how much is free and that nothing was damaged (before: "disk I/O
// error (4874)"); once space is freed the same command succeeds, and /readyz/ fails while less
// than tenantdb.LowDisk is free (before: "ready" while every write failed). It needs root to
// mount a small tmpfs (skipped otherwise).
func TestAFullDiskIsSaidToBeFull(t *testing.T) {
	t.Parallel()
	// Room for two businesses with their migrations' WAL (6 MB was sometimes not: a second
	// business's first write found 0 bytes free under a loaded CI run); /readyz/'s check below
	// gets its "under 8 MB free" from a filler written then.
	disk := smallDisk(t, "24m")
	dir := filepath.Join(disk, "data")
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	fill, err := os.Create(filepath.Join(disk, "fill"))
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 64<<10)
	for {
		if _, err := fill.Write(chunk); err != nil {
			break
		}
	}
	fill.Close()
	code, _, errs := cli(t, dir, "", "tenant", "create", "--slug", "beta", "--name", "Beta")
	if code != app.ExitRuntime || !strings.Contains(errs, "the disk holding "+dir+" is full") || !strings.Contains(errs, "free space there") {
		t.Fatalf("tenant create on a full disk: exit %d, stderr %q", code, errs)
	}
	if err := os.Remove(filepath.Join(disk, "fill")); err != nil {
		t.Fatal(err)
	}
	mustCLI(t, dir, "", "tenant", "create", "--slug", "beta", "--name", "Beta")
	if out := mustCLI(t, dir, "", "tenant", "list"); !strings.Contains(out, "acme") || !strings.Contains(out, "beta") {
		t.Fatalf("after freeing space: %s", out)
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(disk, &st); err != nil {
		t.Fatal(err)
	}
	if free := int64(st.Bavail) * int64(st.Bsize); free > 4<<20 {
		if err := os.WriteFile(filepath.Join(disk, "fill"), make([]byte, free-4<<20), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	r := e.Client().Get("/readyz/")
	if r.StatusCode != 503 || !strings.Contains(r.Body, "FAIL disk: only ") || !strings.Contains(r.Body, "free space there") {
		t.Fatalf("readyz with under 8 MB free: %d\n%s", r.StatusCode, r.Body)
	}
}

// smallDisk mounts a tmpfs of size ("12m") on a temporary folder and unmounts it when the test
// ends; without root (or where it cannot mount) the test is skipped.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs")
	}
	disk := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", disk).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", disk).Run() })
	return disk
}

// TestRestoreNamesALeftoverWAL: the administrator moved a tenant's damaged file away but not its
// -wal beside it. restore refuses (SQLite would replay the old log over the restored file) and
// says what the file is and what to do — before: "…db-wal already exists: file already exists".
func TestRestoreNamesALeftoverWAL(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	if err := os.MkdirAll(filepath.Join(data, "tenants"), 0o750); err != nil {
		t.Fatal(err)
	}
	wal := filepath.Join(data, "tenants", "acme.db-wal")
	if err := os.WriteFile(wal, []byte("old log"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cli(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg)
	if code != app.ExitUsage || !strings.Contains(errs, wal+" is left from the database that was moved away") || !strings.Contains(errs, "move it away too") {
		t.Fatalf("restore beside a leftover -wal: exit %d, stderr %q", code, errs)
	}
	if b, err := os.ReadFile(wal); err != nil || string(b) != "old log" {
		t.Fatalf("the leftover -wal was touched: %q %v", b, err)
	}
}
