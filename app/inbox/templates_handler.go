package inbox

import (
	"net/http"

	"highvibe/app/fault"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// TemplatesPage renders /app/settings/templates (owner): list, edit and add canned replies.
func (h *Handler) TemplatesPage(w http.ResponseWriter, r *http.Request) {
	h.templatesPage(w, r, http.StatusOK, nil, false)
}

// templatesPage draws the page; gone says the template being edited was deleted meanwhile (in
// another tab, by someone else): what was typed goes into the new-template form, to be saved as
// a new one, under a notice that says so.
func (h *Handler) templatesPage(w http.ResponseWriter, r *http.Request, status int, errs web.Errors, gone bool) {
	c := web.From(r)
	ts, err := Templates(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &templatesData{Templates: ts, Gone: gone, Vars: TemplateVarHints()}
	if gone {
		d.NewName, d.NewBody = r.PostForm.Get("name"), r.PostForm.Get("body")
	} else if errs != nil && r.PathValue("id") != "" {
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
	// Gone: the edited template was deleted meanwhile; NewName and NewBody hold what was typed.
	Gone bool
	// Vars are the template variables with what each is replaced by, explained under the text.
	Vars []VarHint
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
	err := SaveTemplate(r.Context(), c.DB, id, r.PostForm.Get("name"), r.PostForm.Get("body"), c.UserID(), c.User.Name())
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		h.templatesPage(w, r, http.StatusUnprocessableEntity, errs, false)
		return
	}
	if id != 0 && fault.KindOf(err) == fault.KindNotFound && !web.WantsJSON(r) {
		h.templatesPage(w, r, http.StatusNotFound, nil, true)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "inbox.saved")
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
	if err := DeleteTemplate(r.Context(), c.DB, id, c.UserID(), c.User.Name()); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.Redirect(w, r, "/app/settings/templates")
}
