package settings_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"highvibe/app/apptest"
)

// Changing the role of a member whose access was disabled changes the role only: the person stays
// disabled until the owner presses Enable. The role change let them back in without a word (a
// fired operator demoted to viewer while tidying up could sign in and read every conversation).
func TestChangeRoleKeepsADisabledMemberDisabled(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	owner := e.User("acme", "olga", "owner")
	op := e.User("acme", "omer", "operator")
	id := strconv.FormatInt(op.UserID, 10)
	if r := owner.Post("/app/settings/users/"+id+"/disable", url.Values{"disabled": {"true"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.StatusCode)
	}
	if r := owner.Post("/app/settings/users/"+id+"/role", url.Values{"role": {"viewer"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("change role: %d", r.StatusCode)
	}
	var role string
	var disabled bool
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT role, disabled FROM memberships WHERE user_id = ?`, op.UserID).Scan(&role, &disabled); err != nil {
		t.Fatal(err)
	}
	if role != "viewer" || !disabled {
		t.Errorf("after the role change: role %s, disabled %v; want viewer, disabled", role, disabled)
	}
	again := e.Client()
	again.Login("omer", apptest.Password)
	if r := again.Get("/app/inbox/"); r.StatusCode == http.StatusOK {
		t.Errorf("the disabled member reads the inbox after a role change: %d", r.StatusCode)
	}

	// Enable opens their access again, in the new role.
	if r := owner.Post("/app/settings/users/"+id+"/disable", url.Values{"disabled": {"false"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.StatusCode)
	}
	back := e.Client()
	back.Login("omer", apptest.Password)
	if r := back.Get("/app/inbox/"); r.StatusCode != http.StatusOK {
		t.Errorf("enabled again: %d", r.StatusCode)
	}
	if r := back.Post("/app/inbox/new/", url.Values{}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer writing: %d", r.StatusCode)
	}
}
