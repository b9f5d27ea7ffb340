package whatsapp

import (
	"context"

	"highvibe/app/channels/channel"
	"highvibe/app/settingdef"
)

// Channel is WhatsApp (Cloud API) in the channel registry: inbound through the webhook, replies
// sent by the deliver job within the 24-hour customer-service window, and outside it a message
// that names a purpose as the tenant's approved template for it (template.go).
type Channel struct{}

// Info describes the channel.
func (Channel) Info() channel.Info {
	return channel.Info{Name: "whatsapp", Provider: "whatsapp_webhook", Icon: "●", Outbound: channel.Deliver, Window: Window,
		Templates: ConfiguredTemplates,
		PhotoMax:  PhotoMax,
		SendNeeds: []string{"whatsapp_access_token", "whatsapp_phone_number_id"}, // Send: NotSentNoToken
		Statuses:  []string{"queued", "sent", "delivered", "read", "failed"},
		Settings: append([]settingdef.Def{
			{Key: "whatsapp_verify_token", Kind: settingdef.Secret, MaxLen: 200, Label: "channels.settings.whatsapp_verify_token"},
			{Key: "whatsapp_app_secret", Kind: settingdef.Secret, MaxLen: 200, Label: "channels.settings.whatsapp_app_secret"},
			{Key: "whatsapp_phone_number_id", MaxLen: 64, Label: "channels.settings.whatsapp_phone_number_id"},
			{Key: "whatsapp_access_token", Kind: settingdef.Secret, MaxLen: 1000, Label: "channels.settings.whatsapp_access_token"},
			{Key: "whatsapp_api_base", Kind: settingdef.URL, Default: "https://graph.facebook.com/v21.0", Check: settingdef.HTTPURL,
				Label: "channels.settings.whatsapp_api_base"},
		}, templateSettings()...),
		// Without the app secret every webhook call is refused (its signature cannot be checked).
		Section: channel.Section{Help: "channels.settings.whatsapp_help", Guide: "whatsapp", Code: webhookURL,
			Ready: []string{"whatsapp_app_secret"}, ReadyLabel: "channels.settings.whatsapp_connected",
			NotReadyLabel: "channels.settings.whatsapp_not_connected", NotReadyAlarm: true,
			NotReadyWarning: "channels.settings.whatsapp_needs_secret"}}
}

// PhotoMax is the largest image WhatsApp's Cloud API takes (5 MB): the composer refuses a larger
// photo on a WhatsApp conversation before anything is kept, instead of a send that fails.
const PhotoMax = 5 << 20

// NotSentNoToken is stored as the delivery error when WhatsApp sending is not configured.
const NotSentNoToken = "not sent — reply from your WhatsApp app (no WhatsApp access token configured)"

// Send sends a reply to the conversation's wa_id (a text, or the file it carries with the text as
// caption) and returns the new wamid.
func (Channel) Send(ctx context.Context, r channel.Reply) (string, error) {
	token, phoneID := r.Setting("whatsapp_access_token"), r.Setting("whatsapp_phone_number_id")
	if token == "" || phoneID == "" {
		return "", &channel.NotConfigured{Text: NotSentNoToken}
	}
	if r.Media != nil {
		return SendMedia(ctx, r.Client, r.Setting("whatsapp_api_base"), phoneID, token, r.ExternalID, r.Media, r.Media.Caption)
	}
	return SendText(ctx, r.Client, r.Setting("whatsapp_api_base"), phoneID, token, r.ExternalID, r.Body)
}

// webhookURL is the address to give Meta as the app's webhook (KEY: one of the tenant's API keys).
func webhookURL(origin, _, _ string) string { return origin + "/api/webhooks/whatsapp/?api_key=KEY" }
