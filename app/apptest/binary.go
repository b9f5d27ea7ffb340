package apptest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// The binary is built once per test process, because linking is the slow part of a process test.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

// Binary builds the real highvibe binary (once per test process) and returns its path. Tests
// that need a process boundary — the CLI against files a server wrote, slow clients against the
// real listener, headers through a real socket — use it; it skips when the go tool is missing or
// in -short mode.
func Binary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the real binary; skipped in -short mode")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH")
	}
	binOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "highvibe-bin-"); binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "highvibe")
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command(goBin, "build", "-o", binPath, ".")
		cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..") // the repository root, where main.go lives
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// RemoveBinary deletes the binary Binary built; a package's TestMain calls it after the run.
func RemoveBinary() {
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
}

// CLI runs one highvibe command against the data directory and returns its output and exit code.
func CLI(t testing.TB, dir string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	bin := Binary(t)
	cmd := exec.Command(bin, append(args, "--data", dir)...)
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	cmd.Stdin = strings.NewReader(stdin)
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run highvibe %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

// Proc is a running `highvibe serve` on a free loopback port.
type Proc struct {
	URL  string // http://127.0.0.1:PORT
	Dir  string // data directory
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	log  bytes.Buffer
	// wrote is closed and replaced each time the server writes to its log (Await).
	wrote chan struct{}
}

var listening = regexp.MustCompile(`listening on (http://\S+?)/? `)

// Serve starts the binary's serve command on the data directory with extra flags and env
// ("KEY=value") and returns once it printed its address. It is stopped (SIGINT) when the test ends.
func Serve(t testing.TB, dir string, env []string, args ...string) *Proc {
	t.Helper()
	bin := Binary(t)
	p := &Proc{Dir: dir, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--data", dir}, args...)...)
	p.cmd.Dir = dir // no litestream.yml there: replication off
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = &lockedWriter{p}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.Stop)
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if m := listening.FindStringSubmatch(lines.Text() + " "); m != nil {
			p.URL = strings.TrimSuffix(m[1], "/")
			break
		}
	}
	if p.URL == "" {
		p.Stop()
		t.Fatalf("highvibe serve did not start:\n%s", p.Log())
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return p
}

// PID is the server process's id (its /proc entry: memory benchmarks read VmRSS and VmHWM there).
func (p *Proc) PID() int { return p.cmd.Process.Pid }

// Log is what the server wrote to stderr so far.
func (p *Proc) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// Stop interrupts the server and waits for it to exit (killing it after 15 s).
func (p *Proc) Stop() {
	if p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// Kill ends the server with SIGKILL, as a crash or the OOM killer would, and waits for it.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Get fetches path from the server and returns the status code and body.
func (p *Proc) Get(path string) (int, string) {
	r, err := http.Get(p.URL + path)
	if err != nil {
		return 0, err.Error()
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	return r.StatusCode, string(b)
}

// Await waits until ok holds for the server: it asks again each time the server writes to its
// log, since that is when what it did shows, and at least every 100 ms for what shows only over
// HTTP. It fails the test naming what it waited for and the server's log at once when the server
// exits, or after HangBound: the server is another process, and a loaded machine can make its
// work slow, never that slow.
func (p *Proc) Await(t testing.TB, what string, ok func() bool) {
	t.Helper()
	hang := time.NewTimer(HangBound)
	defer hang.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		p.mu.Lock()
		if p.wrote == nil {
			p.wrote = make(chan struct{})
		}
		wrote := p.wrote // taken before asking, so a line written meanwhile is not missed
		p.mu.Unlock()
		if ok() {
			return
		}
		select {
		case <-wrote:
		case <-tick.C:
		case <-p.done:
			if ok() {
				return
			}
			t.Fatalf("apptest: the server exited while the test waited for %s; its log:\n%s", what, p.Log())
		case <-hang.C:
			t.Fatalf("apptest: waited %s for %s; the server's log:\n%s", HangBound, what, p.Log())
		}
	}
}

type lockedWriter struct{ p *Proc }

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	if w.p.wrote != nil {
		close(w.p.wrote)
		w.p.wrote = nil
	}
	return w.p.log.Write(b)
}
