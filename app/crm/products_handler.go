package crm

import (
	"context"
	"net/http"
	"strconv"

	"highvibe/app/auth"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/platform"
	"highvibe/app/tenantdb"
	"highvibe/app/web"
)

// ProductsHandler serves /products/: the catalog the assistant quotes from.
type ProductsHandler struct {
	Render *web.Renderer
	// Stock, when set, reads the counted products' stock (app/inventory): the list shows it while
	// the tenant has the inventory module on.
	Stock func(ctx context.Context, db *tenantdb.DB) (map[int64]StockLevel, error)
}

type productsPage struct {
	Products []*Product
	Edit     *Product
	CanWrite bool
	// The stock column and the "low stock" filter (module inventory).
	ShowStock bool
	Stock     map[int64]*stockCell
	LowOnly   bool
	LowCount  int
	// Gone: the product being edited was deleted meanwhile; the new-product form holds what was typed.
	Gone bool
}

// stockCell is a product's stock as the list shows it.
type stockCell struct {
	Text       string // "12,5 m²"
	Low, Short bool   // at or below the reorder level; below zero
	Out        bool   // nothing on hand
}

// page renders the catalog; errs are translated field errors (web.FieldErrors).
func (h *ProductsHandler) page(w http.ResponseWriter, r *http.Request, status int, d *productsPage, errs map[string]string) {
	c := web.From(r)
	d.CanWrite = c.Can(auth.WriteCRM)
	// The page's Guide link opens the section about products: the CRM's, or with the inventory
	// module on, the one about their stock (the list's stock column, low-stock filter, stock page).
	guide := "crm"
	if c.HasModule(platform.ModuleInventory) {
		guide = "inventory"
	}
	h.Render.Render(w, r, status, "crm/products", &web.Page{Title: c.T("products.title"), Nav: "products", Guide: guide, Data: d, Errors: errs, Form: r.PostForm})
}

// List shows every product (active first) with the create form; ?edit=ID opens one for editing.
func (h *ProductsHandler) List(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	ps, err := Products(r.Context(), c.DB, false)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &productsPage{Products: ps}
	if err := h.stock(r, d); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if id, err := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); err == nil && id > 0 && c.Can(auth.WriteCRM) {
		if d.Edit, err = ProductByID(r.Context(), c.DB, id); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	h.page(w, r, http.StatusOK, d, nil)
}

func actor(c *web.Ctx) Actor {
	a := Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// Save creates (POST /products/) or edits (POST /products/{id}/) a product; 422 with field errors.
func (h *ProductsHandler) Save(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	var id int64
	if v := r.PathValue("id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			h.Render.Fail(w, r, tenantdb.ErrNotFound)
			return
		}
		id = n
	}
	_ = r.ParseForm()
	in := ProductInput{SKU: r.PostFormValue("sku"), Name: r.PostFormValue("name"), Category: r.PostFormValue("category"),
		Unit: r.PostFormValue("unit"), Price: r.PostFormValue("unit_price"), Currency: r.PostFormValue("currency"),
		Active: id == 0 || r.PostFormValue("active") == "true"}
	p, err := in.Validate()
	if err == nil {
		_, err = SaveProduct(r.Context(), c.DB, id, p, actor(c))
	}
	gone := id > 0 && fault.KindOf(err) == fault.KindNotFound
	if errs := web.FieldErrors(r, err); (errs != nil || gone) && !web.WantsJSON(r) {
		ps, err := Products(r.Context(), c.DB, false)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		d := &productsPage{Products: ps}
		if err := h.stock(r, d); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		status := http.StatusUnprocessableEntity
		switch {
		case gone:
			// Deleted meanwhile (another tab, someone else): what was typed waits in the
			// new-product form, to be saved as a new product, under a notice saying so.
			status, d.Gone = http.StatusNotFound, true
		case id > 0:
			d.Edit = &Product{ID: id}
		}
		h.page(w, r, status, d, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "products.saved")
	web.Redirect(w, r, "/products/")
}

// SetActive deactivates or reactivates a product (POST /products/{id}/active, active=true|false).
func (h *ProductsHandler) SetActive(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := SetProductActive(r.Context(), c.DB, id, r.PostFormValue("active") == "true", actor(c)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, "products.saved")
	web.Redirect(w, r, "/products/")
}

// stock fills the list's stock column while the tenant counts stock; ?stock=low keeps the
// products at or below their reorder level.
func (h *ProductsHandler) stock(r *http.Request, d *productsPage) error {
	c := web.From(r)
	if h.Stock == nil || !c.HasModule(platform.ModuleInventory) {
		return nil
	}
	levels, err := h.Stock(r.Context(), c.DB)
	if err != nil {
		return err
	}
	d.ShowStock, d.Stock = true, map[int64]*stockCell{}
	d.LowOnly = r.URL.Query().Get("stock") == "low"
	var kept []*Product
	for _, p := range d.Products {
		l, ok := levels[p.ID]
		if !ok {
			if !d.LowOnly {
				kept = append(kept, p)
			}
			continue
		}
		unit := l.Unit
		if unit == "" {
			unit = p.Unit
		}
		d.Stock[p.ID] = &stockCell{Text: c.P.Number(float64(l.OnHand)/1000, QuantityDecimals(l.OnHand)) + " " + i18n.Unit(unit),
			Low: l.Low(), Short: l.OnHand < 0, Out: l.OnHand <= 0}
		if l.Low() {
			d.LowCount++
		}
		if !d.LowOnly || l.Low() {
			kept = append(kept, p)
		}
	}
	d.Products = kept
	return nil
}
