// Package channels connects the inbox to the outside: it holds the outbound delivery job that
// sends operator and AI replies on the customer's channel, and the channels settings page. The
// subpackages turn each channel's input into inbox calls.
package channels

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/channel"
	"highvibe/app/channels/chanutil"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// JobDeliver is the job kind the inbox queues for a reply on a channel the server delivers.
const JobDeliver = channel.JobDeliver

// NotSentNoToken is stored as the delivery error when WhatsApp sending is not configured.
const NotSentNoToken = whatsapp.NotSentNoToken

// NotSentNoTemplate is stored when the window is closed and the message's purpose has no
// approved template set.
const NotSentNoTemplate = whatsapp.NotSentNoTemplate

// NotSentWindow is stored when the customer last wrote longer ago than the channel's reply window.
const NotSentWindow = "not sent — the customer last wrote more than 24 hours ago; WhatsApp only allows approved templates now"

// Deliverer sends outbound messages through the provider of their channel.
type Deliverer struct {
	Channels *channel.Registry
	Platform *platform.Service
	Inbox    *inbox.Service // tells open conversations about status changes (nil: nobody is told)
	Client   *http.Client
	Log      *slog.Logger
	Now      func() time.Time
	// Media reads the file a reply carries (nil: replies go as text only).
	Media *media.Service
}

type deliverPayload struct {
	MessageID int64 `json:"message_id"`
}

// Handle is the deliver_message job handler.
func (d *Deliverer) Handle(ctx context.Context, j *jobs.Job) error {
	var pl deliverPayload
	if err := j.Decode(&pl); err != nil || pl.MessageID == 0 {
		return jobs.Permanent(fmt.Errorf("channels: deliver payload: %v", err))
	}
	m, err := inbox.MessageByID(ctx, j.DB.Read, pl.MessageID)
	if errors.Is(err, tenantdb.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	switch m.DeliveryStatus {
	case "sent", "delivered", "read":
		return nil // already done by an earlier attempt
	}
	if m.Direction != "outbound" {
		return nil
	}
	conv, err := inbox.ConversationByID(ctx, j.DB.Read, m.ConversationID)
	if err != nil {
		return jobs.Permanent(err)
	}
	t, err := d.Platform.TenantBySlug(ctx, j.Tenant)
	if err != nil {
		return err
	}
	now := time.Now()
	if d.Now != nil {
		now = d.Now()
	}
	ch := d.Channels.Channel(m.Channel)
	sender, ok := ch.(channel.Sender)
	if !ok || ch.Info().Outbound != channel.Deliver {
		return nil // webchat is read by the widget; call/manual are records only
	}
	info := ch.Info()
	// Outside the reply window only an approved template may go: the message must name what it
	// is for (inbox.Outgoing.Template) and the channel must send templates.
	var tpl *channel.Template
	ts, sendsTemplates := sender.(channel.TemplateSender)
	if !info.WindowOpen(conv.LastInboundAt, now) {
		use := m.Template()
		if use == nil || !sendsTemplates {
			return d.finish(ctx, j, m, "", "failed", NotSentWindow)
		}
		tpl = &channel.Template{Purpose: use.Purpose, Params: use.Params}
	}
	reply, err := d.reply(ctx, j, t, m, conv, now)
	if err != nil {
		return err
	}
	var providerID string
	if tpl != nil {
		reply.Template, reply.Media = tpl, nil
		providerID, err = ts.SendTemplate(ctx, reply)
	} else {
		providerID, err = sender.Send(ctx, reply)
	}
	var nc *channel.NotConfigured
	if errors.As(err, &nc) {
		return d.finish(ctx, j, m, "", "failed", nc.Text)
	}
	var part *channel.Partial
	if errors.As(err, &part) && part.Sent > reply.PartsSent {
		// The first pieces of a long reply went: the next try, or the operator's Try again,
		// sends only the rest, and the message keeps the first piece's id.
		if perr := j.DB.InTx(ctx, func(tx *sql.Tx) error {
			if err := inbox.SetPartsSent(ctx, tx, m.ID, part.Sent); err != nil {
				return err
			}
			return inbox.SetDelivery(ctx, tx, m.ID, part.ProviderID, "queued", err.Error())
		}); perr != nil {
			return perr
		}
	}
	if err != nil {
		var se *chanutil.SendError
		if errors.As(err, &se) && !se.Permanent && se.RetryAfter > 0 {
			if werr := d.wait(ctx, j, m, err, se.RetryAfter, now); werr != nil {
				return werr
			}
		}
		final := j.Attempt >= j.MaxTries || (errors.As(err, &se) && se.Permanent)
		if final {
			if ferr := d.finish(ctx, j, m, "", "failed", "not sent: "+err.Error()); ferr != nil {
				return ferr
			}
			return jobs.Permanent(err)
		}
		// Keep the message queued but show why it is late.
		_ = j.DB.InTx(ctx, func(tx *sql.Tx) error {
			return inbox.SetDelivery(ctx, tx, m.ID, "", "queued", fmt.Sprintf("attempt %d failed, retrying: %v", j.Attempt, err))
		})
		return err
	}
	if tpl != nil {
		return d.finishAs(ctx, j, m, providerID, "sent", "", &inbox.TemplateSent{Name: reply.Setting(whatsapp.TemplateSetting(tpl.Purpose)),
			Lang: whatsapp.TemplateLang(reply.Setting, tpl.Purpose, reply.Locale)})
	}
	return d.finish(ctx, j, m, providerID, "sent", "")
}

// FreeWait is the longest wait a channel asks for (Telegram's 429 "retry after") that a reply
// keeps without using up one of its tries, while it is younger than FreeWaitAge; a longer wait, or
// one for an older reply, uses a try as any failure does and is kept to at most FreeWait.
const (
	FreeWait    = time.Hour
	FreeWaitAge = 24 * time.Hour
)

// wait answers a send the channel refused for now with the time to come back (a flood limit):
// the next try comes no earlier than that, the message stays queued saying so. It returns nil
// when the try counts as an ordinary failure (a long wait on its last try, handled as final by the
// caller).
func (d *Deliverer) wait(ctx context.Context, j *jobs.Job, m *inbox.Message, err error, after time.Duration, now time.Time) error {
	after += time.Second // Telegram counts whole seconds: the next call lands past the end of its wait
	since := time.UnixMilli(max(m.CreatedAt, m.ScheduledAt))
	free := after <= FreeWait && now.Sub(since) < FreeWaitAge
	if !free && j.Attempt >= j.MaxTries {
		return nil
	}
	after = min(after, FreeWait)
	_ = j.DB.InTx(ctx, func(tx *sql.Tx) error {
		return inbox.SetDelivery(ctx, tx, m.ID, "", "queued", fmt.Sprintf("attempt %d: the channel asked to wait %s, retrying at %s: %v",
			j.Attempt, after, now.Add(after).UTC().Format(time.RFC3339), err))
	})
	if free {
		return jobs.Later(err, after)
	}
	return jobs.RetryAfter(err, after)
}

func (d *Deliverer) finish(ctx context.Context, j *jobs.Job, m *inbox.Message, providerID, status, errText string) error {
	return d.finishAs(ctx, j, m, providerID, status, errText, nil)
}

// finishAs records the outcome of a delivery; sentAs, when set, is the template the message went
// out as.
func (d *Deliverer) finishAs(ctx context.Context, j *jobs.Job, m *inbox.Message, providerID, status, errText string, sentAs *inbox.TemplateSent) error {
	provider := m.Channel // deliveries are logged under the channel's own name
	st := "completed"
	if status == "failed" {
		st = "failed"
	}
	err := j.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := inbox.SetDelivery(ctx, tx, m.ID, providerID, status, errText); err != nil {
			return err
		}
		if sentAs != nil {
			if err := inbox.MarkTemplateSent(ctx, tx, m.ID, *sentAs); err != nil {
				return err
			}
		}
		_, err := audit.Write(ctx, tx, audit.Entry{Provider: provider, ActionType: "message_delivery", Status: st,
			Summary: m.Channel + " reply " + status, Output: errText, ConversationID: m.ConversationID,
			Payload: map[string]any{"conversation_id": m.ConversationID, "message_id": m.ID, "provider_message_id": providerID}})
		return err
	})
	if err == nil && d.Inbox != nil {
		d.Inbox.DeliveryChanged(j.Tenant, m.ConversationID, m.ID)
	}
	return err
}

// reply gathers what a channel may need to address and thread one reply.
func (d *Deliverer) reply(ctx context.Context, j *jobs.Job, t *platform.Tenant, m *inbox.Message, conv *inbox.Conversation, now time.Time) (channel.Reply, error) {
	r := channel.Reply{MessageID: m.ID, Body: m.Body, ExternalID: conv.ExternalID, LastInboundAt: conv.LastInboundAt,
		TenantName: t.Name, Locale: t.PrimaryLocale, Setting: t.Setting, Client: d.Client, Now: now, PartsSent: m.Notes().PartsSent}
	if lead, err := inbox.LeadByID(ctx, j.DB.Read, conv.LeadID); err == nil {
		r.ContactName, r.ContactPhone, r.ContactEmail = lead.Name, lead.Phone, lead.Email
	} else if !errors.Is(err, tenantdb.ErrNotFound) {
		return r, err
	}
	if d.Media != nil {
		f, err := d.Media.ForReply(ctx, j.Tenant, j.DB, m.ID, m.Body)
		if err != nil {
			return r, err
		}
		if f != nil {
			r.Media = &channel.Media{Kind: f.Kind, ContentType: f.ContentType, Filename: f.Filename, Data: f.Data, Caption: f.Caption}
		}
	}
	msgs, _, err := inbox.Latest(ctx, j.DB.Read, conv.ID, m.ID, 5000) // the thread before this message
	if err != nil {
		return r, err
	}
	for _, x := range msgs {
		r.Thread = append(r.Thread, channel.Message{Direction: x.Direction, ProviderMessageID: x.ProviderMessageID, Notes: x.Notes().Channel})
	}
	return r, nil
}
