package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/ai"
	"highvibe/app/apptest"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// tenantIn loads a tenant from a data directory the command line wrote.
func tenantIn(t *testing.T, dir, slug string) *platform.Tenant {
	t.Helper()
	m, err := tenantdb.NewManager(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ten, err := platform.NewService(m).TenantBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return ten
}

// TestModulesAndNichesCLI: `tenant set modules=…` and `niche create|list|set` check everything
// before storing anything, and a tenant can take a custom niche and its default modules.
func TestModulesAndNichesCLI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustCLI(t, dir, "", "tenant", "create", "--slug", "acme", "--name", "Acme", "--niche", "cicekci")
	if got := strings.Join(tenantIn(t, dir, "acme").EnabledModules(), ","); got != "core,conversations,sales,inventory,seasonal" {
		t.Fatalf("florist's modules %q", got)
	}
	refused := func(want string, args ...string) {
		t.Helper()
		code, _, errs := cli(t, dir, "", args...)
		if code != 2 || !strings.Contains(errs, want) {
			t.Fatalf("%v: exit %d stderr %q, want 2 and %q", args, code, errs, want)
		}
	}
	refused(`unknown module "bogus"`, "tenant", "set", "--slug", "acme", "modules=sales,bogus")
	refused(`unknown module "bogus"`, "tenant", "set", "--slug", "acme", "greeting=Hi", "modules=bogus")
	if ten := tenantIn(t, dir, "acme"); ten.ModuleChosen(platform.ModuleSales) || ten.Setting("greeting") == "Hi" {
		t.Fatal("a refused tenant set stored something")
	}
	out := mustCLI(t, dir, "", "tenant", "set", "--slug", "acme", "modules=sales, repair,msp")
	if !strings.Contains(out, "modules = sales, repair,msp") {
		t.Fatalf("tenant set output %q", out)
	}
	ten := tenantIn(t, dir, "acme")
	if got := strings.Join(ten.EnabledModules(), ","); got != "core,conversations,sales,repair,msp" {
		t.Fatalf("modules after set %q", got)
	}
	// core and conversations may be named but never go away; the empty list leaves only them.
	mustCLI(t, dir, "", "tenant", "set", "--slug", "acme", "modules=core")
	if got := strings.Join(tenantIn(t, dir, "acme").EnabledModules(), ","); got != "core,conversations" {
		t.Fatalf("modules=core gives %q", got)
	}

	// Custom niches.
	refused("an English name is required", "niche", "create", "--id", "hvac", "--name-tr", "Klima servisi")
	refused(`unknown module "tickets"`, "niche", "create", "--id", "hvac", "--name-en", "HVAC service", "--modules", "repair,tickets")
	refused("is a built-in niche", "niche", "create", "--id", "cicekci", "--name-en", "Flowers")
	refused("must be 2-40 lowercase", "niche", "create", "--id", "Bad-Id", "--name-en", "X")
	if out := mustCLI(t, dir, "", "niche", "list"); strings.Contains(out, "hvac") {
		t.Fatalf("a refused niche create stored it: %s", out)
	}
	mustCLI(t, dir, "", "niche", "create", "--id", "hvac", "--name-en", "HVAC service", "--name-tr", "Klima ve kombi servisi",
		"--persona", "An HVAC service company in Izmir: air conditioners and combi boilers.", "--vocabulary", "klima, kombi,Petek",
		"--forbidden", "gaz kaçağı,gas leak", "--modules", "repair,msp")
	refused("already exists", "niche", "create", "--id", "hvac", "--name-en", "Again")
	out = mustCLI(t, dir, "", "niche", "list")
	for _, want := range []string{"hvac", "custom", "HVAC service", "core,conversations,repair,msp", "cicekci", "built-in"} {
		if !strings.Contains(out, want) {
			t.Fatalf("niche list lacks %q:\n%s", want, out)
		}
	}
	refused("no tenant", "tenant", "set", "--slug", "nobody", "niche=hvac")
	refused("invalid niche", "tenant", "set", "--slug", "acme", "niche=plumbing")
	mustCLI(t, dir, "", "tenant", "set", "--slug", "acme", "niche=hvac", "modules=default")
	ten = tenantIn(t, dir, "acme")
	if ten.NicheID != "hvac" || ten.Niche == nil || ten.Niche.Name("tr") != "Klima ve kombi servisi" {
		t.Fatalf("tenant niche %q %+v", ten.NicheID, ten.Niche)
	}
	if got := strings.Join(ten.EnabledModules(), ","); got != "core,conversations,repair,msp" {
		t.Fatalf("custom niche's default modules %q", got)
	}
	// niche set changes only the flags given; the tenant follows the new defaults.
	mustCLI(t, dir, "", "niche", "set", "--id", "hvac", "--modules", "sales,repair")
	ten = tenantIn(t, dir, "acme")
	if got := strings.Join(ten.EnabledModules(), ","); got != "core,conversations,sales,repair" || ten.Niche.Persona == "" || len(ten.Niche.Vocabulary) != 3 {
		t.Fatalf("after niche set: modules %q, niche %+v", got, ten.Niche)
	}
	refused("no custom niche", "niche", "set", "--id", "nope", "--modules", "sales")
	refused(`unknown module "x"`, "niche", "set", "--id", "hvac", "--modules", "x")
	mustCLI(t, dir, "", "tenant", "create", "--slug", "klima-usta", "--name", "Klima Usta", "--niche", "hvac")
	if out := mustCLI(t, dir, "", "tenant", "list"); !strings.Contains(out, "core,conversations,sales,repair") {
		t.Fatalf("tenant list does not show the modules:\n%s", out)
	}
	if tenantIn(t, dir, "klima-usta").Niche == nil {
		t.Fatal("tenant create --niche hvac did not take the custom niche")
	}

	// The assistant reads with the custom persona: its vocabulary qualifies, its forbidden topics
	// get the short refusal and go to a person.
	p := ai.PersonaOf(ten)
	r := ai.Analyze3(ai.Input{Text: "Merhaba, kombi arızalı, servis istiyorum", Niche: ten.NicheID, Persona: p})
	if !strings.Contains(strings.Join(r.Reasons["qualification"], ";"), "kombi") {
		t.Errorf("vocabulary word not recognised: %v", r.Reasons["qualification"])
	}
	r = ai.Analyze3(ai.Input{Text: "Evde gaz kaçağı var galiba, ne yapmalıyım?", Niche: ten.NicheID, Persona: p})
	if !r.Handoff || !strings.Contains(r.HandoffReason, "sensitive_topic") {
		t.Errorf("forbidden topic not handed over: %q", r.HandoffReason)
	}
	if b := ai.Analyze3(ai.Input{Text: "Evde gaz kaçağı var galiba, ne yapmalıyım?", Niche: "default"}); strings.Contains(b.HandoffReason, "sensitive_topic") {
		t.Errorf("the default persona treats the custom forbidden topic as sensitive too")
	}
}

// TestModulesOnSettingsPage: the owner sees every module with its explanation and turns them on
// and off there; a forged unknown module changes nothing; the niche select offers custom niches.
func TestModulesOnSettingsPage(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("evim", "emlakci", "tr")
	owner := e.User("evim", "esra", "owner")
	doc := owner.Get("/app/settings/").Doc(t)
	sec := doc.Find("#modules")
	if sec.Length() != 1 || !strings.Contains(sec.Text(), "Modüller") {
		t.Fatalf("no modules section in Turkish: %q", sec.Text())
	}
	if n := sec.Find(`input[name="module"]`).Length(); n != len(platform.Modules) {
		t.Fatalf("%d module boxes, want %d", n, len(platform.Modules))
	}
	if sec.Find(`input[value="core"][disabled][checked]`).Length() != 1 || sec.Find(`input[value="sales"][checked]`).Length() != 1 ||
		sec.Find(`input[value="repair"][checked]`).Length() != 0 {
		t.Fatalf("boxes do not show the real-estate niche's modules: %s", must(sec.Html()))
	}
	if !strings.Contains(sec.Text(), "Arıza ve tamir talepleri") || !strings.Contains(sec.Text(), "Satış sonrası işler için") {
		t.Fatalf("module name or explanation missing in Turkish: %q", sec.Text())
	}
	r := owner.Post("/app/settings/modules", url.Values{"module": {"sales", "repair", "msp"}})
	if r.StatusCode/100 != 3 {
		t.Fatalf("save modules: %d %.300s", r.StatusCode, r.Body)
	}
	ten, _ := e.Server.Platform.TenantBySlug(context.Background(), "evim")
	if got := strings.Join(ten.EnabledModules(), ","); got != "core,conversations,sales,repair,msp" {
		t.Fatalf("modules after save %q", got)
	}
	if r := owner.Get("/repair-requests/"); r.StatusCode != http.StatusOK {
		t.Fatalf("repair turned on: %d", r.StatusCode)
	}
	if got := owner.Get("/app/settings/").Doc(t).Find(`#modules input[value="repair"]`).Parent().Text(); !strings.Contains(got, "Açık: ayarlarda açıldı") {
		t.Errorf("an explicit choice is not marked: %q", got)
	}
	if r := owner.Post("/app/settings/modules", url.Values{"module": {"sales", "teleport"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown module: %d, want 422", r.StatusCode)
	}
	if ten, _ := e.Server.Platform.TenantBySlug(context.Background(), "evim"); !ten.HasModule(platform.ModuleMSP) {
		t.Fatal("a refused form changed the modules")
	}
	// Every box unticked: only the two that are always on remain; reset follows the niche again.
	owner.Post("/app/settings/modules", url.Values{"module": {"core"}})
	if ten, _ := e.Server.Platform.TenantBySlug(context.Background(), "evim"); strings.Join(ten.EnabledModules(), ",") != "core,conversations" {
		t.Fatalf("all off: %v", ten.EnabledModules())
	}
	if r := owner.Get("/app/"); strings.Contains(r.Body, `href="/customers/"`) {
		t.Fatal("sales off but still in the menu")
	}
	owner.Post("/app/settings/modules", url.Values{"reset": {"1"}})
	if ten, _ := e.Server.Platform.TenantBySlug(context.Background(), "evim"); strings.Join(ten.EnabledModules(), ",") != "core,conversations,sales" || ten.ModuleChosen("sales") {
		t.Fatalf("reset: %v", ten.EnabledModules())
	}
	var logged int
	if err := e.DB("evim").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE action_type = 'update_modules'`).Scan(&logged); err != nil || logged != 3 {
		t.Fatalf("update_modules log rows: %d %v, want 3", logged, err)
	}

	// A custom niche is offered beside the built-in ones and can be chosen.
	if err := e.Server.Platform.CreateNiche(context.Background(), &platform.Niche{ID: "hvac", Names: map[string]string{"en": "HVAC service", "tr": "Klima servisi"}, Modules: []string{"repair"}}); err != nil {
		t.Fatal(err)
	}
	if got := owner.Get("/app/settings/").Doc(t).Find(`#niche option[value="hvac"]`).Text(); got != "Klima servisi" {
		t.Fatalf("custom niche option %q", got)
	}
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Evim"}, "niche": {"hvac"}}); r.StatusCode/100 != 3 {
		t.Fatalf("choose custom niche: %d", r.StatusCode)
	}
	if ten, _ := e.Server.Platform.TenantBySlug(context.Background(), "evim"); ten.NicheID != "hvac" || strings.Join(ten.EnabledModules(), ",") != "core,conversations,repair" {
		t.Fatalf("after choosing hvac: %s %v", ten.NicheID, ten.EnabledModules())
	}
	if r := owner.Post("/app/settings/profile", url.Values{"name": {"Evim"}, "niche": {"plumbing"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("unknown niche: %d, want 422", r.StatusCode)
	}
}

// TestStaffConsoleShowsCustomNiches: the console lists custom niches only once one exists, and
// names a tenant's custom niche in the tenant list.
func TestStaffConsoleShowsCustomNiches(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("servis", "default")
	stan := e.User("", "stan", "staff")
	if n := stan.Get("/staff/").Doc(t).Find("#niches").Length(); n != 0 {
		t.Fatal("custom niches section shown with no custom niche")
	}
	if err := e.Server.Platform.CreateNiche(context.Background(), &platform.Niche{ID: "hvac", Names: map[string]string{"en": "HVAC service"},
		Vocabulary: []string{"kombi"}, Forbidden: []string{"gas leak"}, Modules: []string{"repair", "msp"}}); err != nil {
		t.Fatal(err)
	}
	e.Set("servis", map[string]string{"niche": "hvac"})
	doc := stan.Get("/staff/").Doc(t)
	sec := doc.Find("#niches").Text()
	for _, want := range []string{"HVAC service", "hvac", "Repair requests", "IT services (MSP)", "kombi", "gas leak"} {
		if !strings.Contains(sec, want) {
			t.Errorf("custom niches section lacks %q: %q", want, sec)
		}
	}
	if got := doc.Find("#tenants tbody").Text(); !strings.Contains(got, "HVAC service") {
		t.Errorf("tenant list does not name the custom niche: %q", got)
	}

	// Staff set a tenant's modules on its console page; the change is in both trails.
	page := stan.Get("/staff/tenants/servis/").Doc(t)
	if page.Find(`#modules input[value="msp"][checked]`).Length() != 1 || page.Find(`#modules input[value="sales"][checked]`).Length() != 0 {
		t.Fatalf("console modules boxes do not show the niche's defaults: %s", must(page.Find("#modules").Html()))
	}
	if r := stan.Post("/staff/tenants/servis/modules", url.Values{"module": {"sales"}}); r.StatusCode/100 != 3 {
		t.Fatalf("staff save modules: %d %.300s", r.StatusCode, r.Body)
	}
	if ten, _ := e.Server.Platform.TenantBySlug(context.Background(), "servis"); strings.Join(ten.EnabledModules(), ",") != "core,conversations,sales" {
		t.Fatalf("staff-set modules %v", ten.EnabledModules())
	}
	if r := stan.Post("/staff/tenants/servis/modules", url.Values{"module": {"warp"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("staff unknown module: %d, want 422", r.StatusCode)
	}
	var n int
	if err := e.Server.Mgr.Platform.Read.QueryRow(`SELECT count(*) FROM platform_audit WHERE tenant_slug = 'servis' AND payload LIKE '%modules%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("platform trail rows about modules: %d %v, want 1", n, err)
	}
	if err := e.DB("servis").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'staff' AND payload LIKE '%modules%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("tenant action log rows about modules: %d %v, want 1", n, err)
	}
}

func must(s string, _ error) string { return s }
