package channels_test

import (
	"cmp"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"highvibe/app/apptest"
	"highvibe/app/channels"
	"highvibe/app/channels/channel"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/settingdef"
	"highvibe/app/staff"
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

// TestWebhookChannelsNotConnectedWithoutSecret: the channels page says WhatsApp and Telegram are
// not connected until the secret that checks their webhooks is set (deliveries are refused until
// then), with the warning that says why.
func TestWebhookChannelsNotConnectedWithoutSecret(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	for _, c := range []struct{ name, secret string }{{"whatsapp", "whatsapp_app_secret"}, {"telegram", "telegram_secret_token"}} {
		state := func() (string, int) {
			t.Helper()
			d := owner.Get("/app/settings/channels?lang=en").Doc(t)
			sec := d.Find("#" + c.name + "-state").Parent().Parent()
			return strings.TrimSpace(d.Find("#" + c.name + "-state").Text()), sec.Find(".flash-error").Length()
		}
		if got, warn := state(); got != "not connected" || warn != 1 {
			t.Fatalf("%s without its secret reads %q with %d warnings, want %q and one", c.name, got, warn, "not connected")
		}
		if r := owner.Post("/app/settings/channels", url.Values{c.secret: {"s3cret-" + c.name}}); r.StatusCode != 303 {
			t.Fatalf("save %s: %d", c.name, r.StatusCode)
		}
		if got, warn := state(); got != "ready to receive" || warn != 0 {
			t.Fatalf("%s with its secret reads %q with %d warnings, want %q and none", c.name, got, warn, "ready to receive")
		}
	}
}

// faxChannel is a throwaway channel that exists only in this test's registry: everything the
// product knows about its settings comes from this one declaration.
type faxChannel struct{}

func (faxChannel) Info() channel.Info {
	return channel.Info{Name: "fax", Provider: "fax", Icon: "℻", Outbound: channel.Record,
		Settings: []settingdef.Def{
			{Key: "fax_number", MaxLen: 20, Label: "test.fax.number", Heading: "test.fax.heading"},
			{Key: "fax_password", Kind: settingdef.Secret, MaxLen: 50, Label: "test.fax.password"},
			{Key: "fax_retries", Kind: settingdef.Number, Default: "3", Check: settingdef.WholeNumber(0, 9), Min: 0, Max: 9, Label: "test.fax.retries"},
			{Key: "fax_cover", Kind: settingdef.Bool, Default: "false", Label: "test.fax.cover"},
		},
		Section: channel.Section{Help: "test.fax.help", Code: func(origin, slug, _ string) string { return origin + "/fax/" + slug },
			Ready: []string{"fax_number", "fax_password"}, ReadyLabel: "test.fax.ready", NotReadyLabel: "test.fax.not_ready"}}
}

// TestNewChannelIsOneDeclaration: a channel added to a registry (a test's own instance, not the
// product's) brings its settings with it: `tenant set`'s path (the staff service) and the
// channels page accept and store them, the page draws its section (secrets masked, bad values a
// 422 that stores nothing), and a platform service not given the declaration refuses its keys.
func TestNewChannelIsOneDeclaration(t *testing.T) {
	reg := channel.NewRegistry(append(channels.Registry().All(), faxChannel{})...)
	e := apptest.NewWith(t, apptest.Options{NoJobs: true, Channels: reg})
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	ctx := t.Context()
	setting := func(k string) string {
		t.Helper()
		tn, err := e.Server.Platform.TenantBySlug(ctx, "acme")
		if err != nil {
			t.Fatal(err)
		}
		return tn.Setting(k)
	}
	if got := setting("fax_retries"); got != "3" {
		t.Fatalf("default of fax_retries = %q, want 3", got)
	}

	// The page draws the section from the declaration alone.
	doc := owner.Get("/app/settings/channels?lang=en").Doc(t)
	sec := doc.Find("section#fax")
	if sec.Length() != 1 {
		t.Fatal("no section for the fax channel")
	}
	if got := strings.TrimSpace(sec.Find("h2").Text()); !strings.HasPrefix(got, "inbox.channel.fax") {
		t.Errorf("heading %q", got)
	}
	if got := strings.TrimSpace(sec.Find("#fax-state").Text()); got != "test.fax.not_ready" {
		t.Errorf("state %q before set-up", got)
	}
	if got := sec.Find("#fax-code").Text(); !strings.HasSuffix(got, "/fax/acme") {
		t.Errorf("code block %q", got)
	}
	for sel, want := range map[string]string{"h3": "test.fax.heading", "label[for=fax_number]": "test.fax.number", "label[for=fax_retries]": "test.fax.retries"} {
		if got := strings.TrimSpace(sec.Find(sel).First().Text()); got != want {
			t.Errorf("%s reads %q, want %q", sel, got, want)
		}
	}
	for id, want := range map[string][2]string{"fax_number": {"maxlength", "20"}, "fax_password": {"type", "password"}, "fax_retries": {"type", "number"}, "fax_cover": {"type", "checkbox"}} {
		if got, _ := sec.Find("#" + id).Attr(want[0]); got != want[1] {
			t.Errorf("#%s %s=%q, want %q", id, want[0], got, want[1])
		}
	}
	if v, _ := sec.Find("#fax_retries").Attr("value"); v != "3" {
		t.Errorf("fax_retries shows %q, want the default 3", v)
	}

	// `highvibe tenant set` goes through the staff service to platform storage.
	staffSvc := &staff.Service{Platform: e.Server.Platform, Mgr: e.Server.Mgr}
	if err := staffSvc.SetSettings(ctx, staff.CLI, "acme", map[string]string{"fax_number": "+90 212 555 00 00", "fax_retries": "5"}); err != nil {
		t.Fatalf("tenant set: %v", err)
	}
	if setting("fax_number") != "+90 212 555 00 00" || setting("fax_retries") != "5" {
		t.Fatal("tenant set did not store the fax settings")
	}
	if err := staffSvc.SetSettings(ctx, staff.CLI, "acme", map[string]string{"fax_number": "1", "fax_retries": "12"}); err == nil {
		t.Fatal("tenant set accepted fax_retries=12")
	}
	if setting("fax_number") != "+90 212 555 00 00" {
		t.Fatal("a refused tenant set stored part of its pairs")
	}
	// The platform knows the keys only because they were handed in.
	if err := platform.NewService(e.Server.Mgr).ValidateSetting("fax_number", "1"); err == nil {
		t.Fatal("a platform service without the channel's declaration accepted fax_number")
	}

	// The page saves them: a secret, a checkbox.
	if r := owner.Post("/app/settings/channels", url.Values{"fax_password": {"pw-s3cret"}, "fax_cover": {"true", "false"}, "fax_number": {"123"}}); r.StatusCode != 303 {
		t.Fatalf("save: %d %s", r.StatusCode, r.Body)
	}
	if setting("fax_password") != "pw-s3cret" || setting("fax_cover") != "true" || setting("fax_number") != "123" {
		t.Fatalf("page save: password set %v, cover %q, number %q", setting("fax_password") != "", setting("fax_cover"), setting("fax_number"))
	}
	page := owner.Get("/app/settings/channels")
	if strings.Contains(page.Body, "pw-s3cret") {
		t.Fatal("the fax password was shown again")
	}
	doc = page.Doc(t)
	if got := strings.TrimSpace(doc.Find("#fax-state").Text()); got != "test.fax.ready" {
		t.Errorf("state %q after set-up", got)
	}
	if _, checked := doc.Find("#fax_cover").Attr("checked"); !checked {
		t.Error("the cover checkbox is not shown checked")
	}
	if doc.Find("input[name=clear_fax_password]").Length() != 1 {
		t.Error("no clear box for the stored fax password")
	}
	// A bad value: 422, its message next to the field, nothing stored.
	r := owner.Post("/app/settings/channels", url.Values{"fax_number": {"999"}, "fax_retries": {"x"}, "fax_cover": {"false"}})
	if r.StatusCode != 422 {
		t.Fatalf("bad fax_retries: %d", r.StatusCode)
	}
	if r.Doc(t).Find("#fax_retries-error").Length() != 1 {
		t.Error("no error next to fax_retries")
	}
	if setting("fax_number") != "123" || setting("fax_cover") != "true" {
		t.Fatal("partial save on 422")
	}
	// Unticking the checkbox posts only the hidden "false".
	if r := owner.Post("/app/settings/channels", url.Values{"fax_cover": {"false"}}); r.StatusCode != 303 {
		t.Fatalf("untick: %d", r.StatusCode)
	}
	if setting("fax_cover") != "false" {
		t.Fatal("unticking did not store false")
	}
}

// TestChannelSettingsAreTranslated: every catalog key a registered channel declares for the
// channels page (labels, headings, choices, help, state badges) exists in all six languages.
func TestChannelSettingsAreTranslated(t *testing.T) {
	var keys []string
	for _, c := range channels.Registry().All() {
		i := c.Info()
		s := i.Section
		keys = append(keys, s.Title, s.Help, s.ReadyLabel, s.NotReadyLabel, s.NotReadyWarning)
		for _, l := range s.Links {
			keys = append(keys, l.Label)
		}
		if len(i.Settings) > 0 || s.Help != "" {
			keys = append(keys, cmp.Or(s.Title, i.Label()))
		}
		for _, d := range i.Settings {
			if d.Label == "" {
				t.Errorf("%s: setting %s has no label", i.Name, d.Key)
			}
			keys = append(keys, d.Label, d.Heading)
			for _, o := range d.Options {
				keys = append(keys, d.Label+"."+o)
			}
		}
	}
	for _, lang := range []string{"en", "tr", "de", "fr", "es", "ar"} {
		have := map[string]bool{}
		for _, k := range i18n.Keys(lang) {
			have[k] = true
		}
		for _, k := range keys {
			if k != "" && !have[k] {
				t.Errorf("%s: catalog key %q missing", lang, k)
			}
		}
	}
}

// TestTelegramSecretTokenAsTelegramTakesIt: the webhook secret token must be one Telegram's
// setWebhook accepts (1–256 of A–Z a–z 0–9 _ -). "gizli anahtar ş!" was saved and the channel
// shown as ready to receive, though Telegram refuses to register it, so no update could ever
// carry it; and a token too long was refused with "a URL must start with http:// or https://".
// Both are refused next to the field in the owner's language, and nothing is stored.
func TestTelegramSecretTokenAsTelegramTakesIt(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	for _, bad := range []string{"gizli anahtar ş!", strings.Repeat("a", 257)} {
		r := owner.Post("/app/settings/channels", url.Values{"telegram_secret_token": {bad}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%.20q: %d, want 422", bad, r.StatusCode)
		}
		want := "Telegram burada yalnızca 1 ile 256 karakter kabul eder"
		if len(bad) > 256 {
			want = "En fazla 256 karakter olabilir." // too long says the limit
		}
		if got := r.Doc(t).Find("#telegram_secret_token-error").Text(); !strings.Contains(got, want) {
			t.Errorf("%.20q: the field says %q", bad, got)
		}
	}
	d := owner.Get("/app/settings/channels?lang=en").Doc(t)
	if got := strings.TrimSpace(d.Find("#telegram-state").Text()); got != "not connected" {
		t.Fatalf("after refused tokens Telegram reads %q, want not connected (nothing stored)", got)
	}
	if r := owner.Post("/app/settings/channels", url.Values{"telegram_secret_token": {"Osman_Tas-2026"}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("a valid token: %d", r.StatusCode)
	}
}

// TestTelegramBotTokenAsBotFatherGivesIt: the bot token must look like the one BotFather gives
// (the bot's number, a colon, its key). The whole line BotFather sends, the token with "bot" in
// front (as the Bot API's addresses write it) or cut at a space was saved without a word, and
// every reply to a Telegram customer then failed with Telegram's "Not Found", shown in the
// conversation as the channel refusing the message. Each is refused next to the field in the
// owner's language and nothing is stored; `highvibe tenant set` refuses them too; the real
// shape is saved.
func TestTelegramBotTokenAsBotFatherGivesIt(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	const token = "7123456789:AAHk-Zx9_q2LmNopQrStUvWxYz0123456789"
	for _, bad := range []string{
		"Use this token to access the HTTP API: " + token,
		"bot" + token,
		"7123456789:AAHk Zx9_q2LmNopQrStUvWxYz0123456789",
		"AAHk-Zx9_q2LmNopQrStUvWxYz0123456789",
	} {
		r := owner.Post("/app/settings/channels", url.Values{"telegram_bot_token": {bad}})
		if r.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("%.30q: %d, want 422", bad, r.StatusCode)
		}
		if got := r.Doc(t).Find("#telegram_bot_token-error").Text(); !strings.Contains(got, "Bu bir bot belirteci değil") {
			t.Errorf("%.30q: the field says %q", bad, got)
		}
		if err := e.Server.Platform.ValidateSetting("telegram_bot_token", bad); err == nil || !strings.Contains(err.Error(), "BotFather") {
			t.Errorf("tenant set telegram_bot_token=%.30q: %v", bad, err)
		}
	}
	if tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme"); err != nil || tn.Setting("telegram_bot_token") != "" {
		t.Fatalf("a refused token was stored: %q %v", tn.Setting("telegram_bot_token"), err)
	}
	if r := owner.Post("/app/settings/channels", url.Values{"telegram_bot_token": {token}}); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("BotFather's token: %d\n%s", r.StatusCode, r.Body)
	}
	if tn, err := e.Server.Platform.TenantBySlug(t.Context(), "acme"); err != nil || tn.Setting("telegram_bot_token") != token {
		t.Fatalf("BotFather's token was not stored: %v", err)
	}
}

// TestChannelFieldErrorsNameTheirProblem: a value too long for a field that is not an address
// (the WhatsApp verify token, a template name, the phone number ID, an e-mail user) was refused
// with "not valid (a URL must start with http://…)"; each field now says its own limit, or which
// characters it takes, in the owner's language; the typed values stay in their boxes and nothing
// is stored.
func TestChannelFieldErrorsNameTheirProblem(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	owner := e.User("acme", "olga", "owner")
	long := strings.Repeat("a", 513)
	r := owner.Post("/app/settings/channels", url.Values{
		"whatsapp_verify_token":                 {strings.Repeat("v", 201)},
		"whatsapp_template_visit_confirmation":  {long},
		"whatsapp_template_visit_reminder":      {"Randevu Hatırlatma"},
		"whatsapp_phone_number_id":              {strings.Repeat("1", 65)},
		"email_imap_user":                       {strings.Repeat("u", 255)},
		"whatsapp_template_visit_reminder_lang": {"tr"},
		"whatsapp_template_follow_up":           {"takip_1"},
		"whatsapp_api_base":                     {"https://graph.facebook.com/v21.0"},
	})
	if r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422", r.StatusCode)
	}
	d := r.Doc(t)
	for k, want := range map[string]string{
		"whatsapp_verify_token":                "En fazla 200 karakter olabilir.",
		"whatsapp_template_visit_confirmation": "En fazla 512 karakter olabilir.",
		"whatsapp_template_visit_reminder":     "küçük harf, rakam ve alt çizgi",
		"whatsapp_phone_number_id":             "En fazla 64 karakter olabilir.",
		"email_imap_user":                      "En fazla 254 karakter olabilir.",
	} {
		got := d.Find("#" + k + "-error").Text()
		if !strings.Contains(got, want) || strings.Contains(got, "http://") {
			t.Errorf("%s says %q, want %q", k, got, want)
		}
	}
	if v, _ := d.Find("#whatsapp_template_visit_reminder").Attr("value"); v != "Randevu Hatırlatma" {
		t.Errorf("typed template name not kept: %q", v)
	}
	if v, _ := d.Find("#whatsapp_template_follow_up").Attr("value"); v != "takip_1" {
		t.Errorf("typed valid value not kept: %q", v)
	}
	if strings.Contains(r.Body, strings.Repeat("v", 201)) {
		t.Error("the typed secret was echoed into the page")
	}
	tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	for _, k := range []string{"whatsapp_verify_token", "whatsapp_template_follow_up", "whatsapp_template_visit_reminder_lang", "email_imap_user"} {
		if tn.Setting(k) != "" {
			t.Errorf("%s stored on a refused form: %q", k, tn.Setting(k))
		}
	}
}

// TestChannelsStaleTabKeepsNewerSettings: the channels page open in two tabs. In the second the
// owner empties the e-mail server (the channel stops reading mail) and changes the phone number
// ID; later, in the first (drawn before), they set a template name and save. The template is
// saved and the e-mail server and phone number ID stay as the second tab left them — the first
// tab wrote back every field as it still showed it, connecting e-mail again — and the banner says
// so. No secret, nor a digest of one, is in the page.
func TestChannelsStaleTabKeepsNewerSettings(t *testing.T) {
	e := apptest.New(t)
	e.Tenant("acme", "parke_tas", "tr")
	e.Set("acme", map[string]string{"email_imap_host": "mail.ornek.com", "email_smtp_host": "mail.ornek.com",
		"whatsapp_phone_number_id": "1065", "whatsapp_access_token": "EAAG-secret-value"})
	owner := e.User("acme", "olga", "owner")
	page := func() url.Values {
		t.Helper()
		r := owner.Get("/app/settings/channels")
		if strings.Contains(r.Body, "EAAG-secret-value") || strings.Contains(r.Body, "whatsapp_access_token:") {
			t.Fatal("a secret, or its digest, is in the page")
		}
		v := url.Values{}
		r.Doc(t).Find(`form[action="/app/settings/channels"]`).Find("input[name], select[name]").Each(func(_ int, s *goquery.Selection) {
			name, _ := s.Attr("name")
			if goquery.NodeName(s) == "select" {
				val, _ := s.Find("option[selected]").Attr("value")
				v.Add(name, val)
				return
			}
			if typ, _ := s.Attr("type"); typ == "checkbox" {
				if _, on := s.Attr("checked"); !on {
					return
				}
			}
			val, _ := s.Attr("value")
			v.Add(name, val)
		})
		return v
	}
	morning := page()
	noon := page()
	noon.Set("email_imap_host", "")
	noon.Set("whatsapp_phone_number_id", "2077")
	if r := owner.Post("/app/settings/channels", noon); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("noon save: %d", r.StatusCode)
	}
	morning.Set("whatsapp_template_follow_up", "takip_1")
	if r := owner.Post("/app/settings/channels", morning); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("stale tab save: %d %.300s", r.StatusCode, r.Body)
	}
	tn, _ := e.Server.Platform.TenantBySlug(t.Context(), "acme")
	if tn.Setting("whatsapp_template_follow_up") != "takip_1" {
		t.Errorf("the stale tab's own change not saved: %q", tn.Setting("whatsapp_template_follow_up"))
	}
	if tn.Setting("email_imap_host") != "" || tn.Setting("whatsapp_phone_number_id") != "2077" {
		t.Errorf("the stale tab wrote back what it showed: imap host %q, phone number ID %q", tn.Setting("email_imap_host"), tn.Setting("whatsapp_phone_number_id"))
	}
	if tn.Setting("whatsapp_access_token") != "EAAG-secret-value" {
		t.Error("a secret left empty changed")
	}
	if got := owner.Get("/app/settings/channels").Doc(t).Find(".flashes").Text(); !strings.Contains(got, "dokunmadığınız alanlar yeni değerlerini korudu") {
		t.Errorf("banner %q: want it to say the fields changed meanwhile were kept", got)
	}
}

// TestChannelSectionsLinkTheirGuide: the channels page's one Guide link opened the WhatsApp page
// from every section, and only e-mail had a link of its own; each channel's section links its own
// guide page, and each of those pages exists.
func TestChannelSectionsLinkTheirGuide(t *testing.T) {
	t.Parallel()
	e := apptest.New(t)
	e.Tenant("acme")
	owner := e.User("acme", "olga", "owner")
	doc := owner.Get("/app/settings/channels?lang=tr").Doc(t)
	for section, page := range map[string]string{"webchat": "/guide/widget", "whatsapp": "/guide/whatsapp", "telegram": "/guide/telegram", "email": "/guide/email"} {
		link := doc.Find(`section#` + section + ` a[href="` + page + `"]`)
		if link.Length() != 1 || strings.TrimSpace(link.Text()) != i18n.For("tr").T("nav.guide") {
			t.Errorf("section %s has no link to %s", section, page)
			continue
		}
		if r := owner.Get(page + "?lang=tr"); r.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", page, r.StatusCode)
		}
	}
}
