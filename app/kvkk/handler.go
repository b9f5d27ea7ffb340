package kvkk

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/audit"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the owner's page of one person's data: /app/kvkk/leads/{id}/ (ExportData).
type Handler struct {
	Render *web.Renderer
	Svc    *Service
}

type pageData struct {
	P       *Person
	Reason  string
	Confirm string
	Word    string // what the owner types to confirm the erasure
	Erased  bool   // the person has no name, phone or e-mail left (erased, or never given)
}

func (h *Handler) load(w http.ResponseWriter, r *http.Request) (*Person, bool) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return nil, false
	}
	p, err := Load(r.Context(), c.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, d *pageData, errs map[string]string) {
	c := web.From(r)
	d.Word = c.T("pdata.erase.word")
	l := d.P.Lead
	d.Erased = l.Name == "" && l.Phone == "" && l.Email == ""
	h.Render.Render(w, r, status, "kvkk/person", &web.Page{Title: c.T("pdata.title"), Nav: "inbox", Guide: "exports-and-kvkk", Data: d, Errors: errs, Form: r.PostForm})
}

// Page is GET /app/kvkk/leads/{id}/: what is kept about the person, the data export and the
// erase form.
func (h *Handler) Page(w http.ResponseWriter, r *http.Request) {
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	h.page(w, r, http.StatusOK, &pageData{P: p}, nil)
}

// logExport records that the person's data left the panel (who, which form).
func (h *Handler) logExport(r *http.Request, p *Person, form string) error {
	c := web.From(r)
	actor := ""
	if c.User != nil {
		actor = c.User.Username
	}
	return audit.Log(r.Context(), c.DB, audit.Entry{Provider: "kvkk", ActionType: "person_exported",
		Summary: "lead " + strconv.FormatInt(p.Lead.ID, 10) + " · " + form, ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor,
		Payload: map[string]any{"lead_id": p.Lead.ID, "format": form}})
}

// JSON is GET /app/kvkk/leads/{id}/export.json: everything about the person as one JSON file
// (a copy for them, KVKK article 11), recorded in the action log.
func (h *Handler) JSON(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	if err := h.logExport(r, p, "json"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+c.Tenant.Slug+`-person-`+strconv.FormatInt(p.Lead.ID, 10)+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(p)
}

// Summary is GET /app/kvkk/leads/{id}/summary: the same as a readable page (print it or save it
// as PDF from the browser to hand over), recorded in the action log.
func (h *Handler) Summary(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	if err := h.logExport(r, p, "html"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	h.Render.Render(w, r, http.StatusOK, "kvkk/summary", &web.Page{Title: c.T("pdata.summary.title"), Nav: "inbox", Guide: "exports-and-kvkk", Data: p})
}

// Erase is POST /app/kvkk/leads/{id}/erase (reason, confirm = the typed word): the person is
// erased everywhere, for good, and the action log records who and why. Without a reason or the
// right word nothing changes and the page says what is missing (422).
func (h *Handler) Erase(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	p, ok := h.load(w, r)
	if !ok {
		return
	}
	d := &pageData{P: p, Reason: strings.TrimSpace(r.PostFormValue("reason")), Confirm: strings.TrimSpace(r.PostFormValue("confirm"))}
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(d.Reason); {
	case n == 0:
		errs["reason"] = c.T("pdata.erase.err.reason")
	case n > 500:
		errs["reason"] = c.T("pdata.erase.err.reason_long")
	}
	if inbox.Fold(d.Confirm) != inbox.Fold(c.T("pdata.erase.word")) {
		errs["confirm"] = c.T("pdata.erase.err.confirm", c.T("pdata.erase.word"))
	}
	if len(errs) > 0 {
		h.page(w, r, http.StatusUnprocessableEntity, d, errs)
		return
	}
	actor := ""
	if c.User != nil {
		actor = c.User.Username
	}
	res, err := h.Svc.Erase(r.Context(), c.Tenant.Slug, c.DB, Request{LeadID: p.Lead.ID, ActorID: c.UserID(), ActorName: actor, Reason: d.Reason})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "pdata.erase.done", i18n.Num{V: float64(p.Messages())}, i18n.Num{V: float64(res.Counts["files"])})
	web.Redirect(w, r, "/app/kvkk/leads/"+strconv.FormatInt(p.Lead.ID, 10)+"/")
}

// SectionData is the lead page's personal-data section: what is kept, in counts, and the links to
// the person's data page.
type SectionData struct {
	LeadID                         int64
	Conversations, Messages, Files int
	Erased                         bool
}

// LeadSection loads the lead page's personal-data section (owner only: leads.Section.Perm).
func LeadSection(ctx context.Context, db *tenantdb.DB, leadID int64) (any, error) {
	p, err := Load(ctx, db, leadID)
	if err != nil {
		return nil, err
	}
	l := p.Lead
	return &SectionData{LeadID: leadID, Conversations: len(p.Conversations), Messages: p.Messages(), Files: len(p.Files),
		Erased: l.Name == "" && l.Phone == "" && l.Email == ""}, nil
}
