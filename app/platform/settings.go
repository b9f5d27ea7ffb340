package platform

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"highvibe/app/i18n"
	"highvibe/app/phone"
	"highvibe/app/settingdef"
)

// Niches are the assistant personas a tenant can choose (guide: 20-niches.md).
var Niches = []string{"parke_tas", "muteahhit", "emlakci", "cicekci", "kadin_koc", "balci_aricilik", "default"}

// Locales are the panel languages a tenant can make primary.
var Locales = []string{"en", "tr", "de", "fr", "es", "ar"}

// baseSettings are the platform's own tenant settings. The channels' settings are not here: each
// channel declares its own (app/channels/channel Info.Settings) and the server passes them to
// NewService, so a new channel never edits this file.
func baseSettings() []settingdef.Def {
	return slices.Concat([]settingdef.Def{
		{Key: "name", MaxLen: 200, Check: settingdef.NonEmpty},
		{Key: "status", Default: "active", Kind: settingdef.Choice, Options: []string{"active", "inactive"}},
		// A built-in niche or a custom one (platform niches.go checks it exists).
		{Key: "niche", Default: "default", Check: nicheIDFormat},
		// The tenant's modules, e.g. "sales,repair,msp" (modules.go); "default" follows the niche.
		{Key: "modules", Default: "default", Check: checkModules},
		{Key: "primary_locale", Default: "tr", Kind: settingdef.Choice, Options: Locales},
		{Key: "currency", Default: "TRY", Check: currency},
		// The country a phone number written without its country code is read in (app/phone
		// Normalize): Turkey unless the owner chose another, so a Turkish business reads 0532… as
		// it always did.
		{Key: "phone_region", Default: phone.DefaultRegion, Kind: settingdef.Choice, Options: phone.Regions, Label: "settings.phone_region"},
		{Key: "chat_widget_enabled", Default: "true", Kind: settingdef.Bool},
		{Key: "greeting", MaxLen: 500},
	}, inLanguages("greeting", 500), []settingdef.Def{
		{Key: "business_details", MaxLen: 1000}, // address, phone, tax office and number: the sender block of written quotes
		{Key: "consent_required", Default: "false", Kind: settingdef.Bool},
		{Key: "privacy_notice", MaxLen: 20000},
	}, inLanguages("privacy_notice", 20000), []settingdef.Def{
		{Key: "landing_enabled", Default: "false", Kind: settingdef.Bool},
		// false: the owner marked the dashboard's first step "put the chat widget on your website"
		// not needed (a business without a website), so the card can go away (app/dashboard).
		{Key: "setup_widget_needed", Default: "true", Kind: settingdef.Bool},
		// The website the chat widget last took a message on (its origin, "https://example.com"),
		// written by the widget itself: a message from HighVibe's own pages (the widget's demo page,
		// the landing page) leaves it as it is. The first steps' widget step reads it (app/dashboard).
		{Key: "widget_site", MaxLen: 300},
		{Key: "ai_provider", Default: "builtin", Kind: settingdef.Choice, Options: []string{"builtin", "openai_compatible"}},
		{Key: "ai_base_url", Kind: settingdef.URL, Check: settingdef.HTTPURL},
		{Key: "ai_model", MaxLen: 100},
		{Key: "ai_api_key", Kind: settingdef.Secret, MaxLen: 500},
		{Key: "privacy_profile", Default: "masked", Kind: settingdef.Choice, Options: []string{"masked", "local"}},
		{Key: "monthly_budget_usd", Default: "20", Kind: settingdef.Number, Check: nonNegNumber},
		{Key: "require_2fa", Default: "false", Kind: settingdef.Bool},
		// The most the tenant's photos and files may take, in MB (app/media; 0 = keep none).
		{Key: "media_quota_mb", Default: "1024", Kind: settingdef.Number, Check: settingdef.WholeNumber(0, 1_000_000)},
		// Site visits (app/visits): a visit's usual length and the travel time kept free around
		// every other visit when slots are offered, in minutes.
		{Key: "visit_duration_min", Default: "60", Kind: settingdef.Number, Check: settingdef.WholeNumber(15, 720)},
		{Key: "visit_travel_buffer_min", Default: "30", Kind: settingdef.Number, Check: settingdef.WholeNumber(0, 240)},
	})
}

// inLanguages are the settings key_<lang> for every panel language (Locales): a text the owner
// writes once per language for the visitors who read it (Tenant.InLanguage); a language without
// its own reads key.
func inLanguages(key string, maxLen int) []settingdef.Def {
	defs := make([]settingdef.Def, 0, len(Locales))
	for _, l := range Locales {
		defs = append(defs, settingdef.Def{Key: key + "_" + l, MaxLen: maxLen})
	}
	return defs
}

// Settings is the set of every tenant setting: the platform's own, then extra (the channels'
// settings, which the server passes in at start-up). It is the single source for `highvibe tenant
// set`, the settings pages and the guide test.
func Settings(extra ...settingdef.Def) *settingdef.Set {
	return settingdef.NewSet(append(baseSettings(), extra...)...)
}

func currency(v string) string {
	if !i18n.Currency(v) {
		return "must be an ISO 4217 currency code in use, such as TRY, EUR, USD"
	}
	return ""
}

func nonNegNumber(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || !(f >= 0 && f <= 1e6) { // NaN, which ParseFloat accepts, fails both
		return "must be a number between 0 and 1000000"
	}
	return ""
}

// tenantColumns maps settings kept as columns of the tenants table.
var tenantColumns = map[string]string{
	"name": "name", "status": "status", "niche": "niche_id", "primary_locale": "primary_locale", "currency": "currency",
}

// CheckSetting checks one key=value pair against set without storing it.
func CheckSetting(set *settingdef.Set, key, value string) error {
	d, ok := set.Lookup(key)
	if !ok {
		return &ValidationError{key, "unknown setting (known: " + strings.Join(set.Keys(), ", ") + ")"}
	}
	if msg := d.Valid(value); msg != "" {
		return &ValidationError{key, msg}
	}
	return nil
}

// SettingKeys lists every setting key this service knows, sorted.
func (s *Service) SettingKeys() []string { return s.Defs.Keys() }

// IsSecret reports whether a setting must never be shown again after saving.
func (s *Service) IsSecret(key string) bool { return s.Defs.IsSecret(key) }

// ValidateSetting checks one key=value pair without storing it; a niche must be built in or
// defined (custom_niches).
func (s *Service) ValidateSetting(key, value string) error {
	if err := CheckSetting(s.Defs, key, value); err != nil {
		return err
	}
	if key == "niche" {
		if err := s.checkNiche(context.Background(), value); err != nil {
			var ve *ValidationError
			if errors.As(err, &ve) {
				return ve
			}
			return &ValidationError{"niche", "could not be checked: " + err.Error()}
		}
	}
	return nil
}

func (s *Service) normalizeSetting(key, value string) string {
	d, _ := s.Defs.Lookup(key)
	return d.Normalize(value)
}
