package app_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// makeTenants creates n tenants directly in the data dir (as `highvibe tenant create` would).
func makeTenants(t *testing.T, dir string, n int) {
	t.Helper()
	ctx := context.Background()
	m, err := tenantdb.NewManager(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ps := platform.NewService(m)
	for i := 0; i < n; i++ {
		if _, err := ps.CreateTenant(ctx, fmt.Sprintf("tenant-%02d", i), fmt.Sprintf("Tenant %d", i), "default", "tr"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestStartupWith50Tenants: NewServer + Start with 50 tenant databases is well under a second on
// the reference machine; the assertion allows 3 s so a busy CI box does not flake.
func TestStartupWith50Tenants(t *testing.T) {
	dir := t.TempDir()
	makeTenants(t, dir, 50)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	s, _, err := app.NewServer(ctx, app.Options{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(ctx); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	defer s.Close(context.Background())
	t.Logf("NewServer+Start with 50 tenants: %s", took)
	if n := len(s.Mgr.OpenSlugs()); n != 50 {
		t.Fatalf("%d tenants open, want 50", n)
	}
	if took > 3*time.Second {
		t.Fatalf("start-up took %s", took)
	}
}

// TestBinaryRSSWith50IdleTenants creates 50 tenants, starts the real binary's `serve` on them,
// waits for /readyz/ and reads the resident set size (budget: ≤ 60 MB).
func TestBinaryRSSWith50IdleTenants(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/<pid>/status, which only Linux has")
	}
	bin := apptest.Binary(t) // the package's one build of the binary (skips in -short mode)
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	// The tenants are made in-process with the platform service `tenant create` calls (50 starts
	// of the binary would cost 8 s of CPU; the CLI's own create is TestCLIWhileServerRuns').
	makeTenants(t, data, 50)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	srv := exec.Command(bin, "serve", "--addr", addr, "--data", data)
	srv.Dir = tmp // no litestream.yml here: replication off
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = srv.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = srv.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = srv.Process.Kill()
		}
	}()
	go func() { _, _ = io.Copy(io.Discard, bufio.NewReader(stdout)) }()
	started := time.Now()
	deadline := started.Add(20 * time.Second)
	for {
		r, err := http.Get("http://" + addr + "/readyz/")
		if err == nil {
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server never became ready: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	ready := time.Since(started)
	// Let the idle server settle (tenant watcher, GC) before measuring.
	time.Sleep(3 * time.Second)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", srv.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	var rss string
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			rss = strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	var kb int
	if _, err := fmt.Sscanf(rss, "%d kB", &kb); err != nil {
		t.Fatalf("VmRSS %q: %v", rss, err)
	}
	t.Logf("binary with 50 idle tenants: ready in %s, VmRSS %.1f MB", ready.Round(time.Millisecond), float64(kb)/1024)
	// The budget is 60 MB. Measured ≈ 51 MB: each page is parsed when first shown, static files
	// are served from the binary without heap copies, and idle tenants hold no connections.
	if kb > 60*1024 {
		t.Fatalf("VmRSS %d kB is above the 60 MB budget", kb)
	}
}
