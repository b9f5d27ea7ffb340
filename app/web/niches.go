package web

import (
	"slices"
	"strings"

	"highvibe/app/platform"
)

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

// ModuleRow is one module of a modules form (settings page, staff console).
type ModuleRow struct {
	ID                   string
	On, AlwaysOn, Chosen bool
}

// ModuleRows lists every module of t with its state, in the order forms show them.
func ModuleRows(t *platform.Tenant) []ModuleRow {
	out := make([]ModuleRow, 0, len(platform.Modules))
	for _, m := range platform.Modules {
		out = append(out, ModuleRow{ID: m, On: t.HasModule(m), AlwaysOn: platform.AlwaysOn(m), Chosen: t.ModuleChosen(m)})
	}
	return out
}

// ModulesValue reads a modules form: the ticked modules as a module list, or "default" when the
// form asked to go back to the niche's defaults.
func ModulesValue(form map[string][]string) string {
	if len(form["reset"]) > 0 && form["reset"][0] != "" {
		return "default"
	}
	out := ""
	for i, m := range form["module"] {
		if i > 0 {
			out += ","
		}
		out += m
	}
	return out
}

// ShownModulesField is the modules form's hidden field: the optional modules it showed on, comma
// separated ("" = none on). A post without it saves the ticked modules as sent.
const ShownModulesField = "shown_modules"

// KeepNewerModules is the module list to store (the owner's settings page and the staff console's
// tenant page) for a modules form that ticked value and showed
// shownOn: a module left as the form showed it while it was switched on or off since keeps its
// state now. It returns the list and the modules so kept, in Modules order.
func KeepNewerModules(value, shownOn string, now *platform.Tenant) (string, []string) {
	ticked, _, _ := platform.ParseModules(value)
	shown, _, _ := platform.ParseModules(shownOn)
	var out, kept []string
	for _, m := range platform.Modules {
		if platform.AlwaysOn(m) {
			continue
		}
		on := slices.Contains(ticked, m)
		if was := slices.Contains(shown, m); on == was && now.HasModule(m) != was {
			on = !on
			kept = append(kept, m)
		}
		if on {
			out = append(out, m)
		}
	}
	return strings.Join(out, ","), kept
}
