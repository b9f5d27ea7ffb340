package app_test

import (
	"context"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"highvibe/app"
	"highvibe/app/apptest"
)

// The demo tenant is seeded once per test process into a template data directory (seeding is
// seconds of CPU: thousands of rows, each through its room); each test that needs it gets its own
// copy of the files, so what one test changes no other test sees.
var demoTemplate struct {
	once sync.Once
	dir  string
	err  error
}

// demoEnv starts a server (jobs off) on a fresh copy of the seeded demo data directory and returns
// it with the demo owner's password. The copy is what `serve --demo` leaves on disk; EnsureDemo
// runs again on it, as a restart of `serve --demo` would, and must find everything in place.
func demoEnv(t *testing.T) (*apptest.Env, string) {
	t.Helper()
	demoTemplate.once.Do(func() { demoTemplate.dir, demoTemplate.err = seedDemoTemplate() })
	if demoTemplate.err != nil {
		t.Fatalf("seed the demo data directory: %v", demoTemplate.err)
	}
	dir := t.TempDir()
	if err := copyTree(demoTemplate.dir, dir); err != nil {
		t.Fatalf("copy the demo data directory: %v", err)
	}
	e := apptest.NewWith(t, apptest.Options{NoJobs: true, DataDir: dir})
	pw, err := e.Server.EnsureDemo(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return e, pw
}

// seedDemoTemplate runs EnsureDemo on a new data directory with a server that is not started
// (no jobs, no listener) and closes it, so every file is complete and closed before it is copied.
func seedDemoTemplate() (string, error) {
	dir, err := os.MkdirTemp("", "highvibe-demo-")
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	s, _, err := app.NewServer(ctx, app.Options{DataDir: dir, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), PasswordHashCost: apptest.PasswordHashCost})
	if err != nil {
		return dir, err
	}
	_, err = s.EnsureDemo(ctx)
	s.Close(ctx)
	return dir, err
}

// removeDemoTemplate deletes the template directory; TestMain calls it after the run.
func removeDemoTemplate() {
	if demoTemplate.dir != "" {
		_ = os.RemoveAll(demoTemplate.dir)
	}
}

// copyTree copies the directory src into dst (which exists), keeping every file's permissions.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if rel == "." {
				return os.Chmod(target, info.Mode().Perm())
			}
			return os.Mkdir(target, info.Mode().Perm())
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, info.Mode().Perm())
	})
}
