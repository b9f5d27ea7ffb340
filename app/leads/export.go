package leads

import (
	"context"
	"net/http"

	"highvibe/app/export"
	"highvibe/app/fault"
	"highvibe/app/web"
)

// exportPage is how many leads one read of an export takes (the list's own keyset pages).
const exportPage = 200

// Export is GET /app/leads/export (ExportData): every lead the list shows with the same filters,
// search and sort, as CSV or XLSX (?format=), read page by page through the list's keyset.
func (h *Handler) Export(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	v := r.URL.Query()
	v.Del("cursor")
	_, f := h.parse(c, v)
	if len(c.IgnoredFilters()) > 0 {
		// A hand-made export address with a filter the list cannot read: no file of everything.
		h.Render.Fail(w, r, fault.Malformed("export.err.filters"))
		return
	}
	f.Limit = exportPage
	_, names, err := h.members(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc := c.Zone()
	at := export.Moments(loc)
	cols := []string{"#", c.T("leads.col.name"), c.T("export.col.phone"), c.T("export.col.email"), c.T("leads.col.stage"),
		c.T("leads.col.source"), c.T("leads.filter.campaign"), c.T("leads.col.value"), c.T("leads.col.conversations"),
		c.T("export.col.assigned"), c.T("leads.col.next"), c.T("leads.col.created")}
	export.Send(w, r, h.Render, export.Table{List: "leads", Columns: cols, Filters: v}, func(ctx context.Context, emit export.Emit) error {
		for {
			rows, next, err := List(ctx, c.DB.Read, f)
			if err != nil {
				return err
			}
			for _, l := range rows {
				// No expected value is an empty cell, as the list shows "—": a 0 would be summed
				// and averaged as a lead worth nothing.
				var value any
				if l.Value != 0 {
					value = l.Value
				}
				if err := emit(l.ID, l.Name, l.Phone, l.Email, c.T("analytics.stage."+l.Stage), c.T("inbox.source."+l.Source), l.Campaign,
					value, l.Convs, names[l.AssigneeID], l.NextAction, at(l.CreatedAt)); err != nil {
					return err
				}
			}
			if next == "" {
				return nil
			}
			f.Cursor = next
		}
	})
}
