package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

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
