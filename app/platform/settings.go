package platform

import (
	"fmt"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// settingDef declares one tenant setting: its default and how a value is checked. This list is
// the single source for `highvibe tenant set`, the settings pages and the guide test.
type settingDef struct {
	def       string
	check     func(string) string // returns "" when valid, else why not
	secret    bool
	normalize func(string) string
}

// Niches are the assistant personas a tenant can choose (guide: 20-niches-and-modules.md).
var Niches = []string{"parke_tas", "muteahhit", "emlakci", "cicekci", "kadin_koc", "balci_aricilik", "default"}

// Locales are the panel languages a tenant can make primary.
var Locales = []string{"en", "tr", "de", "fr", "es", "ar"}

func oneOf(opts ...string) func(string) string {
	return func(v string) string {
		for _, o := range opts {
			if v == o {
				return ""
			}
		}
		return "must be one of: " + strings.Join(opts, ", ")
	}
}

func boolean(v string) string {
	switch strings.ToLower(v) {
	case "true", "false", "1", "0", "yes", "no", "on", "off":
		return ""
	}
	return "must be true or false"
}

func normBool(v string) string {
	switch strings.ToLower(v) {
	case "true", "1", "yes", "on":
		return "true"
	}
	return "false"
}

func maxLen(n int) func(string) string {
	return func(v string) string {
		if len([]rune(v)) > n {
			return "must be at most " + strconv.Itoa(n) + " characters"
		}
		return ""
	}
}

func nonEmptyMax(n int) func(string) string {
	return func(v string) string {
		if strings.TrimSpace(v) == "" {
			return "must not be empty"
		}
		return maxLen(n)(v)
	}
}

func httpURL(v string) string {
	if v == "" {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be an http(s) URL"
	}
	return ""
}

func port(v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 65535 {
		return "must be a port number between 1 and 65535"
	}
	return ""
}

func currency(v string) string {
	if len(v) != 3 || strings.ToUpper(v) != v {
		return "must be a three-letter ISO code such as TRY, EUR, USD"
	}
	return ""
}

func nonNegNumber(v string) string {
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e6 {
		return "must be a number between 0 and 1000000"
	}
	return ""
}

var settingDefs = map[string]settingDef{
	"name":                     {check: nonEmptyMax(200)},
	"status":                   {def: "active", check: oneOf("active", "inactive")},
	"niche":                    {def: "default", check: oneOf(Niches...)},
	"primary_locale":           {def: "tr", check: oneOf(Locales...)},
	"currency":                 {def: "TRY", check: currency},
	"chat_widget_enabled":      {def: "true", check: boolean, normalize: normBool},
	"greeting":                 {def: "", check: maxLen(500)},
	"business_details":         {def: "", check: maxLen(1000)}, // address, phone, tax office and number: the sender block of written quotes
	"consent_required":         {def: "false", check: boolean, normalize: normBool},
	"privacy_notice":           {def: "", check: maxLen(20000)},
	"landing_enabled":          {def: "false", check: boolean, normalize: normBool},
	"whatsapp_verify_token":    {check: maxLen(200), secret: true},
	"whatsapp_app_secret":      {check: maxLen(200), secret: true},
	"whatsapp_phone_number_id": {check: maxLen(64)},
	"whatsapp_access_token":    {check: maxLen(1000), secret: true},
	"whatsapp_api_base":        {def: "https://graph.facebook.com/v21.0", check: httpURL},
	"telegram_secret_token":    {check: maxLen(256), secret: true},
	"telegram_bot_token":       {check: maxLen(200), secret: true},
	"telegram_api_base":        {def: "https://api.telegram.org", check: httpURL},
	"email_imap_host":          {check: maxLen(253)},
	"email_imap_port":          {def: "993", check: port},
	"email_imap_user":          {check: maxLen(254)},
	"email_imap_password":      {check: maxLen(1000), secret: true},
	"email_smtp_host":          {check: maxLen(253)},
	"email_smtp_port":          {def: "465", check: port},
	"email_smtp_user":          {check: maxLen(254)},
	"email_smtp_password":      {check: maxLen(1000), secret: true},
	"email_from":               {check: maxLen(320)},
	"email_security":           {def: "tls", check: oneOf("tls", "starttls", "none")},
	"ai_provider":              {def: "builtin", check: oneOf("builtin", "openai_compatible")},
	"ai_base_url":              {check: httpURL},
	"ai_model":                 {check: maxLen(100)},
	"ai_api_key":               {check: maxLen(500), secret: true},
	"privacy_profile":          {def: "masked", check: oneOf("masked", "local")},
	"monthly_budget_usd":       {def: "20", check: nonNegNumber},
	"require_2fa":              {def: "false", check: boolean, normalize: normBool},
	// The most the tenant's photos and files may take, in MB (app/media; 0 = keep none).
	"media_quota_mb": {def: "1024", check: wholeNumber(0, 1_000_000)},
}

// wholeNumber accepts an integer between lo and hi.
func wholeNumber(lo, hi int64) func(string) string {
	return func(v string) string {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < lo || n > hi {
			return fmt.Sprintf("must be a whole number between %d and %d", lo, hi)
		}
		return ""
	}
}

// tenantColumns maps settings kept as columns of the tenants table.
var tenantColumns = map[string]string{
	"name": "name", "status": "status", "niche": "niche_id", "primary_locale": "primary_locale", "currency": "currency",
}

// SettingKeys lists every known setting key, sorted.
func SettingKeys() []string {
	out := make([]string, 0, len(settingDefs))
	for k := range settingDefs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsSecret reports whether a setting must never be shown again after saving.
func IsSecret(key string) bool { return settingDefs[key].secret }

// ValidateSetting checks one key=value pair without storing it.
func ValidateSetting(key, value string) error { return validateSetting(key, value) }

func validateSetting(key, value string) error {
	d, ok := settingDefs[key]
	if !ok {
		return &ValidationError{key, "unknown setting (known: " + strings.Join(SettingKeys(), ", ") + ")"}
	}
	if d.check != nil {
		if msg := d.check(value); msg != "" {
			return &ValidationError{key, msg}
		}
	}
	return nil
}

func normalizeSetting(key, value string) string {
	if d := settingDefs[key]; d.normalize != nil {
		return d.normalize(value)
	}
	return value
}
