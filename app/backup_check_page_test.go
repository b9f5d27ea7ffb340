package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestBackupsPageSaysWhenTheCheckLastRan: `highvibe backup check` restored every database and
// compared it with the live data, but kept nothing, so the backups page could only tell the owner
// to ask whoever runs the server when it last passed. Each run is now recorded in platform.db,
// and the page says when the last one ran and what it found for this business, in the owner's
// language: passed, older than eight days (the guide asks for one every week), or failed.
func TestBackupsPageSaysWhenTheCheckLastRan(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	cfg := writeFileReplicaConfig(t, root)
	data := filepath.Join(root, "data")
	e := apptest.NewWith(t, apptest.Options{DataDir: data, Litestream: cfg, NoJobs: true})
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	page := func(lang string) *goquery.Selection {
		t.Helper()
		return owner.Get("/app/settings/backups?lang=" + lang).Doc(t).Find("#backup-check")
	}
	state := func(s *goquery.Selection) string { v, _ := s.Find("[data-check]").Attr("data-check"); return v }
	if got := state(page("tr")); got != "never" {
		t.Fatalf("before any check the page says %q, want never", got)
	}

	ctx := context.Background()
	e.Server.Heads.Flush()
	for _, p := range []string{filepath.Join(data, "platform.db"), filepath.Join(data, "tenants", "acme.db")} {
		if err := e.Server.Repl.Sync(ctx, p); err != nil {
			t.Fatalf("sync %s: %v", p, err)
		}
	}
	if code, out, errs := cli(t, data, "", "backup", "check", "--litestream", cfg, "--tmp", t.TempDir()); code != 0 {
		t.Fatalf("backup check: exit %d\n%s\n%s", code, out, errs)
	}
	tr := page("tr")
	if got := state(tr); got != "ok" {
		t.Fatalf("after a passing check the page says %q:\n%s", got, tr.Text())
	}
	for _, want := range []string{"Son denetim", "Geçti", "Kayıtlar", "Geri yüklendi, sağlam, her tablo uyuşuyor."} {
		if !strings.Contains(tr.Text(), want) {
			t.Errorf("the Turkish page does not say %q:\n%s", want, tr.Text())
		}
	}
	if when, _ := tr.Find("time").Attr("datetime"); when == "" {
		t.Error("the last check's time is not on the page")
	}
	if en := page("en").Text(); !strings.Contains(en, "Passed") || !strings.Contains(en, "Users and sign-in (shared)") {
		t.Errorf("the English page:\n%s", en)
	}

	// Nine days later nobody has run it again: the page warns.
	if _, err := e.Server.Mgr.Platform.Write.Exec(`UPDATE backup_checks SET ran_at = ran_at - ?`, (9 * 24 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	if s := page("tr"); state(s) != "stale" || !strings.Contains(s.Text(), "9 gün önce") {
		t.Errorf("a nine-day-old check: %q\n%s", state(s), s.Text())
	}

	// The business's copy is damaged: the next check fails, and the page says so.
	if err := filepath.WalkDir(filepath.Join(root, "backup", "tenants", "acme.db"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".ltx") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i := len(b) / 2; i < len(b)/2+64 && i < len(b); i++ {
			b[i] ^= 0xff
		}
		return os.WriteFile(p, b, 0o600)
	}); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := cli(t, data, "", "backup", "check", "--litestream", cfg, "--tmp", t.TempDir()); code != 1 {
		t.Fatalf("backup check of a damaged copy: exit %d, want 1", code)
	}
	tr = page("tr")
	if got := state(tr); got != "failed" {
		t.Fatalf("after a failed check the page says %q:\n%s", got, tr.Text())
	}
	for _, want := range []string{"Son denetim başarısız oldu.", "Başarısız", "Geri yüklenip denetlenemedi."} {
		if !strings.Contains(tr.Text(), want) {
			t.Errorf("the Turkish page does not say %q:\n%s", want, tr.Text())
		}
	}
	if ar := page("ar").Text(); !strings.Contains(ar, "فشل الفحص الأخير") {
		t.Errorf("the Arabic page:\n%s", ar)
	}
	var runs, failed int
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*), sum(ok = 0) FROM backup_checks`).Scan(&runs, &failed); err != nil || runs != 2 || failed != 1 {
		t.Errorf("recorded runs %d, failed %d (%v), want 2 and 1", runs, failed, err)
	}
}
