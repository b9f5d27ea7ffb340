package msp_test

import (
	"context"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/i18n"
	"highvibe/app/msp"
)

// TestStartingPolicyInBusinessLanguage: a new business's starting SLA policy is named in the
// business's own language ("Standart" for a Turkish one), not the migration's English "Standard",
// and it is still the default one.
func TestStartingPolicyInBusinessLanguage(t *testing.T) {
	t.Parallel()
	e := apptest.NewWith(t, apptest.Options{NoJobs: true})
	for slug, lang := range map[string]string{"bilisim": "tr", "itdienst": "de", "nuzum": "ar", "acme": "en"} {
		e.Tenant(slug, "default", lang)
		ps, err := msp.SLAPolicies(context.Background(), e.DB(slug).Read)
		if err != nil {
			t.Fatal(err)
		}
		want := i18n.For(lang).T("sla.default_name")
		if len(ps) != 1 || ps[0].Name != want || !ps[0].Default {
			t.Errorf("%s (%s): starting policies %+v, want one default named %q", slug, lang, ps, want)
		}
	}
	if got := i18n.For("tr").T("sla.default_name"); got != "Standart" {
		t.Errorf("the Turkish starting policy is named %q", got)
	}
}
