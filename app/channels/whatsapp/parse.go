// Package whatsapp turns WhatsApp Cloud API webhooks into inbox messages and sends operator
// replies back through the Cloud API. The webhook only stores the raw body durably; a job parses
// it, so a slow database never makes Meta give up on a delivery.
package whatsapp

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"highvibe/app/web"
)

// MaxTextRunes is the longest text WhatsApp delivers; such texts are stored whole.
const MaxTextRunes = 65536

// ErrEnvelope is returned for a body that is not a Cloud API webhook envelope.
var ErrEnvelope = errors.New("whatsapp: malformed webhook envelope")

// envelope mirrors the parts of Meta's webhook body we read; every other field is ignored.
type envelope struct {
	Object *string `json:"object"`
	Entry  *[]struct {
		ID      string `json:"id"`
		Changes []struct {
			Field string `json:"field"`
			Value struct {
				Metadata struct {
					DisplayPhoneNumber string `json:"display_phone_number"`
					PhoneNumberID      string `json:"phone_number_id"`
				} `json:"metadata"`
				Contacts []struct {
					Profile struct {
						Name string `json:"name"`
					} `json:"profile"`
					WaID string `json:"wa_id"`
				} `json:"contacts"`
				Messages []rawMessage `json:"messages"`
				Statuses []rawStatus  `json:"statuses"`
			} `json:"value"`
		} `json:"changes"`
	} `json:"entry"`
}

type mediaObj struct {
	ID       string `json:"id"`
	Caption  string `json:"caption"`
	MimeType string `json:"mime_type"`
	Filename string `json:"filename"`
}

type rawMessage struct {
	From      string `json:"from"`
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Type      string `json:"type"`
	// Context names the message this one answers (the customer swiped to reply to it).
	Context *struct {
		ID string `json:"id"`
	} `json:"context"`
	Text *struct {
		Body string `json:"body"`
	} `json:"text"`
	Image    *mediaObj `json:"image"`
	Document *mediaObj `json:"document"`
	Audio    *mediaObj `json:"audio"`
	Video    *mediaObj `json:"video"`
	Sticker  *mediaObj `json:"sticker"`
	Location *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
		Name      string  `json:"name"`
		Address   string  `json:"address"`
	} `json:"location"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID          string `json:"id"`
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Reaction *struct {
		MessageID string `json:"message_id"`
		Emoji     string `json:"emoji"`
	} `json:"reaction"`
	// Contacts are the contact cards a customer shared (a foreman's number, a neighbour's).
	Contacts []struct {
		Name struct {
			FormattedName string `json:"formatted_name"`
			FirstName     string `json:"first_name"`
			LastName      string `json:"last_name"`
		} `json:"name"`
		Phones []struct {
			Phone string `json:"phone"`
		} `json:"phones"`
	} `json:"contacts"`
	Errors []apiError `json:"errors"`
}

type rawStatus struct {
	ID          string     `json:"id"`
	Status      string     `json:"status"`
	Timestamp   string     `json:"timestamp"`
	RecipientID string     `json:"recipient_id"`
	Errors      []apiError `json:"errors"`
}

type apiError struct {
	Code    int    `json:"code"`
	Title   string `json:"title"`
	Message string `json:"message"`
}

// Message is one readable inbound message found in a webhook body. The JSON names are those of
// the stored delivery (the job payload the webhook writes and the processor reads).
type Message struct {
	PhoneNumberID string    `json:"pnid,omitempty"`  // the business number it was sent to
	From          string    `json:"from"`            // sender wa_id (digits)
	Name          string    `json:"name,omitempty"`  // sender profile name when the body named it
	ID            string    `json:"id"`              // wamid: the idempotency key
	Kind          string    `json:"kind"`            // text image document audio video sticker location contact interactive button unsupported ...
	Body          string    `json:"body"`            // readable text (never empty)
	MediaID       string    `json:"media,omitempty"` // for media messages: the id to download later
	MimeType      string    `json:"mime,omitempty"`  // the type WhatsApp declared for it (never trusted for serving)
	Filename      string    `json:"fname,omitempty"` // a document's file name
	ReplyTo       string    `json:"reply,omitempty"` // the wamid of the message it answers, when the customer replied to one
	At            time.Time `json:"at"`
}

// Reaction is an emoji a customer put on an earlier message; it annotates that message.
type Reaction struct {
	From     string    `json:"from"`
	ID       string    `json:"id"`
	TargetID string    `json:"target"`
	Emoji    string    `json:"emoji"`
	At       time.Time `json:"at"`
}

// Status is a delivery report for a message we sent.
type Status struct {
	ID          string    `json:"id"`
	Status      string    `json:"status"`
	RecipientID string    `json:"to,omitempty"`
	Error       string    `json:"error,omitempty"`
	At          time.Time `json:"at"`
}

// Batch is everything one webhook body carried; stored as such, it is the delivery's job payload.
type Batch struct {
	Messages  []Message  `json:"messages,omitempty"`
	Reactions []Reaction `json:"reactions,omitempty"`
	Statuses  []Status   `json:"statuses,omitempty"`
}

// size is how many messages, reactions and statuses the delivery carries.
func (b *Batch) size() int { return len(b.Messages) + len(b.Reactions) + len(b.Statuses) }

// ParseEnvelope checks that b is a Cloud API envelope (a JSON object with "object" and an "entry"
// array) without interpreting its messages; the webhook answers 400 when it fails.
func ParseEnvelope(b []byte) error {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return fmt.Errorf("%w: %v", ErrEnvelope, err)
	}
	if env.Object == nil || env.Entry == nil {
		return fmt.Errorf("%w: object and entry are required", ErrEnvelope)
	}
	return nil
}

// Parse reads every entry × change × message and status of a webhook body. Unknown fields, other
// change fields and unknown message types never fail: unknown types become marked placeholders.
func Parse(b []byte) (*Batch, error) {
	var env envelope
	if err := json.Unmarshal(b, &env); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrEnvelope, err)
	}
	if env.Object == nil || env.Entry == nil {
		return nil, fmt.Errorf("%w: object and entry are required", ErrEnvelope)
	}
	out := &Batch{}
	for _, e := range *env.Entry {
		for _, ch := range e.Changes {
			if ch.Field != "" && ch.Field != "messages" {
				continue
			}
			v := ch.Value
			names := map[string]string{}
			for _, c := range v.Contacts {
				// A profile name is whatever its owner typed: one line of plain text, without
				// the direction overrides that turned the inbox's line around (web.PersonName).
				names[c.WaID] = web.PersonName(c.Profile.Name)
			}
			for _, m := range v.Messages {
				at := unixSeconds(m.Timestamp)
				if m.Type == "reaction" || (m.Type == "" && m.Reaction != nil) {
					if m.Reaction != nil && m.Reaction.MessageID != "" {
						out.Reactions = append(out.Reactions, Reaction{From: m.From, ID: m.ID, TargetID: m.Reaction.MessageID, Emoji: m.Reaction.Emoji, At: at})
					}
					continue
				}
				if m.ID == "" || m.From == "" {
					continue // nothing to key it on; Meta always sends both
				}
				kind, body, md := readable(&m)
				msg := Message{PhoneNumberID: v.Metadata.PhoneNumberID, From: m.From, Name: names[m.From], ID: m.ID, Kind: kind, Body: body, At: at}
				if md != nil {
					msg.MediaID, msg.MimeType, msg.Filename = md.ID, md.MimeType, md.Filename
				}
				if m.Context != nil && len(m.Context.ID) <= 200 {
					msg.ReplyTo = m.Context.ID
				}
				out.Messages = append(out.Messages, msg)
			}
			for _, s := range v.Statuses {
				if s.ID == "" || s.Status == "" {
					continue
				}
				st := Status{ID: s.ID, Status: s.Status, RecipientID: s.RecipientID, At: unixSeconds(s.Timestamp)}
				if len(s.Errors) > 0 {
					st.Error = errorText(s.Errors[0])
				}
				out.Statuses = append(out.Statuses, st)
			}
		}
	}
	return out, nil
}

func errorText(e apiError) string {
	s := strconv.Itoa(e.Code)
	if e.Title != "" {
		s += " " + e.Title
	}
	if e.Message != "" && e.Message != e.Title {
		s += ": " + e.Message
	}
	return s
}

// readable turns one message of any type into a kind and a text an operator can read.
func readable(m *rawMessage) (kind, body string, md *mediaObj) {
	kind = m.Type
	switch {
	case m.Type == "text" && m.Text != nil:
		return "text", truncateRunes(m.Text.Body, MaxTextRunes), nil
	case m.Type == "image" || m.Type == "document" || m.Type == "audio" || m.Type == "video" || m.Type == "sticker":
		var md *mediaObj
		switch m.Type {
		case "image":
			md = m.Image
		case "document":
			md = m.Document
		case "audio":
			md = m.Audio
		case "video":
			md = m.Video
		case "sticker":
			md = m.Sticker
		}
		body = "[" + m.Type + "]"
		if md != nil {
			if md.Filename != "" {
				body = "[" + m.Type + ": " + md.Filename + "]"
			}
			if c := strings.TrimSpace(md.Caption); c != "" {
				body = md.Caption
			}
		}
		return kind, body, md
	case m.Type == "location" && m.Location != nil:
		l := m.Location
		parts := []string{}
		if l.Name != "" {
			parts = append(parts, l.Name)
		}
		if l.Address != "" {
			parts = append(parts, l.Address)
		}
		parts = append(parts, fmt.Sprintf("(%s, %s)", strconv.FormatFloat(l.Latitude, 'f', -1, 64), strconv.FormatFloat(l.Longitude, 'f', -1, 64)))
		return "location", "📍 " + strings.Join(parts, " — "), nil
	case m.Type == "interactive" && m.Interactive != nil:
		if r := m.Interactive.ButtonReply; r != nil && r.Title != "" {
			return "interactive", r.Title, nil
		}
		if r := m.Interactive.ListReply; r != nil && r.Title != "" {
			if r.Description != "" {
				return "interactive", r.Title + " — " + r.Description, nil
			}
			return "interactive", r.Title, nil
		}
	case m.Type == "contacts" && len(m.Contacts) > 0:
		// "[contact] Mehmet Usta +90 532 111 22 33; Ayşe +90 …", as Telegram's contact reads.
		var cards []string
		for _, c := range m.Contacts {
			name := strings.TrimSpace(c.Name.FormattedName)
			if name == "" {
				name = strings.TrimSpace(c.Name.FirstName + " " + c.Name.LastName)
			}
			parts := []string{}
			if name != "" {
				parts = append(parts, name)
			}
			for _, p := range c.Phones {
				if p := strings.TrimSpace(p.Phone); p != "" {
					parts = append(parts, p)
				}
			}
			if len(parts) > 0 {
				cards = append(cards, strings.Join(parts, " "))
			}
		}
		if len(cards) > 0 {
			return "contact", truncateRunes("[contact] "+strings.Join(cards, "; "), 2000), nil
		}
	case m.Type == "button" && m.Button != nil:
		if m.Button.Text != "" {
			return "button", m.Button.Text, nil
		}
		if m.Button.Payload != "" {
			return "button", m.Button.Payload, nil
		}
	}
	// Everything else (order, system, "unsupported", or a known type with a missing
	// payload) is kept as a marked placeholder so nobody loses sight of it.
	label := m.Type
	if label == "" {
		label = "unknown"
	}
	body = "[unsupported message: " + label + "]"
	if len(m.Errors) > 0 {
		body += " " + errorText(m.Errors[0])
	}
	return "unsupported", body, nil
}

func truncateRunes(s string, n int) string {
	if len(s) <= n { // bytes ≥ runes: short strings are whole
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

func unixSeconds(s string) time.Time {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}
