package app_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"

	"highvibe/app/apptest"
)

// TestMain runs the package's tests with twice as many parallel tests as cores unless -parallel
// is given, and removes what the tests share after the run: the binary apptest.Binary built for
// the process tests, the seeded demo data directory and the audit log snapshots. The browser
// tests share one Chromium, each in a browser context of its own (apptest.WithSharedChromium).
//
// Most tests here spend their time waiting — on headless Chromium, on a child `highvibe` process,
// on a socket or a timeout they prove — rather than computing, so go test's default (one parallel
// test per core) leaves the cores idle for most of the run.
func TestMain(m *testing.M) {
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(2*runtime.GOMAXPROCS(0)))
	}
	code := apptest.WithSharedChromium(m.Run)
	apptest.RemoveBinary()
	removeDemoTemplate()
	removeAuditTemplates()
	os.Exit(code)
}
