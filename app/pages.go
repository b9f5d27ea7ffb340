package app

import (
	"context"
	"net/http"

	"highvibe/app/approvals"
	"highvibe/app/inbox"
	"highvibe/app/web"
)

// landing is what GET / shows while no tenant's landing page is enabled (guide:
// 25-landing-page.md): it points to the sign-in and the guide.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s.Render.Render(w, r, http.StatusOK, "landing", &web.Page{Title: c.T("app.name")})
}

// navCounts gives the menu its numbers: conversations with unread messages and recommendations
// waiting for a decision. A failed count shows no number rather than failing the page.
func navCounts(ctx context.Context, c *web.Ctx) web.NavCounts {
	var n web.NavCounts
	n.Unread, _ = inbox.UnreadConversations(ctx, c.DB.Read)
	n.Pending, _ = approvals.PendingCount(ctx, c.DB)
	return n
}
