package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/jobs"
)

// TestRetentionSettings: the settings page shows the two retention windows with their defaults; a
// window out of its range comes back at 422 with the range in the owner's language next to the
// field, and nothing of the form is stored (not even the valid other window); good values are
// stored and shown again.
func TestRetentionSettings(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	stored := func() (string, string) {
		t.Helper()
		tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme")
		if err != nil {
			t.Fatal(err)
		}
		return tn.Setting(jobs.SettingKeepDays), tn.Setting(jobs.SettingKeepFailedDays)
	}

	doc := owner.Get("/app/settings/").Doc(t)
	tr := i18n.For("tr")
	if got := strings.TrimSpace(doc.Find("#retention h2").Text()); got != tr.T("jobs.retention.title") {
		t.Fatalf("retention section heading %q", got)
	}
	if v, _ := doc.Find("#job_history_days").Attr("value"); v != "30" {
		t.Errorf("done window shown as %q, want the default 30", v)
	}
	if v, _ := doc.Find("#job_failures_days").Attr("value"); v != "90" {
		t.Errorf("failed window shown as %q, want the default 90", v)
	}

	for _, c := range []struct {
		name, done, failed, field, want string
	}{
		{"done zero", "0", "120", "job_history_days", tr.T("validation.range", 1, 365)},
		{"done too long", "400", "120", "job_history_days", tr.T("validation.range", 1, 365)},
		{"done not a number", "otuz", "120", "job_history_days", tr.T("validation.range", 1, 365)},
		{"failed too short", "14", "3", "job_failures_days", tr.T("validation.range", 7, 730)},
	} {
		r := owner.Post("/app/settings/profile", url.Values{"job_history_days": {c.done}, "job_failures_days": {c.failed}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%s: status %d, want 422", c.name, r.StatusCode)
		}
		d := r.Doc(t)
		if got := strings.TrimSpace(d.Find("#" + c.field).Parent().Find(".field-error").Text()); got != c.want {
			t.Errorf("%s: error next to %s %q, want %q", c.name, c.field, got, c.want)
		}
		if _, bad := d.Find("#" + c.field).Attr("aria-invalid"); !bad {
			t.Errorf("%s: %s not marked invalid", c.name, c.field)
		}
		// The business profile at the top of the page was not refused: it does not say so.
		if n := d.Find("#profile .flash-error").Length(); n != 0 {
			t.Errorf("%s: the profile section says its fields need correcting", c.name)
		}
		if done, failed := stored(); done != "30" || failed != "90" {
			t.Fatalf("%s: stored %s/%s after a refused form, want 30/90 untouched", c.name, done, failed)
		}
	}
	if want := "1 ile 365 arasında olmalıdır."; tr.T("validation.range", 1, 365) != want {
		t.Errorf("Turkish range message %q, want %q", tr.T("validation.range", 1, 365), want)
	}

	if r := owner.Post("/app/settings/profile", url.Values{"job_history_days": {" 14 "}, "job_failures_days": {"120"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("good values: status %d %.300s", r.StatusCode, r.Body)
	}
	if done, failed := stored(); done != "14" || failed != "120" {
		t.Fatalf("stored %s/%s, want 14/120", done, failed)
	}
	doc = owner.Get("/app/settings/").Doc(t)
	if v, _ := doc.Find("#job_history_days").Attr("value"); v != "14" {
		t.Errorf("done window shown as %q after saving 14", v)
	}
	tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if w := jobs.RetentionOf(tn.Setting); w.Done.Hours() != 14*24 || w.Failed.Hours() != 120*24 {
		t.Errorf("the job reads %+v from the saved settings", w)
	}
}
