package telegram

import (
	"context"
	"regexp"
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
		PhotoMax: PhotoMax, Blocked: EventBlocked, Unblocked: EventUnblocked,
		SendNeeds: []string{"telegram_bot_token"}, // Send: NotConfigured without it
		Settings: []settingdef.Def{
			{Key: "telegram_secret_token", Kind: settingdef.Secret, MaxLen: 256, Check: checkSecretToken, Problem: problemSecretToken,
				Label: "channels.settings.telegram_secret_token"},
			{Key: "telegram_bot_token", Kind: settingdef.Secret, MaxLen: 200, Check: checkBotToken, Problem: problemBotToken,
				Label: "channels.settings.telegram_bot_token"},
			{Key: "telegram_api_base", Kind: settingdef.URL, Default: "https://api.telegram.org", Check: settingdef.HTTPURL,
				Label: "channels.settings.telegram_api_base"},
		},
		// Without the secret token every webhook call is refused (it cannot be told from a stranger's).
		Section: channel.Section{Help: "channels.settings.telegram_help", Guide: "telegram", Code: webhookURL,
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
	if r.Media != nil {
		id, err := SendFile(ctx, r.Client, r.Setting("telegram_api_base"), token, chat, r.Media, r.Media.Caption)
		if err != nil {
			return "", err
		}
		return providerID(r.ExternalID, id), nil
	}
	// A long reply goes as several messages: a try after one that stopped part-way sends only the
	// pieces that did not go (the customer got the first ones twice), and says how far it got.
	id, sent, of, err := sendPieces(ctx, r.Client, r.Setting("telegram_api_base"), token, chat, r.Body, r.PartsSent)
	if err != nil {
		if sent > 0 {
			return "", &channel.Partial{Sent: sent, Of: of, ProviderID: providerID(r.ExternalID, id), Err: err}
		}
		return "", err
	}
	return providerID(r.ExternalID, id), nil
}

// providerID is the provider message id of the bot's message id in a chat ("" for none: the
// first piece of a long reply went on an earlier try, and its id is kept from then).
func providerID(externalID string, id int64) string {
	if id == 0 {
		return ""
	}
	return "msg:" + externalID + ":" + strconv.FormatInt(id, 10)
}

// webhookURL is the address to register with Telegram's setWebhook for the tenant's bot.
func webhookURL(origin, slug, _ string) string {
	return origin + "/api/webhooks/telegram/" + slug + "/"
}

// reSecretToken is what the Bot API's setWebhook accepts as secret_token: 1–256 characters, each
// a letter A–Z or a–z, a digit, "_" or "-". Any other value could never be registered with
// Telegram, so every update would be refused as not carrying it.
var reSecretToken = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)

// checkSecretToken says, in English (the command line's words), why a webhook secret token
// cannot be given to setWebhook ("" = it can).
func checkSecretToken(v string) string {
	if v != "" && !reSecretToken.MatchString(v) {
		return "must be 1-256 characters: letters A-Z and a-z, digits, _ and - (what Telegram's setWebhook accepts)"
	}
	return ""
}

// problemSecretToken is checkSecretToken for the channels page: the catalog key of the message.
func problemSecretToken(v string) string {
	if checkSecretToken(v) != "" {
		return "channels.settings.telegram_secret_bad"
	}
	return ""
}

// reBotToken is how BotFather writes a bot's token: the bot's number, a colon and its key (35
// letters, digits, _ and - today; a few more or fewer are let through). Anything else — the whole
// line BotFather sends ("Use this token to access the HTTP API: 123…"), "bot" put in front as in
// the Bot API's addresses, a space in the middle — was stored, and every reply then failed hours
// later with Telegram's "Not Found", which the conversation shows as the channel refusing it.
var reBotToken = regexp.MustCompile(`^[0-9]{1,20}:[A-Za-z0-9_-]{20,}$`)

// checkBotToken says, in English (the command line's words), why a value is not a bot token
// ("" = it is one, or is empty).
func checkBotToken(v string) string {
	if v != "" && !reBotToken.MatchString(v) {
		return "must be the token BotFather gave, alone: the bot's number, a colon and its key (123456789:AAH…)"
	}
	return ""
}

// problemBotToken is checkBotToken for the channels page: the catalog key of the message.
func problemBotToken(v string) string {
	if checkBotToken(v) != "" {
		return "channels.settings.telegram_bot_token_bad"
	}
	return ""
}
