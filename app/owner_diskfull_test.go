package app_test

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
)

// TestAFullDiskIsSaidToBeFullInThePanel: when the disk holding the data directory fills up, an
// owner who opens or saves a page is told, in their language, that the server's disk is full,
// that whoever runs the server must free space, and that nothing saved is damaged (503 with
// Retry-After). Before, every page of the panel
// answered 500 "Something went wrong … try again in a moment" and the log said "disk I/O error
// (4874)", which reads like a failing disk. Once space is freed the same page opens and saves.
// It needs root to mount a small tmpfs (skipped otherwise).
func TestAFullDiskIsSaidToBeFullInThePanel(t *testing.T) {
	t.Parallel()
	disk := smallDisk(t, "12m")
	dir := filepath.Join(disk, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: dir, NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	owner.Header.Set("Accept-Language", "tr")
	if r := owner.Get("/app/settings/hours"); r.StatusCode != 200 {
		t.Fatalf("hours page before the disk fills: %d", r.StatusCode)
	}

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

	tr := i18n.For("tr")
	want := tr.T("error.disk_full")
	form := url.Values{"enabled": {"1"}, "zone": {"Europe/Istanbul"}, "day1": {"08:00-17:00"}, "after_hours": {"ack"}}
	check := func(r *apptest.Resp) {
		t.Helper()
		if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
			t.Fatalf("%s %s on a full disk: %d (Retry-After %q), want 503 with Retry-After\n%s",
				r.Request.Method, r.Request.URL.Path, r.StatusCode, r.Header.Get("Retry-After"), r.Body)
		}
		if text := r.Doc(t).Find(".error-page").Text(); !strings.Contains(text, want) || strings.Contains(text, tr.T("error.500.body")) {
			t.Fatalf("%s %s on a full disk says %q, want %q", r.Request.Method, r.Request.URL.Path, strings.Join(strings.Fields(text), " "), want)
		}
	}
	check(owner.Post("/app/settings/hours", form))
	// Reading may still work while SQLite's files need no room; a page that cannot says why too.
	for _, p := range []string{"/app/settings/hours", "/app/", "/app/settings/"} {
		if r := owner.Get(p); r.StatusCode != 200 {
			check(r)
		}
	}
	// A script or an API client asking for JSON gets the reason as a code.
	req, _ := http.NewRequest("POST", e.URL+"/app/settings/hours", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.URL)
	req.Header.Set("Accept", "application/json")
	if r := owner.Do(req); r.StatusCode != 503 || !strings.Contains(r.Body, `"code":"disk_full"`) {
		t.Fatalf("JSON on a full disk: %d %s", r.StatusCode, r.Body)
	}

	if err := os.Remove(filepath.Join(disk, "fill")); err != nil {
		t.Fatal(err)
	}
	if r := owner.Get("/app/settings/hours"); r.StatusCode != 200 {
		t.Fatalf("hours page once space is freed: %d\n%s", r.StatusCode, r.Body)
	}
	if r := owner.Post("/app/settings/hours", form); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the hours once space is freed: %d\n%s", r.StatusCode, r.Body)
	}
}
