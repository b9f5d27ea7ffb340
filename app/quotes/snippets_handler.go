package quotes

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"

	"highvibe/app/fault"
	"highvibe/app/media"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

type settingsPage struct {
	Snippets []*Snippet
	Edit     *Snippet
	Kinds    []string
	Details  string
	CanLogo  bool   // the media room is there to keep a logo
	Logo     string // the logo's address for the preview ("" = none)
}

// Settings is GET /app/quotes/settings: the owner's payment and warranty snippets (what quotes may
// say) and the business details printed on every quote.
func (h *Handler) Settings(w http.ResponseWriter, r *http.Request) {
	h.settings(w, r, http.StatusOK, nil)
}

func (h *Handler) settings(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	c := web.From(r)
	snips, err := Snippets(r.Context(), c.DB.Read, false)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &settingsPage{Snippets: snips, Kinds: SnippetKinds, Details: c.Tenant.Setting("business_details"), CanLogo: h.Files != nil}
	if h.Files != nil {
		logo, err := h.Files.Logo(r.Context(), c.Tenant.Slug)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if logo != nil {
			d.Logo = "/app/quotes/settings/logo?v=" + media.Sum(logo)[:12]
		}
	}
	// The snippet being edited: ?edit= on the page, or the snippet a refused edit was posted to.
	edit := r.URL.Query().Get("edit")
	if r.Method == http.MethodPost && r.PathValue("id") != "" {
		edit = r.PathValue("id")
	}
	if id, err := strconv.ParseInt(edit, 10, 64); err == nil && id > 0 {
		if d.Edit, err = snippetByID(r.Context(), c.DB.Read, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	var form = r.PostForm
	if errs == nil {
		form = nil
	}
	h.Render.Render(w, r, status, "quotes/settings", &web.Page{Title: c.T("quotes.settings.title"), Nav: "quotes", Guide: "quotes",
		Data: d, Errors: errs, Form: form})
}

// SaveSnippet is POST /app/quotes/settings/snippets (new) and .../snippets/{id} (edit).
func (h *Handler) SaveSnippet(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = h.pathID(w, r); !ok {
			return
		}
	}
	_ = r.ParseForm()
	in := SnippetInput{Kind: r.PostFormValue("kind"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Active: r.PostFormValue("active") == "true"}
	_, err := SaveSnippet(r.Context(), c.DB, id, in, actorOf(c))
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		h.settings(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "quotes.settings.saved")
	web.Redirect(w, r, "/app/quotes/settings")
}

// SaveDetails is POST /app/quotes/settings/details: the business details (a tenant setting).
func (h *Handler) SaveDetails(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	v := r.PostFormValue("business_details")
	if len([]rune(v)) > 1000 {
		h.settings(w, r, http.StatusUnprocessableEntity, web.FieldErrors(r, fault.InvalidField("business_details", "quotes.err.too_long")))
		return
	}
	if err := h.Platform.SetSettings(r.Context(), c.Tenant.Slug, map[string]string{"business_details": v}); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "quotes.settings.saved")
	web.Redirect(w, r, "/app/quotes/settings")
}

// Logo is GET /app/quotes/settings/logo: the business's logo as the PDF prints it (PNG).
func (h *Handler) Logo(w http.ResponseWriter, r *http.Request) {
	var logo []byte
	var err error
	if h.Files != nil {
		logo, err = h.Files.Logo(r.Context(), web.From(r).Tenant.Slug)
	}
	if err != nil || logo == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "image/png")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("Content-Disposition", `inline; filename="logo.png"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(logo))
}

// SaveLogo is POST /app/quotes/settings/logo (multipart: logo): the owner's logo for the quote
// PDF. The bytes must be a JPEG, PNG, WebP or GIF image of at most 2 MB; it is kept (as a PNG
// without metadata) in the media database. A refused file stores nothing and says why in the
// owner's language (422, 413 when too large).
func (h *Handler) SaveLogo(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if h.Files == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, media.LogoMaxBytes+64<<10)
	code := ""
	var data []byte
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var big *http.MaxBytesError
		if code = media.ErrCodeEmpty; errors.As(err, &big) {
			code = media.ErrCodeTooLarge
		}
	} else {
		defer r.MultipartForm.RemoveAll()
		f, _, err := r.FormFile("logo")
		if err != nil {
			code = media.ErrCodeEmpty
		} else {
			data, err = io.ReadAll(f)
			f.Close()
			if err != nil {
				code = media.ErrCodeEmpty
			}
		}
	}
	if code == "" {
		err := h.Files.SetLogo(r.Context(), c.Tenant.Slug, data)
		if code = media.RefusalCode(err); code == "" && err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if code != "" {
		status := http.StatusUnprocessableEntity
		if code == media.ErrCodeTooLarge {
			status = http.StatusRequestEntityTooLarge
		}
		h.settings(w, r, status, map[string]string{"logo": c.T("quotes.settings.logo_err." + code)})
		return
	}
	web.FlashKey(w, r, true, "quotes.settings.logo_saved")
	web.Redirect(w, r, "/app/quotes/settings")
}

// RemoveLogo is POST /app/quotes/settings/logo/delete: quotes go back to the initials mark.
func (h *Handler) RemoveLogo(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if h.Files == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	if err := h.Files.RemoveLogo(r.Context(), c.Tenant.Slug); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "quotes.settings.logo_removed")
	web.Redirect(w, r, "/app/quotes/settings")
}
