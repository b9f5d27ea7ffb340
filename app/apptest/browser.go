package apptest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// ChromiumPath is where Debian installs Chromium.
const ChromiumPath = "/usr/bin/chromium"

// sharedBrowser is the one Chromium a package's browser tests share when its TestMain runs them
// through WithSharedChromium: starting Chromium costs one to two seconds of CPU, a new browser
// context in a running one a fraction of that.
var sharedBrowser struct {
	mu      sync.Mutex
	on      bool               // WithSharedChromium is running the tests
	ctx     context.Context    // the browser's first tab; new tabs are made from it
	cancel  context.CancelFunc // ends the browser
	started bool
	err     error
}

// WithSharedChromium runs a package's tests (m.Run from TestMain) with one Chromium for all of
// their Chromium calls, each test in its own browser context (cookies, storage and cache of its
// own, as in a separate browser), and ends that Chromium after the run.
func WithSharedChromium(run func() int) int {
	sharedBrowser.mu.Lock()
	sharedBrowser.on = true
	sharedBrowser.mu.Unlock()
	code := run()
	sharedBrowser.mu.Lock()
	defer sharedBrowser.mu.Unlock()
	if sharedBrowser.cancel != nil {
		sharedBrowser.cancel()
	}
	sharedBrowser.on, sharedBrowser.started, sharedBrowser.ctx, sharedBrowser.cancel = false, false, nil, nil
	return code
}

// chromiumOptions are the flags of a test Chromium whose profile and temporary files are under
// dir. Chromium puts the socket that keeps one browser per profile in a folder of its own in the
// temporary directory (org.chromium.Chromium.<random>) and removes it only when it exits by itself;
// a browser ended by its test left one behind every time. With TMPDIR set to dir they go with it.
func chromiumOptions(dir string) []chromedp.ExecAllocatorOption {
	return append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(ChromiumPath), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.NoFirstRun,
		chromedp.UserDataDir(filepath.Join(dir, "profile")), chromedp.Env("TMPDIR="+dir))
}

// chromiumDirs are the folders of the Chromiums running now (see newChromium), for a test to see.
var chromiumDirs sync.Map

// newChromium starts the allocator of a Chromium whose files are in a new folder of the temporary
// directory; its cancel ends the browser, waits for it to exit and removes the folder.
func newChromium() (context.Context, context.CancelFunc, error) {
	dir, err := os.MkdirTemp("", "highvibe-chromium-")
	if err != nil {
		return nil, nil, err
	}
	chromiumDirs.Store(dir, true)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(dir)...)
	return actx, func() { cancelAlloc(); _ = os.RemoveAll(dir); chromiumDirs.Delete(dir) }, nil
}

// tab returns a new tab for one test: in a browser context of its own in the shared Chromium
// when WithSharedChromium runs the tests, else in a Chromium of its own. cancel closes it.
func tab() (context.Context, context.CancelFunc, error) {
	sharedBrowser.mu.Lock()
	defer sharedBrowser.mu.Unlock()
	if !sharedBrowser.on {
		actx, cancelAlloc, err := newChromium()
		if err != nil {
			return nil, nil, err
		}
		ctx, cancelCtx := chromedp.NewContext(actx)
		return ctx, func() { cancelCtx(); cancelAlloc() }, nil
	}
	if !sharedBrowser.started {
		sharedBrowser.started = true
		actx, cancelAlloc, err := newChromium()
		if err != nil {
			sharedBrowser.err = err
			return nil, nil, err
		}
		bctx, cancelBrowser := chromedp.NewContext(actx)
		sharedBrowser.ctx, sharedBrowser.cancel = bctx, func() { cancelBrowser(); cancelAlloc() }
		// The first run starts the browser (with a blank first tab that stays open).
		if err := chromedp.Do(bctx); err != nil {
			sharedBrowser.err = errors.New("start chromium: " + err.Error())
		}
	}
	if sharedBrowser.err != nil {
		return nil, nil, sharedBrowser.err
	}
	ctx, cancel := chromedp.NewContext(sharedBrowser.ctx, chromedp.WithNewBrowserContext())
	return ctx, cancel, nil
}

// Chromium starts headless Chromium for a browser test and returns its context (ended with the
// test, at the latest after timeout) and a function listing the script errors seen so far. It skips
// the test when Chromium is missing, and fails it instead when CI=true.
func Chromium(t testing.TB, timeout time.Duration) (context.Context, func() []string) {
	t.Helper()
	if _, err := os.Stat(ChromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium missing in CI")
		}
		t.Skip("chromium not installed; browser test skipped")
	}
	ctx, cancelTab, err := tab()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancelTab() })
	var mu sync.Mutex
	var problems []string
	_ = chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch x := ev.(type) {
		case *runtime.EventExceptionThrown:
			problems = append(problems, x.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if x.Type == runtime.ConsoleAPICalledTypeError {
				problems = append(problems, "console error")
			}
		}
	})
	return ctx, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), problems...) }
}
