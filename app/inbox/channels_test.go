package inbox

import (
	"highvibe/app/channels/channel"
)

// FakeChannels is the inbox tests' channel registry: the real channels' facts without their
// senders (app/channels imports this package, so its internal tests cannot use
// channels.Registry). TestFakeChannelsMatchRegistry keeps it equal to the real one.
func FakeChannels() *channel.Registry {
	return channel.NewRegistry(
		channel.Fixed{Name: "webchat", Provider: "widget", Outbound: channel.Local},
		channel.Fixed{Name: "whatsapp", Provider: "whatsapp_webhook", Outbound: channel.Deliver},
		channel.Fixed{Name: "telegram", Provider: "telegram", Outbound: channel.Deliver},
		channel.Fixed{Name: "email", Provider: "email", Outbound: channel.Deliver, ByHand: true},
		channel.Fixed{Name: "call", Provider: "conversation_inbox", ByHand: true},
		channel.Fixed{Name: "manual", Provider: "conversation_inbox", ByHand: true},
	)
}
