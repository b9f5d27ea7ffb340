package media

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// LinkTTL is how long a signed widget link to a file works.
const LinkTTL = 30 * time.Minute

// Handler serves files to the panel and, by signed link, to the widget visitor.
type Handler struct {
	Svc *Service
	Log *slog.Logger
	// Render and LeadName serve the owner's page of one person's files (erase_handler.go).
	Render   *web.Renderer
	LeadName LeadNamer
}

// Variant of a file to serve.
const (
	variantFull  = ""
	variantThumb = "thumb"
)

// Panel is GET /app/media/{id}: a file of the signed-in user's active tenant. The id is looked up
// in that tenant's own file, so another tenant's id is a 404. ?v=thumb serves the thumbnail;
// photos come without their location data, except to the tenant's owner asking ?original=1;
// ?download=1 asks the browser to save instead of showing.
func (h *Handler) Panel(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	original := q.Get("original") == "1" && c.Role == "owner"
	h.serve(w, r, c.Tenant.Slug, c.DB, id, q.Get("v"), original, q.Get("download") == "1", "same-origin")
}

// Widget is GET /widget/api/{slug}/media/{id}?exp=&sig=[&v=thumb]: a file of the visitor's thread,
// opened with the short-lived signed link the thread listing gave them. A wrong, expired or other
// file's signature is a 404, as is any id of another tenant.
func (h *Handler) Widget(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	slug := r.PathValue("slug")
	id, err := web.PathID(r, "id")
	if err != nil || !tenantdb.ValidSlug(slug) {
		h.widgetGone(w, r, nil)
		return
	}
	ctx := r.Context()
	t, err := h.Svc.Platform.TenantBySlug(ctx, slug)
	if err != nil || !t.Bool("chat_widget_enabled") {
		h.widgetGone(w, r, nil)
		return
	}
	db, err := h.Svc.Mgr.Tenant(ctx, slug)
	if err != nil {
		h.widgetGone(w, r, t)
		return
	}
	q := r.URL.Query()
	v := q.Get("v")
	if !h.Svc.verify(ctx, slug, id, v, q.Get("exp"), q.Get("sig"), time.Now()) {
		h.widgetGone(w, r, t)
		return
	}
	h.serve(&widgetWriter{ResponseWriter: w, gone: func() { h.widgetGone(w, r, t) }}, r, slug, db, id, v, false, q.Get("download") == "1", "cross-origin")
}

// widgetGone answers a widget visitor's link to a file that is not there (expired, removed, or
// never this business's) with 404 and one sentence in the widget's language (the link's lang),
// else the business's, else English: the visitor opened it from the chat, where the panel's
// English "404 page not found" meant nothing to a Turkish visitor.
func (h *Handler) widgetGone(w http.ResponseWriter, r *http.Request, t *platform.Tenant) {
	lang := r.URL.Query().Get("lang")
	if !i18n.Supported(lang) {
		lang = "en"
		if t != nil && i18n.Supported(t.PrimaryLocale) {
			lang = t.PrimaryLocale
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprintln(w, i18n.For(lang).T("media.widget_gone"))
}

// widgetWriter turns the shared file handler's bare 404 into widgetGone's answer.
type widgetWriter struct {
	http.ResponseWriter
	gone    func()
	swallow bool
}

func (w *widgetWriter) WriteHeader(code int) {
	if code == http.StatusNotFound {
		w.swallow = true
		w.gone()
		return
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *widgetWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request, slug string, db *tenantdb.DB, id int64, variant string, original, download bool, corp string) {
	ctx := r.Context()
	a, err := ByID(ctx, db.Read, id)
	if err != nil || a.Status != StatusStored {
		if err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			h.Log.Error("media: serve", "tenant", slug, "id", id, "err", err)
		}
		http.NotFound(w, r)
		return
	}
	sum, ct := a.SHA256, a.ContentType
	if variant == variantThumb {
		if a.ThumbSHA256 == "" {
			http.NotFound(w, r)
			return
		}
		sum, ct = a.ThumbSHA256, "image/jpeg"
	} else if variant != variantFull {
		http.NotFound(w, r)
		return
	}
	mdb, err := h.Svc.Mgr.Media(ctx, slug)
	if err != nil {
		h.Log.Error("media: serve", "tenant", slug, "err", err)
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
		return
	}
	data, err := blob(ctx, mdb, sum)
	if err != nil {
		if !errors.Is(err, tenantdb.ErrNotFound) {
			h.Log.Error("media: serve", "tenant", slug, "id", id, "err", err)
		}
		http.NotFound(w, r)
		return
	}
	if !original && variant == variantFull {
		// A photo whose blocks cannot be walked safely is not shown whole: its thumbnail, a new
		// encoding of the pixels alone, stands in for it.
		if data = StripLocation(data, ct); data == nil && a.ThumbSHA256 != "" {
			data, ct = nil, "image/jpeg"
			if data, err = blob(ctx, mdb, a.ThumbSHA256); err != nil {
				http.NotFound(w, r)
				return
			}
		}
		if data == nil {
			http.NotFound(w, r)
			return
		}
	}
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cross-Origin-Resource-Policy", corp)
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("Content-Disposition", Disposition(a, download))
	http.ServeContent(w, r, "", time.UnixMilli(a.CreatedAt), bytes.NewReader(data))
}

// Disposition is the Content-Disposition of a file: pictures, sound and video show inline
// unless a download is asked for; everything else (PDFs, office files, text) is always saved,
// never opened as a page of this site. The name is encoded for any language (RFC 6266/5987).
func Disposition(a *Attachment, download bool) string {
	kind := "attachment"
	if !download && (a.IsImage() || a.IsAudio() || a.IsVideo()) {
		kind = "inline"
	}
	if d := mime.FormatMediaType(kind, map[string]string{"filename": a.Name()}); d != "" {
		return d
	}
	return kind
}

// PanelURL is where the panel opens a file (variant "" or "thumb").
func PanelURL(id int64, variant string) string {
	u := "/app/media/" + strconv.FormatInt(id, 10)
	if variant != "" {
		u += "?v=" + variant
	}
	return u
}

// SignedURL is a link the widget visitor opens a file of their thread with, valid for LinkTTL.
func (s *Service) SignedURL(ctx context.Context, slug string, id int64, variant string, now time.Time) (string, error) {
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return "", err
	}
	key, err := linkKey(ctx, mdb)
	if err != nil {
		return "", err
	}
	exp := strconv.FormatInt(now.Add(LinkTTL).Unix(), 10)
	u := fmt.Sprintf("/widget/api/%s/media/%d?exp=%s&sig=%s", slug, id, exp, sign(key, slug, id, variant, exp))
	if variant != "" {
		u += "&v=" + variant
	}
	return u, nil
}

func sign(key []byte, slug string, id int64, variant, exp string) string {
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s\x00%d\x00%s\x00%s", slug, id, variant, exp)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Service) verify(ctx context.Context, slug string, id int64, variant, exp, sig string, now time.Time) bool {
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || sig == "" || now.Unix() > e || e > now.Add(LinkTTL+time.Minute).Unix() {
		return false
	}
	mdb, err := s.Mgr.Media(ctx, slug)
	if err != nil {
		return false
	}
	key, err := linkKey(ctx, mdb)
	if err != nil {
		return false
	}
	return hmac.Equal([]byte(sign(key, slug, id, variant, exp)), []byte(strings.TrimSpace(sig)))
}
