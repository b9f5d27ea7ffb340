package app

import (
	"context"
	"encoding/json"
	"net/http"

	"highvibe/app/approvals"
	"highvibe/app/auth"
	"highvibe/app/crm"
	"highvibe/app/i18n"
	"highvibe/app/inbox"
	"highvibe/app/notify"
	"highvibe/app/platform"
	"highvibe/app/web"
)

// landing is what GET / shows while no tenant's landing page is enabled (guide:
// 25-landing-page.md): it points to the sign-in and the guide.
func (s *Server) landing(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	s.Render.Render(w, r, http.StatusOK, "landing", &web.Page{Title: c.T("app.name")})
}

// navCounts gives the menu its numbers: conversations with unread messages, recommendations
// waiting for a decision and the bell's unread notifications. A failed count shows no number rather than failing the page.
func navCounts(ctx context.Context, c *web.Ctx) web.NavCounts {
	var n web.NavCounts
	n.Unread, _ = inbox.UnreadConversations(ctx, c.DB.Read)
	n.Pending, _ = approvals.PendingCount(ctx, c.DB)
	n.Notes, _ = notify.UnreadCount(ctx, c.DB, c.UserID())
	return n
}

// recordLinks is the menu's record group: the written quotes, then the lists of the tenant's
// modules that are on (sales: customers, orders, invoices and products; repair: repair requests),
// for members allowed to read them.
func recordLinks(c *web.Ctx) []web.NavLink {
	if !c.Can(auth.ReadCRM) {
		return nil
	}
	// Written quotes first: every business quotes (app/quotes).
	out := []web.NavLink{{Href: "/app/quotes/", Label: "nav.quotes", Nav: "quotes"}}
	if c.HasModule(platform.ModuleSales) {
		for _, e := range []crm.Entity{crm.EntityCustomers, crm.EntityOrders, crm.EntityInvoices} {
			out = append(out, web.NavLink{Href: "/" + string(e) + "/", Label: "crm." + string(e) + ".title", Nav: "crm"})
		}
	}
	if c.HasModule(platform.ModuleRepair) {
		out = append(out, web.NavLink{Href: "/repair-requests/", Label: "crm.repair-requests.title", Nav: "crm"})
	}
	if c.HasModule(platform.ModuleSales) {
		out = append(out, web.NavLink{Href: "/products/", Label: "nav.products", Nav: "products"})
	}
	// The MSP module (app/msp): tickets, with clients, sites and devices behind its tabs.
	if c.HasModule(platform.ModuleMSP) {
		out = append(out, web.NavLink{Href: "/app/msp/tickets/", Label: "nav.msp", Nav: "msp"})
	}
	// The seasonal calendar (app/seasonal): campaign dates and their lead times.
	if c.HasModule(platform.ModuleSeasonal) {
		out = append(out, web.NavLink{Href: "/app/seasonal/", Label: "nav.seasonal", Nav: "seasonal"})
	}
	return out
}

// manifest is the web app manifest: it lets a phone install the panel to its home screen, opening
// on the dashboard in a window of its own. Its texts follow the reader's language.
func (s *Server) manifest(w http.ResponseWriter, r *http.Request) {
	c := web.From(r)
	icon := func(name, sizes, typ, purpose string) map[string]string {
		return map[string]string{"src": s.Assets.URL(name), "sizes": sizes, "type": typ, "purpose": purpose}
	}
	m := map[string]any{
		"id": "/app/", "name": c.T("app.name"), "short_name": c.T("app.name"), "description": c.T("app.tagline"),
		"lang": c.Lang, "dir": i18n.Dir(c.Lang), "start_url": "/app/", "scope": "/", "display": "standalone",
		"background_color": "#f5f6f8", "theme_color": "#17233a",
		"icons": []map[string]string{
			icon("icons/icon.svg", "any", "image/svg+xml", "any"),
			icon("icons/icon-192.png", "192x192", "image/png", "any"),
			icon("icons/icon-512.png", "512x512", "image/png", "any"),
			icon("icons/icon-maskable-512.png", "512x512", "image/png", "maskable"),
		},
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	_ = json.NewEncoder(w).Encode(m) // a failed write means the client went away
}

// favicon answers the /favicon.ico browsers ask for on their own with the panel's icon.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.Assets.URL("icons/icon-192.png"), http.StatusFound)
}
