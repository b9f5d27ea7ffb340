package media

import (
	"context"
	"database/sql"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"highvibe/app/audit"
	"highvibe/app/i18n"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// LeadPage is the owner's page of one person's photos and files, with the form that erases them.
type LeadPage struct {
	LeadID   int64
	LeadName string
	ConvID   int64 // the conversation the page was opened from (0 = none)
	Files    []*Attachment
	Stored   int   // files whose bytes are kept
	Bytes    int64 // their size
	Reason   string
}

// SizeMB and SizeKB are the kept size for showing; Big says which reads better.
func (p *LeadPage) SizeMB() float64 { return float64(p.Bytes) / (1 << 20) }

// SizeKB is the kept size in kilobytes.
func (p *LeadPage) SizeKB() float64 { return max(1, float64(p.Bytes)/1024) }

// Big reports whether the size reads better in megabytes.
func (p *LeadPage) Big() bool { return p.Bytes >= 1<<20 }

// lead reads the lead named in the path and its files; ok false when the error page is written.
func (h *Handler) lead(w http.ResponseWriter, r *http.Request) (*LeadPage, bool) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil || h.LeadName == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return nil, false
	}
	name, err := h.LeadName(r.Context(), c.DB, id, c.PhoneRegion())
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	files, err := ForLead(r.Context(), c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	p := &LeadPage{LeadID: id, LeadName: name, Files: files}
	p.ConvID, _ = strconv.ParseInt(r.FormValue("conversation"), 10, 64)
	for _, a := range files {
		if a.Status == StatusStored {
			p.Stored++
			p.Bytes += a.Size
		}
	}
	return p, true
}

func (h *Handler) leadPage(w http.ResponseWriter, r *http.Request, status int, p *LeadPage, errs map[string]string) {
	c := web.From(r)
	h.Render.Render(w, r, status, "media/lead", &web.Page{Title: c.T("media.erase.title"), Nav: "inbox", Guide: "photos-and-files",
		Data: p, Errors: errs})
}

// LeadFiles is GET /app/media/lead/{id}/ (owner): the person's photos and files and the erase form.
func (h *Handler) LeadFiles(w http.ResponseWriter, r *http.Request) {
	p, ok := h.lead(w, r)
	if !ok {
		return
	}
	h.leadPage(w, r, http.StatusOK, p, nil)
}

// EraseLeadFiles is POST /app/media/lead/{id}/erase (owner; reason and confirm=yes): every photo
// and file of the person's messages is deleted for good (a data subject's request), recorded in
// the action log with who and why. Without a reason or the confirmation nothing is deleted and
// the page says what is missing in the owner's language (422).
func (h *Handler) EraseLeadFiles(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	p, ok := h.lead(w, r)
	if !ok {
		return
	}
	p.Reason = strings.TrimSpace(r.PostFormValue("reason"))
	errs := map[string]string{}
	switch n := utf8.RuneCountInString(p.Reason); {
	case n == 0:
		errs["reason"] = c.T("media.erase.err.reason")
	case n > 500:
		errs["reason"] = c.T("media.erase.err.reason_long")
	}
	if r.PostFormValue("confirm") != "yes" {
		errs["confirm"] = c.T("media.erase.err.confirm")
	}
	if len(errs) > 0 {
		h.leadPage(w, r, http.StatusUnprocessableEntity, p, errs)
		return
	}
	actor := ""
	if c.User != nil {
		actor = c.User.Username
	}
	n, err := h.Svc.EraseLead(r.Context(), c.Tenant.Slug, c.DB, p.LeadID, func(tx *sql.Tx, files int64) error {
		_, err := audit.Write(r.Context(), tx, audit.Entry{Provider: "media", ActionType: "files_erased", Summary: strconv.FormatInt(files, 10) + " files",
			Input: p.Reason, ModelName: "human-review", ActorUserID: c.UserID(), ActorName: actor, ConversationID: p.ConvID,
			Payload: map[string]any{"lead_id": p.LeadID, "files": files, "bytes": p.Bytes, "reason": p.Reason}})
		return err
	})
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "media.erase.done", i18n.Num{V: float64(n)})
	to := "/app/media/lead/" + strconv.FormatInt(p.LeadID, 10) + "/"
	if p.ConvID > 0 {
		to += "?conversation=" + strconv.FormatInt(p.ConvID, 10)
	}
	web.Redirect(w, r, to)
}

// LeadNamer reads a lead's name (the inbox's; the media room does not read leads itself); region
// is the business's phone_region, for a nameless lead's number kept without its country code.
type LeadNamer func(ctx context.Context, db *tenantdb.DB, id int64, region string) (string, error)
