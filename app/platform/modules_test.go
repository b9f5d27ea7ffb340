package platform_test

import (
	"context"
	"strings"
	"testing"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// TestModuleChoiceBeatsNiche: a tenant without a choice follows its niche's modules, also after a
// change of niche; an explicit choice wins over any niche until it is reset with "default"; a
// refused value stores nothing.
func TestModuleChoiceBeatsNiche(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	m, err := tenantdb.NewManager(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	s := platform.NewService(m)
	if _, err := s.CreateTenant(ctx, "acme", "Acme", "emlakci", "tr"); err != nil {
		t.Fatal(err)
	}
	mods := func() string {
		t.Helper()
		ten, err := s.TenantBySlug(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(ten.EnabledModules(), ",") + " " + ten.Setting("modules")
	}
	steps := []struct {
		set  map[string]string
		want string
		bad  bool
	}{
		{nil, "core,conversations,sales", false},
		{map[string]string{"niche": "parke_tas"}, "core,conversations,sales,construction,repair", false},
		{map[string]string{"modules": "msp,sales"}, "core,conversations,sales,msp", false},
		{map[string]string{"niche": "cicekci"}, "core,conversations,sales,msp", false}, // the choice stays
		{map[string]string{"modules": "sales,Teleport"}, "core,conversations,sales,msp", true},
		{map[string]string{"modules": "default"}, "core,conversations,sales,inventory,seasonal", false},
		{map[string]string{"modules": ""}, "core,conversations", false},
		{map[string]string{"modules": "CORE, conversations"}, "core,conversations", false},
	}
	for i, st := range steps {
		if st.set != nil {
			err := s.SetSettings(ctx, "acme", st.set)
			if st.bad != (err != nil) {
				t.Fatalf("step %d %v: err %v", i, st.set, err)
			}
		}
		if got := mods(); got != st.want+" "+st.want {
			t.Fatalf("step %d %v: modules %q, want %q", i, st.set, got, st.want)
		}
	}
	// A listed tenant knows its modules too (jobs walk ListTenants).
	s.SetSettings(ctx, "acme", map[string]string{"modules": "msp"})
	list, err := s.ListTenants(ctx)
	if err != nil || len(list) != 1 || !list[0].HasModule(platform.ModuleMSP) || list[0].HasModule(platform.ModuleSales) {
		t.Fatalf("listed tenant's modules: %v %v", err, list[0].EnabledModules())
	}
	s.SetSettings(ctx, "acme", map[string]string{"modules": ""})
	if ok, err := s.HasModule(ctx, "acme", platform.ModuleConversations); !ok || err != nil {
		t.Fatal("conversations is always on")
	}
	if ok, _ := s.HasModule(ctx, "acme", platform.ModuleSales); ok {
		t.Fatal("sales was turned off")
	}
}
