package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
)

// The staff console's modules form saved from a page drawn before the owner switched a module
// off switched it back on: the console wrote every box as the older page showed it (the owner's
// own settings page already kept changes made meanwhile). A module left as the page showed it,
// while it changed since, now keeps its state; the banner says so; a post without the shown
// field saves the boxes as sent.
func TestStaffModulesFromAnOlderPageKeepNewerChoice(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "en")
	owner := e.User("acme", "olga", "owner")
	stan := e.User("", "stan", "staff")
	form := stan.Get("/staff/tenants/acme/").Doc(t).Find(`form[action="/staff/tenants/acme/modules"]`)
	if form.Length() != 1 {
		t.Fatal("no modules form on the console's tenant page")
	}
	older := url.Values{}
	form.Find("input[name]").Each(func(_ int, s *goquery.Selection) {
		name, _ := s.Attr("name")
		val, _ := s.Attr("value")
		if typ, _ := s.Attr("type"); typ == "checkbox" {
			if _, on := s.Attr("checked"); !on {
				return
			}
		}
		older.Add(name, val)
	})
	if !strings.Contains(strings.Join(older["module"], ","), "repair") {
		t.Fatalf("the console does not show repair on: %v", older)
	}
	// Meanwhile the owner switches repair off on the settings page.
	if r := owner.Post("/app/settings/modules", url.Values{"module": {"sales", "construction"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("owner: %d", r.StatusCode)
	}
	// Staff, on the older page, add inventory.
	older.Add("module", "inventory")
	if r := stan.Post("/staff/tenants/acme/modules", older); r.StatusCode/100 != 3 {
		t.Fatalf("staff save: %d %.300s", r.StatusCode, r.Body)
	}
	on := func() string {
		tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
		return strings.Join(tn.EnabledModules(), ",")
	}
	if got := on(); got != "core,conversations,sales,construction,inventory" {
		t.Errorf("modules after the older page's save: %s (repair switched back on, or inventory not saved)", got)
	}
	if got := stan.Get("/staff/tenants/acme/").Doc(t).Find(".flashes").Text(); !strings.Contains(got, "keeps its new value") {
		t.Errorf("banner %q: want it to say what changed meanwhile was kept", got)
	}
	if r := stan.Post("/staff/tenants/acme/modules", url.Values{"module": {"sales", "repair"}}); r.StatusCode/100 != 3 {
		t.Fatalf("plain save: %d", r.StatusCode)
	}
	if got := on(); got != "core,conversations,sales,repair" {
		t.Errorf("a post without the shown field: %s", got)
	}
}
