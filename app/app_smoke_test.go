package app_test

import (
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

func TestLoginAndSettingsSmoke(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	r := owner.Get("/app/settings/")
	if r.StatusCode != 200 || !strings.Contains(r.Body, "Acme Ltd") {
		t.Fatalf("settings: %d", r.StatusCode)
	}
	r = owner.Post("/app/settings/profile", url.Values{"name": {""}})
	if r.StatusCode != 422 {
		t.Fatalf("empty name: want 422, got %d", r.StatusCode)
	}
}
