package settings_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/platform"
)

// fileReplica writes a litestream.yml under root replicating root/data to folders under
// root/backup, the way the guide's first example does.
func fileReplica(t *testing.T, root string) string {
	t.Helper()
	cfg := filepath.Join(root, "litestream.yml")
	if err := os.WriteFile(cfg, []byte(`dbs:
  - path: data/platform.db
    replica:
      path: backup/platform.db
  - dir: data/tenants
    pattern: "*.db"
    replica:
      path: backup/tenants
`), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func text(s *goquery.Selection) string { return strings.Join(strings.Fields(s.Text()), " ") }

// TestOwnerSeesBackups: the owner's panel said nothing about backups (only /readyz/ did). The
// settings page now links a backups page that shows, per database of this business, that it is
// copied, where to (the kind and the folder; for remote kinds the host, never a key), when last
// and what is still waiting; a replica that starts failing is shown as failing, in plain words,
// with what to do and the replica's own error for whoever runs the server; without a litestream
// configuration it says plainly that nothing is copied, with the guide. Operators cannot open it.
// While a file fails, the owner's dashboard says so at its top, linking the page.
func TestOwnerSeesBackups(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	e := apptest.NewWith(t, apptest.Options{DataDir: filepath.Join(root, "data"), Litestream: fileReplica(t, root), NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	op := e.User("acme", "ayla", "operator")
	ctx := context.Background()
	tenantFile := filepath.Join(root, "data", "tenants", "acme.db")
	if err := e.Server.Repl.Sync(ctx, tenantFile); err != nil {
		t.Fatal(err)
	}
	tr := i18n.For("tr")

	if a := owner.Get("/app/settings/").Doc(t).Find(`a[href="/app/settings/backups"]`); text(a) != tr.T("backup.link") {
		t.Errorf("the settings page links the backups page as %q", text(a))
	}
	doc := owner.Get("/app/settings/backups").Doc(t)
	if got := doc.Find("#backup-state").AttrOr("data-backup", ""); got != "ok" {
		t.Fatalf("backup state %q, want ok: %s", got, text(doc.Find("main")))
	}
	rec := doc.Find("#backup-records")
	if got := rec.AttrOr("data-state", ""); got != "ok" {
		t.Errorf("the records file is %q, want ok: %s", got, text(rec))
	}
	where := filepath.Join(root, "backup", "tenants", "acme.db")
	for _, want := range []string{tr.T("backup.state.ok"), tr.T("backup.kind.file"), where, tr.T("backup.kind.file_hint"), tr.T("backup.waiting.none")} {
		if !strings.Contains(text(rec), want) {
			t.Errorf("the records row lacks %q: %s", want, text(rec))
		}
	}
	if owner.Get("/app/").Doc(t).Find("#backup-trouble").Length() != 0 {
		t.Errorf("the dashboard warns of a backup that works")
	}
	if rec.Find("time[datetime]").Length() != 1 {
		t.Errorf("the records row names no time of the last copy: %s", text(rec))
	}
	// No photo stored yet: nothing to copy, said as such (not as a failure).
	if got := doc.Find("#backup-files").AttrOr("data-state", ""); got != "nofile" {
		t.Errorf("the photos file is %q, want nofile", got)
	}
	if a := doc.Find(`#backup-check a[href="/guide/backup-and-restore"]`); a.Length() != 1 || !strings.Contains(text(doc.Find("#backup-check")), "highvibe backup check") {
		t.Errorf("the page does not point at the weekly backup check: %s", text(doc.Find("#backup-check")))
	}
	if r := op.Get("/app/settings/backups"); r.StatusCode != 403 {
		t.Errorf("an operator opened the backups page: %d", r.StatusCode)
	}

	// The replica's folder becomes unusable (a file where the folder was): the next copy fails.
	dir := filepath.Join(root, "backup", "tenants")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The folder comes back before the server stops, so its last sync does not wait out its
	// retries (cleanups run last in, first out: this one before the server's).
	t.Cleanup(func() { _ = os.Remove(dir); _ = os.MkdirAll(dir, 0o700) })
	deadline := time.Now().Add(10 * time.Second)
	for e.Server.Repl.Sync(ctx, tenantFile) == nil && time.Now().Before(deadline) {
		if _, err := e.DB("acme").Write.Exec(`INSERT INTO templates (name, body, created_at, updated_at) VALUES (?, 'x', 0, 0)`, time.Now().String()); err != nil {
			t.Fatal(err)
		}
	}
	doc = owner.Get("/app/settings/backups?lang=en").Doc(t)
	en := i18n.For("en")
	if got := doc.Find("#backup-state").AttrOr("data-backup", ""); got != "bad" {
		t.Fatalf("backup state %q after the replica failed, want bad: %s", got, text(doc.Find("main")))
	}
	rec = doc.Find("#backup-records")
	if got := rec.AttrOr("data-state", ""); got != "failing" {
		t.Fatalf("the records file is %q, want failing: %s", got, text(rec))
	}
	for _, want := range []string{en.T("backup.bad.title"), en.T("backup.state.failing"), en.T("backup.failing.do")} {
		if !strings.Contains(text(doc.Find("main")), want) {
			t.Errorf("the failing page lacks %q: %s", want, text(doc.Find("main")))
		}
	}
	if rec.Find("[data-trouble] strong").Length() != 1 || rec.Find("details code").Text() == "" {
		t.Errorf("the failing row gives no plain words or no technical detail: %s", text(rec))
	}
	// The owner learns it on the dashboard too, with the way to the backups page; an operator,
	// who cannot act on it, does not.
	if a := owner.Get("/app/").Doc(t).Find(`#backup-trouble a[href="/app/settings/backups"]`); a.Length() != 1 {
		t.Errorf("the owner's dashboard does not say a backup is failing")
	}
	if op.Get("/app/").Doc(t).Find("#backup-trouble").Length() != 0 {
		t.Errorf("the operator's dashboard warns of the backup")
	}
}

// TestOwnerSeesBackupsOff: without a litestream configuration the page says that nothing is
// copied anywhere, who turns it on, and links the guide.
func TestOwnerSeesBackupsOff(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	doc := owner.Get("/app/settings/backups").Doc(t)
	tr := i18n.For("tr")
	st := doc.Find("#backup-state")
	if st.AttrOr("data-backup", "") != "off" {
		t.Fatalf("backup state %q, want off", st.AttrOr("data-backup", ""))
	}
	for _, want := range []string{tr.T("backup.off.title"), tr.T("backup.off.body"), tr.T("backup.off.do")} {
		if !strings.Contains(text(st), want) {
			t.Errorf("the page lacks %q: %s", want, text(st))
		}
	}
	if st.Find(`a[href="/guide/backup-and-restore"]`).Length() != 1 {
		t.Errorf("no guide link: %s", text(st))
	}
	if doc.Find("#backup-records").Length() != 0 {
		t.Errorf("a file row is shown while nothing is copied")
	}
}

// TestBackupCheckLagInHours: the last backup check's lag read "347 min"; two hours or more read in
// hours in the reader's number format, less in minutes.
func TestBackupCheckLagInHours(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, c := range []struct {
		lag  time.Duration
		lang string
		want string
	}{
		{347 * time.Minute, "tr", "5,8 saat gerisindeydi"},
		{347 * time.Minute, "en", "5.8 hours behind"},
		{47 * time.Minute, "en", "47 min behind"},
	} {
		if err := e.Server.Platform.RecordBackupCheck(context.Background(), &platform.BackupCheck{RanAt: time.Now(), Databases: []platform.BackupCheckDB{
			{Kind: platform.BackupDBTenant, Slug: "acme", OK: true, Integrity: "ok", Lag: c.lag}}}); err != nil {
			t.Fatal(err)
		}
		got := text(owner.Get("/app/settings/backups?lang=" + c.lang).Doc(t).Find("[data-db-result]"))
		if !strings.Contains(got, c.want) {
			t.Errorf("lag %s in %s: %q, want %q", c.lag, c.lang, got, c.want)
		}
	}
}
