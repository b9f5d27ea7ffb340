package quotes

import (
	"errors"
	"net/http"
	"time"

	"highvibe/app/hours/hoursdb"
	"highvibe/app/i18n"
	"highvibe/app/live"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// publicPage is what the customer's page shows.
type publicPage struct {
	Q        *Quote
	Business Business
	Link     string
	Money    func(int64) string
	Asked    bool
	Accepted bool
	// Expired: never accepted and past its validity day in the business's time zone; the page
	// says so instead of offering acceptance (the question form stays).
	Expired bool
	Lang    string // the page's language: numbers are written its way, like the amounts
}

// Qty writes a quantity for the customer.
func (p *publicPage) Qty(v int64) string {
	return i18n.For(p.Lang).Number(float64(v)/qtyScale, decimalsOf(v))
}

// Rate writes a percentage for the customer.
func (p *publicPage) Rate(v int64) string {
	return i18n.For(p.Lang).Percent(float64(v)/100, decimalsOfRate(v))
}

func decimalsOf(q int64) int {
	switch {
	case q%qtyScale == 0:
		return 0
	case q%100 == 0:
		return 1
	case q%10 == 0:
		return 2
	}
	return 3
}

func decimalsOfRate(v int64) int {
	switch {
	case v%100 == 0:
		return 0
	case v%10 == 0:
		return 1
	}
	return 2
}

// public resolves /q/<slug>.<token> to its tenant and revision; any miss is the same 404, so a
// guessed link tells nothing about which part was wrong.
func (h *Handler) public(w http.ResponseWriter, r *http.Request) (*platform.Tenant, *tenantdb.DB, *Quote, bool) {
	t, db, token, err := h.Platform.OpenLink(r.Context(), r.PathValue("link"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	q, err := ByToken(r.Context(), db.Read, token)
	if err != nil || q.Status == "draft" || q.Status == "pending" || q.Status == "rejected" {
		// Nothing a person has not approved is ever shown to the customer.
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return nil, nil, nil, false
	}
	// Days and times are the business's (its time zone), as in the panel: the validity day
	// ends at midnight where the business is.
	c := web.From(r)
	zone, err := hoursdb.ZoneName(r.Context(), db.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, nil, nil, false
	}
	c.SetZone(h.Render.Zone(zone))
	// The page speaks the quote's language unless the visitor picked another one.
	if r.URL.Query().Get("lang") == "" {
		c.Lang, c.P = q.Language, i18n.For(q.Language).In(c.Loc)
	}
	return t, db, q, true
}

func (h *Handler) showPublic(w http.ResponseWriter, r *http.Request, status int, t *platform.Tenant, q *Quote, d *publicPage, errs map[string]string) {
	c := web.From(r)
	m := MoneyIn(c.Lang)
	d.Q, d.Business, d.Money, d.Lang = q, h.business(r.Context(), t), func(v int64) string { return m(v, q.Currency) }, c.Lang
	d.Link = "/q/" + t.Slug + "." + q.Token
	d.Expired = d.Expired || q.ExpiredBy(Today(time.Now(), c.Zone()))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Robots-Tag", "noindex")
	h.Render.Render(w, r, status, "quotes/public", &web.Page{Title: c.T("quotes.public.title", q.Number, t.Name), Nav: "customer", Data: d, Errors: errs, Form: r.PostForm})
}

// Public is GET /q/{link}: the customer's page of a sent quote; each visit is counted, except a
// signed-in member's of the business (the owner checking what the customer sees is not the
// customer opening it: no count, no "customer opened" note).
func (h *Handler) Public(w http.ResponseWriter, r *http.Request) {
	t, db, q, ok := h.public(w, r)
	if !ok {
		return
	}
	if h.Member != nil && h.Member(r, t) {
		h.showPublic(w, r, http.StatusOK, t, q, &publicPage{Asked: r.URL.Query().Get("asked") == "1"}, nil)
		return
	}
	first, err := Viewed(r.Context(), db, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if first && h.Live != nil && q.ConversationID != 0 {
		h.Live.Publish(t.Slug, live.Event{Kind: "conversation", ConversationID: q.ConversationID})
	}
	h.showPublic(w, r, http.StatusOK, t, q, &publicPage{Asked: r.URL.Query().Get("asked") == "1"}, nil)
}

// PublicPDF is GET /q/{link}/pdf: the same quote as a PDF.
func (h *Handler) PublicPDF(w http.ResponseWriter, r *http.Request) {
	t, db, q, ok := h.public(w, r)
	if !ok {
		return
	}
	h.writePDF(w, r, q, h.pdfBusiness(r.Context(), t, db))
}

// Accept is POST /q/{link}/accept: the customer accepts; the lead is won, and the quote's total
// becomes an order's value when the business has the sales records module on (read with the
// tenant, so a module turned off a moment ago is off here too).
func (h *Handler) Accept(w http.ResponseWriter, r *http.Request) {
	t, db, q, ok := h.public(w, r)
	if !ok {
		return
	}
	acc, err := Accept(r.Context(), db, q.Token, r.PostFormValue("name"), t.HasModule(platform.ModuleSales))
	if errs := web.FieldErrors(r, err); errs != nil {
		h.showPublic(w, r, http.StatusUnprocessableEntity, t, q, &publicPage{}, errs)
		return
	}
	if errors.Is(err, ErrExpired) {
		// An old tab or a replay: nothing is stored and the page says the quote has expired.
		h.showPublic(w, r, http.StatusConflict, t, q, &publicPage{Expired: true}, nil)
		return
	}
	if errors.Is(err, ErrNotOpen) {
		h.showPublic(w, r, http.StatusConflict, t, q, &publicPage{}, nil)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Live != nil && acc.ConversationID != 0 {
		h.Live.Publish(t.Slug, live.Event{Kind: "conversation", ConversationID: acc.ConversationID})
	}
	h.showPublic(w, r, http.StatusOK, t, acc, &publicPage{Accepted: true}, nil)
}

// Ask is POST /q/{link}/ask: the customer's question lands in the conversation.
func (h *Handler) Ask(w http.ResponseWriter, r *http.Request) {
	t, db, q, ok := h.public(w, r)
	if !ok {
		return
	}
	msgID, err := Ask(r.Context(), db, q, r.PostFormValue("question"))
	if errs := web.FieldErrors(r, err); errs != nil {
		h.showPublic(w, r, http.StatusUnprocessableEntity, t, q, &publicPage{}, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if h.Live != nil {
		h.Live.Publish(t.Slug, live.Event{Kind: "message", ConversationID: q.ConversationID, MessageID: msgID})
	}
	http.Redirect(w, r, "/q/"+t.Slug+"."+q.Token+"?asked=1", http.StatusSeeOther)
}

// PublicLogo is GET /q/{link}/logo: the business's logo on the customer's page of a quote (only
// through a valid link; not counted as a view).
func (h *Handler) PublicLogo(w http.ResponseWriter, r *http.Request) {
	t, _, _, ok := h.public(w, r)
	if !ok {
		return
	}
	var logo []byte
	if h.Files != nil {
		logo, _ = h.Files.Logo(r.Context(), t.Slug)
	}
	if logo == nil {
		h.Render.Fail(w, r, tenantdb.ErrNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "image/png")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("X-Robots-Tag", "noindex")
	_, _ = w.Write(logo)
}
