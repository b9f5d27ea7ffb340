package analytics

import (
	"context"

	"highvibe/app/jobs"
	"highvibe/app/platform"
)

// RegisterJobs registers the background snapshot job in the housekeeping lane; tenant settings
// come from the platform.
func RegisterJobs(r *jobs.Runner, p *platform.Service) {
	r.HandleIn(jobs.LaneHousekeeping, JobKind, JobHandler(func(ctx context.Context, slug string) (Params, error) {
		t, err := p.TenantBySlug(ctx, slug)
		if err != nil {
			return Params{}, err
		}
		return ParamsFrom(t.Setting), nil
	}))
}
