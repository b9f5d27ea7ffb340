package apptest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestChromiumLeavesNothingBehind: every browser test left an org.chromium.Chromium.<random> folder
// (Chromium's single-browser socket) in the temporary directory, and one ended by a timeout its
// profile too. A test's Chromium now keeps its profile and that folder in a folder of its own,
// removed when the test ends.
func TestChromiumLeavesNothingBehind(t *testing.T) {
	if _, err := os.Stat(ChromiumPath); err != nil {
		t.Skip("chromium not installed; browser test skipped")
	}
	var dir string
	t.Run("a browser test", func(t *testing.T) {
		ctx, _ := Chromium(t, time.Minute)
		if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
			t.Fatal(err)
		}
		chromiumDirs.Range(func(k, _ any) bool { dir = k.(string); return false })
		if dir == "" {
			t.Fatal("the browser runs in no folder of its own")
		}
		sockets, _ := filepath.Glob(filepath.Join(dir, "org.chromium.Chromium.*"))
		if len(sockets) == 0 {
			t.Errorf("Chromium's socket folder is not in %s (it went to the shared temporary directory)", dir)
		}
	})
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there after the test ended (%v)", dir, err)
	}
}
