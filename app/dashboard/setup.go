package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Setup is the "First steps" card an owner sees on a new business (guide 05-dashboard.md): what
// a business needs before its first customer writes, each step a link to the page that does it
// and ticked from the business's own data, so nothing is ticked by hand and nothing ticks itself
// wrongly. The card goes away once every step is done.
type Setup struct {
	Steps []SetupStep
	Done  int
}

// SetupStep is one step: its catalog key (dashboard.setup.<Key> and .<Key>_hint), where it is
// done and whether it is. Skippable is a step the owner may mark not needed (the widget: a
// business without a website can never do it); Skipped is one so marked, which counts as done.
type SetupStep struct {
	Key, Href string
	// Hint is the catalog key of the line under the step when it is not dashboard.setup.<Key>_hint.
	Hint string
	// HintZone: the line names the zone the panel shows and reads times in (its %s): the hours
	// step, which is where that zone is set.
	HintZone           bool
	Done               bool
	Skippable, Skipped bool
}

// setupSteps reads which first steps a business has done: business hours saved and in use (until
// the page is saved the panel reads times in the product's default zone, which the step names;
// saved with the hours switched off, there are no business hours and the step says so; in use, the
// step names the zone saved), a chat greeting and a privacy notice written, a message come in through the
// widget on the business's own website, a second member made, and, with the sales module on, a product in the catalog.
// Nil when every step is done.
func setupSteps(ctx context.Context, db *tenantdb.DB, ps *platform.Service, t *platform.Tenant) (*Setup, error) {
	cfg, hoursSet, err := hoursdb.Load(ctx, db.Read)
	if err != nil {
		return nil, err
	}
	var products bool
	if err := db.Read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM products)`).Scan(&products); err != nil {
		return nil, fmt.Errorf("dashboard: first steps: %w", err)
	}
	// The widget is on the website once a message came through it from the business's own site
	// (the widget's mark, widget_site); web chats typed on HighVibe's demo or landing page are not.
	widget := t.Setting("widget_site") != ""
	members, err := ps.MembersOfTenant(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	hoursStep := SetupStep{Key: "hours", Href: "/app/settings/hours", Done: hoursSet && cfg.Enabled, HintZone: !hoursSet}
	switch {
	case hoursSet && !cfg.Enabled:
		hoursStep.Hint = "dashboard.setup.hours_off_hint"
	case hoursSet:
		hoursStep.Hint, hoursStep.HintZone = "hours.zone_now", true
	}
	steps := []SetupStep{
		hoursStep,
		{Key: "profile", Href: "/app/settings/#profile", Done: strings.TrimSpace(t.Setting("greeting")) != "" && strings.TrimSpace(t.Setting("privacy_notice")) != ""},
		{Key: "widget", Href: "/app/settings/channels", Done: widget || !widgetNeeded(t), Skippable: !widget, Skipped: !widget && !widgetNeeded(t)},
		{Key: "team", Href: "/app/settings/#users", Done: len(members) > 1},
	}
	if t.HasModule(platform.ModuleSales) {
		steps = append(steps, SetupStep{Key: "products", Href: "/products/", Done: products})
	}
	s := &Setup{Steps: steps}
	for _, st := range steps {
		if st.Done {
			s.Done++
		}
	}
	if s.Done == len(steps) {
		return nil, nil
	}
	return s, nil
}

// widgetNeeded is false once the owner marked the widget step not needed (setup_widget_needed).
func widgetNeeded(t *platform.Tenant) bool {
	v, err := strconv.ParseBool(t.Setting("setup_widget_needed"))
	return err != nil || v
}

// SkipWidget is POST /app/setup/widget: needed=false marks the first steps' widget step not
// needed (a business without a website), needed=true puts it back on the card.
func (h *Handler) SkipWidget(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	needed := r.PostFormValue("needed") == "true"
	if err := h.Platform.SetSettings(r.Context(), c.Tenant.Slug, map[string]string{"setup_widget_needed": strconv.FormatBool(needed)}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if needed {
		web.FlashKey(w, r, true, "dashboard.setup.widget_back")
	} else {
		web.FlashKey(w, r, true, "dashboard.setup.widget_skipped")
	}
	web.Redirect(w, r, "/app/")
}
