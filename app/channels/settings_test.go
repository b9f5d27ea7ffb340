package channels_test

import (
	"net/url"
	"strings"
	"testing"

	"highvibe/app/apptest"
)

func TestChannelSettings(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	op := e.User("acme", "oscar", "operator")
	if r := op.Get("/app/settings/channels"); r.StatusCode != 403 {
		t.Fatalf("operator: %d", r.StatusCode)
	}
	r := owner.Get("/app/settings/channels")
	if r.StatusCode != 200 || !strings.Contains(r.Body, `data-tenant-slug=&#34;acme&#34;`) && !strings.Contains(r.Body, "widget.js") {
		t.Fatalf("show: %d", r.StatusCode)
	}
	if r := owner.Post("/app/settings/channels", url.Values{"whatsapp_access_token": {"EAAG-secret-value"}, "whatsapp_phone_number_id": {"1065"}, "telegram_secret_token": {"tg-secret"}}); r.StatusCode != 303 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	r = owner.Get("/app/settings/channels")
	if strings.Contains(r.Body, "EAAG-secret-value") || strings.Contains(r.Body, "tg-secret") {
		t.Fatal("a secret was shown again")
	}
	tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting("whatsapp_access_token") != "EAAG-secret-value" || tn.Setting("whatsapp_phone_number_id") != "1065" {
		t.Fatal("not saved")
	}
	// Empty secret keeps; bad URL is 422 and nothing changes.
	if r := owner.Post("/app/settings/channels", url.Values{"whatsapp_access_token": {""}, "whatsapp_phone_number_id": {"2"}, "whatsapp_api_base": {"ftp://x"}}); r.StatusCode != 422 {
		t.Fatalf("bad url: %d", r.StatusCode)
	}
	tn, _ = e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting("whatsapp_access_token") != "EAAG-secret-value" || tn.Setting("whatsapp_phone_number_id") != "1065" {
		t.Fatal("partial save on 422")
	}
	if r := owner.Post("/app/settings/channels", url.Values{"clear_whatsapp_access_token": {"1"}}); r.StatusCode != 303 {
		t.Fatal(r.StatusCode)
	}
	tn, _ = e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting("whatsapp_access_token") != "" {
		t.Fatal("clear did not clear")
	}
	var n int
	_ = e.DB("acme").Read.QueryRow(`SELECT count(*) FROM action_logs WHERE provider = 'settings' AND action_type = 'update_channels' AND payload NOT LIKE '%EAAG%'`).Scan(&n)
	if n != 2 {
		t.Fatalf("settings logs = %d", n)
	}
}

// TestWhatsAppNotConnectedWithoutSecret: the channels page says WhatsApp is not connected until
// the app secret is set (deliveries are refused until then).
func TestWhatsAppNotConnectedWithoutSecret(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	state := func() string {
		t.Helper()
		return strings.TrimSpace(owner.Get("/app/settings/channels").Doc(t).Find("#whatsapp-state").Text())
	}
	if got := state(); got != "not connected" {
		t.Fatalf("without an app secret the state reads %q, want %q", got, "not connected")
	}
	if r := owner.Post("/app/settings/channels", url.Values{"whatsapp_app_secret": {"meta-app-secret"}}); r.StatusCode != 303 {
		t.Fatalf("save: %d", r.StatusCode)
	}
	if got := state(); got != "ready to receive" {
		t.Fatalf("with an app secret the state reads %q, want %q", got, "ready to receive")
	}
}
