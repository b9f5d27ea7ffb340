package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"highvibe/app"
	"highvibe/app/apptest"
	"highvibe/app/audit"
	"highvibe/app/auth"
)

// wildcard matches a path value in a net/http pattern: {id}, {section}, {rest...}, and {$}.
var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// routeRequest turns a route pattern into a method and a concrete path, filling every wildcard
// with a plausible value: ids become id, sections become a real guide section.
func routeRequest(pattern, id string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	path = wildcard.ReplaceAllStringFunc(path, func(w string) string {
		switch {
		case w == "{$}":
			return ""
		case strings.Contains(w, "section"):
			return "philosophy"
		case strings.Contains(w, "slug"):
			return "acme"
		}
		return id
	})
	return method, path
}

// panelRoutes lists the route table's panel routes, read from a real server so routes that other
// rooms add later are covered automatically.
func panelRoutes(e *apptest.Env) []app.Route {
	var out []app.Route
	for _, rt := range e.Server.Routes(e.Handlers) {
		if isPanel(rt) {
			out = append(out, rt)
		}
	}
	if len(out) == 0 {
		e.T.Fatal("no panel routes in the route table")
	}
	return out
}

// isPanel tells panel routes from public ones: every panel route names a permission, public ones
// name none (the route table's access type is unexported).
func isPanel(rt app.Route) bool { return rt.Perm != "" }

// send issues the route's request as client c (same-origin for POSTs, like the panel's own forms).
func send(c *apptest.Client, method, path string, form url.Values) *apptest.Resp {
	if method == http.MethodGet {
		return c.Get(path)
	}
	if method == http.MethodPost {
		return c.Post(path, form)
	}
	req, _ := http.NewRequest(method, c.E.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.E.URL)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return c.Do(req)
}

// memberless creates a user with no membership anywhere and logs them in.
func memberless(t *testing.T, e *apptest.Env, username string) *apptest.Client {
	t.Helper()
	if _, err := e.Server.Platform.CreateUser(context.Background(), username, apptest.Password, false); err != nil {
		t.Fatal(err)
	}
	c := e.Client()
	c.Login(username, apptest.Password)
	return c
}

// TestRouteRoleMatrix proves the role rules (guide: 02-roles.md) at the server for every panel route of the route table: the
// answer is 403 exactly when auth.Can says no; anonymous visitors are sent to /login/.
func TestRouteRoleMatrix(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	allModules(e, "acme") // every route is there, so each answers by its permission (modules_test.go: with a module off, 404)
	type who struct {
		name   string
		role   string
		staff  bool
		client *apptest.Client
	}
	people := []who{
		{name: "owner", role: "owner", client: e.User("acme", "olga", "owner")},
		{name: "operator", role: "operator", client: e.User("acme", "oscar", "operator")},
		{name: "viewer", role: "viewer", client: e.User("acme", "vera", "viewer")},
		{name: "staff", role: "", staff: true, client: e.User("", "stan", "staff")},
		{name: "no-membership", role: "", client: memberless(t, e, "nomad")},
		{name: "anonymous", client: e.Client()},
	}
	// Form values that keep the requests harmless: the switcher stays on the same tenant and ids
	// point at nothing, so no row that the next request depends on is changed.
	form := url.Values{"tenant": {"acme"}}
	for _, rt := range panelRoutes(e) {
		method, path := routeRequest(rt.Pattern, "999999")
		for _, p := range people {
			t.Run(p.name+" "+rt.Pattern, func(t *testing.T) {
				r := send(p.client, method, path, form)
				if p.name == "anonymous" {
					loc := r.Header.Get("Location") + r.Header.Get("HX-Redirect")
					if r.StatusCode/100 != 3 || !strings.HasPrefix(loc, "/login/") {
						t.Fatalf("%s %s anonymous: status %d location %q, want a redirect to /login/", method, path, r.StatusCode, loc)
					}
					return
				}
				allowed := auth.Can(p.role, p.staff, rt.Perm)
				if allowed && r.StatusCode == http.StatusForbidden {
					t.Fatalf("%s %s as %s: 403 but auth.Can allows %s: %.300s", method, path, p.name, rt.Perm, r.Body)
				}
				if !allowed && r.StatusCode != http.StatusForbidden {
					t.Fatalf("%s %s as %s: status %d, want 403 (auth.Can refuses %s)", method, path, p.name, r.StatusCode, rt.Perm)
				}
				// The refusal names the missing permission in words, never by its catalog key.
				if r.StatusCode == http.StatusForbidden && strings.Contains(r.Body, "perm.") {
					t.Fatalf("%s %s as %s: the 403 page shows a raw catalog key: %.300s", method, path, p.name, r.Body[strings.Index(r.Body, "perm."):])
				}
				if r.StatusCode >= 500 {
					t.Fatalf("%s %s as %s: server error %d", method, path, p.name, r.StatusCode)
				}
			})
		}
	}
}

// TestTenantIsolationAllRoutes plants markers in tenant A and requests every panel route as the
// members of tenant B: nothing of A is ever shown, nothing of A changes, and B cannot switch to A.
func TestTenantIsolationAllRoutes(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	const marker = "ZEBRA-7731-SECRET"
	e.Tenant("alpha")
	e.Set("alpha", map[string]string{"name": "Alphamarker Stone " + marker, "greeting": "hello " + marker, "privacy_notice": "notice " + marker})
	if err := audit.Log(context.Background(), e.DB("alpha"), audit.Entry{Provider: "settings", ActionType: "plant", Summary: "planted " + marker, ModelName: "human-review"}); err != nil {
		t.Fatal(err)
	}
	alphaOwner := e.User("alpha", "aowner", "owner")
	e.Tenant("bravo")
	allModules(e, "alpha")
	allModules(e, "bravo")
	// The owner goes last: the hostile posts may legitimately change bravo's own members.
	type member struct {
		who string
		c   *apptest.Client
	}
	clients := []member{
		{"viewer", e.User("bravo", "bviewer", "viewer")},
		{"operator", e.User("bravo", "boperator", "operator")},
		{"owner", e.User("bravo", "bowner", "owner")},
	}
	countLogs := func() int {
		var n int
		if err := e.DB("alpha").Read.QueryRow(`SELECT count(*) FROM action_logs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := countLogs()
	// Hostile form values: names, roles and flags that would change A if a handler trusted ids.
	hostile := url.Values{"tenant": {"alpha"}, "name": {"hacked"}, "role": {"viewer"}, "disabled": {"true"},
		"greeting": {"hacked"}, "username": {"intruder"}, "password": {"intruder-password-1"}, "body": {"hacked"}}
	for _, m := range clients {
		who, c := m.who, m.c
		for _, rt := range panelRoutes(e) {
			for _, id := range []string{"1", "2", "3"} {
				method, path := routeRequest(rt.Pattern, id)
				r := send(c, method, path, hostile)
				if strings.Contains(r.Body, marker) || strings.Contains(r.Body, "Alphamarker") {
					t.Fatalf("%s of bravo: %s %s shows tenant alpha's data", who, method, path)
				}
				if r.StatusCode >= 500 {
					t.Fatalf("%s of bravo: %s %s: server error %d", who, method, path, r.StatusCode)
				}
			}
		}
		// Switching into A is refused outright.
		if r := c.Post("/app/switch/", url.Values{"tenant": {"alpha"}}); r.StatusCode != http.StatusForbidden {
			t.Fatalf("%s of bravo switching to alpha: status %d, want 403", who, r.StatusCode)
		}
		if r := c.Get("/app/"); strings.Contains(r.Body, marker) || r.StatusCode != http.StatusOK {
			t.Fatalf("%s of bravo after refused switch: status %d or alpha shown", who, r.StatusCode)
		}
	}
	// Tenant A is untouched: settings, audit trail, its owner's account and role.
	ta, err := e.Server.Platform.TenantBySlug(context.Background(), "alpha")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(ta.Name, marker) || !strings.Contains(ta.Setting("greeting"), marker) {
		t.Fatalf("alpha's settings changed: name %q greeting %q", ta.Name, ta.Setting("greeting"))
	}
	if after := countLogs(); after != before {
		t.Fatalf("alpha's action log grew from %d to %d rows while only bravo's users acted", before, after)
	}
	if r := alphaOwner.Get("/app/settings/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, marker) {
		t.Fatalf("alpha's owner lost access to alpha: status %d", r.StatusCode)
	}
	var role string
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = 'aowner'`).Scan(&role); err != nil {
		t.Fatal(err)
	}
	if role != "owner" {
		t.Fatalf("alpha's owner role became %q", role)
	}
	if _, ok := e.Server.Platform.Authenticate(context.Background(), "intruder", "intruder-password-1"); ok {
		// Created users belong to bravo; make sure none became a member of alpha.
		u, _ := e.Server.Platform.UserByUsername(context.Background(), "intruder")
		ms, _ := e.Server.Platform.MembershipsOfUser(context.Background(), u.ID)
		for _, m := range ms {
			if m.TenantSlug == "alpha" {
				t.Fatalf("a bravo owner created a member of alpha")
			}
		}
	}
}
