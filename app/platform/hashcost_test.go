package platform_test

import (
	"context"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// TestPasswordHashCost: a service with default settings stores every password hash (a new user,
// a changed password) at the product's bcrypt cost, 10; a service whose HashCost a test lowered
// stores its hashes at that cost, and both sign their users in.
func TestPasswordHashCost(t *testing.T) {
	ctx := context.Background()
	m, err := tenantdb.NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if platform.HashCost != 10 {
		t.Fatalf("HashCost %d, want 10", platform.HashCost)
	}
	s := platform.NewService(m)
	cost := func(name string) int {
		t.Helper()
		u, err := s.UserByUsername(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		c, err := bcrypt.Cost([]byte(u.PasswordHash))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	u, err := s.CreateUser(ctx, "olga", "long enough password", false)
	if err != nil {
		t.Fatal(err)
	}
	if c := cost("olga"); c != 10 {
		t.Fatalf("new user's hash at cost %d, want 10", c)
	}
	if err := s.SetPassword(ctx, u.ID, "another long password"); err != nil {
		t.Fatal(err)
	}
	if c := cost("olga"); c != 10 {
		t.Fatalf("changed password's hash at cost %d, want 10", c)
	}
	if _, ok := s.Authenticate(ctx, "olga", "another long password"); !ok {
		t.Fatal("olga cannot sign in with her new password")
	}

	s.HashCost = bcrypt.MinCost
	if _, err := s.CreateUser(ctx, "ivan", "long enough password", false); err != nil {
		t.Fatal(err)
	}
	if c := cost("ivan"); c != bcrypt.MinCost {
		t.Fatalf("hash at cost %d with HashCost %d", c, bcrypt.MinCost)
	}
	if _, ok := s.Authenticate(ctx, "ivan", "long enough password"); !ok {
		t.Fatal("ivan cannot sign in")
	}
	if _, ok := s.Authenticate(ctx, "ivan", "wrong password!"); ok {
		t.Fatal("ivan signs in with a wrong password")
	}
}
