package widget

import "highvibe/app/channels/channel"

// Channel is the website chat widget in the channel registry: the visitor's browser posts and
// polls, so a reply is delivered by being stored.
type Channel struct{}

// Info describes the channel.
func (Channel) Info() channel.Info {
	return channel.Info{Name: "webchat", Provider: "widget", Icon: "⌂", Outbound: channel.Local, Statuses: []string{"sent"}}
}
