package ai

import (
	"regexp"
	"strings"

	"highvibe/app/channels/channel"
	"highvibe/app/inbox"
	w "highvibe/app/words"
)

// ownWords is what a customer's message says in their own words, the only text the assistant
// reads. A photo, video, voice note or file sent without a caption is stored with the channel's
// placeholder ("[image]", "[document: plan.pdf]", see words.Body): those are HighVibe's words,
// not the customer's, and read as words "image" raised the urgency and tagged a photo "complaint
// or damage". Such a message says nothing (""); a caption is stored in the placeholder's stead
// and read as written. A sticker's emoji and a contact card's name and number are what they carry.
// Opening a Telegram chat ("[start: CODE]", or "/start CODE" as a message stored before Start
// had a kind of its own) says nothing either: the link's code is where the customer came from.
func ownWords(body string) string {
	if startOnly(body) {
		return ""
	}
	ph := w.Body(body)
	switch ph.Key {
	case "":
		return body
	case "words.body.sticker", "words.body.contact":
		return ph.Quote
	}
	return ""
}

// ownHistory is ownWords of each earlier message.
func ownHistory(history []string) []string {
	if len(history) == 0 {
		return history
	}
	out := make([]string, len(history))
	for i, h := range history {
		out[i] = ownWords(h)
	}
	return out
}

// reStartCommand is a message that only opens a Telegram chat: "/start", "/start@Bot", each
// with a link's code (1–64 of A–Z a–z 0–9 _ -) or none.
var reStartCommand = regexp.MustCompile(`^/start(@[A-Za-z0-9_]+)?(\s+[A-Za-z0-9_-]{1,64})?$`)

// startOnly says a message body only opens the chat: Telegram's Start as the channel stores it
// ("[start]", "[start: CODE]") or as it came ("/start CODE"). The code is attribution — the lead
// keeps it as its campaign and the conversation names it — not the customer's words.
func startOnly(body string) bool {
	b := strings.TrimSpace(body)
	switch k := w.Body(b).Key; k {
	case "words.body.start", "words.body.start_link":
		return true
	}
	return reStartCommand.MatchString(b)
}

// opensChat says msg only opens the chat (channel.KindStart, or a body that is only a start):
// it is greeted, not read.
func opensChat(msg *inbox.Message) bool {
	return msg.Kind == channel.KindStart || startOnly(msg.Body)
}
