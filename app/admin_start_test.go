package app_test

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// serveOnce runs the real binary's `serve` with args in the working directory cwd and returns
// its exit code and stderr once it exits. A server that starts instead of refusing (it prints
// "listening") is interrupted and reported with exit code -1: these are the starts an
// administrator gets wrong, and each must stop with one clear line.
func serveOnce(t *testing.T, cwd string, args ...string) (int, string) {
	t.Helper()
	bin := apptest.Binary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve"}, args...)...)
	cmd.Dir = cwd
	var errb bytes.Buffer
	cmd.Stderr = &errb
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	started := make(chan bool, 1)
	go func() {
		var b bytes.Buffer
		buf := make([]byte, 512)
		for {
			n, err := out.Read(buf)
			b.Write(buf[:n])
			if strings.Contains(b.String(), "listening on") {
				started <- true
				return
			}
			if err != nil {
				started <- false
				return
			}
		}
	}()
	if <-started {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		return -1, errb.String()
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, errb.String()
}

// lastLine is the final line of a command's stderr (the server's log lines come before it).
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// TestSecondServerOnOneDataDirRefused: a second `serve` on a data directory a server already
// uses stops at once, names the running process and says what to do — before, it started beside
// the first, ran the same job queue and replicated the same files into the same replica, whose
// compaction then failed. A restore into place is refused while the server runs, and a port in
// use stops the start before any database is created.
func TestSecondServerOnOneDataDirRefused(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if err := os.Mkdir(data, 0o750); err != nil {
		t.Fatal(err)
	}
	first := apptest.Serve(t, data, nil)

	code, errs := serveOnce(t, root, "--addr", "127.0.0.1:0", "--data", data)
	if code != 1 || !strings.Contains(lastLine(errs), "already uses the data directory") ||
		!strings.Contains(lastLine(errs), "Stop the other one first") || !strings.HasPrefix(lastLine(errs), "highvibe: ") {
		t.Fatalf("second serve on the same data: exit %d, stderr:\n%s", code, errs)
	}

	cfg := writeFileReplicaConfig(t, root)
	_, errs, code = apptest.CLI(t, data, "", "restore", "--tenant", "acme", "--litestream", cfg)
	if code != 1 || !strings.Contains(errs, "already uses the data directory") || !strings.Contains(errs, "--output") {
		t.Fatalf("restore into place while the server runs: exit %d, stderr %q", code, errs)
	}
	if c, body := first.Get("/readyz/"); c != 200 {
		t.Fatalf("the first server suffered: %d %s", c, body)
	}

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	other := filepath.Join(root, "other")
	code, errs = serveOnce(t, root, "--addr", busy.Addr().String(), "--data", other)
	if code != 1 || !strings.Contains(lastLine(errs), "another program already uses that address") || !strings.Contains(lastLine(errs), "--addr") {
		t.Fatalf("serve on a port in use: exit %d, stderr:\n%s", code, errs)
	}
	if _, err := os.Stat(filepath.Join(other, "platform.db")); err == nil {
		t.Fatal("serve on a port in use created platform.db before finding the port taken")
	}
}

// TestServeRefusesALitestreamConfigThatIsNotItsOwn: the service file names a replication config
// that is missing, or one written for another place (the shipped file copied to /etc, whose
// relative paths then name /etc/.../data), or one that leaves the tenants out. Each stops the
// start with a line saying what is wrong and what to write, instead of a server that runs
// without backups — or, worse, replicates another data directory's files into its replica.
func TestServeRefusesALitestreamConfigThatIsNotItsOwn(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	shipped, err := os.ReadFile("../litestream.yml")
	if err != nil {
		t.Fatal(err)
	}
	etc := filepath.Join(root, "etc")
	if err := os.MkdirAll(etc, 0o755); err != nil {
		t.Fatal(err)
	}
	copied := filepath.Join(etc, "litestream.yml")
	if err := os.WriteFile(copied, shipped, 0o644); err != nil {
		t.Fatal(err)
	}
	platformOnly := filepath.Join(etc, "platform-only.yml")
	if err := os.WriteFile(platformOnly, []byte("dbs:\n  - path: "+filepath.Join(data, "platform.db")+"\n    replica:\n      path: "+filepath.Join(root, "backup", "platform.db")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"missing file", []string{"--litestream", filepath.Join(etc, "litestream.yaml")}, 2, []string{"cannot read the litestream config", "litestream.yaml", "fix the path"}},
		{"shipped file copied elsewhere", []string{"--litestream", copied}, 1, []string{"not in this server's data directory", filepath.Join(etc, "data", "platform.db"), "absolute paths"}},
		{"tenants left out", []string{"--litestream", platformOnly}, 1, []string{"does not back up the businesses' databases", "dir: " + filepath.Join(data, "tenants")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, errs := serveOnce(t, root, append([]string{"--addr", "127.0.0.1:0", "--data", data}, c.args...)...)
			line := lastLine(errs)
			if code != c.code || !strings.HasPrefix(line, "highvibe: ") {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, c.code, errs)
			}
			for _, w := range c.want {
				if !strings.Contains(line, w) {
					t.Errorf("the message does not say %q: %s", w, line)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(etc, "data")); err == nil {
		t.Error("the server replicated or created files under the config's folder")
	}
}
