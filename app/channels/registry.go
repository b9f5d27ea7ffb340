package channels

import (
	"highvibe/app/channels/channel"
	"highvibe/app/channels/email"
	"highvibe/app/channels/telegram"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/channels/widget"
)

// Registry is THE list of conversation channels: one line per channel, in the order screens show
// them. Ingest, delivery, the inbox filters, the charts, the action-log filter and the integration
// API all derive their lists from it (TestChannelListsComeFromRegistry fails on a list written
// anywhere else). A new channel is one folder implementing channel.Channel plus one line here; the
// schema's CHECK on conversations.channel must list it too (a migration).
func Registry() *channel.Registry {
	return channel.NewRegistry(
		widget.Channel{},
		whatsapp.Channel{},
		telegram.Channel{},
		email.Channel{},
		channel.Fixed{Name: "call", Provider: "conversation_inbox", Icon: "☎", ByHand: true},
		channel.Fixed{Name: "manual", Provider: "conversation_inbox", Icon: "✎", ByHand: true},
	)
}
