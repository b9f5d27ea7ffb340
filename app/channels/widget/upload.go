package widget

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"highvibe/app/channels/chanutil"
	"highvibe/app/inbox"
	"highvibe/app/media"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
	"net/url"
)

// maxUpload bounds a photo upload request: the largest photo (media.MaxSize image) plus the few
// form fields. widget.js downscales photos in the browser first, so real uploads are far smaller.
var maxUpload = media.MaxSize(media.KindImage) + 64<<10

// Upload is POST /widget/api/{slug}/media: a visitor attaches a photo (multipart field "file",
// with the optional fields of a message: token, text as its caption, name, phone, email, consent,
// lang, client_id). The same rules as a message hold (consent on the first post, rate limits),
// and the bytes must really be a JPEG, PNG, WebP or GIF within the photo limit, whatever the
// file is called: 413 too_large, 422 bad_type / empty / quota. Answers 201 like a message, with
// the attachment's id.
func (h *Handler) Upload(w http.ResponseWriter, r *http.Request) {
	cors(w)
	lang := r.URL.Query().Get("lang")
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	status, code := 0, ""
	var data []byte
	var filename string
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			status, code = http.StatusRequestEntityTooLarge, "too_large"
		} else {
			status, code = http.StatusBadRequest, "bad_upload"
		}
	} else {
		defer r.MultipartForm.RemoveAll()
		if l := r.FormValue("lang"); l != "" {
			lang = l
		}
		f, fh, err := r.FormFile("file")
		if err != nil {
			status, code = http.StatusUnprocessableEntity, "empty"
		} else {
			data, err = io.ReadAll(io.LimitReader(f, media.MaxSize(media.KindImage)+1))
			f.Close()
			filename = fh.Filename
			if err != nil {
				status, code = http.StatusBadRequest, "bad_upload"
			} else if int64(len(data)) > media.MaxSize(media.KindImage) {
				status, code = http.StatusRequestEntityTooLarge, "too_large"
			}
		}
	}
	in := &postBody{Token: r.FormValue("token"), Text: r.FormValue("text"), Name: r.FormValue("name"), Phone: r.FormValue("phone"),
		Email: r.FormValue("email"), Consent: r.FormValue("consent") == "true" || r.FormValue("consent") == "1", ClientID: r.FormValue("client_id"),
		Marketing: r.FormValue("marketing") == "true" || r.FormValue("marketing") == "1"}
	if v := r.FormValue("attribution"); v != "" && len(v) <= 8<<10 {
		_ = json.Unmarshal([]byte(v), &in.Attribution) // unreadable: nothing captured
	}
	if status == 0 {
		status, code = validate(in, false)
	}
	if status == 0 && h.Media == nil {
		status, code = http.StatusForbidden, "disabled"
	}
	a := h.begin(w, r, lang, status, code, in)
	if a == nil {
		return
	}
	ctx, t, p, db, token, takes := r.Context(), a.t, a.p, a.db, a.token, a.takes
	// A photo spends the visitor's photo allowance, not their messages': five photos and a line of
	// text were the sixth post of a minute and refused as "too many messages".
	for i := range takes {
		if takes[i].From == h.VisitorLimit && h.PhotoLimit != nil {
			takes[i].From = h.PhotoLimit
		}
	}
	// The file is checked (its bytes, not its name) before any limit is spent on it.
	prep, err := h.Media.Prepare(ctx, t.Slug, data, filename, false)
	if c := media.RefusalCode(err); c != "" {
		st := http.StatusUnprocessableEntity
		if c == media.ErrCodeTooLarge {
			st = http.StatusRequestEntityTooLarge
		}
		fail(w, r, p, st, c)
		return
	}
	if err != nil {
		h.Log.Error("widget: keep photo", "tenant", t.Slug, "err", err)
		fail(w, r, p, http.StatusInternalServerError, "internal")
		return
	}
	if ok, wait := chanutil.AllowAll(takes...); !ok {
		w.Header().Set("Retry-After", chanutil.RetryAfter(wait))
		fail(w, r, p, http.StatusTooManyRequests, "rate_limited")
		return
	}
	key := threadKey(token)
	body := in.Text
	if body == "" {
		body = media.Placeholder(prep.Kind, "")
	}
	var attID int64
	msg := inbox.Inbound{Channel: "webchat", ExternalID: key, Name: in.Name, Phone: in.Phone, Region: t.PhoneRegion(), Email: in.Email, Body: body, Kind: prep.Kind,
		Then: func(ctx context.Context, tx inbox.Writer, res inbox.IngestResult) error {
			var err error
			attID, err = prep.Attach(ctx, tx, res.MessageID, res.ConversationID, res.LeadID, "webchat")
			return err
		}}
	msg.ProviderMessageID = messageID(key, in)
	if in.Consent {
		msg.ConsentVersion, msg.ConsentAt = ConsentVersion(notice(t, a.lang)), time.Now()
	}
	res, err := h.Inbox.Ingest(ctx, t.Slug, db, msg)
	if err != nil {
		h.Log.Error("widget: ingest photo", "tenant", t.Slug, "err", err)
		fail(w, r, p, http.StatusInternalServerError, "internal")
		return
	}
	h.capture(ctx, t, p, db, in, res)
	web.JSON(w, http.StatusCreated, map[string]any{"token": token, "conversation_id": res.ConversationID, "message_id": res.MessageID,
		"attachment_id": attID})
}

// admit applies a post's thread rules: a token must name a thread; without one, consent is asked
// when the tenant requires it and a new token is made. It returns the token and the rate limits
// the post must pass (taken by the caller), or the status and code to refuse with.
func (h *Handler) admit(ctx context.Context, db *tenantdb.DB, slug, ip string, in *postBody, consentRequired bool) (string, []chanutil.Take, int, string) {
	addr := slug + "|" + ip
	takes := []chanutil.Take{{From: h.IPLimit, Key: addr}}
	token := in.Token
	if token != "" {
		if _, err := conversationFor(ctx, db, threadKey(token)); err != nil {
			return "", nil, http.StatusBadRequest, "bad_token"
		}
	} else {
		if consentRequired && !in.Consent {
			return "", nil, http.StatusUnprocessableEntity, "consent_required"
		}
		token = firstToken(slug, in.ClientID)
		if token == "" {
			token = newToken()
		}
	}
	// A message sent again (its answer was lost) that is stored already is answered as it was, and
	// starts no new visitor nor counts as one more of theirs: only the address's limit holds.
	if id := messageID(threadKey(token), in); id != "" {
		if seen, err := inbox.MessageSeen(ctx, db.Read, "webchat", id); err == nil && seen {
			return token, takes, 0, ""
		}
	}
	if in.Token == "" {
		takes = append(takes, chanutil.Take{From: h.NewVisitorLimit, Key: addr})
	}
	return token, append(takes, chanutil.Take{From: h.VisitorLimit, Key: slug + "|" + token}), 0, ""
}

// File is a file of a message as the widget shows it: links are signed and short-lived.
type File struct {
	Kind        string `json:"kind"`
	ContentType string `json:"content_type"`
	Name        string `json:"name"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
	ThumbURL    string `json:"thumb_url,omitempty"`
}

// files lists the stored files of a conversation's messages with signed links (nil when none,
// and then the media database is not even opened).
func (h *Handler) files(ctx context.Context, db *tenantdb.DB, slug string, convID int64, lang string) (map[int64][]File, error) {
	if h.Media == nil {
		return nil, nil
	}
	byMsg, err := media.ForConversation(ctx, db.Read, convID)
	if err != nil || len(byMsg) == 0 {
		return nil, err
	}
	now := time.Now()
	out := map[int64][]File{}
	for msgID, as := range byMsg {
		for _, a := range as {
			if a.Status != media.StatusStored {
				continue
			}
			f := File{Kind: a.Kind, ContentType: a.ContentType, Name: a.Name(), Size: a.Size}
			// The link carries the widget's language: a link opened after it expired, or after the
			// file was removed, says so in the visitor's language.
			if f.URL, err = h.Media.SignedURL(ctx, slug, a.ID, "", now); err != nil {
				return nil, err
			}
			f.URL += "&lang=" + url.QueryEscape(lang)
			if a.ThumbSHA256 != "" {
				if f.ThumbURL, err = h.Media.SignedURL(ctx, slug, a.ID, "thumb", now); err != nil {
					return nil, err
				}
				f.ThumbURL += "&lang=" + url.QueryEscape(lang)
			}
			out[msgID] = append(out[msgID], f)
		}
	}
	return out, nil
}

// fileWords is the text a message that only carries a file shows in the widget: nothing (the
// file speaks for itself).
func fileWords(text string, fs []File) string {
	if len(fs) > 0 && strings.HasPrefix(text, "[") && strings.HasSuffix(text, "]") {
		return ""
	}
	return text
}
