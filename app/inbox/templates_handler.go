package inbox

import (
	"net/http"

	"highvibe/app/fault"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// TemplatesPage renders /app/settings/templates (owner): list, edit and add canned replies.
func (h *Handler) TemplatesPage(w http.ResponseWriter, r *http.Request) {
	h.templatesPage(w, r, http.StatusOK, nil)
}

func (h *Handler) templatesPage(w http.ResponseWriter, r *http.Request, status int, errs web.Errors) {
	c := web.From(r)
	ts, err := Templates(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &templatesData{Templates: ts}
	if errs != nil && r.PathValue("id") != "" {
		d.Edit, _ = pathID(r, "id")
	} else {
		d.NewName, d.NewBody, d.NewErrors = r.PostForm.Get("name"), r.PostForm.Get("body"), errs
	}
	h.Render.Render(w, r, status, "inbox/templates", &web.Page{Title: c.T("inbox.templates.title"), Nav: "settings", Guide: "conversation",
		Data: d, Errors: errs, Form: r.PostForm})
}

// templatesData is the templates page: every template, each with its own form, and the form to
// add one. Edit is the template whose refused edit the page shows again (its form carries what was
// typed and the messages; the new-template form stays empty); 0 when the refused form was the new one.
type templatesData struct {
	Templates []Template
	Edit      int64
	// The new-template form: what a refused creation sent, and its messages.
	NewName, NewBody string
	NewErrors        web.Errors
}

// SaveTemplate handles POST /app/settings/templates (new) and /app/settings/templates/{id} (edit).
func (h *Handler) SaveTemplate(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = pathID(r, "id"); !ok {
			h.Render.Fail(w, r, tenantdb.ErrNotFound)
			return
		}
	}
	err := SaveTemplate(r.Context(), c.DB, id, r.PostForm.Get("name"), r.PostForm.Get("body"), c.UserID(), c.User.Username)
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		h.templatesPage(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Flash(w, r, true, c.T("inbox.saved"))
	web.Redirect(w, r, "/app/settings/templates")
}

// DeleteTemplate handles POST /app/settings/templates/{id}/delete.
func (h *Handler) DeleteTemplate(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := pathID(r, "id")
	if !ok {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	if err := DeleteTemplate(r.Context(), c.DB, id, c.UserID(), c.User.Username); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/settings/templates")
}
