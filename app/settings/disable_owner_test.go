package settings_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestTheLastActiveOwnerCannotBeDisabled: "Disable" was offered on every row, the only owner's
// own included, and confirmed with the delete question "Are you sure? This cannot be undone.",
// though Enable undoes it. Platform staff could disable the business's only owner, leaving it
// with nobody to manage its users. Now the button is not offered on one's own row nor on the last
// active owner's, the server refuses disabling that owner, and the question says what happens.
func TestTheLastActiveOwnerCannotBeDisabled(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "omer", "operator")
	staff := e.User("", "stan", "staff")
	if r := staff.Post("/app/switch/", url.Values{"tenant": {"acme"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff into acme: %d", r.StatusCode)
	}
	disableOf := func(c *apptest.Client, id int64) int {
		doc := c.Get("/app/settings/").Doc(t)
		return doc.Find(`form[action="/app/settings/users/` + strconv.FormatInt(id, 10) + `/disable"] button[data-confirm]`).Length()
	}
	if n := disableOf(owner, owner.UserID); n != 0 {
		t.Error("the only owner is offered to disable themselves")
	}
	if n := disableOf(staff, owner.UserID); n != 0 {
		t.Error("staff are offered to disable the business's only owner")
	}
	doc := owner.Get("/app/settings/?lang=tr").Doc(t)
	q, _ := doc.Find(`form[action="/app/settings/users/` + strconv.FormatInt(op.UserID, 10) + `/disable"] button`).Attr("data-confirm")
	if strings.Contains(q, "geri alınamaz") || !strings.Contains(q, "Etkinleştir") {
		t.Errorf("the disable question reads %q: it should say Etkinleştir turns access back on", q)
	}

	// The server refuses it too (an old page, a crafted post).
	if r := staff.Post("/app/settings/users/"+strconv.FormatInt(owner.UserID, 10)+"/disable", url.Values{"disabled": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable the owner: %d", r.StatusCode)
	}
	disabled := func(id int64) bool {
		var d bool
		if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT disabled FROM memberships WHERE user_id = ?`, id).Scan(&d); err != nil {
			t.Fatal(err)
		}
		return d
	}
	if disabled(owner.UserID) {
		t.Fatal("staff disabled the business's only active owner")
	}
	if r := owner.Get("/app/settings/"); r.StatusCode != http.StatusOK {
		t.Fatalf("the owner lost the panel: %d", r.StatusCode)
	}

	// With a second owner either can be disabled (by someone else).
	if r := owner.Post("/app/settings/users/"+strconv.FormatInt(op.UserID, 10)+"/role", url.Values{"role": {"owner"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second owner: %d", r.StatusCode)
	}
	if n := disableOf(owner, op.UserID); n != 1 {
		t.Error("a second owner cannot be disabled")
	}
	if r := staff.Post("/app/settings/users/"+strconv.FormatInt(op.UserID, 10)+"/disable", url.Values{"disabled": {"true"}}); r.StatusCode != http.StatusSeeOther || !disabled(op.UserID) {
		t.Fatalf("disabling one of two owners: %d", r.StatusCode)
	}
	// Now talha is the last active one again.
	if r := staff.Post("/app/settings/users/"+strconv.FormatInt(owner.UserID, 10)+"/disable", url.Values{"disabled": {"true"}}); r.StatusCode != http.StatusSeeOther || disabled(owner.UserID) {
		t.Fatal("the last active owner was disabled once the other owner was")
	}
}

// TestTheLastActiveOwnerKeepsTheRole: platform staff (who may change anyone's role, their own
// check being only that an owner cannot demote themselves) could make a business's only owner an
// operator, leaving nobody to manage its users, as disabling did. Refused now, in the reader's
// language; with a second active owner the role changes.
func TestTheLastActiveOwnerKeepsTheRole(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha", "owner")
	op := e.User("acme", "omer", "operator")
	staff := e.User("", "stan", "staff")
	if r := staff.Post("/app/switch/", url.Values{"tenant": {"acme"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("staff into acme: %d", r.StatusCode)
	}
	role := func(id int64) string {
		var s string
		if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT role FROM memberships WHERE user_id = ?`, id).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	ownerURL := "/app/settings/users/" + strconv.FormatInt(owner.UserID, 10) + "/role"
	if r := staff.Post(ownerURL, url.Values{"role": {"operator"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("demote the owner: %d", r.StatusCode)
	}
	if got := role(owner.UserID); got != "owner" {
		t.Fatalf("staff made the only active owner %q", got)
	}
	if body := staff.Get("/app/settings/?lang=tr").Doc(t).Text(); !strings.Contains(body, "Tek etkin sahibin rolü değiştirilemez") {
		t.Error("the refusal is not said in Turkish")
	}
	if r := owner.Post("/app/settings/users/"+strconv.FormatInt(op.UserID, 10)+"/role", url.Values{"role": {"owner"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("second owner: %d", r.StatusCode)
	}
	if r := staff.Post(ownerURL, url.Values{"role": {"operator"}}); r.StatusCode != http.StatusSeeOther || role(owner.UserID) != "operator" {
		t.Fatalf("with a second owner the first could not be made operator: %d %q", r.StatusCode, role(owner.UserID))
	}
}
