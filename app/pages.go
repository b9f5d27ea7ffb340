package app

import (
	"net/http"

	"highvibe/app/web"
)

// landing is the public front page (SPEC §6.5); until the landing page is enabled it points to
// the sign-in and the guide.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s.Render.Render(w, r, http.StatusOK, "landing", &web.Page{Title: c.T("app.name")})
}
