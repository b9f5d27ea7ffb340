package app_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"highvibe/app"
)

// TestUserCreateWithName: `user create` had no way to say what a person is called, so the first
// owner of every business wrote to customers as their login. --name gives the name they go by
// (what {{agent}} becomes); a name with a control character or longer than 60 characters is
// refused before anything is created; on an existing user it changes the name.
func TestUserCreateWithName(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme")
	for _, bad := range []string{"Talha\nKaya", strings.Repeat("a", 61)} {
		if code, _, errs := cli(t, dir, "a long enough password\n", "user", "create", "--username", "talha.k", "--name", bad, "--password-stdin",
			"--tenant", "acme", "--role", "owner"); code != app.ExitUsage || !strings.Contains(errs, "--name") {
			t.Fatalf("--name %q: exit %d, %q", bad, code, errs)
		}
	}
	name := func(user string) (string, bool) {
		t.Helper()
		db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "platform.db")+"?mode=ro")
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var n string
		err = db.QueryRow(`SELECT display_name FROM users WHERE username = ?`, user).Scan(&n)
		if err == sql.ErrNoRows {
			return "", false
		} else if err != nil {
			t.Fatal(err)
		}
		return n, true
	}
	if _, found := name("talha.k"); found {
		t.Fatal("a refused --name created the user")
	}
	out := mustCLI(t, dir, "a long enough password\n", "user", "create", "--username", "talha.k", "--name", " Talha Kaya ", "--password-stdin", "--tenant", "acme", "--role", "owner")
	if n, _ := name("talha.k"); n != "Talha Kaya" || !strings.Contains(out, `"Talha Kaya"`) {
		t.Fatalf("stored %q, said %q", n, out)
	}
	mustCLI(t, dir, "", "user", "create", "--username", "talha.k", "--name", "Talha K.")
	if n, _ := name("talha.k"); n != "Talha K." {
		t.Fatalf("renamed to %q", n)
	}
}
