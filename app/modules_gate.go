package app

import (
	"net/http"

	"highvibe/app/auth"
	"highvibe/app/channels/chanutil"
	"highvibe/app/fault"
	"highvibe/app/web"
)

// moduleOffData is what the "module is off" page shows.
type moduleOffData struct {
	Module   string // the module's name in the reader's language
	Tenant   string
	CanTurn  bool // the reader may turn it on (owner, staff)
	ModuleID string
}

// moduleOff answers a panel route of a module the active tenant has off: 404 with a page that says
// which module is off, that its data is kept, and who can turn it on (guide: 41-modules.md).
func (s *Server) moduleOff(w http.ResponseWriter, r *http.Request, module string) {
	c := web.From(r)
	d := &moduleOffData{Module: c.T("modules.name." + module), Tenant: c.Tenant.Name, CanTurn: c.Can(auth.ManageSettings), ModuleID: module}
	s.Render.Render(w, r, http.StatusNotFound, "modules/off", &web.Page{Title: c.T("modules.off.title", d.Module), Guide: "modules", Data: d})
}

// apiModule gates an integration API route of module m: a key whose tenant has m off gets 404 as
// JSON problem details (code module_off). A missing, unknown or revoked key passes to the handler,
// which answers it as usual (401/403): the tenant is not known before the key is.
func (s *Server) apiModule(h *Handlers, m string, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if h.Channels != nil && h.Channels.API != nil {
			// The key's tenant is cached for seconds; its modules are read fresh, so a module
			// turned back on answers at once.
			// A revoked key learns nothing about the tenant: the handler answers it (403).
			if caller, err := h.Channels.API.Keys.Resolve(r.Context(), chanutil.KeyFromHeader(r)); err == nil && !caller.Key.Revoked() {
				if t, err := s.Platform.TenantByID(r.Context(), caller.Tenant.ID); err == nil && !t.HasModule(m) {
					web.WriteProblem(w, r, fault.NotFound("modules.api_off", web.From(r).T("modules.name."+m)).WithCode("module_off"))
					return
				}
			}
		}
		next(w, r)
	}
}
