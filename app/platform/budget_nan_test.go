package platform_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// A monthly AI budget of "NaN" is refused like any other bad amount: it used to be stored, and
// NaN compares false with every spend, so a paid provider never ran out of budget and the owner's
// settings page showed "NaN $".
func TestBudgetRefusesNaN(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	staff := e.User("", "stan", "staff")
	for _, v := range []string{"NaN", "nan", "Inf", "+Inf"} {
		r := staff.Post("/staff/tenants/acme/ai", url.Values{"ai_provider": {"builtin"}, "monthly_budget_usd": {v}, "privacy_profile": {"masked"}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("budget %q: status %d, want 422", v, r.StatusCode)
			continue
		}
		if got := r.Doc(t).Find(`#monthly_budget_usd ~ .field-error`).Text(); !strings.Contains(got, "1.000.000") {
			t.Errorf("budget %q: field error %q", v, got)
		}
	}
	if err := e.Server.Platform.SetSettings(context.Background(), "acme", map[string]string{"monthly_budget_usd": "NaN"}); err == nil {
		t.Error("SetSettings (the CLI's tenant set) stored a budget of NaN")
	}
	if tt, _ := e.Server.Platform.TenantBySlug(context.Background(), "acme"); tt.Setting("monthly_budget_usd") != "20" {
		t.Errorf("budget stored: %q", tt.Setting("monthly_budget_usd"))
	}
}
