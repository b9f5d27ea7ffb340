package staff

import (
	"context"

	"highvibe/app/platform"
)

// nichePayload is what the platform trail keeps of a niche.
func nichePayload(n *platform.Niche) map[string]any {
	return map[string]any{"id": n.ID, "names": n.Names, "persona": n.Persona, "vocabulary": n.Vocabulary,
		"forbidden": n.Forbidden, "modules": n.Modules}
}

// CreateNiche defines a custom niche (validated; nothing stored on a mistake) and records it in
// the platform trail.
func (s *Service) CreateNiche(ctx context.Context, a Actor, n *platform.Niche) error {
	if err := s.Platform.CreateNiche(ctx, n); err != nil {
		return err
	}
	return s.record(ctx, a, "", "niche_created", "niche "+n.ID+" ("+n.Names["en"]+") created", nichePayload(n))
}

// UpdateNiche stores every field of an existing custom niche and records it; tenants of the niche
// use the new persona and default modules from their next request.
func (s *Service) UpdateNiche(ctx context.Context, a Actor, n *platform.Niche) error {
	before, err := s.Platform.CustomNiche(ctx, n.ID)
	if err != nil {
		return err
	}
	if err := s.Platform.UpdateNiche(ctx, n); err != nil {
		return err
	}
	return s.record(ctx, a, "", "niche_changed", "niche "+n.ID+" changed",
		map[string]any{"before": nichePayload(before), "after": nichePayload(n)})
}

// DeleteNiche removes a custom niche no tenant uses and records it (the niche as it was); a
// *platform.NicheInUseError names the tenants that still use it.
func (s *Service) DeleteNiche(ctx context.Context, a Actor, id string) error {
	n, err := s.Platform.DeleteNiche(ctx, id)
	if err != nil {
		return err
	}
	return s.record(ctx, a, "", "niche_deleted", "niche "+n.ID+" ("+n.Names["en"]+") deleted", map[string]any{"before": nichePayload(n)})
}
