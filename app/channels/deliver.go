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
	"strconv"
	"time"

	"highvibe/app/audit"
	"highvibe/app/channels/chanutil"
	"highvibe/app/channels/telegram"
	"highvibe/app/channels/whatsapp"
	"highvibe/app/inbox"
	"highvibe/app/jobs"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
)

// JobDeliver is the job kind inbox.AddMessage queues for outbound WhatsApp/Telegram messages.
const JobDeliver = "deliver_message"

// NotSentNoToken is stored as the delivery error when WhatsApp sending is not configured.
const NotSentNoToken = "not sent — reply from your WhatsApp app (no WhatsApp access token configured)"

// NotSentWindow is stored when the customer last wrote more than 24 hours ago.
const NotSentWindow = "not sent — the customer last wrote more than 24 hours ago; WhatsApp only allows approved templates now"

// Deliverer sends outbound messages through the provider of their channel.
type Deliverer struct {
	Platform *platform.Service
	Inbox    *inbox.Service // tells open conversations about status changes (nil: nobody is told)
	Client   *http.Client
	Log      *slog.Logger
	Now      func() time.Time
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
	var providerID string
	switch m.Channel {
	case "whatsapp":
		token, phoneID := t.Setting("whatsapp_access_token"), t.Setting("whatsapp_phone_number_id")
		if token == "" || phoneID == "" {
			return d.finish(ctx, j, m, "", "failed", NotSentNoToken)
		}
		if !whatsapp.WindowOpen(conv.LastInboundAt, now) {
			return d.finish(ctx, j, m, "", "failed", NotSentWindow)
		}
		providerID, err = whatsapp.SendText(ctx, d.Client, t.Setting("whatsapp_api_base"), phoneID, token, conv.ExternalID, m.Body)
	case "telegram":
		token := t.Setting("telegram_bot_token")
		chat, ok := telegram.ChatID(conv.ExternalID)
		if token == "" || !ok {
			return d.finish(ctx, j, m, "", "failed", "not sent — no Telegram bot token configured")
		}
		var id int64
		id, err = telegram.SendMessage(ctx, d.Client, t.Setting("telegram_api_base"), token, chat, m.Body)
		if err == nil {
			providerID = "msg:" + conv.ExternalID + ":" + strconv.FormatInt(id, 10)
		}
	default:
		return nil // webchat is read by the widget; call/email/manual are records only
	}
	if err != nil {
		var se *chanutil.SendError
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
	return d.finish(ctx, j, m, providerID, "sent", "")
}

func (d *Deliverer) finish(ctx context.Context, j *jobs.Job, m *inbox.Message, providerID, status, errText string) error {
	provider := "whatsapp_webhook"
	if m.Channel == "telegram" {
		provider = "telegram"
	}
	st := "completed"
	if status == "failed" {
		st = "failed"
	}
	err := j.DB.InTx(ctx, func(tx *sql.Tx) error {
		if err := inbox.SetDelivery(ctx, tx, m.ID, providerID, status, errText); err != nil {
			return err
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
