package words

import (
	"regexp"
	"strings"

	"highvibe/app/i18n"
)

// reBody is the shape of the words the channels store for a message that carries no text of its
// own: "[image]", "[document: plan.pdf]", "[sticker] 😀", "[contact] Mehmet Usta +90 532 …",
// "[unsupported message: poll] 131051 Message type unknown", "[start: ad42]" (Telegram's Start
// button, from a link with a code). The record keeps these (the
// assistant and the search read them); a page says them in the reader's language.
var reBody = regexp.MustCompile(`^\[(image|video|audio|document|sticker|contact|start|unsupported message)(?:: ([^\]]*))?\](?: (.*))?$`)

// Body words a stored message body that is only a channel's placeholder for what it carried (a
// photo without a caption, a voice note, a sticker, a contact card, a kind of message HighVibe does
// not show): "Voice message or audio recording", "Contact card «Mehmet Usta +90 532 111 22 33»".
// The zero Phrase means the body is the sender's own words, to show as written.
func Body(body string) i18n.Phrase {
	if len(body) > 2000 || !strings.HasPrefix(body, "[") {
		return i18n.Phrase{}
	}
	m := reBody.FindStringSubmatch(body)
	if m == nil {
		return i18n.Phrase{}
	}
	kind, name, rest := m[1], strings.TrimSpace(m[2]), strings.TrimSpace(m[3])
	switch kind {
	case "unsupported message":
		// The type Meta named and its English error ("131051 Message type unknown") are not
		// the reader's words; the kind of message is all there is to say.
		return i18n.P("words.body.unsupported")
	case "start":
		// The customer pressed Start in Telegram: "/start", or "/start CODE" from a link.
		if rest != "" {
			return i18n.Phrase{}
		}
		if name != "" {
			return quoted("words.body.start_link", name)
		}
		return i18n.P("words.body.start")
	case "sticker", "contact":
		if name != "" || (rest == "" && kind == "contact") {
			return i18n.Phrase{}
		}
		return quoted("words.body."+kind, rest)
	}
	if rest != "" {
		return i18n.Phrase{} // "[image] and more words": the sender's own
	}
	return quoted("words.body."+kind, name)
}

// BodyText is a stored message body as one line in p's language, for what is not a page (a
// file, a mail, a push): the sender's own words as written, a channel's placeholder said as Body
// says it ("Sesli mesaj ya da ses kaydı", "Kişi kartı «Mehmet Usta +90 532 …»").
func BodyText(p *i18n.Printer, body string) string {
	ph := Body(body)
	if ph.Key == "" {
		return body
	}
	if ph.Quote != "" {
		return p.Say(ph) + " «" + ph.Quote + "»"
	}
	return p.Say(ph)
}
