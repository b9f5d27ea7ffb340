package inbox

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/channels/channel"
	"highvibe/app/media"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Attach is POST /app/inbox/<id>/attach (multipart: file, body as its caption): the operator
// sends a photo or a PDF. The bytes must really be a JPEG, PNG, WebP, GIF or PDF within the
// limits and the tenant's quota; then the file is kept, linked to a new outbound message and sent
// like any reply (WhatsApp uploads it as media). A refused file stores nothing and says why in
// the operator's language (422, or 413 when too large).
func (h *Handler) Attach(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok || h.Media == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	c := web.From(r)
	ctx := r.Context()
	conv, err := ConversationByID(ctx, c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	// The body is read as a stream (web.ReadUpload): the caption comes before the file (the
	// form's order) and is kept whatever the file does, so a refused file redraws the caption as
	// typed and names the reason at the file field.
	code, status := "", http.StatusUnprocessableEntity
	var data []byte
	var name, caption string
	u, err := web.ReadUpload(w, r, attachLimits)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	defer u.RemoveAll()
	r.Form, r.PostForm = u.Value, u.Value // the one-time token, and the values the page keeps
	if u.Cut {
		// A body that stopped arriving cancels the request's context with it; the page is still drawn.
		r = r.WithContext(context.WithoutCancel(r.Context()))
	}
	if h.Render.Replayed(w, r, nil) {
		return
	}
	if h.resent(w, r, conv, nil) {
		return
	}
	caption = strings.TrimSpace(u.Value.Get("body"))
	switch {
	case len(u.TooLarge) > 0 || u.Over:
		code, status = media.ErrCodeTooLarge, http.StatusRequestEntityTooLarge
	case u.Count > 1:
		code = "one_file"
	case u.Cut:
		code, status = "cut", http.StatusRequestEntityTooLarge
	case len(u.Files) == 0:
		code = media.ErrCodeEmpty
	default:
		f := u.Files[0]
		if data, err = f.Bytes(); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		name = f.Name
	}
	if len(u.Long) > 0 || utf8.RuneCountInString(caption) > 4000 {
		code = "caption_long"
	}
	// A file outside WhatsApp's window, or to a customer who blocked the bot, would be queued and
	// then fail, like a text reply: refused before anything is kept.
	if code == "" {
		if no, err := h.noReachWords(ctx, c, conv, true); err != nil {
			h.Render.Fail(w, r, err)
			return
		} else if no != "" {
			h.attachRefused(w, r, id, http.StatusUnprocessableEntity, no)
			return
		}
	}
	var prep *media.Prepared
	if code == "" {
		prep, err = h.Media.PrepareUpTo(ctx, c.Tenant.Slug, data, name, true, h.photoMax(conv.Channel))
		if code = media.RefusalCode(err); code == media.ErrCodeTooLarge {
			status = http.StatusRequestEntityTooLarge
		} else if code == "" && err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if code == media.ErrCodeTooLarge {
		// The limits of this conversation's channel, not every kind's (a photo on the chat widget
		// may be larger than one on WhatsApp).
		h.attachRefused(w, r, id, status, c.T("media.err.attach_too_large", h.photoMax(conv.Channel)>>20, media.MaxSize(media.KindDocument)>>20))
		return
	}
	if code == media.ErrCodeBadType {
		// What this form takes, from the list the check uses (not every kind a channel brings in).
		h.attachRefused(w, r, id, status, c.T("media.err.bad_upload", media.UploadNames(true)))
		return
	}
	if code != "" {
		h.attachRefused(w, r, id, status, c.T("media.err."+code))
		return
	}
	body := caption
	if body == "" {
		body = media.Placeholder(prep.Kind, prep.Filename)
	}
	_, err = h.Svc.AddMessage(ctx, c.Tenant.Slug, c.DB, conv.ID, Outgoing{Direction: "outbound", AuthorKind: "user", AuthorUserID: c.UserID(),
		AuthorName: c.User.Name(), Body: body,
		Attach: func(ctx context.Context, tx *sql.Tx, messageID int64, cv *Conversation) error {
			_, err := prep.Attach(ctx, tx, messageID, cv.ID, cv.LeadID, cv.Channel)
			return err
		}, Once: true}, "conversation_inbox")
	if err != nil {
		h.sendFailed(w, r, conv, err)
		return
	}
	done := doneMsg{Key: "media.sent"}
	if h.Svc.Channels.OutboundOf(conv.Channel) == channel.Record {
		done.Key = "media.recorded" // kept with the call's record; nothing goes to the customer
	}
	h.composed(w, r, conv, done)
}

// photoMax is the largest photo the composer sends on channel: the channel's own limit
// (WhatsApp's 5 MB, Telegram's 10 MB), else the panel's for a person's photos (media.PhotoMax).
func (h *Handler) photoMax(channel string) int64 {
	if n := h.Svc.Channels.PhotoMax(channel); n > 0 {
		return n
	}
	return media.PhotoMax
}

// attachLimits: one file within the documents' limit (a photo is then held to the channels' own
// limit by the media room, since it goes out to the customer), a caption far longer than the
// 4000 characters refused at the field, and the body read up to twice the file's limit so a file
// somewhat too large still gets the page back with its caption.
var attachLimits = web.UploadLimits{
	FileMax:  media.MaxSize(media.KindDocument),
	FilesMax: media.MaxSize(media.KindDocument),
	MaxFiles: 1,
	TextMax:  64 << 10,
	BodyMax:  2*media.MaxSize(media.KindDocument) + 1<<20,
}

// attachRefused answers a refused file: under the attach form's file field (htmx), or as the
// conversation page with the caption kept and the reason at that field.
func (h *Handler) attachRefused(w http.ResponseWriter, r *http.Request, id int64, status int, msg string) {
	if web.IsHTMX(r) {
		// At the file field; the form is not redrawn, so its caption stays as typed.
		w.Header().Set("HX-Retarget", "#attach-status")
		w.Header().Set("HX-Reswap", "innerHTML")
		h.Render.Fragment(w, r, status, "inbox/conversation", "attach-refused", &web.Page{Data: map[string]any{"Msg": msg}})
		return
	}
	h.detail(w, r, id, status, web.Errors{"file": msg})
}

// resent answers an htmx post of a composer form that was sent before (web.Resent) or that a
// post at the same moment sent (web.AlreadySent): as the first post was answered — the thread
// redrawn — with the notice that nothing was sent twice. ok false: err is another error, not
// answered yet.
func (h *Handler) resent(w http.ResponseWriter, r *http.Request, conv *Conversation, err error) bool {
	again := web.Resent(r) != nil || (web.IsHTMX(r) && web.AsAlreadySent(err) != nil)
	if !again {
		return false
	}
	h.composed(w, r, conv, doneMsg{Key: "form.already_sent"})
	return true
}

// sendFailed answers a composer form whose message was not stored: sent before (answered as the
// first time) or another error.
func (h *Handler) sendFailed(w http.ResponseWriter, r *http.Request, conv *Conversation, err error) {
	if !h.resent(w, r, conv, err) {
		h.Render.Fail(w, r, err)
	}
}

// composed answers a message the composer put into the conversation: the composer part redrawn
// with done in its status line (htmx), or the conversation page with done as its banner.
func (h *Handler) composed(w http.ResponseWriter, r *http.Request, conv *Conversation, done doneMsg) {
	if web.IsHTMX(r) {
		d, err := h.load(r, conv)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Render.Fragment(w, r, http.StatusOK, "inbox/conversation", "composed", &web.Page{Data: d, Flash: done.words(web.From(r))})
		return
	}
	web.FlashKey(w, r, true, done.Key, done.Args...)
	web.Redirect(w, r, "/app/inbox/"+strconv.FormatInt(conv.ID, 10)+"/")
}
