// Package telegram turns Telegram Bot API webhook updates into inbox messages and sends replies
// with sendMessage.
package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"highvibe/app/channels/channel"
	"highvibe/app/web"
)

// reStart is the Bot API's start command: what the Start button sends when a person opens the
// bot ("/start"), with a link's code ("/start ad42") or, in a group, the bot's name
// ("/start@OsmanTasBot").
var reStart = regexp.MustCompile(`^/start(@[A-Za-z0-9_]+)?(\s|$)`)

// reStartCode is a link's start code as the Bot API allows it (t.me/bot?start=CODE): 1–64
// letters A–Z and a–z, digits, "_" and "-".
var reStartCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ErrUpdate is returned for a body that is not a Bot API update.
var ErrUpdate = errors.New("telegram: malformed update")

type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Username  string `json:"username"`
	// LanguageCode is the language of the person's Telegram app (an IETF tag: "ru", "de", "pt-br").
	LanguageCode string `json:"language_code"`
}

type chat struct {
	Title string `json:"title"`
}

type message struct {
	MessageID int64 `json:"message_id"`
	From      *user `json:"from"`
	Chat      *struct {
		ID        int64  `json:"id"`
		Type      string `json:"type"`
		Title     string `json:"title"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
		Username  string `json:"username"`
	} `json:"chat"`
	// ReplyTo is the earlier message of the chat the customer replied to (Telegram's quote).
	ReplyTo *struct {
		MessageID int64 `json:"message_id"`
		From      *user `json:"from"`
	} `json:"reply_to_message"`
	// ForwardOrigin is where a forwarded message came from (Bot API 7.0); ForwardDate,
	// ForwardFrom, ForwardSenderName and ForwardFromChat are the same in the fields before it.
	ForwardOrigin *struct {
		SenderUser     *user  `json:"sender_user"`
		SenderUserName string `json:"sender_user_name"`
		SenderChat     *chat  `json:"sender_chat"`
		Chat           *chat  `json:"chat"`
	} `json:"forward_origin"`
	ForwardDate       int64            `json:"forward_date"`
	ForwardFrom       *user            `json:"forward_from"`
	ForwardSenderName string           `json:"forward_sender_name"`
	ForwardFromChat   *chat            `json:"forward_from_chat"`
	Date              int64            `json:"date"`
	EditDate          int64            `json:"edit_date"`
	Text              *string          `json:"text"`
	Caption           *string          `json:"caption"`
	Photo             []map[string]any `json:"photo"`
	Document          *struct {
		FileID   string `json:"file_id"`
		FileName string `json:"file_name"`
		MimeType string `json:"mime_type"`
	} `json:"document"`
	Voice   map[string]any `json:"voice"`
	Audio   map[string]any `json:"audio"`
	Video   map[string]any `json:"video"`
	Sticker *struct {
		Emoji string `json:"emoji"`
	} `json:"sticker"`
	Contact *struct {
		PhoneNumber string `json:"phone_number"`
		FirstName   string `json:"first_name"`
		LastName    string `json:"last_name"`
		UserID      int64  `json:"user_id"`
	} `json:"contact"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	} `json:"location"`
	// Venue is a place picked from Telegram's map (a name and an address); the message carries
	// its location too.
	Venue *struct {
		Title   string `json:"title"`
		Address string `json:"address"`
	} `json:"venue"`
}

type update struct {
	UpdateID      *int64   `json:"update_id"`
	Message       *message `json:"message"`
	EditedMessage *message `json:"edited_message"`
	ChannelPost   *message `json:"channel_post"`
	// MyChatMember is a change of the bot's own membership of a chat: in a private chat, the
	// customer blocking the bot (new status "kicked") or unblocking it ("member").
	MyChatMember *struct {
		Chat *struct {
			ID   int64  `json:"id"`
			Type string `json:"type"`
		} `json:"chat"`
		NewChatMember *struct {
			Status string `json:"status"`
		} `json:"new_chat_member"`
	} `json:"my_chat_member"`
}

// serviceFields are the fields of the Bot API's service messages: what Telegram reports about a
// chat itself — the bot or a member added to or leaving a group, a title or photo changed, a
// message pinned, a group created or moved, a video chat, a forum topic, the customer allowing
// the bot to write — not words or a file of the customer.
var serviceFields = []string{"new_chat_members", "left_chat_member", "new_chat_title", "new_chat_photo", "delete_chat_photo",
	"group_chat_created", "supergroup_chat_created", "channel_chat_created", "message_auto_delete_timer_changed",
	"migrate_to_chat_id", "migrate_from_chat_id", "pinned_message", "write_access_allowed", "proximity_alert_triggered",
	"boost_added", "chat_background_set", "forum_topic_created", "forum_topic_edited", "forum_topic_closed",
	"forum_topic_reopened", "general_forum_topic_hidden", "general_forum_topic_unhidden", "video_chat_scheduled",
	"video_chat_started", "video_chat_ended", "video_chat_participants_invited", "giveaway_created", "giveaway_completed",
	"users_shared", "chat_shared", "connected_website", "paid_message_price_changed", "direct_message_price_changed"}

// isService reports whether the message object raw is a service message (serviceFields).
func isService(raw json.RawMessage) bool {
	var fields map[string]json.RawMessage
	if json.Unmarshal(raw, &fields) != nil {
		return false
	}
	for _, f := range serviceFields {
		if v, ok := fields[f]; ok && string(v) != "null" && string(v) != "false" {
			return true
		}
	}
	return false
}

// Message is one inbound message read from an update.
type Message struct {
	UpdateID  int64
	ChatID    int64 // 64-bit: group and channel ids exceed 32 bits
	MessageID int64
	Name      string
	Phone     string // when the customer shared their own contact (not someone else's card)
	Kind      string
	Body      string
	At        time.Time
	// FileID is the Bot API file of a photo (its largest size), document, voice, audio or video,
	// downloaded later with getFile; FileName and MimeType are what the sender declared.
	FileID   string
	FileName string
	MimeType string
	// ReplyTo names the message the customer replied to, as the inbox knows it: the bot's reply
	// by its provider message id ("msg:<chat>:<id>"), a message of the customer's by its chat
	// message id (inbox.NoteMessage); "" = no reply.
	ReplyTo string
	// Forwarded is a message the customer forwarded from elsewhere, ForwardedFrom the name of
	// the person, group or channel it came from ("" when hidden).
	Forwarded     bool
	ForwardedFrom string
	// Edited is an edited_message update: the customer changed the words of their message
	// MessageID, and Body, Kind and At (the edit's time) are the new version.
	Edited bool
	// Campaign is the code of the link the customer opened the bot from (t.me/bot?start=CODE):
	// the lead's campaign (utm_campaign), as a widget visitor's utm_campaign is.
	Campaign string
	// Language is the language the sender's Telegram app is set to, as its primary subtag ("ru"
	// for "ru", "pt" for "pt-br"; "" when Telegram sends none or not a language tag). It is all
	// the assistant needs to choose the language of a greeting before the customer has written.
	Language string
}

// Parsed is what an update means for the inbox: a message (new, or the new version of one the
// customer edited), the customer blocking or unblocking the bot, or something else we do not
// store.
type Parsed struct {
	UpdateID int64
	Message  *Message // nil when the update carries no message
	Block    *Block   // nil when the update is not a block or an unblock
}

// Block is the customer of a private chat blocking the bot (Blocked) or unblocking it: Telegram
// sends it as a my_chat_member update, the bot's status becoming "kicked" or "member".
type Block struct {
	ChatID  int64
	Blocked bool
}

// Parse reads one update. Unknown fields and update types are ignored without error.
func Parse(b []byte) (*Parsed, error) {
	var u update
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUpdate, err)
	}
	if u.UpdateID == nil {
		return nil, fmt.Errorf("%w: update_id is required", ErrUpdate)
	}
	p := &Parsed{UpdateID: *u.UpdateID}
	if c := u.MyChatMember; c != nil && c.Chat != nil && c.Chat.Type == "private" && c.NewChatMember != nil {
		// In a group the bot is removed or added by a member: that is not a customer blocking it.
		switch c.NewChatMember.Status {
		case "kicked":
			p.Block = &Block{ChatID: c.Chat.ID, Blocked: true}
		case "member":
			p.Block = &Block{ChatID: c.Chat.ID}
		}
		return p, nil
	}
	m, edited := u.Message, false
	if m == nil && u.EditedMessage != nil {
		m, edited = u.EditedMessage, true
	}
	if m == nil || m.Chat == nil {
		return p, nil
	}
	if edited && m.Location != nil {
		// A live location moving: while a customer shares it, Telegram sends the position again as
		// an edit of the first message every time it changes (for up to the period they chose),
		// which is not the customer writing. The first position stays the conversation's line.
		return p, nil
	}
	at := m.Date
	if edited {
		at = m.EditDate
	}
	out := &Message{UpdateID: p.UpdateID, ChatID: m.Chat.ID, MessageID: m.MessageID, At: time.Unix(at, 0), Edited: edited}
	if at <= 0 {
		out.At = time.Time{}
	}
	if m.From != nil {
		out.Name = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
		if out.Name == "" {
			out.Name = m.From.Username
		}
		out.Language = languageTag(m.From.LanguageCode)
	}
	if out.Name == "" {
		out.Name = strings.TrimSpace(m.Chat.FirstName + " " + m.Chat.LastName + m.Chat.Title)
	}
	// Anyone can put direction overrides and new lines into a Telegram name: it is shown as one
	// line of plain text.
	out.Name = web.PersonName(out.Name)
	if r := m.ReplyTo; r != nil && r.MessageID != 0 {
		if r.From != nil && r.From.IsBot {
			out.ReplyTo = "msg:" + strconv.FormatInt(m.Chat.ID, 10) + ":" + strconv.FormatInt(r.MessageID, 10)
		} else {
			out.ReplyTo = strconv.FormatInt(r.MessageID, 10)
		}
	}
	out.Forwarded, out.ForwardedFrom = forwarded(m)
	out.ForwardedFrom = web.PersonName(out.ForwardedFrom) // a name as anyone sets it, as above
	out.Kind, out.Body = readable(m)
	if out.Kind == channel.KindStart {
		out.Body, out.Campaign = start(out.Body)
	}
	if out.Kind == "unsupported" {
		var raw struct {
			Message       json.RawMessage `json:"message"`
			EditedMessage json.RawMessage `json:"edited_message"`
		}
		_ = json.Unmarshal(b, &raw)
		if isService(raw.Message) || (edited && isService(raw.EditedMessage)) {
			// Nothing the customer wrote or sent: no line, and nothing for the assistant to answer
			// (it answered "[unsupported message]" in a group the bot had just been added to).
			return p, nil
		}
	}
	out.FileID, out.FileName, out.MimeType = file(m)
	// A contact card is the customer's own number only when it names the sender (Telegram's
	// "share my phone number", whose user_id is theirs). A card of someone else — a foreman, a
	// neighbour, another customer — is kept as a line of the conversation and nothing more: taken
	// as the sender's phone it became the lead's number, and as the first message of a chat it
	// joined the chat to whichever lead had that number.
	// Telegram gives the number in its international form, often without the "+": with the "+"
	// put back it keeps its own country instead of being read as a number typed without one.
	if c := m.Contact; c != nil && c.UserID != 0 && m.From != nil && c.UserID == m.From.ID {
		out.Phone = strings.TrimSpace(c.PhoneNumber)
		if out.Phone != "" && !strings.HasPrefix(out.Phone, "+") {
			out.Phone = "+" + out.Phone
		}
	}
	p.Message = out
	return p, nil
}

// reLanguage is an IETF language tag as Telegram sends it: a primary language subtag of two or
// three letters, then subtags ("en", "pt-br", "zh-hans").
var reLanguage = regexp.MustCompile(`^([A-Za-z]{2,3})(-[A-Za-z0-9]{1,8})*$`)

// languageTag is the primary language of an app's language tag, lower-case ("pt-BR" → "pt"), ""
// when code is not a language tag: only the language is kept, not the region, and nothing a
// sender could make up reaches the assistant's prompt.
func languageTag(code string) string {
	m := reLanguage.FindStringSubmatch(strings.TrimSpace(code))
	if m == nil {
		return ""
	}
	return strings.ToLower(m[1])
}

// start reads a Start command ("/start", "/start CODE", "/start@Bot CODE"): the line the
// conversation keeps — "[start]" or "[start: CODE]", which a page says in the reader's words
// ("Opened the chat from a link with the code «CODE»") — and the link's code. Words that are not a
// code ("/start please call me") are kept as they came.
func start(text string) (body, code string) {
	rest := strings.TrimSpace(reStart.ReplaceAllString(text, ""))
	switch {
	case rest == "":
		return "[start]", ""
	case reStartCode.MatchString(rest):
		return "[start: " + rest + "]", rest
	}
	return text, ""
}

// forwarded says whether m was forwarded from elsewhere, and from whom as Telegram names it.
func forwarded(m *message) (bool, string) {
	name := func(u *user, c *chat, hidden string) string {
		switch {
		case u != nil:
			if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
				return n
			}
			return u.Username
		case c != nil:
			return strings.TrimSpace(c.Title)
		}
		return strings.TrimSpace(hidden)
	}
	if o := m.ForwardOrigin; o != nil {
		c := o.SenderChat
		if c == nil {
			c = o.Chat
		}
		return true, name(o.SenderUser, c, o.SenderUserName)
	}
	if m.ForwardDate != 0 || m.ForwardFrom != nil || m.ForwardFromChat != nil || m.ForwardSenderName != "" {
		return true, name(m.ForwardFrom, m.ForwardFromChat, m.ForwardSenderName)
	}
	return false, ""
}

func readable(m *message) (kind, body string) {
	caption := ""
	if m.Caption != nil {
		caption = *m.Caption
	}
	withCaption := func(kind, placeholder string) (string, string) {
		if strings.TrimSpace(caption) != "" {
			return kind, caption
		}
		return kind, placeholder
	}
	switch {
	case m.Text != nil:
		if reStart.MatchString(*m.Text) {
			return channel.KindStart, *m.Text
		}
		return "text", *m.Text
	case len(m.Photo) > 0:
		return withCaption("image", "[image]")
	case m.Document != nil:
		if m.Document.FileName != "" {
			return withCaption("document", "[document: "+m.Document.FileName+"]")
		}
		return withCaption("document", "[document]")
	case m.Video != nil:
		return withCaption("video", "[video]")
	case m.Voice != nil || m.Audio != nil:
		return withCaption("audio", "[audio]")
	case m.Sticker != nil:
		return "sticker", strings.TrimSpace("[sticker] " + m.Sticker.Emoji)
	case m.Contact != nil:
		return "contact", strings.TrimSpace("[contact] " + m.Contact.FirstName + " " + m.Contact.LastName + " " + m.Contact.PhoneNumber)
	case m.Location != nil:
		// As WhatsApp's: the place's name and address, when it is one, then the coordinates.
		var parts []string
		if v := m.Venue; v != nil {
			for _, p := range []string{v.Title, v.Address} {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
		}
		parts = append(parts, fmt.Sprintf("(%s, %s)", strconv.FormatFloat(m.Location.Latitude, 'f', -1, 64), strconv.FormatFloat(m.Location.Longitude, 'f', -1, 64)))
		return "location", "📍 " + strings.Join(parts, " — ")
	}
	return withCaption("unsupported", "[unsupported message]")
}

// file finds the downloadable file of a message: the largest photo size, or the document,
// voice note, audio or video. Stickers are not fetched.
func file(m *message) (id, name, mimeType string) {
	str := func(o map[string]any, k string) string { s, _ := o[k].(string); return s }
	switch {
	case len(m.Photo) > 0:
		best, size := "", -1.0
		for _, p := range m.Photo { // sizes come smallest first; the largest within WhatsApp's photo limit is kept
			n, _ := p["file_size"].(float64)
			if id := str(p, "file_id"); id != "" && n >= size && n <= 5<<20 {
				best, size = id, n
			}
		}
		return best, "", "image/jpeg"
	case m.Document != nil:
		return m.Document.FileID, m.Document.FileName, m.Document.MimeType
	case m.Voice != nil:
		return str(m.Voice, "file_id"), "", str(m.Voice, "mime_type")
	case m.Audio != nil:
		return str(m.Audio, "file_id"), str(m.Audio, "file_name"), str(m.Audio, "mime_type")
	case m.Video != nil:
		return str(m.Video, "file_id"), str(m.Video, "file_name"), str(m.Video, "mime_type")
	}
	return "", "", ""
}
