package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"highvibe/app/export"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"highvibe/app/audit"
	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// Handler serves the CRM lists and forms: /customers/, /orders/, /invoices/, /repair-requests/.
type Handler struct {
	Render *web.Renderer
}

type field struct {
	Name, Label, Kind, Value, Error string
	Was                             string // the value as the page first drew it (see keepUntouched)
	Hint                            string // a line under the box, when it works unlike its label says
	Options                         []Option
	Required                        bool
}

type row struct {
	Href  string
	Cells []cell
}

// cell is one list value with how it reads in a right-to-left page: typed
// text (names, descriptions) takes its direction from its own first letters,
// while phones, numbers, money and dates stay left to right on one line, so
// Arabic pages keep "0532 123 45 67" and "-2.640,00 ₺" in order.
type cell struct {
	Text string
	Kind string // "text" (dir=auto), "ltr" (bdi dir=ltr, no wrap), "tel" (a phone number shown the way people write it, a tel: link) or "" (a translated word)
}

func textCell(s string) cell { return cell{s, "text"} }
func ltrCell(s string) cell  { return cell{s, "ltr"} }
func telCell(s string) cell  { return cell{s, "tel"} }
func wordCell(s string) cell { return cell{s, ""} }

type listData struct {
	Entity, Title string
	Columns       []string
	Pill          int // the column shown as a pill beside the title on a phone's card (status), -1 for none
	Rows          []row
	Q, Status     string
	Statuses      []Option
	CanWrite      bool
	ExportBase    string // the export's address with the page's filters (export.Base)
	// Next is the address of the next, older page ("" on the last); First, on a later page, the
	// address of the first (the newest records) with the same filters.
	Next, First string
}

type formData struct {
	Entity, Title, Action string
	Fields                []field
	Links                 []Link
	CanWrite, New         bool
	// An order's product lines, shown while the tenant has the inventory module on.
	ShowLines    bool
	Lines        []lineRow
	LineProducts []Option
	LinesError   string
	LinesWas     string   // the lines' fingerprint as the page first drew them (was_lines)
	Short        []string // "Name: 3 m² on hand, 5 wanted" of a sale the stock does not cover
	LinesSum     string   // what the lines come to at catalog prices, when that can be said
	TotalAsk     string   // the total and the lines' sum, when a total far from it waits for a confirmation
	// ConfirmTotal and ConfirmShort: the form sent the confirmations ticked; shown again (refused
	// for something else, a colleague's lines say), they stay ticked.
	ConfirmTotal, ConfirmShort bool
}

// lineRow is one product line of the order form.
type lineRow struct {
	N                 int
	Product, Quantity string // as stored, or as sent by a refused save
	Error             string // the line's message when it was refused
}

// inventoryOn says whether the request's tenant counts stock (module inventory).
func inventoryOn(c *web.Ctx) bool { return c.HasModule(platform.ModuleInventory) }

// Entity names the record kind a route serves; it is also the first segment of its paths.
type Entity string

// The record kinds the CRM pages serve.
const (
	EntityCustomers      Entity = "customers"
	EntityOrders         Entity = "orders"
	EntityInvoices       Entity = "invoices"
	EntityRepairRequests Entity = "repair-requests"
)

// List is GET /<entity>/ with q and status filters.
func (h *Handler) List(e Entity) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.list(w, r, string(e)) }
}

// New is GET /<entity>/new (WriteCRM).
func (h *Handler) New(e Entity) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.newForm(w, r, string(e)) }
}

// Show is GET /<entity>/{id}/: the edit form (read-only for viewers).
func (h *Handler) Show(e Entity) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.show(w, r, string(e)) }
}

// Save is POST /<entity>/new and POST /<entity>/{id}/ (WriteCRM): validate everything, store in
// one transaction with its action log, or answer 422 with the form and nothing stored.
func (h *Handler) Save(e Entity) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h.save(w, r, string(e)) }
}

// listDate shows a stored date on a list as every page does: the page's date format in the
// tenant's zone ("03.12.2026"), nothing for none.
func listDate(p *i18n.Printer, ms int64) string {
	if ms == 0 {
		return ""
	}
	return p.Date(time.UnixMilli(ms))
}

func statusOptions(c *web.Ctx, entity string, set []string) []Option {
	out := make([]Option, 0, len(set))
	for _, s := range set {
		out = append(out, Option{Value: s, Label: c.T("crm.status." + s)})
	}
	return out
}

// pageLinks are a list's links to its next page (after cursor next; "" when there is none) and,
// on a later page, back to its first, keeping the page's filters.
func pageLinks(base string, q url.Values, next string) (nextURL, firstURL string) {
	keep := url.Values{}
	for _, k := range []string{"q", "status", "urgency"} {
		if v := q.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	if q.Get("after") != "" {
		firstURL = base
		if len(keep) > 0 {
			firstURL += "?" + keep.Encode()
		}
	}
	if next != "" {
		keep.Set("after", next)
		nextURL = base + "?" + keep.Encode()
	}
	return nextURL, firstURL
}

func (h *Handler) list(w http.ResponseWriter, r *http.Request, ent string) {
	c := web.From(r)
	q := r.URL.Query()
	f := Filter{Q: q.Get("q"), Status: q.Get("status"), After: q.Get("after")}
	if f.After != "" && !parseCursor(f.After).ok {
		// A page link cut or garbled: the first page, and a line saying it starts again.
		c.IgnoreCursor("after", f.After)
		f.After = ""
	}
	d := &listData{Entity: ent, Title: c.T("crm." + ent + ".title"), Q: f.Q, Status: f.Status, CanWrite: c.Can(auth.WriteCRM),
		ExportBase: export.Base("/"+ent+"/export", q)}
	p := c.P
	var err error
	var next string
	switch ent {
	case "customers":
		d.Columns = []string{c.T("crm.f.name"), c.T("crm.f.phone"), c.T("crm.f.email"), c.T("crm.f.company"), c.T("crm.f.city")}
		var cs []Customer
		if cs, next, err = Customers(r.Context(), c.DB, f); err == nil {
			for _, x := range cs {
				d.Rows = append(d.Rows, row{fmt.Sprintf("/customers/%d/", x.ID), []cell{textCell(x.Name), telCell(x.Phone), ltrCell(x.Email), textCell(x.Company), textCell(x.City)}})
			}
		}
	case "orders":
		f.Status = c.FilterChoice(q, "status", c.T("crm.f.status"), OrderStatuses)
		d.Status = f.Status
		d.Statuses = statusOptions(c, ent, OrderStatuses)
		d.Columns = []string{"#", c.T("crm.f.customer_id"), c.T("crm.f.status"), c.T("crm.f.total"), c.T("crm.f.ordered_at"), c.T("crm.f.description")}
		var os []Order
		if os, next, err = Orders(r.Context(), c.DB, f); err == nil {
			for _, x := range os {
				d.Rows = append(d.Rows, row{fmt.Sprintf("/orders/%d/", x.ID), []cell{ltrCell(strconv.FormatInt(x.ID, 10)), textCell(x.CustomerName),
					wordCell(c.T("crm.status." + x.Status)), ltrCell(p.Money(x.Total, x.Currency)), ltrCell(listDate(p, x.OrderedAt)), textCell(x.Description)}})
			}
		}
	case "invoices":
		f.Status = c.FilterChoice(q, "status", c.T("crm.f.status"), InvoiceStatuses)
		d.Status = f.Status
		d.Statuses = statusOptions(c, ent, InvoiceStatuses)
		d.Columns = []string{c.T("crm.f.number"), c.T("crm.f.customer_id"), c.T("crm.f.status"), c.T("crm.f.amount"), c.T("crm.f.issued_at"), c.T("crm.f.paid_at")}
		var vs []Invoice
		if vs, next, err = Invoices(r.Context(), c.DB, f); err == nil {
			for _, x := range vs {
				d.Rows = append(d.Rows, row{fmt.Sprintf("/invoices/%d/", x.ID), []cell{ltrCell(x.Number), textCell(x.CustomerName),
					wordCell(c.T("crm.status." + x.Status)), ltrCell(p.Money(x.Amount, x.Currency)), ltrCell(listDate(p, x.IssuedAt)), ltrCell(listDate(p, x.PaidAt))}})
			}
		}
	case "repair-requests":
		f.Status = c.FilterChoice(q, "status", c.T("crm.f.status"), RepairStatuses)
		d.Status = f.Status
		d.Statuses = statusOptions(c, ent, RepairStatuses)
		d.Columns = []string{"#", c.T("crm.f.customer_id"), c.T("crm.f.urgency"), c.T("crm.f.status"), c.T("crm.f.description")}
		var rs []RepairRequest
		if rs, next, err = Repairs(r.Context(), c.DB, f); err == nil {
			for _, x := range rs {
				d.Rows = append(d.Rows, row{fmt.Sprintf("/repair-requests/%d/", x.ID), []cell{ltrCell(strconv.FormatInt(x.ID, 10)), textCell(x.CustomerName),
					wordCell(c.T("crm.urgency." + x.Urgency)), wordCell(c.T("crm.status." + x.Status)), textCell(x.Description)}})
			}
		}
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d.Pill = slices.Index(d.Columns, c.T("crm.f.status"))
	d.Next, d.First = pageLinks("/"+ent+"/", q, next)
	h.Render.Render(w, r, http.StatusOK, "crm/list", &web.Page{Title: d.Title, Nav: "crm", Guide: "crm", Data: d})
}

// values reads the current record of an edit page as form values.
func load(ctx context.Context, db *tenantdb.DB, loc *time.Location, lang, ent string, id int64) (map[string]string, []Link, error) {
	return loadIn(ctx, db.Read, db, loc, lang, ent, id)
}

// loadIn is load read through q; with db nil (inside a save's transaction) a customer's related
// links are not read.
func loadIn(ctx context.Context, q rowQuerier, db *tenantdb.DB, loc *time.Location, lang, ent string, id int64) (map[string]string, []Link, error) {
	v := map[string]string{}
	switch ent {
	case "customers":
		x, err := customerByID(ctx, q, id)
		if err != nil {
			return nil, nil, err
		}
		v["name"], v["phone"], v["email"], v["company"], v["city"], v["notes"] = x.Name, x.Phone, x.Email, x.Company, x.City, x.Notes
		if db == nil {
			return v, nil, nil
		}
		links, err := Related(ctx, db, id)
		return v, links, err
	case "orders":
		x, err := orderByID(ctx, q, id)
		if err != nil {
			return nil, nil, err
		}
		v["customer_id"], v["status"], v["total"], v["currency"], v["description"], v["ordered_at"] = fmt.Sprint(x.CustomerID), x.Status,
			i18n.AmountValue(x.Total, lang), x.Currency, x.Description, FormatDate(x.OrderedAt, loc)
		if x.LeadID != 0 {
			v["lead_id"] = fmt.Sprint(x.LeadID)
		}
		lines, err := OrderLines(ctx, q, id)
		if err != nil {
			return nil, nil, err
		}
		for i, l := range lines {
			v[fmt.Sprintf("line_product_%d", i+1)], v[fmt.Sprintf("line_qty_%d", i+1)] = fmt.Sprint(l.ProductID), i18n.QuantityValue(l.Quantity, lang)
		}
		return v, []Link{{Href: fmt.Sprintf("/customers/%d/", x.CustomerID), Text: x.CustomerName}}, nil
	case "invoices":
		x, err := invoiceByID(ctx, q, id)
		if err != nil {
			return nil, nil, err
		}
		v["customer_id"], v["number"], v["amount"], v["currency"], v["status"], v["issued_at"], v["paid_at"] = fmt.Sprint(x.CustomerID), x.Number,
			i18n.AmountValue(x.Amount, lang), x.Currency, x.Status, FormatDate(x.IssuedAt, loc), FormatDate(x.PaidAt, loc)
		links := []Link{{Href: fmt.Sprintf("/customers/%d/", x.CustomerID), Text: x.CustomerName}}
		if x.OrderID != 0 {
			v["order_id"] = fmt.Sprint(x.OrderID)
			links = append(links, Link{Href: fmt.Sprintf("/orders/%d/", x.OrderID), ID: x.OrderID})
		}
		return v, links, nil
	default:
		x, err := repairByID(ctx, q, id)
		if err != nil {
			return nil, nil, err
		}
		v["description"], v["urgency"], v["status"] = x.Description, x.Urgency, x.Status
		var links []Link
		if x.CustomerID != 0 {
			v["customer_id"] = fmt.Sprint(x.CustomerID)
			links = append(links, Link{Href: fmt.Sprintf("/customers/%d/", x.CustomerID), Text: x.CustomerName})
		}
		if x.LeadID != 0 {
			v["lead_id"] = fmt.Sprint(x.LeadID)
		}
		return v, links, nil
	}
}

func (h *Handler) fields(c *web.Ctx, ctx context.Context, ent string, v, errs map[string]string) ([]field, error) {
	tenantCur := c.Tenant.Setting("currency")
	mk := func(name, kind string, req bool, opts []Option) field {
		val := v[name]
		if name == "currency" && val == "" {
			val = tenantCur
		}
		msg := ""
		if k, ok := errs[name]; ok {
			msg = c.T(k) // a catalog key, or a message already in the reader's language (changed meanwhile): kept as it is
		}
		was, ok := v["was_"+name]
		if !ok {
			was = val
		}
		return field{Name: name, Label: c.T("crm.f." + name), Kind: kind, Value: val, Was: was, Error: msg, Options: opts, Required: req}
	}
	var custs []Option
	if ent != "customers" {
		var err error
		if custs, err = CustomerOptions(ctx, c.DB); err != nil {
			return nil, err
		}
	}
	switch ent {
	case "customers":
		return []field{mk("name", "text", true, nil), mk("phone", "tel", false, nil), mk("email", "email", false, nil),
			mk("company", "text", false, nil), mk("city", "text", false, nil), mk("notes", "textarea", false, nil)}, nil
	case "orders":
		total := mk("total", "decimal", true, nil)
		if inventoryOn(c) { // with product lines, a total left empty takes what they come to
			total.Required, total.Hint = false, c.T("crm.total_hint")
		}
		return []field{mk("customer_id", "select", true, custs), mk("lead_id", "number", false, nil),
			mk("status", "select", true, statusOptions(c, ent, OrderStatuses)), total, mk("currency", "text", true, nil),
			mk("ordered_at", "date", false, nil), mk("description", "textarea", false, nil)}, nil
	case "invoices":
		return []field{mk("customer_id", "select", true, custs), mk("order_id", "number", false, nil), mk("number", "text", false, nil),
			mk("status", "select", true, statusOptions(c, ent, InvoiceStatuses)), mk("amount", "decimal", true, nil), mk("currency", "text", true, nil),
			mk("issued_at", "date", false, nil), mk("paid_at", "date", false, nil)}, nil
	default:
		urg := make([]Option, 0, 4)
		for _, u := range RepairUrgencies {
			urg = append(urg, Option{Value: u, Label: c.T("crm.urgency." + u)})
		}
		return []field{mk("customer_id", "select", false, append([]Option{{Value: "", Label: "—"}}, custs...)), mk("lead_id", "number", false, nil),
			mk("description", "textarea", true, nil), mk("urgency", "select", true, urg), mk("status", "select", true, statusOptions(c, ent, RepairStatuses))}, nil
	}
}

func (h *Handler) form(w http.ResponseWriter, r *http.Request, ent string, status int, id int64, v map[string]string, links []Link, errs map[string]string, short *ShortStock) {
	c := web.From(r)
	fs, err := h.fields(c, r.Context(), ent, v, errs)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &formData{Entity: ent, Fields: fs, Links: links, CanWrite: c.Can(auth.WriteCRM), New: id == 0}
	if ent == "orders" && inventoryOn(c) {
		if err := h.orderLines(c, r.Context(), d, v, errs, short); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if id == 0 {
		d.Title, d.Action = c.T("crm."+ent+".new"), "/"+ent+"/new"
	} else {
		d.Title, d.Action = c.T("crm."+ent+".edit", id), fmt.Sprintf("/%s/%d/", ent, id)
	}
	pe := map[string]string{}
	for _, f := range fs {
		if f.Error != "" {
			pe[f.Name] = f.Error
		}
	}
	if d.LinesError != "" {
		pe["lines"] = d.LinesError
	}
	if m, ok := errs[web.MeanwhileField]; ok {
		pe[web.MeanwhileField] = m // said above the form (the layout)
	}
	// Form: a refused post's values, so the form shown again keeps its one-time token.
	h.Render.Render(w, r, status, "crm/form", &web.Page{Title: d.Title, Nav: "crm", Guide: "crm", Data: d, Errors: pe, Form: r.PostForm})
}

func (h *Handler) newForm(w http.ResponseWriter, r *http.Request, ent string) {
	v := map[string]string{"status": "", "urgency": "medium"}
	if cid := r.URL.Query().Get("customer_id"); cid != "" {
		v["customer_id"] = cid
	}
	h.form(w, r, ent, http.StatusOK, 0, v, nil, nil, nil)
}

func (h *Handler) show(w http.ResponseWriter, r *http.Request, ent string) {
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	v, links, err := load(r.Context(), web.From(r).DB, web.From(r).Zone(), web.From(r).Lang, ent, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.form(w, r, ent, http.StatusOK, id, v, links, nil, nil)
}

// save is POST of a record's form (new or existing): the form is read and checked first; only
// a valid record is stored, with its action-log row, in one transaction. Field errors — the
// form's own or the store's (a reference to a missing customer) — come back as the form at 422.
func (h *Handler) save(w http.ResponseWriter, r *http.Request, ent string) {
	c := web.From(r)
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed(""))
		return
	}
	var id int64
	if r.PathValue("id") != "" {
		var err error
		if id, err = web.PathID(r, "id"); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	v := map[string]string{}
	for k := range r.PostForm {
		v[k] = strings.TrimSpace(r.PostForm.Get(k))
	}
	if id != 0 {
		if err := keepUntouched(r.Context(), c.DB.Read, c, ent, id, v); err != nil {
			// Changed here and by someone else too since the page was drawn: nothing is stored,
			// the form comes back saying what each side saved.
			if errs := web.FieldErrors(r, err); errs != nil && web.ChangedMeanwhile(err) && !web.WantsJSON(r) {
				h.form(w, r, ent, http.StatusConflict, id, v, nil, errs, nil)
				return
			}
			h.Render.Fail(w, r, err)
			return
		}
	}
	// The order's stock: who moves it, and whether a sale below the stock on hand was confirmed
	// (while the tenant does not count stock, nobody is asked).
	if ent == "orders" && !inventoryOn(c) {
		v["confirm_short"] = "1"
	}
	// An order's total against its lines at catalog prices (while stock is counted, the form has
	// lines): a blank total takes their sum, a different one is confirmed once.
	ask := false
	if ent == "orders" && inventoryOn(c) {
		var err error
		if ask, err = orderTotalCheck(r.Context(), c.DB, id, v, c.Lang); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	rec, errs := readRecord(ent, id, v, actor(c), c.Zone(), c.Lang, c.Tenant.PhoneRegion())
	if ask {
		errs["total"] = "crm.err.total_vs_lines"
	}
	if id != 0 && len(errs) == 0 {
		// The stored record is read again inside the save's transaction: a colleague's save that
		// landed since the read above is kept too (or, on a field changed here too, refuses).
		rec.save = func(ctx context.Context, tx *sql.Tx) (int64, error) {
			if err := keepUntouched(ctx, tx, c, ent, id, v); err != nil {
				return 0, err
			}
			read := v
			if ent == "orders" && v["lines"] == "1" {
				// The lines are saved whole: a list left as its page drew it keeps the stored one
				// (a line a colleague added meanwhile stays); one changed here and there refuses.
				stored, err := OrderLines(ctx, tx, id)
				if err != nil {
					return 0, err
				}
				untouched, err := web.KeepUntouchedList("lines", v["was_lines"], linesPrint(formLines(v, c.Lang)), linesPrint(stored))
				if err != nil {
					v["was_lines"] = linesPrint(stored)
					return 0, err
				}
				if untouched {
					read = maps.Clone(v)
					delete(read, "lines")
				}
			}
			again, errs := readRecord(ent, id, read, actor(c), c.Zone(), c.Lang, c.Tenant.PhoneRegion())
			var f fault.Fields
			for name, key := range errs {
				f.Add(name, key)
			}
			if err := f.Err(); err != nil {
				return 0, err
			}
			return again.save(ctx, tx)
		}
	}
	var short *ShortStock
	if len(errs) == 0 {
		newID, err := storeRecord(r.Context(), c, ent, id == 0, rec)
		errors.As(err, &short)
		if web.ChangedMeanwhile(err) && !web.WantsJSON(r) {
			h.form(w, r, ent, http.StatusConflict, id, v, nil, web.FieldErrors(r, err), nil)
			return
		}
		switch keys := fault.FieldKeys(err); {
		case keys != nil && !web.WantsJSON(r):
			merge(errs, keys)
		case err != nil:
			h.Render.Fail(w, r, err)
			return
		default:
			web.FlashKey(w, r, true, "crm.saved")
			web.Redirect(w, r, fmt.Sprintf("/%s/%d/", ent, newID))
			return
		}
	}
	h.form(w, r, ent, http.StatusUnprocessableEntity, id, v, nil, errs, short)
}

// keepUntouched gives every field an edit form sent as the page drew it (its was_<name> says what
// that was) the record's stored value: someone else may have changed it since the page was
// drawn, and a save changes only what its sender changed (a paid invoice stays paid when another
// person corrects its number from a page drawn before). A field the sender changed that someone
// else changed too, to something else, refuses the save (web.KeepUntouched's ChangedMeanwhile):
// v keeps what was typed there and its was_ says what is stored. A form without was_ fields (an
// API client, a page drawn by an older server) is taken as sent.
func keepUntouched(ctx context.Context, q rowQuerier, c *web.Ctx, ent string, id int64, v map[string]string) error {
	f := url.Values{}
	for k, s := range v {
		f.Set(k, s)
	}
	var stored map[string]any
	for k := range v {
		name, ok := strings.CutPrefix(k, "was_")
		if !ok {
			continue
		}
		if stored == nil {
			cur, _, err := loadIn(ctx, q, nil, c.Zone(), c.Lang, ent, id)
			if err != nil {
				return err
			}
			stored = map[string]any{}
			for k, s := range cur {
				stored[k] = s
			}
			stored["status"] = web.Choice{Value: cur["status"], Prefix: "crm.status."}
			for _, k := range []string{"total", "amount"} { // as the save reads them (readRecord), not as typed
				if s, ok := cur[k]; ok {
					stored[k] = web.Number{Value: s, Read: func(s string) (int64, bool) { return i18n.ParseAmount(s, cur["currency"]) }}
				}
			}
			if n, err := strconv.ParseInt(cur["customer_id"], 10, 64); err == nil || cur["customer_id"] == "" {
				stored["customer_id"] = web.Pick{ID: n, Name: func(id int64) string { // as the select shows it (CustomerOptions)
					if cu, err := customerByID(ctx, q, id); err == nil {
						return fmt.Sprintf("%s (#%d)", cu.Name, id)
					}
					return ""
				}}
			}
		}
		if name == "lines" {
			continue // the order's lines: a list, checked whole in the save (web.KeepUntouchedList)
		}
		if _, known := stored[name]; !known {
			stored[name] = "" // not stored: empty
		}
	}
	if stored == nil {
		return nil
	}
	err := web.KeepUntouched(f, stored)
	for k := range f {
		v[k] = f.Get(k)
	}
	return err
}

// recordForm is one CRM record read from its form: how to store it and what its log row says.
type recordForm struct {
	save    func(ctx context.Context, tx *sql.Tx) (int64, error) // stores the record, returns its id
	summary string
}

// readRecord builds the record of kind ent (customers, orders, invoices, repair-requests) from
// the form's trimmed values v and checks it; errs maps fields to catalog keys (empty = valid).
// region is the business's country, in which a phone written without its code is read.
func readRecord(ent string, id int64, v map[string]string, by Actor, loc *time.Location, lang, region string) (recordForm, map[string]string) {
	errs := map[string]string{}
	num := func(name string) float64 {
		// As typed in any of the panel's languages ("1.250", "1,250.50"): i18n.ParseFixed.
		cents, ok := i18n.ParseAmount(v[name], v["currency"])
		if !ok {
			errs[name] = "crm.err.amount"
		}
		return float64(cents) / 100
	}
	ref := func(name string) int64 {
		n, ok := parseID(v[name])
		if !ok {
			errs[name] = "crm.err.reference"
		}
		return n
	}
	date := func(name string) int64 {
		ms, ok := ParseDate(v[name], loc)
		if !ok {
			errs[name] = "crm.err.date"
		}
		return ms
	}
	var f recordForm
	switch ent {
	case "customers":
		x := &Customer{ID: id, Name: v["name"], Phone: v["phone"], Email: v["email"], Company: v["company"], City: v["city"], Notes: v["notes"], Region: region}
		merge(errs, ValidateCustomer(x))
		f.save = func(ctx context.Context, tx *sql.Tx) (int64, error) {
			err := SaveCustomer(ctx, tx, x)
			return x.ID, err
		}
		f.summary = "customer " + x.Name
	case "orders":
		x := &Order{ID: id, CustomerID: ref("customer_id"), LeadID: ref("lead_id"), Status: v["status"], Total: num("total"),
			Currency: v["currency"], Description: v["description"], OrderedAt: date("ordered_at")}
		merge(errs, ValidateOrder(x))
		x.By, x.AllowShort = by, v["confirm_short"] == "1"
		if v["lines"] == "1" {
			x.Lines, x.LinesSet = readLines(v, lang, errs), true
		}
		f.save = func(ctx context.Context, tx *sql.Tx) (int64, error) { err := SaveOrder(ctx, tx, x); return x.ID, err }
		f.summary = fmt.Sprintf("order %.2f %s (%s)", x.Total, x.Currency, x.Status)
	case "invoices":
		x := &Invoice{ID: id, CustomerID: ref("customer_id"), OrderID: ref("order_id"), Number: v["number"], Amount: num("amount"),
			Currency: v["currency"], Status: v["status"], IssuedAt: date("issued_at"), PaidAt: date("paid_at")}
		merge(errs, ValidateInvoice(x))
		// A paid date after today, in the business's time zone, is a typo (a year off), not a
		// payment: the KPI would count it only from its month.
		if _, bad := errs["paid_at"]; !bad && x.PaidAt != 0 && !time.UnixMilli(x.PaidAt).Before(tomorrow(loc)) {
			errs["paid_at"] = "crm.err.paid_future"
		}
		f.save = func(ctx context.Context, tx *sql.Tx) (int64, error) { err := SaveInvoice(ctx, tx, x); return x.ID, err }
		f.summary = fmt.Sprintf("invoice %s %.2f %s (%s)", x.Number, x.Amount, x.Currency, x.Status)
	default:
		x := &RepairRequest{ID: id, CustomerID: ref("customer_id"), LeadID: ref("lead_id"), Description: v["description"], Urgency: v["urgency"], Status: v["status"]}
		merge(errs, ValidateRepair(x))
		f.save = func(ctx context.Context, tx *sql.Tx) (int64, error) { err := SaveRepair(ctx, tx, x); return x.ID, err }
		f.summary = "repair request (" + x.Urgency + ")"
	}
	return f, errs
}

// recordAction is the action-log type of saving a record of kind ent: "order_created",
// "repair_request_updated", ...
func recordAction(ent string, isNew bool) string {
	noun := strings.TrimSuffix(strings.ReplaceAll(ent, "-", "_"), "s")
	if isNew {
		return noun + "_created"
	}
	return noun + "_updated"
}

// storeRecord stores a checked record and its action-log row in one transaction and returns the
// record's id.
func storeRecord(ctx context.Context, c *web.Ctx, ent string, isNew bool, rec recordForm) (int64, error) {
	var id int64
	err := c.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if id, err = rec.save(ctx, tx); err != nil {
			return err
		}
		if isNew { // the new-record form, sent once (a resend creates no second record)
			if err := web.SpendOnce(ctx, tx, id, fmt.Sprintf("/%s/%d/", ent, id)); err != nil {
				return err
			}
		}
		a := actor(c)
		_, err = audit.Write(ctx, tx, audit.Entry{Provider: "crm", ActionType: recordAction(ent, isNew), Summary: rec.summary,
			Payload: map[string]any{"record": ent, "id": id, "updated_by_user_id": a.UserID}, ModelName: "human-review",
			ActorUserID: a.UserID, ActorName: a.Name})
		return err
	})
	return id, err
}

func merge(dst, src map[string]string) {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
}

// linesPrint is the fingerprint of an order's lines, for the form's was_lines.
func linesPrint(lines []OrderLine) string {
	var b strings.Builder
	for _, l := range lines {
		fmt.Fprintf(&b, "%d:%d;", l.ProductID, l.Quantity)
	}
	return web.Fingerprint(b.String())
}

// readLines reads the order form's product lines (line_product_N, line_qty_N; empty rows are
// skipped); a row with a product and no valid quantity, or a quantity and no product, is an error
// on "lines".
func readLines(v map[string]string, lang string, errs map[string]string) []OrderLine {
	var out []OrderLine
	for i := 1; i <= MaxLines; i++ {
		p, q := v[fmt.Sprintf("line_product_%d", i)], v[fmt.Sprintf("line_qty_%d", i)]
		if p == "" && q == "" {
			continue
		}
		id, okID := parseID(p)
		qty, okQty := ParseQuantity(q, lang)
		if !okID || id == 0 || !okQty {
			errs["lines"] = "inventory.err.line"
			errs[fmt.Sprintf("line_%d", i)] = "inventory.err.line" // shown at that line
			continue
		}
		out = append(out, OrderLine{ProductID: id, Quantity: qty})
	}
	return out
}

// lineErrors reports whether a line of the order form carries its own message.
func lineErrors(ls []lineRow) bool {
	for _, l := range ls {
		if l.Error != "" {
			return true
		}
	}
	return false
}

// orderLines fills the order form's product lines: the ones in v, then empty rows to add more.
func (h *Handler) orderLines(c *web.Ctx, ctx context.Context, d *formData, v, errs map[string]string, short *ShortStock) error {
	ps, err := Products(ctx, c.DB, false)
	if err != nil {
		return err
	}
	d.ShowLines = true
	if w, ok := v["was_lines"]; ok {
		d.LinesWas = w // a refused form: what its page drew, or what is stored after a colleague's change
	} else {
		d.LinesWas = linesPrint(formLines(v, c.Lang))
	}
	d.LineProducts = []Option{{Value: "", Label: "—"}}
	for _, p := range ps {
		label := p.Name + " (" + p.SKU + ")"
		if !p.Active {
			label += " — " + c.T("products.inactive")
		}
		d.LineProducts = append(d.LineProducts, Option{Value: fmt.Sprint(p.ID), Label: label})
	}
	last := 0
	for i := 1; i <= MaxLines; i++ {
		if v[fmt.Sprintf("line_product_%d", i)] != "" || v[fmt.Sprintf("line_qty_%d", i)] != "" {
			last = i
		}
	}
	for i := 1; i <= min(MaxLines, last+3); i++ {
		l := lineRow{N: i, Product: v[fmt.Sprintf("line_product_%d", i)], Quantity: v[fmt.Sprintf("line_qty_%d", i)]}
		if k, ok := errs[fmt.Sprintf("line_%d", i)]; ok {
			l.Error = c.T(k)
		}
		d.Lines = append(d.Lines, l)
	}
	// A line's own message stands at that line; the block's message is for what belongs to no
	// one line (too many lines, a product the catalog no longer has).
	if k, ok := errs["lines"]; ok && (k != "inventory.err.line" || !lineErrors(d.Lines)) {
		if k == "inventory.err.too_many_lines" {
			d.LinesError = c.T(k, MaxLines)
		} else {
			d.LinesError = c.T(k)
		}
	}
	d.ConfirmTotal, d.ConfirmShort = v["confirm_total"] == "1", v["confirm_short"] == "1"
	if sum, ok := catalogOf(ps).price(formLines(v, c.Lang), v["currency"]); ok {
		cur := strings.ToUpper(v["currency"])
		d.LinesSum = c.T("crm.lines.sum", c.P.Money(float64(sum)/100, cur))
		total, _ := i18n.ParseAmount(v["total"], v["currency"])
		if errs["total"] == "crm.err.total_vs_lines" || (d.ConfirmTotal && strings.TrimSpace(v["total"]) != "" && abs64(total-sum) > totalSlack) {
			d.TotalAsk = c.T("crm.total_vs_lines", c.P.Money(float64(total)/100, cur), c.P.Money(float64(sum)/100, cur))
		}
	}
	if short != nil {
		for _, it := range short.Items {
			d.Short = append(d.Short, c.T("inventory.short_line", it.Name,
				c.P.Number(float64(it.OnHand)/1000, QuantityDecimals(it.OnHand)), i18n.Unit(it.Unit),
				c.P.Number(float64(it.Wanted)/1000, QuantityDecimals(it.Wanted))))
		}
	}
	return nil
}

// tomorrow is the start of the next day in loc.
func tomorrow(loc *time.Location) time.Time {
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
}
