package app_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"highvibe/app"
	"highvibe/app/platform"
)

// TestServerStoresHashesAtTheProductCost: a server with the options serve gives it stores its
// users' password hashes at the product's bcrypt cost (platform.HashCost, 10). The harness's
// servers store theirs at bcrypt's least (apptest.PasswordHashCost) to keep the tests' logins
// cheap; this is the check that the product itself does not.
func TestServerStoresHashesAtTheProductCost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, _, err := app.NewServer(ctx, app.Options{DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	u, err := s.Platform.CreateUser(ctx, "olga", "long enough password", false)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := bcrypt.Cost([]byte(u.PasswordHash)); err != nil || c != platform.HashCost {
		t.Fatalf("password hash at cost %d (%v), want 10", c, err)
	}
}
