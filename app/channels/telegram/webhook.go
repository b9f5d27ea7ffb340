package telegram

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"highvibe/app/audit"
	"highvibe/app/channels/chanutil"
	"highvibe/app/inbox"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// MaxBody is the largest update accepted.
const MaxBody = 1 << 20

// Webhook receives Bot API updates for one tenant, named by the slug in the URL.
type Webhook struct {
	Platform *platform.Service
	Inbox    *inbox.Service
	Log      *slog.Logger
}

// Receive handles POST /api/webhooks/telegram/{slug}/.
func (h *Webhook) Receive(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t, err := h.Platform.TenantBySlug(ctx, r.PathValue("slug"))
	if err != nil {
		if errors.Is(err, tenantdb.ErrNotFound) {
			web.JSONError(w, r, nil, http.StatusNotFound, "unknown_tenant", "unknown tenant")
			return
		}
		h.Log.Error("telegram: tenant", "err", err)
		web.JSONError(w, r, nil, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	want := t.Setting("telegram_secret_token")
	got := r.Header.Get("X-Telegram-Bot-Api-Secret-Token")
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		web.JSONError(w, r, nil, http.StatusForbidden, "bad_secret", "X-Telegram-Bot-Api-Secret-Token does not match")
		return
	}
	if !t.Active() {
		web.JSONError(w, r, nil, http.StatusForbidden, "tenant_inactive", "this account is inactive")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		web.JSONError(w, r, nil, http.StatusRequestEntityTooLarge, "too_large", "update too large")
		return
	}
	p, err := Parse(body)
	if err != nil {
		web.JSONError(w, r, nil, http.StatusBadRequest, "malformed", "malformed update")
		return
	}
	db, err := h.Platform.Mgr.Tenant(ctx, t.Slug)
	if errors.Is(err, tenantdb.ErrUnavailable) {
		chanutil.Unavailable(w, r) // Telegram retries a 5xx update
		return
	}
	if err != nil {
		h.Log.Error("telegram: db", "err", err)
		web.JSONError(w, r, nil, http.StatusInternalServerError, "internal", "internal error")
		return
	}
	if p.Block != nil {
		if err := h.block(ctx, t.Slug, db, p.Block); err != nil {
			h.Log.Error("telegram: block", "tenant", t.Slug, "err", err)
			web.JSONError(w, r, nil, http.StatusInternalServerError, "store_failed", "could not store the update")
			return
		}
		web.JSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	if p.Message == nil {
		// Other update kinds never create messages.
		web.JSON(w, http.StatusOK, map[string]any{"ok": true})
		return
	}
	m := p.Message
	// The update's id is the duplicate check; the chat's message id is kept too, so an edit of
	// the message can name it.
	tgID := strconv.FormatInt(m.MessageID, 10)
	in := inbox.Inbound{Channel: "telegram", ExternalID: strconv.FormatInt(m.ChatID, 10),
		ProviderMessageID: "upd:" + strconv.FormatInt(m.UpdateID, 10), Name: m.Name, Phone: m.Phone, Body: m.Body, Kind: m.Kind, At: m.At,
		Notes: map[string]string{inbox.NoteMessage: tgID}}
	if m.Campaign != "" {
		// The link's code is where the customer came from: a new lead keeps it as its campaign.
		in.UTM = map[string]string{"utm_campaign": m.Campaign}
	}
	if m.Forwarded {
		// Not the customer's own words: the conversation marks it with where it came from.
		in.Notes[inbox.NoteForwarded] = "from:" + m.ForwardedFrom
	}
	if m.ReplyTo != "" {
		// The customer quoted an earlier message: the conversation shows its words above theirs.
		in.Notes[inbox.NoteReplyTo] = m.ReplyTo
	}
	if m.Edited {
		// The customer changed the words of an earlier message: the new version is a line of its
		// own, marked as the edit of that message (which keeps its first words); its file, if it
		// has one, came with the first version.
		in.Notes = map[string]string{inbox.NoteEdits: tgID}
	}
	if m.Language != "" {
		// The language of the customer's Telegram app: the assistant greets and answers in it
		// while their own words do not tell (a Start, a photo, "ok").
		in.Notes[inbox.NoteLanguage] = m.Language
	}
	if !m.Edited && m.FileID != "" && media.ValidKind(m.Kind) {
		// Fetched later (getFile) by a media_fetch job queued with the message.
		in.Then = func(ctx context.Context, tx inbox.Writer, res inbox.IngestResult) error {
			return media.AddInbound(ctx, tx, media.Inbound{MessageID: res.MessageID, ConversationID: res.ConversationID, LeadID: res.LeadID,
				Channel: "telegram", Kind: m.Kind, SourceID: m.FileID, DeclaredType: m.MimeType, Filename: m.FileName})
		}
	}
	res, err := h.Inbox.Ingest(ctx, t.Slug, db, in)
	if err != nil {
		h.Log.Error("telegram: ingest", "tenant", t.Slug, "err", err)
		web.JSONError(w, r, nil, http.StatusInternalServerError, "store_failed", "could not store the update")
		return
	}
	if res.Duplicate {
		_ = audit.Log(ctx, db, audit.Entry{Provider: "telegram", ActionType: "message_duplicate", ConversationID: res.ConversationID,
			Summary: "duplicate update ignored", Payload: map[string]any{"update_id": m.UpdateID, "duplicate": true}})
	}
	web.JSON(w, http.StatusOK, map[string]any{"ok": true})
}

// The events of the system lines a block and an unblock put in the conversation
// (words.event.telegram_blocked, words.event.telegram_unblocked).
const (
	EventBlocked   = "telegram_blocked"
	EventUnblocked = "telegram_unblocked"
)

// block records the customer blocking the bot, or unblocking it, as a line of the chat's latest
// conversation: the operator sees it when it happens, not at the next reply that fails. A block
// already recorded (Telegram sends an update again when it had no answer), and an unblock of a
// chat whose block was never recorded, add nothing; so does a chat with no conversation.
func (h *Webhook) block(ctx context.Context, slug string, db *tenantdb.DB, b *Block) error {
	ids, err := inbox.ConversationsByExternalID(ctx, db.Read, "telegram", strconv.FormatInt(b.ChatID, 10))
	if errors.Is(err, tenantdb.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	conv := ids[len(ids)-1]
	last, err := inbox.LastEvent(ctx, db.Read, conv, EventBlocked, EventUnblocked)
	if err != nil {
		return err
	}
	event := EventUnblocked
	if b.Blocked {
		event = EventBlocked
	}
	if last == event || (!b.Blocked && last == "") {
		return nil
	}
	_, err = h.Inbox.AddMessage(ctx, slug, db, conv, inbox.Outgoing{Direction: "system", AuthorKind: "system", Event: event}, "telegram")
	return err
}
