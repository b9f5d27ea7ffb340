package settings_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// TestDisplayNameOnProfileAndUsersList: a person had only a login name ("talha.k"), which
// customers read for {{agent}}. Now each person gives the name they go by on their profile, and
// whoever manages users sets it on the users list (which keeps showing the login beside it) or
// when creating a user. A name with a line break or control character, or longer than 60
// characters, is refused with a message in the user's language and nothing is stored.
func TestDisplayNameOnProfileAndUsersList(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha.k", "owner")
	op := e.User("acme", "omer", "operator")
	stored := func(id int64) string {
		t.Helper()
		var n string
		if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT display_name FROM users WHERE id = ?`, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// The profile: refused names keep what was typed and store nothing.
	for _, c := range []struct{ name, want string }{
		{strings.Repeat("Ş", 61), "en fazla 60 karakter"},
		{"Talha\nKaya", "satır sonu"},
		{"Talha\u0007Kaya", "görünmeyen karakter"},
		{"Talha\u202eKaya", "görünmeyen karakter"},
	} {
		r := owner.Post("/app/profile/name?lang=tr", url.Values{"display_name": {c.name}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%q: %d, want 422", c.name, r.StatusCode)
		}
		doc := r.Doc(t)
		if msg := doc.Find("#display-name .field-error").Text(); !strings.Contains(msg, c.want) {
			t.Errorf("%q: the field says %q, want %q", c.name, msg, c.want)
		}
		if got := stored(owner.UserID); got != "" {
			t.Fatalf("%q: %q stored", c.name, got)
		}
	}
	if r := owner.Post("/app/profile/name", url.Values{"display_name": {"  Talha Kaya "}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}
	if got := stored(owner.UserID); got != "Talha Kaya" {
		t.Fatalf("stored %q, want it trimmed", got)
	}
	if v, _ := owner.Get("/app/profile/").Doc(t).Find(`#display-name input[name=display_name]`).Attr("value"); v != "Talha Kaya" {
		t.Errorf("the profile's field holds %q", v)
	}

	// The users list: the owner names a colleague; the login stays in view.
	nameURL := "/app/settings/users/" + strconv.FormatInt(op.UserID, 10) + "/name"
	if r := owner.Post(nameURL, url.Values{"display_name": {strings.Repeat("x", 61)}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a too long name on the users list: %d", r.StatusCode)
	}
	if flash := owner.Get("/app/settings/?lang=tr").Doc(t).Find(".flash").Text(); !strings.Contains(flash, "Ad çok uzun") {
		t.Errorf("the refused name is not explained: %q", flash)
	}
	if got := stored(op.UserID); got != "" {
		t.Fatalf("a refused name stored %q", got)
	}
	if r := owner.Post(nameURL, url.Values{"display_name": {"Ömer Çelik"}}); r.StatusCode != http.StatusSeeOther || stored(op.UserID) != "Ömer Çelik" {
		t.Fatalf("naming a colleague: %d, stored %q", r.StatusCode, stored(op.UserID))
	}
	doc := owner.Get("/app/settings/?lang=tr").Doc(t)
	row := doc.Find(`form[action="` + nameURL + `"]`).Closest("tr")
	if v, _ := row.Find(`input[name=display_name]`).Attr("value"); v != "Ömer Çelik" || !strings.Contains(row.Text(), "omer") {
		t.Errorf("the users list row: name %q, text %q", v, row.Text())
	}
	// An operator cannot rename anyone.
	if r := op.Post("/app/settings/users/"+strconv.FormatInt(owner.UserID, 10)+"/name", url.Values{"display_name": {"X"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("an operator renamed the owner: %d", r.StatusCode)
	}

	// A new user with a name; a refused name creates nobody.
	form := func(name string) url.Values {
		return url.Values{"username": {"ayse"}, "password": {"a long enough password"}, "role": {"operator"}, "display_name": {name}}
	}
	if r := owner.Post("/app/settings/users?lang=tr", form("Ayşe\tDemir")); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("a new user with a tab in the name: %d", r.StatusCode)
	}
	var n int
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*) FROM users WHERE username = 'ayse'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused form created %d users (%v)", n, err)
	}
	if r := owner.Post("/app/settings/users", form("Ayşe Demir")); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a new user: %d", r.StatusCode)
	}
	var got string
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT display_name FROM users WHERE username = 'ayse'`).Scan(&got); err != nil || got != "Ayşe Demir" {
		t.Fatalf("the new user's name %q (%v)", got, err)
	}
}

// TestSessionsShowThePersonsName: the owner's list of the team's sessions named each by login
// alone ("ayse"), while everywhere else colleagues read the name the person goes by. It now shows
// the name with the login beside it, and the login alone for someone who gave no name.
func TestSessionsShowThePersonsName(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "talha.k", "owner")
	ayse := e.User("acme", "ayse", "operator")
	e.User("acme", "omer", "operator")
	if r := ayse.Post("/app/profile/name", url.Values{"display_name": {"Ayşe Demir"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("saving the name: %d", r.StatusCode)
	}
	var cells []string
	owner.Get("/app/settings/").Doc(t).Find("#sessions tbody tr td:first-child").Each(func(_ int, s *goquery.Selection) {
		cells = append(cells, s.Text())
	})
	if !slices.Contains(cells, "Ayşe Demir\u00a0· ayse") || !slices.Contains(cells, "omer") || !slices.Contains(cells, "talha.k") {
		t.Errorf("the sessions list names %q, want \"Ayşe Demir · ayse\", \"omer\" and \"talha.k\"", cells)
	}
}
