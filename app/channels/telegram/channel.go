package telegram

import (
	"context"
	"strconv"

	"highvibe/app/channels/channel"
	"highvibe/app/settingdef"
)

// Channel is a Telegram bot in the channel registry: inbound through the webhook, replies sent by
// the deliver job.
type Channel struct{}

// Info describes the channel.
func (Channel) Info() channel.Info {
	return channel.Info{Name: "telegram", Provider: "telegram", Icon: "✈", Outbound: channel.Deliver,
		Statuses: []string{"queued", "sent", "failed"},
		PhotoMax: PhotoMax,
		Settings: []settingdef.Def{
			{Key: "telegram_secret_token", Kind: settingdef.Secret, MaxLen: 256, Label: "channels.settings.telegram_secret_token"},
			{Key: "telegram_bot_token", Kind: settingdef.Secret, MaxLen: 200, Label: "channels.settings.telegram_bot_token"},
			{Key: "telegram_api_base", Kind: settingdef.URL, Default: "https://api.telegram.org", Check: settingdef.HTTPURL,
				Label: "channels.settings.telegram_api_base"},
		},
		// Without the secret token every webhook call is refused (it cannot be told from a stranger's).
		Section: channel.Section{Help: "channels.settings.telegram_help", Code: webhookURL,
			Ready: []string{"telegram_secret_token"}, ReadyLabel: "channels.settings.telegram_connected",
			NotReadyLabel: "channels.settings.telegram_not_connected", NotReadyAlarm: true,
			NotReadyWarning: "channels.settings.telegram_needs_secret"}}
}

// Send posts the reply to the conversation's chat (a text, or the file it carries with the text as
// caption) and returns "msg:<chat>:<message id>".
func (Channel) Send(ctx context.Context, r channel.Reply) (string, error) {
	token := r.Setting("telegram_bot_token")
	chat, ok := ChatID(r.ExternalID)
	if token == "" || !ok {
		return "", &channel.NotConfigured{Text: "not sent — no Telegram bot token configured"}
	}
	var id int64
	var err error
	if r.Media != nil {
		id, err = SendFile(ctx, r.Client, r.Setting("telegram_api_base"), token, chat, r.Media, r.Media.Caption)
	} else {
		id, err = SendMessage(ctx, r.Client, r.Setting("telegram_api_base"), token, chat, r.Body)
	}
	if err != nil {
		return "", err
	}
	return "msg:" + r.ExternalID + ":" + strconv.FormatInt(id, 10), nil
}

// webhookURL is the address to register with Telegram's setWebhook for the tenant's bot.
func webhookURL(origin, slug, _ string) string {
	return origin + "/api/webhooks/telegram/" + slug + "/"
}
