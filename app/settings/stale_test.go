package settings_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

// TestProfileStaleTabKeepsNewerSettings: the settings page open in two tabs. In the second the
// owner switches the chat widget off; later, in the first (drawn before), they change only the
// greeting and save. The greeting is saved and the widget stays off — the first tab wrote back
// every box as it still showed it, turning the widget on again without a word — and the banner
// says that what was changed meanwhile kept its new value. A field changed in the stale tab
// itself is saved as typed.
func TestProfileStaleTabKeepsNewerSettings(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"chat_widget_enabled": "true", "greeting": "Merhaba"})
	owner := e.User("acme", "olga", "owner")
	profile := func() url.Values {
		t.Helper()
		f := owner.Get("/app/settings/").Doc(t).Find(`form[action="/app/settings/profile"]`)
		if f.Length() != 1 {
			t.Fatal("no profile form")
		}
		return apptest.FormValues(f)
	}
	morning := profile()
	if morning.Get("chat_widget_enabled") != "true" || morning.Get("shown") == "" {
		t.Fatalf("the page as drawn: widget %q, shown %q", morning.Get("chat_widget_enabled"), morning.Get("shown"))
	}

	noon := profile()
	noon.Del("chat_widget_enabled")
	if r := owner.Post("/app/settings/profile", noon); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("widget off: %d", r.StatusCode)
	}

	morning.Set("greeting", "Hoş geldiniz! İşinizi yazın.")
	morning.Set("currency", "EUR")
	if r := owner.Post("/app/settings/profile", morning); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("stale tab save: %d %.300s", r.StatusCode, r.Body)
	}
	page := owner.Get("/app/settings/").Doc(t)
	after := apptest.FormValues(page.Find(`form[action="/app/settings/profile"]`))
	if after.Get("greeting") != "Hoş geldiniz! İşinizi yazın." || after.Get("currency") != "EUR" {
		t.Errorf("the stale tab's own changes: greeting %q, currency %q", after.Get("greeting"), after.Get("currency"))
	}
	if after.Has("chat_widget_enabled") {
		t.Error("the stale tab turned the chat widget back on")
	}
	if got := page.Find(".flashes").Text(); !strings.Contains(got, "dokunmadığınız alanlar yeni değerlerini korudu") {
		t.Errorf("banner %q: want it to say the fields changed meanwhile were kept", got)
	}

	// A post without the field (a script, a page from before) saves every field as sent.
	plain := profile()
	plain.Del("shown")
	plain.Del("chat_widget_enabled")
	plain.Set("chat_widget_enabled", "true")
	if r := owner.Post("/app/settings/profile", plain); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain save: %d", r.StatusCode)
	}
	if !apptest.FormValues(owner.Get("/app/settings/").Doc(t).Find(`form[action="/app/settings/profile"]`)).Has("chat_widget_enabled") {
		t.Error("a post without the shown field did not switch the widget on")
	}
}

// TestModulesStaleTabKeepsNewerChoice: the settings page open in two tabs. In the second the
// owner switches Repair off; later, in the first (drawn before), they switch Inventory on and
// save. Inventory is on and Repair stays off — the first tab posted every box as it still showed
// it and switched Repair back on — and the banner says what was changed meanwhile kept its value.
func TestModulesStaleTabKeepsNewerChoice(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	modules := func() url.Values {
		t.Helper()
		f := owner.Get("/app/settings/").Doc(t).Find(`form[action="/app/settings/modules"]`)
		if f.Length() != 1 {
			t.Fatal("no modules form")
		}
		return apptest.FormValues(f)
	}
	on := func() []string {
		tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
		return tn.EnabledModules()
	}
	morning := modules()
	noon := modules()
	noon["module"] = []string{"sales", "construction"} // repair off
	if r := owner.Post("/app/settings/modules", noon); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("repair off: %d", r.StatusCode)
	}
	morning.Add("module", "inventory")
	if r := owner.Post("/app/settings/modules", morning); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("stale tab save: %d %.300s", r.StatusCode, r.Body)
	}
	if got := strings.Join(on(), ","); got != "core,conversations,sales,construction,inventory" {
		t.Errorf("modules after the stale tab's save: %s (repair switched back on, or inventory not saved)", got)
	}
	if got := owner.Get("/app/settings/").Doc(t).Find(".flashes").Text(); !strings.Contains(got, "dokunmadığınız alanlar yeni değerlerini korudu") {
		t.Errorf("banner %q: want it to say the fields changed meanwhile were kept", got)
	}
	// A post without the field saves the ticked modules as sent.
	plain := url.Values{"module": {"sales", "repair"}}
	if r := owner.Post("/app/settings/modules", plain); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("plain save: %d", r.StatusCode)
	}
	if got := strings.Join(on(), ","); got != "core,conversations,sales,repair" {
		t.Errorf("a post without the shown field: %s", got)
	}
}
