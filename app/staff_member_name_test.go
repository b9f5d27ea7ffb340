package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestStaffConsoleNamesANewUser: the staff console, where a new business's first owner is made,
// had no field for the name customers read. A new user is now created with it; a name given
// for an existing user (whose name is theirs or their owner's to change) or a name with a line
// break is refused in the console's language, and nothing is created or changed.
func TestStaffConsoleNamesANewUser(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("taslar", "parke_tas", "tr")
	e.User("taslar", "vic", "operator")
	stan := e.User("", "stan", "staff")
	name := func(user string) string {
		t.Helper()
		var n string
		if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT display_name FROM users WHERE username = ?`, user).Scan(&n); err != nil {
			return "(none)"
		}
		return n
	}
	post := func(v url.Values) *apptest.Resp {
		return stan.Post("/staff/tenants/taslar/members?lang=tr", v)
	}
	if r := post(url.Values{"username": {"ayse"}, "password": {"a long enough password"}, "role": {"owner"}, "display_name": {"Ayşe\nDemir"}}); r.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(r.Doc(t).Find("#member-display-name").Parent().Find(".field-error").Text(), "satır sonu") || name("ayse") != "(none)" {
		t.Fatalf("a name with a line break: %d, user %q", r.StatusCode, name("ayse"))
	}
	if r := post(url.Values{"username": {"vic"}, "role": {"viewer"}, "display_name": {"Victor"}}); r.StatusCode != http.StatusUnprocessableEntity || name("vic") != "" {
		t.Fatalf("a name for an existing user: %d, stored %q", r.StatusCode, name("vic"))
	}
	if r := post(url.Values{"username": {"ayse"}, "password": {"a long enough password"}, "role": {"owner"}, "display_name": {" Ayşe Demir "}}); r.StatusCode != http.StatusSeeOther || name("ayse") != "Ayşe Demir" {
		t.Fatalf("a new owner with a name: %d, stored %q", r.StatusCode, name("ayse"))
	}
	if body := stan.Get("/staff/tenants/taslar/").Body; !strings.Contains(body, "Ayşe Demir") {
		t.Error("the members table does not show the new owner's name")
	}
}

// TestStaffConsoleChangesAUsersName: the console refused a name for an existing user and had no
// other way to give one. Its Users page now sets or changes the name a user goes by: checked as on
// the profile (refused beside the user's row in the reader's language, nothing stored), the list
// shows it with the login beside it, and the change is recorded in the user's business and in
// the platform trail.
func TestStaffConsoleChangesAUsersName(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("taslar", "parke_tas", "tr")
	vic := e.User("taslar", "vic", "operator")
	stan := e.User("", "stan", "staff")
	name := func() string {
		t.Helper()
		var n string
		if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT display_name FROM users WHERE id = ?`, vic.UserID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	path := "/staff/users/" + strconv.FormatInt(vic.UserID, 10) + "/name"
	for _, c := range []struct{ lang, name, want string }{
		{"tr", "Victor\tAydın", "görünmeyen karakter"},
		{"ar", strings.Repeat("ب", 61), "طويل جدًا"},
		{"en", "Victor\u2028Aydın", "line breaks"},
	} {
		r := stan.Post(path+"?lang="+c.lang, url.Values{"display_name": {c.name}, "q": {"vi"}})
		doc := r.Doc(t)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(doc.Find("#refused .field-error").Text(), c.want) || name() != "" {
			t.Fatalf("%s: a refused name: %d, error %q, stored %q", c.lang, r.StatusCode, doc.Find("#refused .field-error").Text(), name())
		}
		if v, _ := doc.Find("#refused input[name=display_name]").Attr("value"); v != c.name {
			t.Errorf("%s: the form lost what was typed: %q", c.lang, v)
		}
	}
	if r := stan.Post("/staff/users/999999/name", url.Values{"display_name": {"Kimse"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("a user who does not exist: %d, want 404", r.StatusCode)
	}
	if r := vic.Post(path, url.Values{"display_name": {"Kendi adım"}}); r.StatusCode != http.StatusForbidden || name() != "" {
		t.Errorf("a member, not staff: %d, stored %q", r.StatusCode, name())
	}
	if r := stan.Post(path, url.Values{"display_name": {"  Victor Aydın "}}); r.StatusCode != http.StatusSeeOther || name() != "Victor Aydın" {
		t.Fatalf("a name for an existing user: %d, stored %q", r.StatusCode, name())
	}
	var shown string
	stan.Get("/staff/users/?q=vic").Doc(t).Find("[data-user-name]").Each(func(_ int, s *goquery.Selection) { shown += s.Text() + "|" })
	if !strings.Contains(shown, "Victor Aydın\u00a0· vic") {
		t.Errorf("the users list shows %q, want the name with the login beside it", shown)
	}
	var logged, trail int
	if err := e.DB("taslar").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'change_display_name' AND provider = 'staff'`).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*) FROM platform_audit WHERE action = 'change_display_name'`).Scan(&trail); err != nil {
		t.Fatal(err)
	}
	if logged != 1 || trail != 1 {
		t.Errorf("recorded %d times in the business's log and %d in the platform trail, want once each", logged, trail)
	}
	// Cleared, the login shows again.
	if r := stan.Post(path, url.Values{"display_name": {""}}); r.StatusCode != http.StatusSeeOther || name() != "" {
		t.Fatalf("clearing the name: %d, stored %q", r.StatusCode, name())
	}
}
