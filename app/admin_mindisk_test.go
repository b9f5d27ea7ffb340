package app_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"highvibe/app/apptest"
)

// TestServeMinFreeDiskIsASetting: the free space under which /readyz/ fails was 8 MB in the code.
// It is now serve's --min-free-disk (env HIGHVIBE_MIN_FREE_DISK), shown in `serve --help`, 8MB
// unless set: an administrator who wants the warning while there is still room raises it, and
// /readyz/ then fails and names the limit. A value that is not a size, or is no smaller than the
// disk itself (the server would never be ready), stops the start with what to write, before
// anything is opened.
func TestServeMinFreeDiskIsASetting(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if err := os.Mkdir(data, 0o750); err != nil {
		t.Fatal(err)
	}
	help, helpErr, _ := apptest.CLI(t, data, "", "serve", "--help")
	if h := help + helpErr; !strings.Contains(h, "-min-free-disk") || !strings.Contains(h, "HIGHVIBE_MIN_FREE_DISK") || !strings.Contains(h, `(default "8MB")`) {
		t.Fatalf("serve --help does not show --min-free-disk:\n%s", h)
	}

	var st syscall.Statfs_t
	if err := syscall.Statfs(data, &st); err != nil {
		t.Fatal(err)
	}
	total := st.Blocks * uint64(st.Bsize)
	free := st.Bavail * uint64(st.Bsize)
	whole := fmt.Sprintf("%dGB", total>>30+1)
	other := filepath.Join(root, "other")
	for _, v := range []string{"banana", "0", "0MB", "-5MB", "8", "8 TB", "1.5GB", whole} {
		code, errs := serveOnce(t, root, "--addr", "127.0.0.1:0", "--data", other, "--min-free-disk", v)
		want := "write a whole number of MB or GB"
		if v == whole {
			want = "is not less than the whole disk holding"
		}
		if code != 2 || !strings.Contains(lastLine(errs), "--min-free-disk") || !strings.Contains(lastLine(errs), want) {
			t.Errorf("serve --min-free-disk %q: exit %d, stderr:\n%s", v, code, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(other, "platform.db")); err == nil {
		t.Error("a refused --min-free-disk created platform.db")
	}
	cmd := exec.Command(apptest.Binary(t), "serve", "--addr", "127.0.0.1:0", "--data", other)
	cmd.Env = append(os.Environ(), "HIGHVIBE_MIN_FREE_DISK=lots")
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); cmd.ProcessState.ExitCode() != 2 || !strings.Contains(errb.String(), "HIGHVIBE_MIN_FREE_DISK") ||
		!strings.Contains(errb.String(), `"lots" is not a size`) {
		t.Errorf("HIGHVIBE_MIN_FREE_DISK=lots: %v, stderr:\n%s", err, errb.String())
	}

	// The default: this disk has more than 8 MB free, so it is ready.
	srv := apptest.Serve(t, data, nil)
	if code, body := srv.Get("/readyz/"); code != 200 || strings.Contains(body, "FAIL disk") {
		t.Fatalf("readyz with the default limit: %d\n%s", code, body)
	}
	srv.Stop()
	// A limit above what is free (and below the disk's size) fails readiness, naming the limit.
	// Halfway between free and total, in whole GiB: other programs on the machine create and delete
	// files meanwhile, and free+1 GiB was passed once by free space that grew during the test.
	above := (free + total) / 2 >> 30
	if above<<30 <= free+1<<30 || above<<30 >= total {
		t.Skipf("the disk is nearly empty (%d of %d bytes free): no limit lies between free and total", free, total)
	}
	srv = apptest.Serve(t, data, []string{fmt.Sprintf("HIGHVIBE_MIN_FREE_DISK=%dGB", above)})
	code, body := srv.Get("/readyz/")
	if code != 503 || !strings.Contains(body, "FAIL disk: only ") || !strings.Contains(body, fmt.Sprintf("under the %d.0 GiB that --min-free-disk asks for", above)) {
		t.Fatalf("readyz with --min-free-disk above the free space: %d\n%s", code, body)
	}
}
