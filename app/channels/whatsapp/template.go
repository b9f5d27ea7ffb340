package whatsapp

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
	"highvibe/app/settingdef"
)

// Outside the 24-hour customer-service window WhatsApp delivers only a message template the
// business had approved in WhatsApp Manager. The tenant names, per purpose (channel.TemplatePurposes),
// the approved template and its language; a message that asks for a purpose (inbox.Outgoing.Template)
// goes as that template with its parameters as the body's {{1}}, {{2}}, … .

// TemplateSetting is the setting holding the approved template's name for a purpose
// ("whatsapp_template_visit_confirmation"); TemplateLangSetting holds its language code.
func TemplateSetting(purpose string) string     { return "whatsapp_template_" + purpose }
func TemplateLangSetting(purpose string) string { return "whatsapp_template_" + purpose + "_lang" }

// NotSentNoTemplate is stored as the delivery error when the window is closed and no approved
// template is set for the message's purpose (the inbox words it as inbox.failure.no_template).
const NotSentNoTemplate = "not sent — WhatsApp's 24-hour window is closed and no approved template is set for this message"

// templateName: Meta's rule for template names (lowercase letters, digits and underscores, at
// most 512 characters). templateLang: a language code as WhatsApp lists them ("tr", "en_US",
// "pt_BR", "fil").
var (
	templateName = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	templateLang = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
)

func checkTemplateName(v string) string {
	if v != "" && !templateName.MatchString(v) {
		return "must be a WhatsApp template name: lowercase letters, digits and underscores"
	}
	return ""
}

func checkTemplateLang(v string) string {
	if v != "" && !templateLang.MatchString(v) {
		return "must be a WhatsApp language code such as tr or en_US"
	}
	return ""
}

func problemTemplateName(v string) string {
	if checkTemplateName(v) != "" {
		return "channels.settings.err.template_name"
	}
	return ""
}

func problemTemplateLang(v string) string {
	if checkTemplateLang(v) != "" {
		return "channels.settings.err.template_lang"
	}
	return ""
}

// templateSettings are the name and language settings of every purpose, in order, under one
// heading on the channels page.
func templateSettings() []settingdef.Def {
	var out []settingdef.Def
	for i, p := range channel.TemplatePurposes {
		name := settingdef.Def{Key: TemplateSetting(p), MaxLen: 512, Check: checkTemplateName, Problem: problemTemplateName,
			Label: "channels.settings." + TemplateSetting(p)}
		if i == 0 {
			name.Heading = "channels.settings.whatsapp_templates"
		}
		out = append(out, name, settingdef.Def{Key: TemplateLangSetting(p), MaxLen: 16, Check: checkTemplateLang, Problem: problemTemplateLang,
			Label: "channels.settings." + TemplateLangSetting(p)})
	}
	return out
}

// ConfiguredTemplates returns the purposes whose template name is set, in purpose order
// (channel.Info.Templates: the composer offers them outside the window).
func ConfiguredTemplates(setting func(string) string, fallbackLang string) []channel.ConfiguredTemplate {
	var out []channel.ConfiguredTemplate
	for _, p := range channel.TemplatePurposes {
		if n := setting(TemplateSetting(p)); n != "" {
			out = append(out, channel.ConfiguredTemplate{Purpose: p, Name: n, Lang: TemplateLang(setting, p, fallbackLang)})
		}
	}
	return out
}

// langOr is the configured language code, else the tenant's main language ("tr", "en", … are
// all WhatsApp codes too).
func langOr(code, fallback string) string {
	if code != "" {
		return code
	}
	if fallback == "" {
		return "tr"
	}
	return fallback
}

// SendTemplate sends the approved template of r.Template's purpose (the deliverer calls it when the
// window is closed). No token: NotSentNoToken; no template for the purpose: NotSentNoTemplate.
func (Channel) SendTemplate(ctx context.Context, r channel.Reply) (string, error) {
	token, phoneID := r.Setting("whatsapp_access_token"), r.Setting("whatsapp_phone_number_id")
	if token == "" || phoneID == "" {
		return "", &channel.NotConfigured{Text: NotSentNoToken}
	}
	if r.Template == nil {
		return "", &chanutil.SendError{Body: "no template to send", Permanent: true}
	}
	name := r.Setting(TemplateSetting(r.Template.Purpose))
	if name == "" {
		return "", &channel.NotConfigured{Text: NotSentNoTemplate + " (" + r.Template.Purpose + ")"}
	}
	return SendTemplate(ctx, r.Client, r.Setting("whatsapp_api_base"), phoneID, token, r.ExternalID, name,
		TemplateLang(r.Setting, r.Template.Purpose, r.Locale), r.Template.Params)
}

// TemplateLang is the language code a purpose's template is sent in: the one set for it, else the
// tenant's main language.
func TemplateLang(setting func(string) string, purpose, tenantLocale string) string {
	return langOr(setting(TemplateLangSetting(purpose)), tenantLocale)
}

// SendTemplate sends one template message through the Cloud API (its body parameters as text, in
// order) and returns the new wamid.
func SendTemplate(ctx context.Context, c *http.Client, apiBase, phoneNumberID, token, to, name, lang string, params []string) (string, error) {
	if c == nil {
		c = chanutil.HTTPClient
	}
	tpl := map[string]any{"name": name, "language": map[string]any{"code": lang}}
	if len(params) > 0 {
		ps := make([]map[string]any, 0, len(params))
		for _, p := range params {
			ps = append(ps, map[string]any{"type": "text", "text": ParamText(p)})
		}
		tpl["components"] = []map[string]any{{"type": "body", "parameters": ps}}
	}
	return sendMessage(ctx, c, apiBase, phoneNumberID, token, map[string]any{"messaging_product": "whatsapp", "recipient_type": "individual",
		"to": to, "type": "template", "template": tpl})
}

// ParamText makes a value acceptable as a template parameter: WhatsApp refuses parameters that
// are empty or hold new lines, tabs or more than four spaces in a row, so those become single
// spaces and an empty value a dash.
func ParamText(v string) string {
	v = strings.Join(strings.Fields(v), " ")
	if v == "" {
		return "-"
	}
	return v
}
