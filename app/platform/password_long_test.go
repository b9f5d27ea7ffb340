package platform_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/platform"
)

// A password longer than bcrypt can read (72 bytes) is refused next to its field in the person's
// language, on the owner's new-user form and on the profile's password change; it used to reach
// bcrypt, whose refusal answered a 500. 72 bytes is still accepted, and 37 Turkish letters of two
// bytes each are refused although they are fewer than 72 characters.
func TestPasswordLongerThanBcryptReadsIsRefused(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	ctx := context.Background()
	const msg = "Şifre çok uzun"
	for _, pw := range []string{strings.Repeat("p", 73), strings.Repeat("ş", 37), strings.Repeat("x", 10000)} {
		r := owner.Post("/app/settings/users", url.Values{"username": {"yeni"}, "password": {pw}, "role": {"operator"}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find(".field-error").Text(), msg) {
			t.Errorf("new user, password of %d bytes: %d, errors %q", len(pw), r.StatusCode, r.Doc(t).Find(".field-error").Text())
		}
		r = owner.Post("/app/profile/password", url.Values{"current_password": {apptest.Password}, "new_password": {pw}, "new_password_again": {pw}})
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Doc(t).Find(".field-error").Text(), msg) {
			t.Errorf("password change to %d bytes: %d, errors %q", len(pw), r.StatusCode, r.Doc(t).Find(".field-error").Text())
		}
	}
	if _, err := e.Server.Platform.UserByUsername(ctx, "yeni"); err == nil {
		t.Error("a refused new user was stored")
	}
	// The service refuses it too (the CLI's user create and set-password).
	if _, err := e.Server.Platform.CreateUser(ctx, "cli", strings.Repeat("p", 73), false); err == nil {
		t.Error("CreateUser took a 73-byte password")
	}
	if r := owner.Post("/app/settings/users", url.Values{"username": {"uzun"}, "password": {strings.Repeat("kiremit-", platform.MaxPasswordLen/8)}, "role": {"operator"}}); r.StatusCode != http.StatusSeeOther { // one letter repeated is a common password
		t.Errorf("a 72-byte password: %d", r.StatusCode)
	}
}
