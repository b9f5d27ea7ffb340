package ai

import w "highvibe/app/words"

// ownWords is what a customer's message says in their own words, the only text the assistant
// reads. A photo, video, voice note or file sent without a caption is stored with the channel's
// placeholder ("[image]", "[document: plan.pdf]", see words.Body): those are HighVibe's words,
// not the customer's, and read as words "image" raised the urgency and tagged a photo "complaint
// or damage". Such a message says nothing (""); a caption is stored in the placeholder's stead
// and read as written. A sticker's emoji and a contact card's name and number are what they carry.
func ownWords(body string) string {
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
