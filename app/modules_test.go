package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
	"highvibe/app/platform"
)

// allModules turns every module on for a tenant, so route-walking tests reach every route.
func allModules(e *apptest.Env, slug string) {
	e.T.Helper()
	e.Set(slug, map[string]string{"modules": strings.Join(platform.Modules, ",")})
}

func moduleRows(t *testing.T, e *apptest.Env, slug, table string) int {
	t.Helper()
	var n int
	if err := e.DB(slug).Read.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestModuleOffAndOn: turning the sales module off takes its menu entries, pages and API endpoints
// away (404: a page saying the module is off and who can turn it on; JSON for the API) without
// touching its data, which is back as it was when the module is on again.
func TestModuleOffAndOn(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("shop") // parke_tas: sales, construction and repair on by default
	owner := e.User("shop", "olga", "owner")
	viewer := e.User("shop", "vera", "viewer")
	key := e.APIKey("shop", "import")
	if r := owner.Post("/customers/new", url.Values{"name": {"Deniz Yapı"}}); r.StatusCode/100 != 3 && r.StatusCode != http.StatusOK {
		t.Fatalf("create customer: %d %.300s", r.StatusCode, r.Body)
	}
	if n := moduleRows(t, e, "shop", "customers"); n != 1 {
		t.Fatalf("customers before: %d, want 1", n)
	}
	importCustomer := func(name string) *apptest.Resp {
		return e.Client().PostJSON("/api/v1/customers", []byte(`{"external_id":"`+name+`","name":"`+name+`"}`), map[string]string{"Authorization": "Bearer " + key})
	}
	if r := owner.Get("/app/"); !strings.Contains(r.Body, `href="/customers/"`) || !strings.Contains(r.Body, `href="/products/"`) {
		t.Fatalf("sales on: the menu lacks customers or products")
	}

	e.Set("shop", map[string]string{"modules": "repair"}) // sales off, repair on
	r := owner.Get("/app/")
	for _, href := range []string{`href="/customers/"`, `href="/orders/"`, `href="/invoices/"`, `href="/products/"`} {
		if strings.Contains(r.Body, href) {
			t.Errorf("sales off: the menu still links %s", href)
		}
	}
	if !strings.Contains(r.Body, `href="/repair-requests/"`) {
		t.Errorf("repair on: the menu lacks repair requests")
	}
	for _, p := range []string{"/customers/", "/customers/1/", "/orders/", "/invoices/new", "/products/"} {
		r := owner.Get(p)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "Sales records is turned off") || !strings.Contains(r.Body, `href="/app/settings/#modules"`) {
			t.Errorf("owner GET %s with sales off: %d, want 404 with the module-off page and the way to turn it on: %.400s", p, r.StatusCode, r.Body)
		}
		if strings.Contains(r.Body, "Deniz Yapı") {
			t.Errorf("GET %s with sales off shows a customer", p)
		}
	}
	r = viewer.Get("/customers/?lang=tr")
	if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "Satış kayıtları kapalı") || !strings.Contains(r.Body, "İşletme sahibi ayarlardan açabilir") || strings.Contains(r.Body, "/app/settings/#modules") {
		t.Errorf("viewer (tr) with sales off: %d, want 404 saying the owner can turn it on: %.500s", r.StatusCode, r.Body)
	}
	// A write is refused before it happens, for every role.
	if r := owner.Post("/customers/new", url.Values{"name": {"Yeni"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("owner POST /customers/new with sales off: %d, want 404", r.StatusCode)
	}
	if r := viewer.Post("/customers/new", url.Values{"name": {"Yeni"}}); r.StatusCode != http.StatusNotFound {
		t.Errorf("viewer POST /customers/new with sales off: %d, want 404", r.StatusCode)
	}
	r = importCustomer("Api Müşteri")
	var prob struct {
		Status int    `json:"status"`
		Code   string `json:"code"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal([]byte(r.Body), &prob); err != nil || r.StatusCode != http.StatusNotFound || prob.Code != "module_off" || !strings.Contains(r.Header.Get("Content-Type"), "json") {
		t.Errorf("API import with sales off: %d %q, want 404 JSON code module_off: %s", r.StatusCode, r.Header.Get("Content-Type"), r.Body)
	}
	// Routes of modules that are on, and the ones of no module, still answer.
	if r := owner.Get("/repair-requests/"); r.StatusCode != http.StatusOK {
		t.Errorf("repair on: /repair-requests/ %d", r.StatusCode)
	}
	if r := owner.Get("/app/quotes/"); r.StatusCode != http.StatusOK {
		t.Errorf("quotes (core) with sales off: %d", r.StatusCode)
	}
	if n := moduleRows(t, e, "shop", "customers"); n != 1 {
		t.Fatalf("customers while sales is off: %d, want 1 (kept, nothing new)", n)
	}

	e.Set("shop", map[string]string{"modules": "sales,repair"})
	if r := owner.Get("/customers/"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Deniz Yapı") {
		t.Fatalf("sales back on: %d, want the list with the kept customer", r.StatusCode)
	}
	if r := owner.Get("/app/"); !strings.Contains(r.Body, `href="/customers/"`) {
		t.Errorf("sales back on: the menu lacks customers")
	}
	if r := importCustomer("Api Müşteri"); r.StatusCode != http.StatusCreated {
		t.Errorf("API import with sales back on: %d %s", r.StatusCode, r.Body)
	}
}

// TestEveryModuleRouteIsGated walks the route table: with every module off, each route that names
// a module answers 404 to every member (the module-off page), and the API ones 404 as JSON.
func TestEveryModuleRouteIsGated(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("bare")
	e.Set("bare", map[string]string{"modules": ""})
	key := e.APIKey("bare", "import", "read")
	people := map[string]*apptest.Client{"owner": e.User("bare", "bo", "owner"), "viewer": e.User("bare", "bv", "viewer"), "staff": e.User("", "bs", "staff")}
	n := 0
	for _, rt := range e.Server.Routes(e.Handlers) {
		if rt.Module == "" {
			continue
		}
		method, path := routeRequest(rt.Pattern, "1")
		if strings.HasPrefix(path, "/api/") {
			n++
			c := e.Client()
			c.Header = http.Header{"Authorization": {"Bearer " + key}}
			r := send(c, method, path, url.Values{})
			if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, `"module_off"`) {
				t.Errorf("%s %s (module %s off): %d %.200s, want 404 module_off", method, path, rt.Module, r.StatusCode, r.Body)
			}
			continue
		}
		if !isPanel(rt) {
			continue
		}
		n++
		for who, c := range people {
			r := send(c, method, path, url.Values{"name": {"x"}})
			if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Body, "is turned off") {
				t.Errorf("%s %s as %s (module %s off): %d, want 404 with the module-off page", method, path, who, rt.Module, r.StatusCode)
			}
		}
	}
	if n == 0 {
		t.Fatal("no route names a module")
	}
}

// TestRepairRequestsForDefaultNiche: the default niche ("Repair / HVAC") has repair requests.
func TestRepairRequestsForDefaultNiche(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("servis", "default")
	c := e.User("servis", "sam", "owner")
	if r := c.Get("/repair-requests/"); r.StatusCode != http.StatusOK {
		t.Fatalf("default niche /repair-requests/: %d", r.StatusCode)
	}
	if r := c.Get("/app/"); !strings.Contains(r.Body, `href="/repair-requests/"`) {
		t.Fatal("default niche: the menu lacks repair requests")
	}
	ten, err := e.Server.Platform.TenantBySlug(context.Background(), "servis")
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ten.EnabledModules(), ","); got != "core,conversations,sales,repair" {
		t.Fatalf("default niche modules %q", got)
	}
}

// TestModuleBadgeSaysOnOrOffAndWhy: each module's badge in the settings said only where its state
// came from — "Sektörünüzün varsayılanı" (your niche's default) stood beside a module that was off
// as beside one that was on, and owners read it as "on, by default". Now it says on or off, and
// why: the niche's defaults, or the settings.
func TestModuleBadgeSaysOnOrOffAndWhy(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("shop") // parke_tas: sales on by default, msp off
	owner := e.User("shop", "olga", "owner")
	badge := func(module string) string {
		t.Helper()
		doc := owner.Get("/app/settings/?lang=tr").Doc(t)
		item := doc.Find(`.module-item input[value="` + module + `"]`).Closest(".module-item")
		return strings.TrimSpace(item.Find(".badge").Text())
	}
	for module, want := range map[string]string{"sales": "Açık: sektörünüzün varsayılanı", "msp": "Kapalı: sektörünüzün varsayılanlarında yok"} {
		if got := badge(module); got != want {
			t.Errorf("%s by the niche: badge %q, want %q", module, got, want)
		}
	}
	// The owner turns sales off and msp on.
	if r := owner.Post("/app/settings/modules", url.Values{"shown_modules": {"sales,construction,repair,"}, "module": {"construction", "repair", "msp"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("save modules: %d", r.StatusCode)
	}
	for module, want := range map[string]string{"sales": "Kapalı: ayarlarda kapatıldı", "msp": "Açık: ayarlarda açıldı"} {
		if got := badge(module); got != want {
			t.Errorf("%s chosen: badge %q, want %q", module, got, want)
		}
	}
}
