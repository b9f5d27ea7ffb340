package app_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"highvibe/app/apptest"
)

// TestServiceUnitRestartsUntilTheDiskHasRoom: a server that cannot start on a full disk (after a
// reboot or a crash) exits with an error and a line saying the disk is full, and the same command
// starts once space is freed; the service unit of the README and of the guide (EN and TR) retries
// it with a pause long enough that systemd never gives up. Before, the units had Restart=on-failure
// and no RestartSec: systemd's 100 ms default made five failed starts within a second, past its
// start limit (5 in 10 s, "Start request repeated too quickly"), and HighVibe stayed down after the
// space was freed until someone restarted it by hand.
func TestServiceUnitRestartsUntilTheDiskHasRoom(t *testing.T) {
	t.Parallel()
	restartSec := regexp.MustCompile(`(?m)^RestartSec=(\d+)$`)
	for _, p := range []string{"../README.md", "../guide/en/29-installing-on-a-vps.md", "../guide/tr/29-installing-on-a-vps.md"} {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		_, unit, ok := strings.Cut(string(b), "[Service]\n")
		unit, _, _ = strings.Cut(unit, "[Install]")
		if !ok || !strings.Contains(unit, "\nRestart=on-failure\n") {
			t.Fatalf("%s: no [Service] with Restart=on-failure", p)
		}
		m := restartSec.FindStringSubmatch(unit)
		if m == nil {
			t.Fatalf("%s: the unit restarts after systemd's default 100 ms, five failed starts in a second, and systemd gives up", p)
		}
		// systemd refuses a start past 5 starts in 10 s (StartLimitBurst, StartLimitIntervalSec).
		if n, _ := strconv.Atoi(m[1]); 5*time.Duration(n)*time.Second < 10*time.Second {
			t.Fatalf("%s: RestartSec=%s lets six starts fall within systemd's 10 s start limit", p, m[1])
		}
	}

	disk := smallDisk(t, "12m")
	bin := apptest.Binary(t)
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
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	cmd.Dir = disk
	var errb bytes.Buffer
	cmd.Stderr = &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() == 0 || !strings.Contains(errb.String(), "is full") {
			t.Fatalf("serve on a full disk: %v, stderr %q (want a failure, which Restart=on-failure restarts, saying the disk is full)", err, errb.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("serve on a full disk did not stop: %s", errb.String())
	}
	if err := os.Remove(filepath.Join(disk, "fill")); err != nil {
		t.Fatal(err)
	}
	p := apptest.Serve(t, dir, nil)
	if code, body := p.Get("/readyz/"); code != 200 {
		t.Fatalf("serve once space is freed: /readyz/ %d %s", code, body)
	}
}
