package settings_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// The owner's Active sessions list shows and ends only the sessions working in this business. A
// member of two businesses has sessions that move between them with the business switcher; the
// owner of one saw (browser, address) and could end the member's sessions in the other.
func TestOwnerSeesAndEndsOnlySessionsInThisBusiness(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	beta := e.Tenant("beta", "parke_tas", "en")
	owner := e.User("acme", "olga", "owner")
	here := e.User("acme", "mia", "operator") // logs in to acme, her first business
	if err := e.Server.Platform.SetMembership(context.Background(), here.UserID, beta.ID, "owner"); err != nil {
		t.Fatal(err)
	}
	there := e.Client()
	there.Header.Set("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Version/17.0 Mobile/15E148 Safari/604.1")
	there.Login("mia", apptest.Password)
	if r := there.Post("/app/switch/", url.Values{"tenant": {"beta"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch to beta: %d", r.StatusCode)
	}
	ids := map[string]string{} // session id → the business it is in
	rows, err := e.Server.Mgr.Platform.Read.Query(`SELECT id, user_agent FROM sessions WHERE user_id = ? ORDER BY id`, here.UserID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		var ua string
		if err := rows.Scan(&id, &ua); err != nil {
			t.Fatal(err)
		}
		in := "acme"
		if strings.Contains(ua, "iPhone") {
			in = "beta"
		}
		ids[in] = strconv.FormatInt(id, 10)
	}
	rows.Close()
	if len(ids) != 2 {
		t.Fatalf("mia's sessions: %v", ids)
	}

	page := owner.Get("/app/settings/")
	if page.StatusCode != http.StatusOK {
		t.Fatalf("settings: %d", page.StatusCode)
	}
	if !strings.Contains(page.Body, "/app/settings/sessions/"+ids["acme"]+"/revoke") {
		t.Error("the member's session in this business is not listed")
	}
	if strings.Contains(page.Body, "/app/settings/sessions/"+ids["beta"]+"/revoke") || strings.Contains(page.Body, "iPhone") {
		t.Error("the owner of acme sees the member's session in beta (browser, address)")
	}

	// Ending the session in the other business is refused and leaves it working there.
	if r := owner.Post("/app/settings/sessions/"+ids["beta"]+"/revoke", url.Values{}); r.StatusCode != http.StatusNotFound {
		t.Errorf("owner of acme ending the member's session in beta: %d, want 404", r.StatusCode)
	}
	if r := there.Get("/app/inbox/"); r.StatusCode != http.StatusOK {
		t.Errorf("the member's session in beta after acme's owner tried to end it: %d", r.StatusCode)
	}

	// Ending the one in this business works: that browser is signed out.
	if r := owner.Post("/app/settings/sessions/"+ids["acme"]+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("ending the member's session in acme: %d", r.StatusCode)
	}
	if r := here.Get("/app/inbox/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login/") {
		t.Errorf("the ended session still opens the inbox: %d %s", r.StatusCode, r.Header.Get("Location"))
	}

	// Once the beta session comes back to acme, acme's owner sees it and can end it.
	if r := there.Post("/app/switch/", url.Values{"tenant": {"acme"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch back to acme: %d", r.StatusCode)
	}
	if !strings.Contains(owner.Get("/app/settings/").Body, "/app/settings/sessions/"+ids["beta"]+"/revoke") {
		t.Error("a session switched into this business is not listed")
	}
	if r := owner.Post("/app/settings/sessions/"+ids["beta"]+"/revoke", url.Values{}); r.StatusCode != http.StatusSeeOther {
		t.Errorf("ending it once in acme: %d", r.StatusCode)
	}
	if r := there.Get("/app/inbox/"); r.StatusCode == http.StatusOK {
		t.Error("the ended session still opens the inbox")
	}
}
