package app_test

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestGuideUpdateReplacesARunningServer follows the guide's "Updating" section (EN and TR) as an
// owner would: its command that puts the new binary in place runs while the old one serves, and
// the new program starts from the same path. Before, the section said only "copy it over the old
// one", and the copy an owner types (`cp`) fails on Linux with "Text file busy" while the server
// runs, leaving the old version in place.
func TestGuideUpdateReplacesARunningServer(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the guide's VPS is Linux")
	}
	bin := apptest.Binary(t)
	for lang, heading := range map[string]string{"en": "## Updating", "tr": "## Güncelleme"} {
		t.Run(lang, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "guide", lang, "29-installing-on-a-vps.md"))
			if err != nil {
				t.Fatal(err)
			}
			_, section, ok := strings.Cut(string(b), heading+"\n")
			if !ok {
				t.Fatalf("guide/%s: no %q section", lang, heading)
			}
			m := regexp.MustCompile(`(?m)^sudo (install .* (\S+) /usr/local/bin/highvibe)$`).FindStringSubmatch(section)
			if m == nil {
				t.Fatalf("guide/%s %s: no command that puts the new binary at /usr/local/bin/highvibe:\n%s", lang, heading, section)
			}
			dir := t.TempDir()
			installed := filepath.Join(dir, "usr-local-bin-highvibe")
			newBin := filepath.Join(dir, "new-highvibe")
			for _, p := range []string{installed, newBin} {
				if err := copyFile(bin, p); err != nil {
					t.Fatal(err)
				}
			}
			data := filepath.Join(dir, "data")
			old := startServer(t, installed, data)
			// What the guide warns against really fails while the server runs.
			if out, err := exec.Command("cp", newBin, installed).CombinedOutput(); err == nil || !strings.Contains(string(out), "Text file busy") {
				t.Fatalf("cp over the running binary: %v %s (the guide says it fails with Text file busy)", err, out)
			}
			cmd := strings.NewReplacer(m[2], newBin, "/usr/local/bin/highvibe", installed).Replace(m[1])
			if out, err := exec.Command("sh", "-c", cmd).CombinedOutput(); err != nil {
				t.Fatalf("the guide's %q while the server runs: %v %s", cmd, err, out)
			}
			if code := get(t, old.url+"/healthz/"); code != 200 {
				t.Fatalf("the running server after the binary was replaced: /healthz/ %d", code)
			}
			old.stop()
			started := startServer(t, installed, data)
			if code := get(t, started.url+"/readyz/"); code != 200 {
				t.Fatalf("the new binary from the same path: /readyz/ %d", code)
			}
		})
	}
}

type server struct {
	url  string
	stop func()
}

// startServer runs `bin serve` on a free loopback port and returns once it listens; it is
// interrupted when the test ends (or by stop).
func startServer(t *testing.T, bin, data string) server {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data)
	cmd.Dir = filepath.Dir(data)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop := func() { _ = cmd.Process.Signal(os.Interrupt); <-done }
	t.Cleanup(stop)
	lines := bufio.NewScanner(out)
	re := regexp.MustCompile(`listening on (http://\S+?)/? `)
	for lines.Scan() {
		if m := re.FindStringSubmatch(lines.Text() + " "); m != nil {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			return server{url: m[1], stop: stop}
		}
	}
	t.Fatalf("%s serve did not start", bin)
	return server{}
}

func get(t *testing.T, u string) int {
	t.Helper()
	r, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	return r.StatusCode
}

func copyFile(from, to string) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, b, 0o755)
}
