package quotes

import (
	"context"
	"database/sql"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"highvibe/app/ai"
	"highvibe/app/auth"
	"highvibe/app/channels/channel"
	"highvibe/app/crm"
	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/live"
	"highvibe/app/media"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
	"highvibe/app/words"
)

// Handler serves /app/quotes/... and the customer's page /q/....
type Handler struct {
	Render   *web.Renderer
	Live     *live.Hub
	Channels *channel.Registry // the conversation's channel carries the link
	Platform *platform.Service // tenant of a public link; business details
	// Origin is the public origin of links (scheme://host); by default the request's.
	Origin func(*http.Request) string
	// Files, when set, keeps the PDF a sent quote carries and the owner's logo (the media room);
	// without it the link alone goes out and the PDF has no logo.
	Files *media.Service
	// Member, when set, reports whether the request is a signed-in member of the business (a
	// valid session of it): their look at the customer's link is not the customer's and is not
	// counted. nil: every visit counts.
	Member func(*http.Request, *platform.Tenant) bool
}

func actorOf(c *web.Ctx) Actor {
	a := Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// MoneyIn formats minor units in a language: "1.250,50 ₺" (tr).
func MoneyIn(lang string) func(int64, string) string {
	p := i18n.For(lang)
	return func(v int64, cur string) string { return p.Money(Major(v), cur) }
}

// pathID is the quote id in the path; a missing or malformed one answers 404 (ok false).
func (h *Handler) pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return 0, false
	}
	return id, true
}

// quote loads the revision named in the path (after its approval decision); when it cannot, the
// error page is already written (ok false).
func (h *Handler) quote(w http.ResponseWriter, r *http.Request) (*Quote, bool) {
	id, ok := h.pathID(w, r)
	if !ok {
		return nil, false
	}
	q, err := Load(r.Context(), web.From(r).DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return q, true
}

type listPage struct {
	Items  []ListItem
	Status string
	States []string
	Today  int64 // the business's day (Today): a row past its validity day is marked expired
}

// List is GET /app/quotes/: the newest revision of every quote, filterable by status.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := Sync(r.Context(), c.DB); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	st := c.FilterChoice(r.URL.Query(), "status", c.T("quotes.status"), Statuses)
	items, err := List(r.Context(), c.DB.Read, st, 200)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for i := range items {
		// A sent revision whose message is still queued or was not delivered says so.
		if it := &items[i]; it.Status == "sent" && it.SentMessageID != 0 {
			if m, err := inbox.MessageByID(r.Context(), c.DB.Read, it.SentMessageID); err == nil {
				it.Delivery, it.NoPDF = h.delivery(m), m.Notes().NoFile
			}
		}
	}
	h.Render.Render(w, r, http.StatusOK, "quotes/list", &web.Page{Title: c.T("quotes.title"), Nav: "quotes", Guide: "quotes",
		Data: &listPage{Items: items, Status: st, States: Statuses, Today: Today(time.Now(), c.Zone())}})
}

// editorPage is the quote page: the editor while the revision is editable, the frozen view after.
type editorPage struct {
	Q         *Quote
	Rows      []Row  // the lines plus spare rows, or the rows of a refused save as sent
	LinesWas  string // the stored lines' fingerprint the page drew (was_lines), or a refused save's
	Products  []*crm.Product
	Payment   []*Snippet
	Warranty  []*Snippet
	Revisions []ListItem
	Kinds     []string
	Langs     []string
	CanWrite  bool
	CanDecide bool
	Link      string
	Until     string // valid_until as YYYY-MM-DD
	Today     int64  // the business's day (Today): the revision may be past its validity day
	Refused   string // why the action just tried was refused (409), in the reader's words
	// Delivery is the delivery status of the message that sent the revision ("queued", "sent",
	// "failed"…; "" when none); Undelivered says why it was not delivered, in the reader's words.
	Delivery, Undelivered string
	// NoPDF, when that message went as the link alone, says so with why, in the reader's words
	// ("Link sent, without the PDF: …").
	NoPDF string
	// OfferHanded: the send was refused on a call or a walk-in; the page offers to record the
	// quote as handed over by the person instead.
	OfferHanded bool
	// The editor form: F holds its header fields (the revision, or what was typed) and Action is
	// where it posts. Kept: an edit that came after the revision was approved, shown as typed
	// beside the frozen revision; its Action makes a new revision from it ("" when none can be
	// made: accepted, or already replaced).
	F      *Quote
	Action string
	Kept   bool
	// Once is the form a refused first save of a new quote sent (its one-time token goes back
	// into the form); nil when the page is drawn fresh.
	Once  url.Values
	Money func(int64) string
	Pct   func(int64) string // a stored rate (hundredths) as the reader writes a percentage
	lang  string             // the panel's language: how a quantity is written into the form
}

// Qty writes a stored quantity as the frozen view shows it.
func (e *editorPage) Qty(v int64) string {
	if v == 0 {
		return ""
	}
	return i18n.QuantityValue(v, e.lang)
}

// editor writes the quote page; sent, after a refused save, is the form as it came (its rows and
// validity date are shown exactly as typed).
func (h *Handler) editor(w http.ResponseWriter, r *http.Request, status int, q *Quote, sent *Input, errs map[string]string) {
	h.editorWith(w, r, status, q, sent, errs, nil)
}

// editorWith is editor with the page's data adjusted before it is written (a refusal's words).
func (h *Handler) editorWith(w http.ResponseWriter, r *http.Request, status int, q *Quote, sent *Input, errs map[string]string, adjust func(*editorPage)) {
	c := web.From(r)
	ctx := r.Context()
	d := &editorPage{lang: c.Lang, Q: q, Kinds: LineKinds, Langs: Languages, CanWrite: c.Can(auth.WriteInbox), CanDecide: c.Can(auth.DecideRecommendations),
		Until: time.UnixMilli(q.ValidUntil).UTC().Format("2006-01-02"), Today: Today(time.Now(), c.Zone())}
	m := MoneyIn(c.Lang)
	d.Money = func(v int64) string { return m(v, q.Currency) }
	d.Pct = func(v int64) string { return c.P.Percent(float64(v)/100, decimalsOfRate(v)) }
	var err error
	if d.Products, err = crm.Products(ctx, c.DB, true); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	snips, err := Snippets(ctx, c.DB.Read, true)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	for _, s := range snips {
		if s.Kind == "payment" {
			d.Payment = append(d.Payment, s)
		} else {
			d.Warranty = append(d.Warranty, s)
		}
	}
	if d.Revisions, err = Revisions(ctx, c.DB.Read, q.Number); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.LinesWas = LinesPrint(q.Lines, c.Lang)
	if sent != nil {
		d.Rows = sentRows(*sent)
		d.Until = sent.ValidUntil
		if sent.LinesWas != "" {
			d.LinesWas = sent.LinesWas
		}
	} else {
		for _, l := range q.Lines {
			d.Rows = append(d.Rows, rowOf(l, c.Lang))
		}
		if q.Editable() {
			for range 3 {
				d.Rows = append(d.Rows, rowOf(Line{Kind: "product", VATRate: DefaultVAT}, c.Lang))
			}
		}
	}
	if q.Status == "sent" || q.Status == "accepted" || q.Status == "approved" {
		d.Link = Link(h.origin(r), c.Tenant.Slug, q)
	}
	if q.Status == "sent" && q.SentMessageID != 0 {
		// What became of the message that carried it: queued, or not delivered (and why).
		if m, err := inbox.MessageByID(ctx, c.DB.Read, q.SentMessageID); err == nil {
			d.Delivery = h.delivery(m)
			if m.DeliveryStatus == "failed" {
				d.Undelivered = c.T("quotes.undelivered", c.T("inbox.failure."+m.FailureKey()))
			}
			if code := m.Notes().NoFile; code != "" {
				d.NoPDF = c.T(noPDFKey(d.Delivery), c.T("media.err."+code))
			}
		}
	}
	d.F, d.Action = q, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/"
	title := c.T("quotes.edit_title", q.Number, q.Revision)
	if q.ID == 0 {
		// The new-quote editor: its form posts the first save with the conversation and a
		// one-time token (a refused save's own, so the corrected post is the same form).
		d.Action, d.Once, title = "/app/quotes/new", r.PostForm, c.T("quotes.new_title")
	}
	if adjust != nil {
		adjust(d)
	}
	h.Render.Render(w, r, status, "quotes/edit", &web.Page{Title: title, Nav: "quotes", Guide: "quotes",
		Data: d, Errors: errs, Form: nil})
}

func (h *Handler) origin(r *http.Request) string {
	if h.Origin != nil {
		return h.Origin(r)
	}
	return web.Origin(r)
}

// Show is GET /app/quotes/{id}/.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {
	q, ok := h.quote(w, r)
	if !ok {
		return
	}
	h.editor(w, r, http.StatusOK, q, nil, nil)
}

// newConv is the conversation a new quote is for (conversation_id of the query or the form); a
// missing or malformed one answers 404 (ok false).
func (h *Handler) newConv(w http.ResponseWriter, r *http.Request, v string) (int64, bool) {
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return 0, false
	}
	return id, true
}

func defaultsOf(c *web.Ctx) Defaults {
	return Defaults{Currency: c.Tenant.Currency, Language: c.Tenant.PrimaryLocale}
}

// NewForm is GET /app/quotes/new?conversation_id=N: "Prepare quote" opens the editor of a new
// quote for the conversation's lead, filled as a new quote starts (Prefill). Nothing is stored and
// no number is taken until the first save (New).
func (h *Handler) NewForm(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	convID, ok := h.newConv(w, r, r.URL.Query().Get("conversation_id"))
	if !ok {
		return
	}
	q, err := Prefill(r.Context(), c.DB.Read, convID, actorOf(c), defaultsOf(c))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.editor(w, r, http.StatusOK, q, nil, nil)
}

// New is POST /app/quotes/new: the first save of the new-quote editor stores the quote and gives
// it the next number (CreateFrom; submit=1 also asks for approval); a field refused shows the
// editor again as typed (422), nothing stored, the number still free. With assistant=1 the
// assistant drafts it from the conversation and it goes to the queue; when it can price nothing,
// the new-quote editor opens instead. A post of the conversation's old one-tap form (no editor
// fields) opens the editor too: it stores nothing.
func (h *Handler) New(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	convID, ok := h.newConv(w, r, r.PostFormValue("conversation_id"))
	if !ok {
		return
	}
	editorURL := "/app/quotes/new?conversation_id=" + strconv.FormatInt(convID, 10)
	if r.PostFormValue("assistant") == "1" {
		q, err := DraftFromConversation(r.Context(), c.DB, convID, ai.PersonaOf(c.Tenant), actorOf(c), defaultsOf(c), MoneyIn(c.Tenant.PrimaryLocale))
		if errors.Is(err, ErrNothingPriced) {
			web.FlashKey(w, r, false, "quotes.nothing_priced")
			web.Redirect(w, r, editorURL)
			return
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if q.Status == "pending" {
			web.FlashKey(w, r, true, "quotes.drafted")
		}
		web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/")
		return
	}
	if _, ok := r.PostForm["valid_until"]; !ok {
		web.Redirect(w, r, editorURL)
		return
	}
	in := inputOf(r)
	submit := r.PostFormValue("submit") == "1"
	q, err := CreateFrom(r.Context(), c.DB, convID, in, CatalogOf(r.Context(), c.DB), submit, actorOf(c), defaultsOf(c), MoneyIn(c.Tenant.PrimaryLocale))
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		cur, err := Prefill(r.Context(), c.DB.Read, convID, actorOf(c), defaultsOf(c))
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		typed(cur, in)
		h.editor(w, r, http.StatusUnprocessableEntity, cur, &in, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if submit {
		web.FlashKey(w, r, true, "quotes.created_submitted", q.Number)
	} else {
		web.FlashKey(w, r, true, "quotes.created", q.Number)
	}
	web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/")
}

// inputOf reads the editor form.
func inputOf(r *http.Request) Input {
	f := r.PostForm
	in := Input{Typed: web.From(r).Lang, Language: f.Get("language"), CustomerName: f.Get("customer_name"), ValidUntil: f.Get("valid_until"), Note: f.Get("note"),
		PaymentSnippet: f.Get("payment_snippet"), WarrantySnippet: f.Get("warranty_snippet"), LinesWas: f.Get("was_lines")}
	at := func(k string, i int) string {
		if v := f[k]; i < len(v) {
			return v[i]
		}
		return ""
	}
	n := min(len(f["kind"]), 110)
	for i := range n {
		in.Lines = append(in.Lines, LineInput{Kind: at("kind", i), ProductID: at("product_id", i), Name: at("name", i), Unit: at("unit", i),
			Quantity: at("quantity", i), UnitPrice: at("unit_price", i), Percent: at("percent", i), Reason: at("reason", i),
			Discount: at("discount", i), VAT: at("vat", i)})
	}
	return in
}

// CatalogOf answers product lines from the tenant's active catalog (prices in minor units).
func CatalogOf(ctx context.Context, db *tenantdb.DB) Catalog {
	return func(id int64) (string, string, int64, bool) {
		p, err := crm.ProductByID(ctx, db, id)
		if err != nil || !p.Active {
			return "", "", 0, false
		}
		return p.Name, p.Unit, int64(math.Round(p.UnitPrice * 100)), true
	}
}

// Save is POST /app/quotes/{id}/: store the edit (submit=1 also asks for approval). Errors
// re-render the editor with the typed form and field messages (422); nothing is stored.
func (h *Handler) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	in := inputOf(r)
	submit := r.PostFormValue("submit") == "1"
	q, err := Save(r.Context(), c.DB, id, in, CatalogOf(r.Context(), c.DB), submit, actorOf(c), MoneyIn(c.Tenant.PrimaryLocale))
	if errors.Is(err, ErrFrozen) && !web.WantsJSON(r) {
		// Approved while it was being edited (another tab, another person): what was typed
		// comes back in its boxes, ready to become a new revision.
		h.kept(w, r, http.StatusConflict, id, in, nil)
		return
	}
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		meanwhile := web.ChangedMeanwhile(err)
		cur, err := ByID(r.Context(), c.DB.Read, id)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		typed(cur, in)
		status := http.StatusUnprocessableEntity
		if meanwhile {
			// The lines changed here and by someone else meanwhile: the typed lines come back with
			// the stored lines' fingerprint, so a second press saves them deliberately.
			status, in.LinesWas = http.StatusConflict, LinesPrint(cur.Lines, c.Lang)
		}
		h.editor(w, r, status, cur, &in, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	msg := "quotes.saved"
	if submit {
		msg = "quotes.submitted"
	}
	web.FlashKey(w, r, true, msg)
	web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/")
}

// kept writes the page of a revision that no longer changes with an edit that came too late: the
// frozen revision, and above it the edit as typed (errs: its field messages, when a new revision
// made from it was refused) with what can be done, in the reader's words.
func (h *Handler) kept(w http.ResponseWriter, r *http.Request, status int, id int64, in Input, errs map[string]string) {
	c := web.From(r)
	cur, err := Load(r.Context(), c.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if cur.Editable() {
		// Rejected or back in the queue meanwhile: the edit goes into the editor as a refused save does.
		typed(cur, in)
		h.editor(w, r, status, cur, &in, errs)
		return
	}
	f := *cur
	typed(&f, in)
	h.editorWith(w, r, status, cur, &in, errs, func(d *editorPage) {
		d.F, d.Kept, d.Action, d.Refused = &f, true, "", c.T("quotes.kept.closed")
		if cur.Sendable() {
			d.Action, d.Refused = "/app/quotes/"+strconv.FormatInt(cur.ID, 10)+"/revise", c.T("quotes.kept.approved")
		}
	})
}

// typed puts the header fields of a refused save into the quote the page shows (the rows go to
// the page as sent), so nothing the person wrote is lost.
func typed(q *Quote, in Input) {
	if oneOf(in.Language, Languages) {
		q.Language = in.Language
	}
	q.CustomerName, q.Note = in.CustomerName, in.Note
	if id, err := strconv.ParseInt(in.PaymentSnippet, 10, 64); err == nil {
		q.PaymentSnippet = id
	}
	if id, err := strconv.ParseInt(in.WarrantySnippet, 10, 64); err == nil {
		q.WarrantySnippet = id
	}
}

// Submit is POST /app/quotes/{id}/submit: ask for approval as the quote stands.
func (h *Handler) Submit(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	if _, err := Submit(r.Context(), c.DB, id, actorOf(c), MoneyIn(c.Tenant.PrimaryLocale)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "quotes.submitted")
	web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(id, 10)+"/")
}

// Revise is POST /app/quotes/{id}/revise: a new editable revision of an approved quote.
func (h *Handler) Revise(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, ok := h.pathID(w, r)
	if !ok {
		return
	}
	old, err := ByID(r.Context(), c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if r.PostFormValue("kept") == "1" && !web.WantsJSON(r) {
		h.reviseKept(w, r, id)
		return
	}
	q, err := Revise(r.Context(), c.DB, id, actorOf(c))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if q.ID != old.ID && q.ValidUntil != old.ValidUntil {
		// An expired quote's revision starts with a new validity day: the flash names it.
		web.FlashKey(w, r, true, "quotes.revised_renewed", q.Revision, i18n.Day(time.UnixMilli(q.ValidUntil).UTC().Format(time.DateOnly)))
	} else {
		web.FlashKey(w, r, true, "quotes.revised", q.Revision)
	}
	web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/")
}

// reviseKept is Revise with the kept form of an edit refused because the revision was approved
// meanwhile: the new revision carries what was typed; a field refused, or a revision that can no
// longer be revised, shows the kept form again with why, nothing stored.
func (h *Handler) reviseKept(w http.ResponseWriter, r *http.Request, id int64) {
	c := web.From(r)
	in := inputOf(r)
	q, err := ReviseWith(r.Context(), c.DB, id, in, CatalogOf(r.Context(), c.DB), actorOf(c), MoneyIn(c.Tenant.PrimaryLocale))
	if errs := web.FieldErrors(r, err); errs != nil {
		h.kept(w, r, http.StatusUnprocessableEntity, id, in, errs)
		return
	}
	if errors.Is(err, ErrNotOpen) || errors.Is(err, ErrFrozen) {
		h.kept(w, r, http.StatusConflict, id, in, nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "quotes.revised_kept", q.Revision)
	web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/")
}

// Send is POST /app/quotes/{id}/send: the approved quote goes to the customer as a message with
// its tracking link on the conversation's channel, carrying the quote's PDF as its file (a
// WhatsApp document, a Telegram document, an e-mail attachment, a file in the widget). When the
// PDF cannot be kept (the media quota is full) the link goes alone and the page says so.
func (h *Handler) Send(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q0, ok := h.quote(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	expired := func() {
		// Past its validity day: nothing goes out; the page says why and offers a new revision.
		h.editorWith(w, r, http.StatusConflict, q0, nil, nil, func(d *editorPage) { d.Refused = c.T("quotes.err.expired_send") })
	}
	if q0.ExpiredBy(Today(time.Now(), c.Zone())) {
		expired()
		return
	}
	recordOnly := false
	if q0.Sendable() && q0.ConversationID != 0 {
		// A channel that cannot send at all (a call or a walk-in, sending not set up, the customer
		// blocked the business, WhatsApp's window closed, an e-mail customer without an address):
		// nothing is stored and the stage stays; the page says why and what to do.
		u, err := CannotSend(ctx, c.DB.Read, h.Channels, c.Tenant.Setting, q0.ConversationID)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		handed := u != nil && u.Reason == "record" && r.PostFormValue("handed") == "1"
		if u != nil && !handed {
			h.editorWith(w, r, http.StatusConflict, q0, nil, nil, func(d *editorPage) {
				d.Refused = refusedWords(c, u)
				d.OfferHanded = u.Reason == "record"
			})
			return
		}
		// On a call or a walk-in, "Record as handed over" (handed=1) stores the message as the
		// record that the person gave the customer the link; the panel sends nothing.
		recordOnly = handed
	}
	origin, slug := h.origin(r), c.Tenant.Slug
	body := func(q *Quote) string {
		p := i18n.For(q.Language)
		return p.T("quotes.send.body", q.Number, p.Money(Major(q.Totals.Grand), q.Currency), Link(origin, slug, q))
	}
	var attach Attacher
	noPDF := "" // why the PDF does not go with the link (a media refusal code)
	if h.Files != nil && q0.Sendable() && q0.ConversationID != 0 {
		prep, err := h.pdfFile(ctx, c.Tenant, c.DB, q0)
		if err != nil {
			if noPDF = media.RefusalCode(err); noPDF == "" {
				h.Render.Fail(w, r, err)
				return
			}
		} else {
			attach = func(ctx context.Context, tx *sql.Tx, messageID int64, cv *inbox.Conversation) error {
				_, err := prep.Attach(ctx, tx, messageID, cv.ID, cv.LeadID, cv.Channel)
				return err
			}
		}
	}
	q, msgID, err := Send(ctx, c.DB, h.Channels, q0.ID, body, actorOf(c), attach, r.PostFormValue("shown"), noPDF)
	if errors.Is(err, ErrSendExpired) && !web.WantsJSON(r) {
		expired() // the day ended between the page's check and the send's
		return
	}
	if errors.Is(err, ErrSentMeanwhile) && !web.WantsJSON(r) {
		// Sent by someone else since this page was drawn: its page again, saying so, with the
		// button for a reminder.
		web.FlashKey(w, r, false, "quotes.err.sent_meanwhile")
		web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q0.ID, 10)+"/")
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Live != nil {
		h.Live.Publish(c.Tenant.Slug, live.Event{Kind: "message", ConversationID: q.ConversationID, MessageID: msgID})
	}
	switch {
	case recordOnly:
		web.FlashKey(w, r, true, "quotes.handed")
	case noPDF != "":
		// Said with the reason; the page and the list keep saying it (the message records it).
		st := ""
		if queued(ctx, c.DB.Read, msgID) {
			st = "queued"
		}
		web.FlashKey(w, r, false, noPDFKey(st), i18n.Phrase{Key: "media.err." + noPDF})
	case queued(ctx, c.DB.Read, msgID):
		// WhatsApp, Telegram, e-mail: queued for the provider, which may still refuse it; the
		// quote's page shows what became of the message.
		web.FlashKey(w, r, true, "quotes.queued")
	default:
		web.FlashKey(w, r, true, "quotes.sent")
	}
	web.Redirect(w, r, "/app/quotes/"+strconv.FormatInt(q.ID, 10)+"/")
}

// refusedWords is why a quote cannot be sent on its conversation, in the reader's words with what
// to do (the window's closing time in the reader's time zone).
func refusedWords(c *web.Ctx, u *Undeliverable) string {
	ch := c.T("inbox.channel." + u.Channel)
	switch {
	case u.Reason == "window" && u.At == 0:
		return c.T("quotes.err.cannot_send_window_never", ch)
	case u.Reason == "window":
		return c.T("quotes.err.cannot_send_window", ch, c.P.DateTime(time.UnixMilli(u.At).In(c.Zone())))
	}
	return c.T("quotes.err.cannot_send_"+u.Reason, ch)
}

// noPDFKey is the words of a quote's link gone without its PDF, by what became of its message
// (delivery): still queued, recorded as handed over, else sent.
func noPDFKey(delivery string) string {
	switch delivery {
	case "queued", "handed":
		return "quotes.no_pdf_" + delivery
	}
	return "quotes.no_pdf"
}

// delivery is what became of the message that sent a quote: its delivery status, or "handed" on
// a call or a walk-in (recorded as handed over by a person; the panel sent nothing).
func (h *Handler) delivery(m *inbox.Message) string {
	if m.DeliveryStatus == "" && h.Channels.OutboundOf(m.Channel) == channel.Record {
		return "handed"
	}
	return m.DeliveryStatus
}

// queued reports whether message id waits for its channel's provider (it may still fail).
func queued(ctx context.Context, q inbox.Querier, id int64) bool {
	m, err := inbox.MessageByID(ctx, q, id)
	return err == nil && m.DeliveryStatus == "queued"
}

// FileName is the name a revision's PDF travels under: TKL-2026-0042.pdf, TKL-2026-0042-r2.pdf.
func FileName(q *Quote) string {
	if q.Revision > 1 {
		return q.Number + "-r" + strconv.Itoa(q.Revision) + ".pdf"
	}
	return q.Number + ".pdf"
}

// pdfFile renders the revision's PDF and keeps it in the media database as a document, ready to
// be attached to the message that sends it. A *media.Refusal (quota) means it cannot be kept.
func (h *Handler) pdfFile(ctx context.Context, t *platform.Tenant, db *tenantdb.DB, q *Quote) (*media.Prepared, error) {
	pdf, err := PDF(q, h.pdfBusiness(ctx, t, db))
	if err != nil {
		return nil, err
	}
	return h.Files.PrepareKind(ctx, t.Slug, media.KindDocument, pdf, FileName(q))
}

// business is the sender block of a PDF and of the customer's page.
func (h *Handler) business(ctx context.Context, t *platform.Tenant) Business {
	b := Business{Name: t.Name, Details: t.Setting("business_details")}
	if h.Files != nil {
		// A logo that cannot be read leaves the initials mark: the quote still goes out.
		b.Logo, _ = h.Files.Logo(ctx, t.Slug)
	}
	return b
}

// pdfBusiness is the sender block of a PDF, with the business's time zone for its days and its
// today (an expired quote's PDF says so).
func (h *Handler) pdfBusiness(ctx context.Context, t *platform.Tenant, db *tenantdb.DB) Business {
	b := h.business(ctx, t)
	b.Zone, _ = hoursdb.Zone(ctx, db.Read) // on an error, the server's zone that it returns
	b.Today = Today(time.Now(), b.Zone)
	return b
}

// PDFFile is GET /app/quotes/{id}/pdf: the quote as the customer gets it.
func (h *Handler) PDFFile(w http.ResponseWriter, r *http.Request) {
	q, ok := h.quote(w, r)
	if !ok {
		return
	}
	c := web.From(r)
	h.writePDF(w, r, q, h.pdfBusiness(r.Context(), c.Tenant, c.DB))
}

func (h *Handler) writePDF(w http.ResponseWriter, r *http.Request, q *Quote, b Business) {
	out, err := PDF(q, b)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+FileName(q)+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(out)
}

// LangName is a language's own name ("Türkçe", "العربية"), as the language picker lists it.
func (e *editorPage) LangName(code string) string { return i18n.LangName(code) }

// LangWord names the customer's language in the reader's ("Turkish" on an English page).
func (e *editorPage) LangWord(code string) i18n.Phrase { return words.Language(code) }
