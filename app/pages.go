package app

import (
	"net/http"

	"highvibe/app/web"
)

// notBuilt is the honest empty state of a room that does not exist yet.
func (s *Server) notBuilt(nav, titleKey string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c := web.From(r)
		s.Render.Render(w, r, http.StatusOK, "placeholder", &web.Page{Title: c.T(titleKey), Nav: nav, Guide: "philosophy"})
	}
}

// landing is the public front page (SPEC §6.5); until the landing page is enabled it points to
// the sign-in and the guide.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s.Render.Render(w, r, http.StatusOK, "landing", &web.Page{Title: c.T("app.name")})
}
