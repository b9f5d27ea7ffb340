package web

import "highvibe/app/platform"

// NicheOption is one niche a form offers: a built-in one named from the catalog (niche.<id>), a
// custom one by its own name in the reader's language.
type NicheOption struct {
	ID, Name string
	Custom   bool
}

// NicheOptions lists the built-in niches, then the custom ones, for a niche select.
func NicheOptions(c *Ctx, custom []*platform.Niche) []NicheOption {
	out := make([]NicheOption, 0, len(platform.Niches)+len(custom))
	for _, id := range platform.Niches {
		out = append(out, NicheOption{ID: id, Name: c.T("niche." + id)})
	}
	for _, n := range custom {
		out = append(out, NicheOption{ID: n.ID, Name: n.Name(c.Lang), Custom: true})
	}
	return out
}

// NicheName names niche id in the reader's language (custom: the niches staff defined; an id
// neither built in nor among them is shown as it is).
func NicheName(c *Ctx, id string, custom []*platform.Niche) string {
	if platform.BuiltinNiche(id) {
		return c.T("niche." + id)
	}
	for _, n := range custom {
		if n.ID == id {
			return n.Name(c.Lang)
		}
	}
	return id
}
