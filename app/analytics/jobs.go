package analytics

import (
	"context"

	"highvibe/app/jobs"
	"highvibe/app/platform"
)

// RegisterJobs registers the background snapshot job in the housekeeping lane; tenant settings
// come from the platform, the heatmap's channels from the channel registry.
func RegisterJobs(r *jobs.Runner, p *platform.Service, channels []string) {
	r.HandleIn(jobs.LaneHousekeeping, JobKind, JobHandler(func(ctx context.Context, slug string) (Params, error) {
		t, err := p.TenantBySlug(ctx, slug)
		if err != nil {
			return Params{}, err
		}
		ps := ParamsFrom(t.Setting)
		ps.Channels = channels
		ps.MSP = t.HasModule(platform.ModuleMSP)
		ps.Seasonal = t.HasModule(platform.ModuleSeasonal)
		return ps, nil
	}))
}
