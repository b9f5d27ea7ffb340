package inbox

import (
	"context"
	"errors"
	"fmt"
	"time"

	"highvibe/app/channels/channel"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
)

// NoReach says why a reply written now on a conversation would not reach the customer, so that
// it is refused before anything is stored instead of being queued and marked "Not sent" later.
// The composer, its file form and a quote's "Send to customer" all ask CannotReach, so they refuse
// the same replies for the same reasons.
type NoReach struct {
	// Reason is "setup" (the channel's sending is not set up: channel.Info.SendNeeds), "blocked"
	// (the customer blocked the business on the channel), "window" (the channel's reply window
	// is closed: WhatsApp's 24 hours) or "no_address" (the channel has nowhere to send it: an
	// e-mail conversation whose customer has no address).
	Reason  string
	Channel string
	// Conversation is the conversation the reply was for.
	Conversation int64
	// Setting, for "setup", is the first setting the channel lacks.
	Setting string
	// At is, for "blocked", when the customer blocked the business; for "window", when the window
	// closed (0: the customer never wrote on the channel, so it never opened). Unix ms.
	At int64
}

// CannotReach reports why a free-text reply written at now on conv (a person's, a quote's link)
// would not reach the customer; nil when it can be tried (it is then queued, and may still fail
// at the provider, which its message shows). A channel the panel sends nothing on (a call, a
// walk-in) and the widget are nil: their replies are stored, not sent. setting reads the tenant's
// settings.
func CannotReach(ctx context.Context, q Querier, reg *channel.Registry, setting func(string) string, conv *Conversation, now time.Time) (*NoReach, error) {
	info, ok := reg.Info(conv.Channel)
	if !ok || info.Outbound != channel.Deliver {
		return nil, nil
	}
	if !info.CanSend(setting) {
		no := &NoReach{Reason: "setup", Channel: conv.Channel, Conversation: conv.ID}
		for _, k := range info.SendNeeds {
			if setting(k) == "" {
				no.Setting = k
				break
			}
		}
		return no, nil
	}
	if info.Blocked != "" {
		at, err := BlockedSince(ctx, q, conv.ID, info.Blocked, info.Unblocked)
		if err != nil {
			return nil, err
		}
		if at > 0 {
			return &NoReach{Reason: "blocked", Channel: conv.Channel, Conversation: conv.ID, At: at}, nil
		}
	}
	if !info.WindowOpen(conv.LastInboundAt, now) {
		no := &NoReach{Reason: "window", Channel: conv.Channel, Conversation: conv.ID}
		if conv.LastInboundAt > 0 {
			no.At = time.UnixMilli(conv.LastInboundAt).Add(info.Window).UnixMilli()
		}
		return no, nil
	}
	if info.Recipient != nil {
		r, err := addressOf(ctx, q, conv)
		if err != nil {
			return nil, err
		}
		if info.Recipient(r) == "" {
			return &NoReach{Reason: "no_address", Channel: conv.Channel, Conversation: conv.ID}, nil
		}
	}
	return nil, nil
}

// Phrase is why, in the reader's words with what to do instead (file: the refused reply is a
// file): the composer's refusal, a failed reply's "Try again" and an approval's say the same.
func (n *NoReach) Phrase(file bool) i18n.Phrase {
	switch n.Reason {
	case "setup":
		return i18n.P("inbox.error.cannot_send", i18n.P("inbox.channel."+n.Channel))
	case "blocked":
		return i18n.P("inbox.error.blocked", i18n.When{T: time.UnixMilli(n.At)})
	case "window":
		if file {
			return i18n.P("inbox.error.window_closed_file")
		}
		return i18n.P("inbox.error.window_closed")
	}
	return i18n.P("inbox.error.no_address")
}

// CannotReachAs is CannotReach for a reply that goes as the channel's approved template of
// purpose outside its reply window (a follow-up; "": free text only): a closed window refuses it
// only when no template is set for that purpose.
func CannotReachAs(ctx context.Context, q Querier, reg *channel.Registry, setting func(string) string, conv *Conversation, purpose string, now time.Time) (*NoReach, error) {
	no, err := CannotReach(ctx, q, reg, setting, conv, now)
	if err != nil || no == nil || no.Reason != "window" || purpose == "" {
		return no, err
	}
	if info, _ := reg.Info(conv.Channel); info.Templates != nil {
		for _, t := range info.Templates(setting, "") {
			if t.Purpose == purpose {
				return nil, nil
			}
		}
	}
	return no, nil
}

// CannotRetry is CannotReach for failed reply m tried again now: a reply that asked for an
// approved template (m.Template) goes as that template outside the reply window (CannotReachAs).
func CannotRetry(ctx context.Context, q Querier, reg *channel.Registry, setting func(string) string, conv *Conversation, m *Message, now time.Time) (*NoReach, error) {
	purpose := ""
	if t := m.Template(); t != nil {
		purpose = t.Purpose
	}
	return CannotReachAs(ctx, q, reg, setting, conv, purpose, now)
}

// addressOf is what a channel addresses a reply on conv by, as the deliverer gives it: the lead's
// contact details and the customer's messages with what their channel noted of them (e-mail: the
// sender's address), oldest first.
func addressOf(ctx context.Context, q Querier, conv *Conversation) (channel.Reply, error) {
	r := channel.Reply{ExternalID: conv.ExternalID, LastInboundAt: conv.LastInboundAt}
	if l, err := LeadByID(ctx, q, conv.LeadID); err == nil {
		r.ContactName, r.ContactPhone, r.ContactEmail = l.Name, l.Phone, l.Email
	} else if !errors.Is(err, tenantdb.ErrNotFound) {
		return r, err
	}
	rows, err := q.QueryContext(ctx, `SELECT annotations FROM messages WHERE conversation_id = ? AND direction = 'inbound'
		AND json_valid(annotations) AND json_extract(annotations, '$.channel') IS NOT NULL ORDER BY id`, conv.ID)
	if err != nil {
		return r, fmt.Errorf("inbox: reply address: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m := Message{Direction: "inbound"}
		if err := rows.Scan(&m.Annotations); err != nil {
			return r, fmt.Errorf("inbox: reply address: %w", err)
		}
		r.Thread = append(r.Thread, channel.Message{Direction: "inbound", Notes: m.Notes().Channel})
	}
	return r, rows.Err()
}
