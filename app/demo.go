package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// The demo tenant that `serve --demo` creates (guide: 13-worked-example.md).
const (
	DemoSlug = "osman-cavus-tas-parke"
	DemoName = "Osman Çavuş Taş Parke"
	DemoUser = "talha"
	// DemoUserName is the name the demo owner goes by: what customers read for {{agent}} and
	// colleagues see as the assignee.
	DemoUserName = "Talha Yıldız"
)

// DemoGreeting is the Turkish widget greeting of the demo tenant.
const DemoGreeting = "Merhaba! Osman Çavuş Taş Parke'ye hoş geldiniz. Bahçe, otopark ya da yol için taş ve parke işinizi yazın; size hemen dönelim."

// EnsureDemo creates the demo tenant, its owner and its data when absent, and returns the owner's
// password. The password is generated once and kept in DATA/demo-password (0600) so the printed
// login stays valid across restarts.
func (s *Server) EnsureDemo(ctx context.Context) (string, error) {
	t, err := s.Platform.TenantBySlug(ctx, DemoSlug)
	fresh := false
	if errors.Is(err, tenantdb.ErrNotFound) {
		if t, err = s.Platform.CreateTenant(ctx, DemoSlug, DemoName, "parke_tas", "tr"); err != nil {
			return "", err
		}
		fresh = true
		if err := s.Platform.SetSettings(ctx, DemoSlug, map[string]string{
			"chat_widget_enabled": "true", "greeting": DemoGreeting, "consent_required": "true", "landing_enabled": "true",
			"privacy_notice": demoPrivacyNotice, "currency": "TRY",
		}); err != nil {
			return "", err
		}
	} else if err != nil {
		return "", err
	}
	pwPath := filepath.Join(s.Mgr.DataDir, "demo-password")
	pw := ""
	if b, err := os.ReadFile(pwPath); err == nil {
		pw = strings.TrimSpace(string(b))
	}
	if len(pw) < platform.MinPasswordLen || platform.CommonPassword(pw) {
		pw = randomPassword()
		if err := os.WriteFile(pwPath, []byte(pw+"\n"), 0o600); err != nil {
			return "", err
		}
	}
	u, err := s.Platform.UserByUsername(ctx, DemoUser)
	switch {
	case errors.Is(err, tenantdb.ErrNotFound):
		if u, err = s.Platform.CreateNamedUser(ctx, DemoUser, DemoUserName, pw, false); err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	default:
		if u.DisplayName == "" { // a demo made before people had display names
			if _, err := s.Platform.SetDisplayName(ctx, u.ID, DemoUserName); err != nil {
				return "", err
			}
			u.DisplayName = DemoUserName
		}
		if !platform.CheckPassword(u.PasswordHash, pw) {
			if err := s.Platform.SetPassword(ctx, u.ID, pw); err != nil {
				return "", err
			}
		}
	}
	if err := s.Platform.SetMembership(ctx, u.ID, t.ID, platform.RoleOwner); err != nil {
		return "", err
	}
	if fresh {
		db, err := s.Mgr.Tenant(ctx, DemoSlug)
		if err != nil {
			return "", err
		}
		for _, seed := range demoSeeders {
			if err := seed(ctx, s, t, db); err != nil {
				return "", err
			}
		}
	}
	// The second demo tenant, an IT provider with the MSP module (demo_msp.go).
	if err := s.ensureDemoMSP(ctx, u); err != nil {
		return "", fmt.Errorf("demo: IT provider tenant: %w", err)
	}
	return pw, nil
}

// demoNow is the moment the demo's conversations are seeded back from and its approval queue
// settled at: Server.DemoNow when set, else now.
func (s *Server) demoNow() time.Time {
	if s.DemoNow != nil {
		return s.DemoNow()
	}
	return time.Now()
}

// demoSeeders fill a fresh demo tenant, in this order: the leads and conversations first, then
// the assistant's triage of the newest conversations, then the CRM records whose orders link to
// the won leads, one quote written, approved and sent through the quotes room, one order won today
// taking stone out of stock (the inventory module; the stock itself is seeded with the catalog in
// seedDemoAI) and the site visits (two done, one confirmed, one waiting in the queue) through the
// visits room, then the seasonal calendar's dates (demo_seasonal.go) and the web chat leads'
// conversion tracking history (demo_conversions.go); the KPI snapshot comes after all of them, so
// its figures (the forecast's campaign uplift too) count everything seeded. Last, the owner's
// notifications about all of those (demo_notify.go), which withdraws the events the seeding
// itself raised (the snapshot's recommendations too).
var demoSeeders = []func(ctx context.Context, s *Server, t *platform.Tenant, db *tenantdb.DB) error{
	seedDemoHours, seedDemoLeads, seedDemoAI, seedDemoCRM, seedDemoQuote, seedDemoStock, seedDemoVisits, seedDemoSeasonal, seedDemoConversions, seedDemoSnapshot, seedDemoNotifications,
}

const demoPrivacyNotice = `Osman Çavuş Taş Parke olarak, sohbet penceresine yazdığınız ad, telefon ve mesajlarınızı yalnızca talebinize dönüş yapmak ve teklif hazırlamak için işleriz (6698 sayılı KVKK md. 5/2-c). Bu veriler bu amaçla yurt dışına aktarılmaz (reklam ölçümüne ayrıca onay verirseniz ne gönderildiği aşağıda yazılıdır); talebiniz sonuçlandıktan sonra en fazla 2 yıl saklanır. Silinmesini istediğinizde bize yazmanız yeterlidir.`
