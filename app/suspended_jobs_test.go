package app_test

import (
	"context"
	"slices"
	"testing"

	"highvibe/app/apptest"
)

// TestSuspendedTenantsJobsWait: the job runner works the open tenants but a suspended one, whose
// queued replies, deliveries and assistant work wait untouched until it is active again (guide:
// 37-staff-console.md).
func TestSuspendedTenantsJobsWait(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	e.Tenant("beta")
	ctx := context.Background()
	refresh := func() []string {
		t.Helper()
		if _, err := e.Server.OpenAllTenants(ctx); err != nil {
			t.Fatal(err)
		}
		return e.Server.JobSlugs()
	}
	if got := refresh(); !slices.Contains(got, "acme") || !slices.Contains(got, "beta") {
		t.Fatalf("active tenants' jobs: %v", got)
	}
	if err := e.Server.Platform.SetSettings(ctx, "acme", map[string]string{"status": "inactive"}); err != nil {
		t.Fatal(err)
	}
	if got := refresh(); slices.Contains(got, "acme") || !slices.Contains(got, "beta") {
		t.Fatalf("with acme suspended the runner works %v", got)
	}
	if err := e.Server.Platform.SetSettings(ctx, "acme", map[string]string{"status": "active"}); err != nil {
		t.Fatal(err)
	}
	if got := refresh(); !slices.Contains(got, "acme") {
		t.Fatalf("acme reactivated, the runner works %v", got)
	}
}
