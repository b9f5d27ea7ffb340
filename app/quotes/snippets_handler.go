package quotes

import (
	"net/http"
	"strconv"

	"highvibe/app/fault"
	"highvibe/app/web"
)

type settingsPage struct {
	Snippets []*Snippet
	Edit     *Snippet
	Kinds    []string
	Details  string
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
	d := &settingsPage{Snippets: snips, Kinds: SnippetKinds, Details: c.Tenant.Setting("business_details")}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && id > 0 {
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
	web.Flash(w, r, true, c.T("quotes.settings.saved"))
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
	web.Flash(w, r, true, c.T("quotes.settings.saved"))
	web.Redirect(w, r, "/app/quotes/settings")
}
