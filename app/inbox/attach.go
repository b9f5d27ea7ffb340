package inbox

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

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
	r.Body = http.MaxBytesReader(w, r.Body, media.MaxSize(media.KindDocument)+64<<10)
	code, status := "", http.StatusUnprocessableEntity
	var data []byte
	var name, caption string
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var big *http.MaxBytesError
		if code = media.ErrCodeEmpty; errors.As(err, &big) {
			code, status = media.ErrCodeTooLarge, http.StatusRequestEntityTooLarge
		}
	} else {
		defer r.MultipartForm.RemoveAll()
		if err := web.CheckMultipartText(r); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		// The form's one-time token, in the multipart body the panel's middleware does not read.
		if a, err := web.ReadOnce(r); err != nil {
			h.Render.Fail(w, r, err)
			return
		} else if a != nil {
			web.Replay(w, r, a)
			return
		}
		if h.resent(w, r, conv, nil) {
			return
		}
		caption = strings.TrimSpace(r.FormValue("body"))
		f, fh, err := r.FormFile("file")
		if err != nil {
			code = media.ErrCodeEmpty
		} else {
			data, err = io.ReadAll(f)
			f.Close()
			name = fh.Filename
			if err != nil {
				code = media.ErrCodeEmpty
			}
		}
		if utf8.RuneCountInString(caption) > 4000 {
			code = "caption_long"
		}
	}
	// A file outside WhatsApp's window would be queued and then fail, like a text reply: refused
	// before anything is kept.
	if code == "" {
		if win := h.window(c, conv, time.Now()); win != nil && win.Closed {
			h.attachRefused(w, r, id, http.StatusUnprocessableEntity, c.T("inbox.error.window_closed_file"))
			return
		}
	}
	var prep *media.Prepared
	if code == "" {
		prep, err = h.Media.Prepare(ctx, c.Tenant.Slug, data, name, true)
		if code = media.RefusalCode(err); code == media.ErrCodeTooLarge {
			status = http.StatusRequestEntityTooLarge
		} else if code == "" && err != nil {
			h.Render.Fail(w, r, err)
			return
		}
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
		AuthorName: c.User.Username, Body: body,
		Attach: func(ctx context.Context, tx *sql.Tx, messageID int64, cv *Conversation) error {
			_, err := prep.Attach(ctx, tx, messageID, cv.ID, cv.LeadID, cv.Channel)
			return err
		}, Once: true}, "conversation_inbox")
	if err != nil {
		h.sendFailed(w, r, conv, err)
		return
	}
	h.composed(w, r, conv, doneMsg{Key: "media.sent"})
}

// attachRefused answers a refused file: into the composer's status line (htmx), or as the
// conversation page with a banner.
func (h *Handler) attachRefused(w http.ResponseWriter, r *http.Request, id int64, status int, msg string) {
	if web.IsHTMX(r) {
		w.Header().Set("HX-Retarget", "#composer-status")
		w.Header().Set("HX-Reswap", "innerHTML")
		h.Render.Fragment(w, r, status, "inbox/conversation", "saved", &web.Page{Data: map[string]any{"Msg": msg, "Err": true}})
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
