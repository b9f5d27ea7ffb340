package inventory

import (
	"net/http"
	"strconv"

	"highvibe/app/auth"
	"highvibe/app/crm"
	"highvibe/app/fault"
	"highvibe/app/i18n"
	"highvibe/app/web"
)

// Handler serves a product's stock page (module inventory): /products/{id}/stock and its forms.
type Handler struct {
	Render *web.Renderer
}

// movementRow is one line of the movement log as shown.
type movementRow struct {
	Movement
	Change, Balance string // in the page's locale, with the sign
}

type stockPage struct {
	Product   *crm.Product
	Item      *Item // nil: not counted yet
	Unit      string
	OnHand    string
	Level     string // "" = none
	Qty       string
	Suggested string
	Low, Out  bool
	Movements []movementRow
	Reasons   []string
	CanWrite  bool // receive and count (operators, owner)
	CanManage bool // reorder level, quantity and unit (owner)
	Which     string
	Seen      int64 // the newest movement shown (0: none), sent back by the count form
	// The stock settings form's values.
	LevelValue, QtyValue, UnitValue string
}

// qty writes thousandths in the page's locale.
func qty(c *web.Ctx, milli int64) string {
	return c.P.Number(float64(milli)/1000, crm.QuantityDecimals(milli))
}

func (h *Handler) page(w http.ResponseWriter, r *http.Request, status int, which string, errs map[string]string) {
	c := web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p, err := crm.ProductByID(r.Context(), c.DB, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	it, err := ItemOf(r.Context(), c.DB.Read, id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	ms, err := Movements(r.Context(), c.DB.Read, id, 200)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := &stockPage{Product: p, Item: it, Unit: i18n.Unit(p.Unit), Reasons: Reasons, CanWrite: c.Can(auth.WriteCRM), CanManage: c.Can(auth.ManageSettings), Which: which}
	if it != nil {
		if it.Unit != "" {
			d.Unit = i18n.Unit(it.Unit)
		}
		d.OnHand, d.Low, d.Out = qty(c, it.OnHand), it.Low(), it.OnHand <= 0
		if it.HasLevel {
			d.Level, d.LevelValue = qty(c, it.ReorderLevel), i18n.QuantityValue(it.ReorderLevel, c.Lang)
		}
		if it.ReorderQty > 0 {
			d.Qty, d.QtyValue = qty(c, it.ReorderQty), i18n.QuantityValue(it.ReorderQty, c.Lang)
		}
		if s := it.Suggested(); s > 0 {
			d.Suggested = qty(c, s)
		}
		d.UnitValue = it.Unit
	}
	if len(ms) > 0 {
		d.Seen = ms[0].ID
	}
	for _, m := range ms {
		ch := qty(c, m.Delta)
		if m.Delta > 0 {
			ch = "+" + ch
		}
		d.Movements = append(d.Movements, movementRow{Movement: m, Change: ch, Balance: qty(c, m.Balance)})
	}
	h.Render.Render(w, r, status, "inventory/stock", &web.Page{Title: c.T("inventory.title", p.Name), Nav: "products", Guide: "inventory",
		Data: d, Errors: errs, Form: r.PostForm})
}

// Stock is GET /products/{id}/stock: the product's stock, its movements and the forms.
func (h *Handler) Stock(w http.ResponseWriter, r *http.Request) { h.page(w, r, http.StatusOK, "", nil) }

func actor(c *web.Ctx) crm.Actor {
	a := crm.Actor{UserID: c.UserID()}
	if c.User != nil {
		a.Name = c.User.Name()
	}
	return a
}

// done answers a stock form: back to the page with a note, or the page again at 422 with the
// form's field errors and nothing stored.
func (h *Handler) done(w http.ResponseWriter, r *http.Request, which, okKey string, err error) {
	if errs := web.FieldErrors(r, err); errs != nil && !web.WantsJSON(r) {
		h.page(w, r, http.StatusUnprocessableEntity, which, errs)
		return
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	web.FlashKey(w, r, true, okKey)
	web.Redirect(w, r, "/products/"+r.PathValue("id")+"/stock")
}

// stockForm starts a stock form's POST: the product id of its path and the parsed form; ok is
// false when the path has no product id (the failure is already answered).
func (h *Handler) stockForm(w http.ResponseWriter, r *http.Request) (c *web.Ctx, id int64, ok bool) {
	c = web.From(r)
	id, err := web.PathID(r, "id")
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, 0, false
	}
	if err := r.ParseForm(); err != nil {
		h.Render.Fail(w, r, fault.Malformed("").Wrap(err))
		return nil, 0, false
	}
	if err := web.CheckFormIDs(r.PostForm, "seen"); err != nil {
		h.Render.Fail(w, r, err)
		return nil, 0, false
	}
	return c, id, true
}

// Receive is POST /products/{id}/stock/receive (quantity, note): goods came in.
func (h *Handler) Receive(w http.ResponseWriter, r *http.Request) {
	c, id, ok := h.stockForm(w, r)
	if !ok {
		return
	}
	n, ok := crm.ParseQuantity(r.PostFormValue("quantity"), c.Lang)
	if !ok {
		n = -1 // Receive refuses it with its field error
	}
	_, err := Receive(r.Context(), c.DB, id, n, r.PostFormValue("note"), actor(c))
	h.done(w, r, "receive", "inventory.received", err)
}

// Adjust is POST /products/{id}/stock/adjust (counted, reason, note): the stock is what was counted.
func (h *Handler) Adjust(w http.ResponseWriter, r *http.Request) {
	c, id, ok := h.stockForm(w, r)
	if !ok {
		return
	}
	// Read as amounts are, in the person's language: "00", "0,0" and "0" are a count of zero,
	// "1.250" in Turkish one thousand two hundred fifty (i18n.ParseQuantity).
	counted := int64(-1)
	if n, ok := i18n.ParseQuantity(r.PostFormValue("counted"), c.Lang); ok {
		counted = n
	}
	// The newest movement the form's page showed; a form without it (an older page) is not checked.
	seen := int64(-1)
	if n, err := strconv.ParseInt(r.PostFormValue("seen"), 10, 64); err == nil && n >= 0 {
		seen = n
	}
	_, err := Adjust(r.Context(), c.DB, id, counted, r.PostFormValue("reason"), r.PostFormValue("note"), seen, actor(c))
	h.done(w, r, "adjust", "inventory.adjusted", err)
}

// Settings is POST /products/{id}/stock/settings (reorder_level, reorder_qty, unit): the owner's.
func (h *Handler) Settings(w http.ResponseWriter, r *http.Request) {
	c, id, ok := h.stockForm(w, r)
	if !ok {
		return
	}
	err := SaveSettings(r.Context(), c.DB, id, Settings{ReorderLevel: r.PostFormValue("reorder_level"), ReorderQty: r.PostFormValue("reorder_qty"),
		Unit: r.PostFormValue("unit"), Lang: c.Lang}, actor(c))
	h.done(w, r, "settings", "inventory.settings_saved", err)
}
