package leads

import (
	"database/sql"
	"errors"
	"fmt"
	"highvibe/app/export"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/crm"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the leads list, a lead's page and the pipeline board.
type Handler struct {
	Render   *web.Renderer
	Platform *platform.Service
	Inbox    *inbox.Service // moves on the board go through it (live events for open inbox pages)
	Sources  []string       // the lead sources a filter offers (leads.source)
	// Sections are the lead page's parts, in order (BuiltinSections, then what other rooms add in
	// app/serve.go).
	Sections []Section
}

// ClosedDays is how far back the board's won and lost columns look.
const ClosedDays = 30

// member is one person of the tenant, for the assignee filter.
type member struct {
	ID   int64
	Name string
}

func (h *Handler) members(r *http.Request) ([]member, map[int64]string, error) {
	c := web.From(r)
	names := map[int64]string{}
	if h.Platform == nil || c.Tenant == nil {
		return nil, names, nil
	}
	ms, err := h.Platform.MembersOfTenant(r.Context(), c.Tenant.ID)
	if err != nil {
		return nil, nil, err
	}
	var out []member
	for _, m := range ms {
		names[m.UserID] = m.Name()
		if !m.Disabled {
			out = append(out, member{m.UserID, m.Name()})
		}
	}
	return out, names, nil
}

func actor(c *web.Ctx) inbox.LeadActor {
	a := inbox.LeadActor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// Query is the list's form as typed (echoed back into its inputs).
type Query struct {
	Stage, Source, Campaign, Assignee, From, To, Moved, Open, Min, Max, Q, Sort string
}

// parse reads the list's query. A filter it cannot read (a stage or source that is not one, a
// date or amount that is not one, a reversed range, a search longer than 200 characters, a page
// link it cannot follow) is left out, recorded on c (web.Ctx.IgnoreFilter: the page names it
// above the list) and cleared from the Query the form shows, so the form shows what the list
// applies.
func (h *Handler) parse(c *web.Ctx, v url.Values) (Query, Filter) {
	g := func(k string) string { return strings.TrimSpace(v.Get(k)) }
	q := Query{Stage: g("stage"), Source: g("source"), Campaign: g("campaign"), Assignee: g("assignee"), From: g("from"), To: g("to"),
		Moved: g("moved"), Open: g("open"), Min: g("min"), Max: g("max"), Q: g("q"), Sort: g("sort")}
	label := func(k string) string { return c.T("leads.filter." + k) }
	ignore := func(k string, field *string) {
		c.IgnoreFilter(k, label(k), v.Get(k))
		*field = ""
	}
	f := Filter{ValueMin: -1, ValueMax: -1, Campaign: q.Campaign}
	if q.Stage != "" && q.Stage != "open" && !slices.Contains(inbox.LeadStages, q.Stage) {
		ignore("stage", &q.Stage)
	}
	f.Stage = q.Stage
	if q.Source != "" && !slices.Contains(h.Sources, q.Source) {
		ignore("source", &q.Source)
	}
	f.Source = q.Source
	switch q.Assignee {
	case "":
	case "none":
		f.Assignee = -1
	case "me":
		f.Assignee = c.UserID()
	default:
		if f.Assignee = c.FilterID(v, "assignee", label("assignee")); f.Assignee == 0 {
			q.Assignee = ""
		}
	}
	day := func(field string, s *string) int64 {
		if *s == "" {
			return 0
		}
		d, err := i18n.ParseTime(time.DateOnly, *s, c.Zone()) // a day of the business
		if err != nil || d.Year() < 2000 || d.Year() > 2200 {
			ignore(field, s)
			return 0
		}
		return d.UnixMilli()
	}
	f.From = day("from", &q.From)
	if to := day("to", &q.To); to > 0 {
		if f.From > 0 && to < f.From {
			// Both are days, the end before the start: the end is left out (the list runs from
			// the start on), and the notice says which way round they are.
			c.IgnoreFilterWhy("to", label("to"), q.To, c.T("list.filter_ignored_before", label("to"), web.Isolate(q.To), label("from"), web.Isolate(q.From)))
			q.To = ""
		} else {
			f.To = time.UnixMilli(to).In(c.Zone()).AddDate(0, 0, 1).UnixMilli() // "to" is inclusive
		}
	}
	f.StageSince = day("moved", &q.Moved) // the board's won and lost columns link with their first day
	if q.Open != "" && q.Open != "yes" && q.Open != "no" {
		ignore("open", &q.Open)
	}
	f.OpenConv = q.Open
	amount := func(field string, s *string) int64 {
		if *s == "" {
			return -1
		}
		n, ok := wholeAmount(*s, c.Tenant.Currency)
		if !ok {
			ignore(field, s)
			return -1
		}
		return n
	}
	f.ValueMin, f.ValueMax = amount("min", &q.Min), amount("max", &q.Max)
	if f.ValueMin >= 0 && f.ValueMax >= 0 && f.ValueMax < f.ValueMin {
		c.IgnoreFilterWhy("max", label("max"), q.Max, c.T("list.filter_ignored_below", label("max"), web.Isolate(q.Max), label("min"), web.Isolate(q.Min)))
		q.Max, f.ValueMax = "", -1
	}
	if len([]rune(q.Q)) > 200 {
		ignore("q", &q.Q)
	}
	f.Q = q.Q
	if q.Sort != "" && !slices.Contains(Sorts, q.Sort) {
		ignore("sort", &q.Sort)
	}
	f.Sort = q.Sort
	if f.Sort == "" {
		f.Sort = Sorts[0]
	}
	if cur := g("cursor"); cur != "" {
		if ValidCursor(f.Sort, cur) {
			f.Cursor = cur
		} else {
			c.IgnoreCursor("cursor", cur)
		}
	}
	return q, f
}

// listPage is the leads list's data.
type listPage struct {
	Q         Query
	Rows      []*Row
	Next      string // URL of the next page, "" at the end
	Stages    []string
	Sources   []string
	Campaigns []string
	Sorts     []string
	Members   []member
	Names     map[int64]string
	Filtered  bool
	Currency  string
	BoardURL  string
	// Restart is, on a "more" row whose page link could not be followed, the list from its
	// first page with the same filters.
	Restart string
	// ExportBase is the export of these leads with the same filters (export.Base); "" while the
	// filters are refused (no export is offered then).
	ExportBase string
}

func currency(c *web.Ctx) string {
	if c.Tenant != nil && c.Tenant.Currency != "" {
		return c.Tenant.Currency
	}
	return "TRY"
}

// List is GET /app/leads/: filters, search, sort and keyset pages; an htmx request for the next
// page gets only its rows.
func (h *Handler) List(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	q, f := h.parse(c, r.URL.Query())
	members, names, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	camps, err := Campaigns(r.Context(), c.DB.Read)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &listPage{Q: q, Stages: inbox.LeadStages, Sources: h.Sources, Campaigns: camps, Sorts: Sorts, Members: members, Names: names,
		Currency: currency(c), Filtered: q != Query{} && q != Query{Sort: q.Sort}}
	// The links of the page (the board, the export, the next page) carry the filters the list
	// applies, not the ones it left out.
	kept := c.WithoutIgnored(r.URL.Query())
	d.BoardURL = boardURL(kept)
	p := &web.Page{Title: c.T("leads.title"), Nav: "leads", Guide: "leads-and-pipeline", Data: d, Form: kept}
	more := web.IsHTMX(r) && r.Header.Get("HX-Target") == "lead-rows-more"
	if more && c.IgnoredKey("cursor") {
		// "More" of a page whose link can no longer be followed: rows after it cannot be found,
		// and the first page's would repeat rows already shown. The row says so and offers the
		// list from its first page.
		kept.Del("cursor")
		d.Restart = "/app/leads/?" + kept.Encode()
		h.Render.Fragment(w, r, http.StatusOK, "leads/list", "rows", p)
		return
	}
	rows, next, err := List(r.Context(), c.DB.Read, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Rows = rows
	d.ExportBase = export.Base("/app/leads/export", kept)
	if next != "" {
		v := url.Values{}
		for k := range kept {
			v.Set(k, kept.Get(k))
		}
		v.Set("cursor", next)
		v.Del("lang")
		d.Next = "/app/leads/?" + v.Encode()
	}
	if more && f.Cursor != "" {
		h.Render.Fragment(w, r, http.StatusOK, "leads/list", "rows", p)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "leads/list", p)
}

// boardURL is the board with the list's filters that the board has (stage is its columns).
func boardURL(v url.Values) string {
	b := url.Values{}
	for _, k := range []string{"source", "campaign", "assignee", "q"} {
		if s := v.Get(k); s != "" {
			b.Set(k, s)
		}
	}
	if len(b) == 0 {
		return "/app/pipeline/"
	}
	return "/app/pipeline/?" + b.Encode()
}

// ---- a lead's page ---------------------------------------------------------------------------

type leadPage struct {
	L          *Lead
	Sections   []shownSection
	Names      map[int64]string
	Stages     []string
	Currency   string
	CanWrite   bool
	CanMerge   bool
	CanLink    bool // sales module on and the person may write CRM records
	Customer   *crm.Customer
	CustomerQ  string
	Customers  []crm.Customer
	MergeQ     string
	Candidates []*Row // leads the search found, or the lead's look-alikes
	Searched   bool
	// PhoneWhatsApp: the lead's number is its WhatsApp account; the page shows it without a form.
	PhoneWhatsApp bool
	// PhoneTaken is the other lead that has the number just typed (linked beside the field, and
	// offered to an owner to merge).
	PhoneTaken *inbox.PhoneTaken
}

// Show is GET /app/leads/{id}/: the lead, its sections, the link-customer and merge controls.
// ?customer_q= searches customers to link, ?merge_q= leads to merge into this one. A merged
// lead's address leads to the lead it was merged into.
func (h *Handler) Show(w http.ResponseWriter, r *http.Request) {
	h.show(w, r, http.StatusOK, nil)
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request, status int, errs map[string]string, with ...func(*leadPage)) {
	c := web.From(r)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	l, err := LeadByID(r.Context(), c.DB.Read, id)
	var merged *ErrMerged
	if errors.As(err, &merged) {
		http.Redirect(w, r, "/app/leads/"+strconv.FormatInt(merged.Into, 10)+"/", http.StatusSeeOther)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	_, names, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &leadPage{L: l, Names: names, Stages: inbox.LeadStages, Currency: currency(c), CanWrite: c.Can(auth.WriteInbox),
		CanMerge: c.Can(auth.ManageSettings), CanLink: c.HasModule(platform.ModuleSales) && c.Can(auth.WriteCRM)}
	if d.CanWrite {
		if d.PhoneWhatsApp, err = inbox.WhatsAppNumber(r.Context(), c.DB.Read, l.ID, l.PhoneE164); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	for _, f := range with {
		f(d)
	}
	for _, s := range h.Sections {
		if s.Module != "" && !c.HasModule(s.Module) || s.Perm != "" && !c.Can(s.Perm) {
			continue
		}
		data, err := s.Load(r.Context(), r, l)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if data == nil {
			continue
		}
		html, err := h.Render.Partial(r, "leads/lead", s.Template, &SectionView{Ctx: c, Lead: l, Data: data, Names: names})
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d.Sections = append(d.Sections, shownSection{Key: s.Key, Title: s.Title, HTML: html})
	}
	if l.CustomerID != 0 && c.HasModule(platform.ModuleSales) {
		if d.Customer, err = crm.CustomerByID(r.Context(), c.DB, l.CustomerID); err != nil && !errors.Is(err, tenantdb.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
	}
	q := r.URL.Query()
	if d.CanLink {
		if d.CustomerQ = strings.TrimSpace(q.Get("customer_q")); d.CustomerQ != "" {
			all, _, err := crm.Customers(r.Context(), c.DB, crm.Filter{Q: d.CustomerQ})
			if err != nil {
				h.Render.Fail(w, r, err)
				return
			}
			d.Customers = all[:min(len(all), 10)]
		}
	}
	if d.CanMerge {
		if d.MergeQ = strings.TrimSpace(q.Get("merge_q")); d.MergeQ != "" {
			d.Searched = true
			d.Candidates, _, err = List(r.Context(), c.DB.Read, Filter{Q: d.MergeQ, ValueMin: -1, ValueMax: -1, Limit: 10, ExcludeIDs: []int64{l.ID}})
		} else {
			d.Candidates, err = Duplicates(r.Context(), c.DB.Read, l)
		}
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	p := &web.Page{Title: c.T("leads.lead.title", l.Label(c.PhoneRegion())), Nav: "leads", Guide: "leads-and-pipeline", Data: d, Errors: errs}
	if r.Method == http.MethodPost {
		p.Form = r.PostForm
	}
	h.Render.Render(w, r, status, "leads/lead", p)
}

func leadURL(id string) string { return "/app/leads/" + id + "/" }

// refuse answers a refused change on the lead page: field errors re-render it at 422, anything
// else fails as usual (a conflict's reason on the error page).
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, err error) {
	if errs := web.FieldErrors(r, err); errs != nil {
		h.show(w, r, http.StatusUnprocessableEntity, errs)
		return
	}
	if web.StatusOf(err) == http.StatusConflict {
		web.FlashError(w, r, err)
		web.Redirect(w, r, leadURL(r.PathValue("id")))
		return
	}
	h.Render.Fail(w, r, err)
}

func pathID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// Value is POST /app/leads/{id}/value: expected_value in whole units.
func (h *Handler) Value(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	s := strings.TrimSpace(r.PostForm.Get("expected_value"))
	v, ok := wholeAmount(s, c.Tenant.Currency)
	if s == "" {
		v, ok = 0, true
	}
	if !ok {
		h.refuse(w, r, fault.InvalidField("expected_value", "leads.error.amount"))
		return
	}
	if err := inbox.SetLeadValue(r.Context(), c.DB, pathID(r), v, actor(c)); err != nil {
		h.refuse(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "leads.flash.value")
	web.Redirect(w, r, leadURL(r.PathValue("id")))
}

// Email is POST /app/leads/{id}/email: lead_email, the lead's e-mail address (empty removes it), so that a
// customer who wrote on another channel, or whose address was misheard, can be answered by e-mail.
func (h *Handler) Email(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	if err := inbox.SetLeadEmail(r.Context(), c.DB, pathID(r), r.PostForm.Get("lead_email"), actor(c)); err != nil {
		h.refuse(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "leads.flash.email")
	web.Redirect(w, r, leadURL(r.PathValue("id")))
}

// Phone is POST /app/leads/{id}/phone: lead_phone, the lead's phone number (empty removes it), for a
// customer who typed it wrong in the chat or gave another one on the phone (inbox.SetLeadPhone).
// A number another lead has is refused beside the field with a link to that lead. A linked CRM
// customer whose number was the lead's old one gets the new one in the same transaction
// (crm.FollowLeadPhone); the flash says so.
func (h *Handler) Phone(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	a := actor(c)
	followed := false
	err := c.DB.InTx(r.Context(), func(tx *sql.Tx) error {
		ch, err := inbox.SetLeadPhoneTx(r.Context(), tx, pathID(r), r.PostForm.Get("lead_phone"), c.Tenant.PhoneRegion(), a)
		if err != nil || !ch.Changed {
			return err
		}
		followed, err = crm.FollowLeadPhone(r.Context(), tx, ch.CustomerID, pathID(r), ch.Before, ch.After, crm.Actor{UserID: a.UserID, Name: a.Name})
		return err
	})
	if err != nil {
		var taken *inbox.PhoneTaken
		if errors.As(err, &taken) {
			h.show(w, r, http.StatusUnprocessableEntity, web.FieldErrors(r, err), func(d *leadPage) { d.PhoneTaken = taken })
			return
		}
		h.refuse(w, r, err)
		return
	}
	if followed {
		web.FlashKey(w, r, true, "leads.flash.phone_customer")
	} else {
		web.FlashKey(w, r, true, "leads.flash.phone")
	}
	web.Redirect(w, r, leadURL(r.PathValue("id")))
}

// wholeAmount reads an amount of whole currency units as typed in any of the panel's languages
// ("12.500", "12,500", "12.500,00"); a fraction ("1.5", "2.500,50") is not a whole amount.
func wholeAmount(s, currency string) (int64, bool) {
	cents, ok := i18n.ParseAmount(s, currency)
	if !ok || cents%100 != 0 {
		return 0, false
	}
	return cents / 100, true
}

// Customer is POST /app/leads/{id}/customer: customer_id links an existing customer ("" with
// unlink=1 removes the link); otherwise name, phone and email create a customer and link it, in
// one transaction.
func (h *Handler) Customer(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	if err := web.CheckFormIDs(r.PostForm, "shown_customer"); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	v := r.PostForm
	id := pathID(r)
	a := actor(c)
	// still refuses a change from a page that showed another link than the lead has now
	// (shown_customer: the customer it showed, "0" none): someone linked, relinked or unlinked it
	// since, and this press would undo that or make a second customer for the same person. A
	// press asking for the link the lead already has changes nothing and is no refusal.
	still := func(tx *sql.Tx, to int64) error {
		s, ok := v["shown_customer"]
		if !ok {
			return nil
		}
		shown, _ := strconv.ParseInt(strings.TrimSpace(s[0]), 10, 64)
		var now sql.NullInt64
		if err := tx.QueryRowContext(r.Context(), `SELECT customer_id FROM leads WHERE id = ?`, id).Scan(&now); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return tenantdb.ErrNotFound
			}
			return fmt.Errorf("leads: customer link: %w", err)
		}
		if now.Int64 != shown && now.Int64 != to {
			return fault.Conflict("leads.error.linked_meanwhile")
		}
		return nil
	}
	var err error
	switch {
	case v.Get("unlink") == "1":
		err = c.DB.InTx(r.Context(), func(tx *sql.Tx) error {
			if err := still(tx, 0); err != nil {
				return err
			}
			return inbox.LinkLeadCustomer(r.Context(), tx, id, 0, a)
		})
	case v.Get("customer_id") != "":
		cid, perr := strconv.ParseInt(v.Get("customer_id"), 10, 64)
		if perr != nil || cid <= 0 {
			err = fault.InvalidField("customer_id", "validation.choice")
			break
		}
		err = c.DB.InTx(r.Context(), func(tx *sql.Tx) error {
			ok, err := crm.Exists(r.Context(), tx, "customers", cid)
			if err != nil {
				return err
			}
			if !ok {
				return fault.InvalidField("customer_id", "leads.error.customer_unknown")
			}
			if err := still(tx, cid); err != nil {
				return err
			}
			return inbox.LinkLeadCustomer(r.Context(), tx, id, cid, a)
		})
	default:
		cu := &crm.Customer{Name: strings.TrimSpace(v.Get("name")), Phone: strings.TrimSpace(v.Get("phone")), Email: strings.TrimSpace(v.Get("email")),
			Region: c.Tenant.PhoneRegion()}
		if fe := crm.ValidateCustomer(cu); len(fe) > 0 {
			var f fault.Fields
			for k, key := range fe {
				f.Add(k, key)
			}
			err = f.Err()
			break
		}
		err = c.DB.InTx(r.Context(), func(tx *sql.Tx) error {
			if err := still(tx, -1); err != nil { // a new customer is never the one linked
				return err
			}
			if err := crm.SaveCustomer(r.Context(), tx, cu); err != nil {
				return err
			}
			// The form's one-time token is spent with the new customer: a double tap makes one.
			if err := web.SpendOnce(r.Context(), tx, cu.ID, leadURL(r.PathValue("id"))); err != nil {
				return err
			}
			return inbox.LinkLeadCustomer(r.Context(), tx, id, cu.ID, a)
		})
	}
	if err != nil {
		h.refuse(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "leads.flash.customer")
	web.Redirect(w, r, leadURL(r.PathValue("id")))
}

// Merge is POST /app/leads/{id}/merge: merge_id is the lead merged into this one (owner).
func (h *Handler) Merge(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	other, err := strconv.ParseInt(strings.TrimPrefix(i18n.ASCIIDigits(strings.TrimSpace(r.PostForm.Get("merge_id"))), "#"), 10, 64)
	if err != nil || other <= 0 {
		h.refuse(w, r, fault.InvalidField("merge_id", "leads.error.merge_unknown"))
		return
	}
	if err := inbox.MergeLeads(r.Context(), c.DB, pathID(r), other, actor(c)); err != nil {
		h.refuse(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "leads.flash.merged", other)
	web.Redirect(w, r, leadURL(r.PathValue("id")))
}

// ---- the pipeline board ----------------------------------------------------------------------

type boardPage struct {
	Q        Query
	Columns  []*Column
	Sources  []string
	Camps    []string
	Members  []member
	Names    map[int64]string
	Stages   []string
	Currency string
	CanWrite bool
	Query    string // the board's filters, kept by every move
	ListURL  string
	// ClosedFrom is the first day the won and lost columns count (YYYY-MM-DD, the business's
	// zone): their link to the list filters by it, so the list holds the column's leads.
	ClosedFrom string
	Error      string              // why the last move was refused
	Moved      int64               // the card just moved (focus returns to it)
	AskLost    int64               // the card asked "why was it lost?" before it moves to lost
	Back       int64               // the card whose question was cancelled (focus returns to it)
	Now        int64               // Unix ms: a next action due before it is late
	Labels     map[string]string   // stage → its label; "source.<source>" → the source's
	Menus      map[string][]option // stage → the stages its cards may move to
	// Words every card repeats, translated once.
	NoValue, MoveWord, OnLeadPage string
}

// Targets are the stages a card in stage may be moved to under the stage rules (lost may still be
// refused when the lead has another conversation open: the server says so).
func (p *boardPage) Targets(stage string) []string {
	var out []string
	for _, s := range p.Stages {
		if s != stage && inbox.CheckLeadMove(stage, s, 0) == nil {
			out = append(out, s)
		}
	}
	return out
}

// board reads the board of the filters in v (the list's, but stage, order and page: the board
// has every stage, in its own order). A filter it cannot read is left out and recorded on the
// request (web.Ctx.IgnoreFilter): the page names it above the board.
func (h *Handler) board(r *http.Request, v url.Values) (*boardPage, error) {
	c := web.From(r)
	v.Del("stage")
	v.Del("cursor")
	v.Del("sort")
	q, f := h.parse(c, v)
	v = c.WithoutIgnored(v)
	members, names, err := h.members(r)
	if err != nil {
		return nil, err
	}
	camps, err := Campaigns(r.Context(), c.DB.Read)
	if err != nil {
		return nil, err
	}
	d := &boardPage{Q: q, Sources: h.Sources, Camps: camps, Members: members, Names: names, Stages: inbox.LeadStages,
		Currency: currency(c), CanWrite: c.Can(auth.WriteInbox), Now: time.Now().UnixMilli()}
	keep := url.Values{}
	for _, k := range []string{"source", "campaign", "assignee", "q"} {
		if s := v.Get(k); s != "" {
			keep.Set(k, s)
		}
	}
	d.Query = keep.Encode()
	d.ListURL = "/app/leads/"
	if d.Query != "" {
		d.ListURL += "?" + d.Query
	}
	// The outcomes' window starts at a midnight of the business, a day the list's filter can name.
	y, m, dd := time.Now().In(c.Zone()).AddDate(0, 0, -ClosedDays).Date()
	since := time.Date(y, m, dd, 0, 0, 0, 0, c.Zone())
	d.ClosedFrom = since.Format(time.DateOnly)
	if d.Columns, err = Board(r.Context(), c.DB.Read, f, since.UnixMilli()); err != nil {
		return nil, err
	}
	// Labels and each column's stage menu, worked out once for all its cards.
	d.NoValue, d.MoveWord, d.OnLeadPage = c.T("leads.board.no_value"), c.T("leads.board.move"), c.T("leads.board.on_lead_page")
	d.Labels = map[string]string{}
	for _, st := range d.Stages {
		d.Labels[st] = c.T("analytics.stage." + st)
	}
	for _, src := range d.Sources {
		d.Labels["source."+src] = c.T("inbox.source." + src)
	}
	d.Menus = map[string][]option{}
	now := time.Now()
	for _, col := range d.Columns {
		for _, to := range d.Targets(col.Stage) {
			d.Menus[col.Stage] = append(d.Menus[col.Stage], option{to, d.Labels[to]})
		}
		// A card's words, formatted here once rather than by a template call each (the board
		// draws 120 cards).
		for _, r := range col.Cards {
			cd := &cardText{Source: d.Labels["source."+r.Source], Age: c.P.Ago(now, time.UnixMilli(r.CreatedAt)),
				Created: c.P.DateTime(time.UnixMilli(r.CreatedAt))}
			if r.Value > 0 {
				cd.Value = c.P.WholeMoney(r.Value, d.Currency)
			}
			if r.NextDue > 0 {
				cd.Due = c.P.DateTime(time.UnixMilli(r.NextDue))
				cd.DueISO = time.UnixMilli(r.NextDue).UTC().Format(time.RFC3339)
				cd.Late = r.NextDue < d.Now
			}
			r.Card = cd
		}
	}
	return d, nil
}

// cardText is a board card's formatted words.
type cardText struct {
	Value, Source, Age, Created, Due, DueISO string
	Late                                     bool
}

// option is one entry of a menu: its value and its label.
type option struct{ Value, Label string }

// Pipeline is GET /app/pipeline/: a column per stage with its count and summed expected value;
// each card moves by drag and drop, by keyboard or by its stage menu (POST …/stage).
func (h *Handler) Pipeline(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	d, err := h.board(r, r.URL.Query())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := &web.Page{Title: c.T("leads.board.title"), Nav: "leads", Guide: "leads-and-pipeline", Data: d, Form: c.WithoutIgnored(r.URL.Query())}
	h.Render.Render(w, r, http.StatusOK, "leads/pipeline", p)
}

// Stage is POST /app/leads/{id}/stage: stage=<lead stage>, note (why, when lost), from (the stage
// the page showed the lead at: a lead moved meanwhile is refused, 409). From the board
// (htmx, HX-Target board) the answer is the redrawn board with the board's filters (the query
// string); a refused move answers 409 with the board and the reason; a move to lost without
// confirm=1 changes nothing and answers the board with that card asking why it was lost. From a plain form it goes
// back to next or the lead's page.
func (h *Handler) Stage(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	id := pathID(r)
	to, from := strings.TrimSpace(r.PostForm.Get("stage")), strings.TrimSpace(r.PostForm.Get("from"))
	onBoard := web.IsHTMX(r) && r.Header.Get("HX-Target") == "board"
	// A move to lost from the board (a drag, Shift+→, the menu) is asked about first: the card
	// shows "Why was it lost?" with Mark lost and Cancel, and nothing changes until Mark lost
	// (confirm=1). A move the rules or a stale board would refuse is refused straight away.
	if r.PostForm.Get("cancel") != "" {
		// Cancel on the "why was it lost?" question: nothing changes; the board is drawn again
		// with focus back on the card.
		if !onBoard {
			web.Redirect(w, r, web.SafeNext(r.PostForm.Get("next"), leadURL(r.PathValue("id"))))
			return
		}
		h.redrawBoard(w, r, http.StatusOK, func(d *boardPage) { d.Back = id })
		return
	}
	var m inbox.LeadMove
	var err error
	if onBoard && to == "lost" && r.PostForm.Get("confirm") != "1" {
		var ask bool
		if ask, err = h.Inbox.CheckLeadStage(r.Context(), c.DB, id, to, from); err == nil && ask {
			h.redrawBoard(w, r, http.StatusOK, func(d *boardPage) { d.AskLost = id })
			return
		}
		// Refused (answered below as a move would be), or already lost: nothing to ask.
	} else {
		m, err = h.Inbox.MoveLeadStage(r.Context(), slug(c), c.DB, id, to,
			strings.TrimSpace(r.PostForm.Get("note")), from, actor(c))
	}
	if onBoard {
		if errors.Is(err, tenantdb.ErrNotFound) {
			h.Render.Fail(w, r, err)
			return
		}
		status := http.StatusOK
		if err != nil {
			if status = web.StatusOf(err); status >= 500 {
				h.Render.Fail(w, r, err)
				return
			}
			// htmx swaps an error answer that names its place (static/js/chat.js).
			w.Header().Set("HX-Retarget", "#board")
			w.Header().Set("HX-Reswap", "outerHTML")
		}
		h.redrawBoard(w, r, status, func(d *boardPage) {
			d.Moved = id
			if err != nil {
				d.Error = web.Message(r, err)
			}
		})
		return
	}
	if err != nil {
		if next := r.PostForm.Get("next"); next != "" && web.StatusOf(err) < 500 {
			web.FlashError(w, r, err)
			web.Redirect(w, r, web.SafeNext(next, leadURL(r.PathValue("id"))))
			return
		}
		h.refuse(w, r, err)
		return
	}
	switch {
	case m.Moved:
		web.FlashKey(w, r, true, "leads.flash.moved")
	case m.Reason:
		web.FlashKey(w, r, true, "leads.flash.lost_reason")
	default:
		web.FlashKey(w, r, true, "leads.flash.unchanged")
	}
	web.Redirect(w, r, web.SafeNext(r.PostForm.Get("next"), leadURL(r.PathValue("id"))))
}

// redrawBoard answers a board action with the board drawn again (its filters from the address),
// set marking the card the action concerns.
func (h *Handler) redrawBoard(w http.ResponseWriter, r *http.Request, status int, set func(d *boardPage)) {
	d, err := h.board(r, r.URL.Query())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	set(d)
	h.Render.Fragment(w, r, status, "leads/pipeline", "board", &web.Page{Data: d})
}

func slug(c *web.Ctx) string {
	if c.Tenant == nil {
		return ""
	}
	return c.Tenant.Slug
}
