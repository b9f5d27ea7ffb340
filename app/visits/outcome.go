package visits

import (
	"context"
	"database/sql"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/quotes"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// After the visit: the outcome form records what was found on site (measured area, surface,
// access, notes, photos from the conversation) and closes the visit as done or no-show. A done
// visit then gives the lead its next step ("Teklif hazırla") and starts a quote draft with the
// measured area (OutcomeHooks: the inbox's and the quotes room's own functions).

// OutcomeInput is the outcome form as typed.
type OutcomeInput struct {
	Status  string // done or no_show
	Area    string // m², decimal comma or point: "42,5", "42.5", "1.042,5"
	Surface string
	Access  string
	Notes   string
	Photos  []string // attachment ids of the lead's conversation files
	Once    string   // the form's one-time token as sent (web.OnceField)
}

// Outcome is a validated outcome.
type Outcome struct {
	Status  string
	AreaDM2 int64 // hundredths of a m²; 0 when not measured
	Surface string
	Access  string
	Notes   string
	Photos  []int64
}

// ParseArea reads an area in m² with up to two decimals; a comma is the decimal separator when
// there is one (Turkish "1.042,5"), else a point is. ok false for anything else.
func ParseArea(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSpace(s), "m²"), "m2"))
	s = strings.ReplaceAll(i18n.ASCIIDigits(s), " ", "")
	if s == "" {
		return 0, false
	}
	if strings.ContainsAny(s, "\u066b\u066c") { // the Arabic decimal and thousands marks say which is which
		n, ok := i18n.ParseFixed(s, 2)
		return n, ok && n < 1e9
	}
	if strings.Contains(s, ",") {
		s = strings.ReplaceAll(s, ".", "")
		s = strings.Replace(s, ",", ".", 1)
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 7 {
		return 0, false
	}
	for _, r := range whole + frac {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, true
}

// Validate checks the form against the lead's files (allowed photo ids); errors are field
// errors in the catalog (calendar.err.*), nothing is stored.
func (in OutcomeInput) Validate(allowed map[int64]bool) (Outcome, error) {
	var f fault.Fields
	o := Outcome{Status: in.Status, Surface: strings.TrimSpace(in.Surface), Access: strings.TrimSpace(in.Access), Notes: strings.TrimSpace(in.Notes)}
	if o.Status != StatusDone && o.Status != StatusNoShow {
		f.Add("status", "calendar.err.outcome_status")
	}
	if strings.TrimSpace(in.Area) != "" || o.Status == StatusDone {
		a, ok := ParseArea(in.Area)
		switch {
		case !ok:
			f.Add("area", "calendar.err.area")
		case a <= 0 || a > 10_000_000:
			f.Add("area", "calendar.err.area_range")
		}
		o.AreaDM2 = a
	}
	if len([]rune(o.Surface)) > 200 {
		f.Add("surface", "calendar.err.too_long", 200)
	}
	if len([]rune(o.Access)) > 2000 {
		f.Add("access", "calendar.err.too_long", 2000)
	}
	if len([]rune(o.Notes)) > 4000 {
		f.Add("notes", "calendar.err.too_long", 4000)
	}
	seen := map[int64]bool{}
	for _, s := range in.Photos {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || !allowed[id] {
			f.Add("photos", "calendar.err.photo")
			break
		}
		if !seen[id] {
			seen[id] = true
			o.Photos = append(o.Photos, id)
		}
	}
	if o.Status == StatusNoShow {
		o.AreaDM2 = 0
	}
	return o, f.Err()
}

// ErrNotClosable: only a confirmed visit (or one already closed, to correct it) takes an outcome.
var ErrNotClosable = fault.Sentinel(fault.KindConflict, "calendar.err.not_closable", "visits: visit cannot take an outcome")

// allowedPhotos are the ids of the lead's files that are pictures.
func allowedPhotos(ctx context.Context, q *sql.DB, leadID int64) (map[int64]bool, []*media.Attachment, error) {
	list, err := media.ForLead(ctx, q, leadID)
	if err != nil {
		return nil, nil, err
	}
	ok := map[int64]bool{}
	var pics []*media.Attachment
	for _, a := range list {
		if a.IsImage() && a.Status == "stored" {
			ok[a.ID] = true
			pics = append(pics, a)
		}
	}
	return ok, pics, nil
}

// RecordOutcome stores a validated outcome on the visit in one transaction with its audit row
// (before→after) and returns the visit as it was before.
func RecordOutcome(ctx context.Context, db *tenantdb.DB, id int64, o Outcome, a Actor, now time.Time) (*Visit, error) {
	var before *Visit
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		v, err := ByID(ctx, tx, id)
		if err != nil {
			return err
		}
		before = v
		switch v.Status {
		case StatusConfirmed, StatusDone, StatusNoShow:
		default:
			return ErrNotClosable
		}
		area := any(nil)
		if o.AreaDM2 > 0 {
			area = o.AreaDM2
		}
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET status = ?, measured_area_dm2 = ?, surface = ?, access_notes = ?, outcome_notes = ?,
			done_at = ?, updated_at = ? WHERE id = ?`, o.Status, area, o.Surface, o.Access, o.Notes, now.UnixMilli(), now.UnixMilli(), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM site_visit_photos WHERE visit_id = ?`, id); err != nil {
			return err
		}
		for _, p := range o.Photos {
			if _, err := tx.ExecContext(ctx, `INSERT INTO site_visit_photos(visit_id, attachment_id) VALUES(?, ?)`, id, p); err != nil {
				return err
			}
		}
		// The form's one-time token is spent with the outcome: a second save of the same form (a
		// double tap, a resend) rolls back and is answered as the first was.
		if err := web.SpendOnce(ctx, tx, id, "/app/visits/"+strconv.FormatInt(id, 10)+"/"); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_outcome", Summary: "visit " + v.Status + " → " + o.Status,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": id,
				"before": map[string]any{"status": v.Status, "measured_area_dm2": v.MeasuredAreaDM2, "surface": v.Surface, "access_notes": v.AccessNotes, "outcome_notes": v.OutcomeNotes},
				"after":  map[string]any{"status": o.Status, "measured_area_dm2": o.AreaDM2, "surface": o.Surface, "access_notes": o.Access, "outcome_notes": o.Notes, "photos": o.Photos}}})
		return err
	})
	return before, err
}

// setQuote remembers the quote draft a done visit started.
func setQuote(ctx context.Context, db *tenantdb.DB, id, quoteID int64) error {
	_, err := db.Exec(ctx, `UPDATE site_visits SET quote_id = ?, updated_at = ? WHERE id = ?`, quoteID, time.Now().UnixMilli(), id)
	return err
}

// FormatArea writes hundredths of a m² as the form shows them ("42,5" in Turkish).
func FormatArea(dm2 int64, comma bool) string {
	s := strconv.FormatInt(dm2/100, 10)
	if f := dm2 % 100; f != 0 {
		fs := strconv.FormatInt(f+100, 10)[1:]
		fs = strings.TrimRight(fs, "0")
		sep := "."
		if comma {
			sep = ","
		}
		s += sep + fs
	}
	return s
}

// ---- the outcome form ---------------------------------------------------------------------------

type outcomePage struct {
	V      *CalVisit
	P      *i18n.Printer
	Photos []*media.Attachment
	Picked map[int64]bool
	In     OutcomeInput
	Clock  func(time.Time) string
}

// StatusWord is a status in words.
func (p *outcomePage) StatusWord(s string) string { return p.P.T("calendar.status." + s) }

// oneVisit reads the visit of the path as the calendar draws it; the error page is written when
// it cannot be (ok false).
func (h *Handler) oneVisit(w http.ResponseWriter, r *http.Request) (*CalVisit, bool) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	members, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	v, err := h.visitByID(r.Context(), c.DB, id, members, c.PhoneRegion())
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	v.Start = v.Start.In(c.Zone())
	return v, true
}

// visitByID reads one visit with its lead's and assignees' names.
func (h *Handler) visitByID(ctx context.Context, db *tenantdb.DB, id int64, members []platform.Membership, region string) (*CalVisit, error) {
	v, err := ByID(ctx, db.Read, id)
	if err != nil {
		return nil, err
	}
	return &named(ctx, db, []*Visit{v}, members, region)[0], nil
}

func (h *Handler) outcomeForm(w http.ResponseWriter, r *http.Request, status int, v *CalVisit, in OutcomeInput, errs map[string]string) {
	c := web.From(r)
	_, pics, err := allowedPhotos(r.Context(), c.DB.Read, v.LeadID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	picked := map[int64]bool{}
	for _, s := range in.Photos {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			picked[id] = true
		}
	}
	p := &outcomePage{V: v, P: c.P, Photos: pics, Picked: picked, In: in, Clock: func(t time.Time) string { return clock(c.P, t) }}
	// A refused save is drawn with its one-time token, so the corrected save is the same form.
	form := url.Values{web.OnceField: {in.Once}}
	h.Render.Render(w, r, status, "visits/outcome", &web.Page{Title: c.T("calendar.outcome.title"), Nav: "visits", Guide: "site-visits", Data: p, Errors: errs, Form: form})
}

// OutcomeForm is GET /app/visits/{id}/outcome.
func (h *Handler) OutcomeForm(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	v, ok := h.oneVisit(w, r)
	if !ok {
		return
	}
	core := v.V
	in := OutcomeInput{Status: StatusDone, Surface: core.Surface, Access: core.AccessNotes, Notes: core.OutcomeNotes}
	if core.Status == StatusNoShow {
		in.Status = StatusNoShow
	}
	if core.HasMeasuredArea {
		in.Area = FormatArea(core.MeasuredAreaDM2, c.Lang != "en")
	}
	for _, id := range core.Photos {
		in.Photos = append(in.Photos, strconv.FormatInt(id, 10))
	}
	h.outcomeForm(w, r, http.StatusOK, v, in, nil)
}

// SaveOutcome is POST /app/visits/{id}/outcome: a plain form post (no script needed on a slow
// phone). Bad input re-renders the form at 422 with the typed values and nothing stored. A done
// visit then gives the lead its next step and starts a quote draft with the measured area.
func (h *Handler) SaveOutcome(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	v, ok := h.oneVisit(w, r)
	if !ok {
		return
	}
	if v.Status != StatusConfirmed && v.Status != StatusDone && v.Status != StatusNoShow {
		h.Render.Fail(w, r, ErrNotClosable)
		return
	}
	// A plain form, or multipart when photos taken on site come along (field "upload"). The
	// multipart body is read as a stream: the text comes first (the form's order) and is kept
	// whatever the photos do, so a refusal over their size redraws everything as typed.
	var files []web.UploadFile
	var f url.Values
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		u, err := web.ReadUpload(w, r, outcomeLimits)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		defer u.RemoveAll()
		f = u.Value
		// The form's one-time token, in the multipart body the panel's middleware does not read:
		// a resend is answered as the first save was, before its photos are kept again.
		if r.PostForm == nil {
			r.PostForm = f
		}
		if h.Render.Replayed(w, r, nil) {
			return
		}
		if msg := uploadRefusal(c.P, u); msg != "" {
			if u.Cut {
				// A body that stopped arriving (the read deadline) cancels the request's context
				// with it; the form is still drawn, and the browser may still read it.
				r = r.WithContext(context.WithoutCancel(r.Context()))
			}
			in := outcomeInput(f)
			if in.Status == "" {
				in.Status = StatusDone
			}
			h.outcomeForm(w, r, http.StatusRequestEntityTooLarge, v, in, map[string]string{"upload": msg})
			return
		}
		for _, uf := range u.Files {
			if uf.Field == "upload" {
				files = append(files, uf)
			}
		}
	} else if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	} else {
		f = r.PostForm
	}
	in := outcomeInput(f)
	allowed, _, err := allowedPhotos(r.Context(), c.DB.Read, v.LeadID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	o, err := in.Validate(allowed)
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		h.outcomeForm(w, r, http.StatusUnprocessableEntity, v, in, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(files) > 0 {
		ids, code, err := h.keepPhotos(r, v, files)
		if code == media.ErrCodeBadType {
			// Site photos only: the refusal names what this form takes, from the list the check uses.
			h.outcomeForm(w, r, http.StatusUnprocessableEntity, v, in, map[string]string{"upload": c.T("media.err.bad_upload", media.UploadNames(false))})
			return
		}
		if code != "" {
			h.outcomeForm(w, r, http.StatusUnprocessableEntity, v, in, map[string]string{"upload": c.T("media.err." + code)})
			return
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		o.Photos = append(o.Photos, ids...)
	}
	before, err := RecordOutcome(r.Context(), c.DB, v.ID, o, feedActor(c), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	msg := "calendar.outcome.saved_" + o.Status
	if o.Status == StatusDone && v.ConversationID > 0 {
		if err := h.followUp(r, v, o, before); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if before.QuoteID == 0 {
			msg = "calendar.outcome.saved_quote"
		}
	}
	web.FlashKey(w, r, true, msg)
	web.Redirect(w, r, "/app/visits/"+strconv.FormatInt(v.ID, 10)+"/")
}

// outcomeInput is the outcome form's fields as sent.
func outcomeInput(f url.Values) OutcomeInput {
	return OutcomeInput{Status: f.Get("status"), Area: f.Get("area"), Surface: f.Get("surface"), Access: f.Get("access"), Notes: f.Get("notes"), Photos: f["photo"],
		Once: f.Get(web.OnceField)}
}

// maxUploads is how many photos one outcome form may bring.
const maxUploads = 6

// outcomeLimits: each photo within the media room's limit for a site photo (a phone camera's
// JPEG, media.SitePhotoMax), 60 MB together (six photos of 10 MB), and text fields far longer
// than the form's own limits (Validate refuses a longer one at its field). The body is read up to
// twice the photos' limit, so that a phone that sent a few photos too many still gets the form
// back rather than a broken connection. The photos wait on disk (web.ReadUpload), not in memory.
var outcomeLimits = web.UploadLimits{
	FileMax:  media.SitePhotoMax,
	FilesMax: 60 << 20,
	MaxFiles: maxUploads,
	TextMax:  64 << 10,
	BodyMax:  2*(60<<20) + 1<<20,
}

// uploadRefusal words why the photos of an outcome form were refused ("" when they were not):
// which photos are over the limit for one, or that they are too many or too large together,
// with the limit in MB; or that the body did not arrive whole.
func uploadRefusal(p *i18n.Printer, u *web.Upload) string {
	lim := outcomeLimits
	switch {
	case len(u.TooLarge) > 0:
		names := make([]string, len(u.TooLarge))
		for i, n := range u.TooLarge {
			names[i] = "\u2068" + n + "\u2069" // a Latin file name inside an Arabic sentence stays whole
		}
		return p.T("calendar.outcome.upload_too_large", lim.FileMax>>20, p.List(names))
	case u.Over:
		return p.T("calendar.outcome.upload_over_total", lim.FilesMax>>20)
	case u.Count > lim.MaxFiles:
		return p.T("calendar.outcome.upload_too_many", lim.MaxFiles, u.Count)
	case u.Cut:
		return p.T("calendar.outcome.upload_cut")
	}
	return ""
}

// keepPhotos keeps photos uploaded with the outcome through the media room (checked, stripped of
// their location, thumbnailed, within the quota) and links them to an internal note on the
// visit's conversation (the inbox's AddMessage), so they sit with the conversation's other files.
// A refused file returns its refusal code and keeps nothing of the note.
func (h *Handler) keepPhotos(r *http.Request, v *CalVisit, files []web.UploadFile) ([]int64, string, error) {
	c := web.From(r)
	if len(files) > maxUploads {
		return nil, media.ErrCodeTooLarge, nil
	}
	if h.Media == nil || h.Inbox == nil || v.ConversationID == 0 {
		return nil, media.ErrCodeNotConfigured, nil
	}
	preps := make([]*media.Prepared, 0, len(files))
	for _, f := range files {
		// One photo in memory at a time: read, checked, kept, let go before the next.
		data, err := f.Bytes()
		if err != nil {
			return nil, "", err
		}
		p, err := h.Media.PrepareSitePhoto(r.Context(), c.Tenant.Slug, data, f.Name)
		if code := media.RefusalCode(err); code != "" {
			return nil, code, nil
		}
		if err != nil {
			return nil, "", err
		}
		preps = append(preps, p)
	}
	var ids []int64
	body := i18n.For(c.Tenant.PrimaryLocale).T("calendar.outcome.photos_note")
	_, err := h.Inbox.AddMessage(r.Context(), c.Tenant.Slug, c.DB, v.ConversationID, inbox.Outgoing{Direction: "system", AuthorKind: "user",
		AuthorUserID: c.UserID(), AuthorName: c.User.Name(), Body: body,
		Attach: func(ctx context.Context, tx *sql.Tx, messageID int64, cv *inbox.Conversation) error {
			for _, p := range preps {
				id, err := p.Attach(ctx, tx, messageID, cv.ID, cv.LeadID, cv.Channel)
				if err != nil {
					return err
				}
				ids = append(ids, id)
			}
			return nil
		}}, "visits")
	return ids, "", err
}

// followUp fills the lead after a done visit: an internal note with what was found and the next
// action "prepare the quote" (the inbox's own Update), and — the first time — a quote draft with
// the measured area (the quotes room's FromVisit).
func (h *Handler) followUp(r *http.Request, v *CalVisit, o Outcome, before *Visit) error {
	c := web.From(r)
	lang := c.Tenant.PrimaryLocale
	p := i18n.For(lang)
	area := FormatArea(o.AreaDM2, lang != "en") + " m²"
	note := p.T("calendar.outcome.note", area)
	if o.Surface != "" {
		note += "\n" + p.T("calendar.outcome.surface") + ": " + o.Surface
	}
	if o.Access != "" {
		note += "\n" + p.T("calendar.outcome.access") + ": " + o.Access
	}
	if o.Notes != "" {
		note += "\n" + o.Notes
	}
	next := p.T("calendar.outcome.next_action")
	due := h.now().Add(24 * time.Hour).UnixMilli()
	if h.Inbox != nil {
		if err := h.Inbox.Update(r.Context(), c.Tenant.Slug, c.DB, v.ConversationID, inbox.Change{Body: note, Direction: "system",
			NextAction: &next, NextActionDueAt: &due, ActorID: c.UserID(), ActorName: c.User.Name()}); err != nil {
			return err
		}
	}
	if before.QuoteID != 0 {
		return nil
	}
	day := v.Start
	q, err := quotes.FromVisit(r.Context(), c.DB, v.ConversationID, quotes.Actor{UserID: c.UserID(), Name: c.User.Name()},
		quotes.Defaults{Currency: c.Tenant.Currency, Language: lang, Now: h.now()}, o.AreaDM2, func(ql string) (string, string) {
			qp := i18n.For(ql).In(c.Zone())
			return qp.T("calendar.outcome.quote_line"), qp.T("calendar.outcome.quote_note", qp.Date(day))
		})
	if err != nil {
		return err
	}
	return setQuote(r.Context(), c.DB, v.ID, q.ID)
}

// ImportDone records a visit that already took place, with its outcome (a business bringing its
// recent visits in, the demo's history): booked and approved by approvedBy, done at its end. The
// booking's start may be in the past; everything else is checked like a booking.
func ImportDone(ctx context.Context, db *tenantdb.DB, b Booking, o Outcome, approvedBy string, a Actor) (*Visit, error) {
	if err := b.validate(b.Start); err != nil {
		return nil, err
	}
	var v *Visit
	err := db.InTx(ctx, func(tx *sql.Tx) error {
		c, err := inbox.ConversationByID(ctx, tx, b.ConversationID)
		if err != nil {
			return err
		}
		v = &Visit{LeadID: c.LeadID, ConversationID: c.ID, Status: StatusProposed, StartsAt: b.Start.UnixMilli(), DurationMin: b.DurationMin,
			Address: b.Address, MapURL: MapURL(b.Address), Note: b.Note, Token: newToken(), CreatedByName: a.Name, Assignees: b.Assignees}
		if err := insertTx(ctx, tx, v); err != nil {
			return err
		}
		end := v.End().UnixMilli()
		area := any(nil)
		if o.AreaDM2 > 0 {
			area = o.AreaDM2
		}
		if _, err := tx.ExecContext(ctx, `UPDATE site_visits SET status = ?, approved_by_name = ?, approved_at = ?, measured_area_dm2 = ?,
			surface = ?, access_notes = ?, outcome_notes = ?, done_at = ? WHERE id = ?`, o.Status, approvedBy, v.StartsAt, area,
			o.Surface, o.Access, o.Notes, end, v.ID); err != nil {
			return err
		}
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "visits", ActionType: "visit_outcome", Summary: "imported visit → " + o.Status,
			ModelName: "human-review", ActorUserID: a.UserID, ActorName: a.Name, ConversationID: v.ConversationID,
			Payload: map[string]any{"visit_id": v.ID, "starts_at": v.StartsAt, "imported": true,
				"after": map[string]any{"status": o.Status, "measured_area_dm2": o.AreaDM2, "surface": o.Surface, "access_notes": o.Access, "outcome_notes": o.Notes}}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return ByID(ctx, db.Read, v.ID)
}
