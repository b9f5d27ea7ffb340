package widget

import "highvibe/app/channels/channel"

// Channel is the website chat widget in the channel registry: the visitor's browser posts and
// polls, so a reply is delivered by being stored.
type Channel struct{}

// Info describes the channel.
func (Channel) Info() channel.Info {
	return channel.Info{Name: "webchat", Provider: "widget", Icon: "⌂", Outbound: channel.Local, Statuses: []string{"sent"},
		// The widget's own settings (greeting, consent) live on the general settings page; the
		// channels page shows its embed code.
		Section: channel.Section{Title: "channels.settings.widget", Help: "channels.settings.widget_help", Guide: "widget", Code: EmbedSnippet, Copy: true,
			Links: []channel.Link{{Label: "channels.settings.demo", Href: "/widget/demo/{slug}/"}, {Label: "widget.label.privacy", Href: "/kvkk/{slug}/"}}}}
}
