package app

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"highvibe/app/auth"
	"highvibe/app/crm"
	"highvibe/app/platform"
	"highvibe/app/web"
	"highvibe/static"
)

// access says who may reach a route before its own handler runs.
type access int

const (
	public access = iota // anyone; the handler authenticates itself when needed (API keys, tokens)
	panel                // a signed-in member of the active tenant holding the route's permission
	staffs               // a signed-in staff user (the staff console), whether or not any tenant exists
)

// Route is one line of the route table.
type Route struct {
	Pattern string // net/http pattern with method, e.g. "POST /app/inbox/{id}/"
	Access  access
	Perm    auth.Permission // for panel routes
	Handler http.HandlerFunc
	// Module is the tenant module the route belongs to (platform.Module*; "" = always there). While
	// the tenant has it off, a panel route answers 404 with a page saying so and who can turn it on,
	// and an /api/ route 404 with a JSON problem (code module_off); the data stays. Set it by
	// writing the routes inside inModule(...) in the table below.
	Module string
}

// line is one line of the route table as written: a Route without its module, which the part of
// the table it stands in gives (always there, or inModule).
type line struct {
	Pattern string
	Access  access
	Perm    auth.Permission
	Handler http.HandlerFunc
}

// inModule marks the lines as belonging to module m: the router gates them on the tenant's modules
// (Server.panel for panel routes, Server.apiModule for integration API routes).
func inModule(m string, lines []line) []Route {
	out := make([]Route, len(lines))
	for i, l := range lines {
		out[i] = Route{Pattern: l.Pattern, Access: l.Access, Perm: l.Perm, Handler: l.Handler, Module: m}
	}
	return out
}

// always is the lines of the table that every tenant has, whatever its modules.
func always(lines []line) []Route { return inModule("", lines) }

// Routes is THE route table: every URL of the product, readable top to bottom. The room that owns
// a behaviour is the package named in the handler.
//
// The table is one list cut where a module's routes start and end: inModule(m, []line{...}) names
// the module of every route in it, the way each route names its permission.
func (s *Server) Routes(h *Handlers) []Route {
	return slices.Concat(always([]line{
		// Public pages and machine endpoints.
		{"GET /{$}", public, "", h.Channels.Landing.Show},
		{"GET /login/", public, "", h.Account.Form},
		{"POST /login/", public, "", h.Account.Login},
		{"POST /logout/", public, "", h.Account.Logout},
		{"GET /login/2fa", public, "", h.Account.SecondStepForm},
		{"POST /login/2fa", public, "", h.Account.SecondStep},
		// The guide is open to anyone, and keeps a signed-in person's top bar (withPerson).
		{"GET /guide", public, "", s.withPerson(h.Guide.Index)},
		{"GET /guide/{section}", public, "", s.withPerson(h.Guide.Section)},
		{"GET /healthz/", public, "", h.Ops.Healthz},
		{"GET /readyz/", public, "", h.Ops.Readyz},
		{"GET /metrics", public, "", h.Ops.Metrics},
		// The web app manifest (a phone installs the panel to its home screen) and the favicon
		// browsers ask for without reading the page; the icons themselves are static files.
		{"GET /manifest.webmanifest", public, "", s.manifest},
		{"GET /favicon.ico", public, "", s.favicon},

		// Channels: webhooks, widget, integration API (app/channels).
		{"GET /api/webhooks/whatsapp/", public, "", h.Channels.WhatsApp.Verify},
		{"POST /api/webhooks/whatsapp/", public, "", h.Channels.WhatsApp.Receive},
		{"POST /api/webhooks/telegram/{slug}/", public, "", h.Channels.Telegram.Receive},
		{"GET /widget.js", public, "", h.Channels.Widget.Script},
		{"GET /widget/demo/{slug}/", public, "", h.Channels.Widget.Demo},
		{"GET /widget/api/{slug}/config", public, "", h.Channels.Widget.Config},
		{"GET /widget/api/{slug}/messages", public, "", h.Channels.Widget.List},
		{"POST /widget/api/{slug}/messages", public, "", h.Channels.Widget.Post},
		{"POST /widget/api/{slug}/media", public, "", h.Channels.Widget.Upload}, // a visitor's photo (multipart)
		{"GET /widget/api/{slug}/media/{id}", public, "", h.MediaFiles.Widget},  // a file of the visitor's thread, by signed link
		{"OPTIONS /widget/api/{slug}/{rest...}", public, "", h.Channels.Widget.Preflight},
		// The customer's page of a sent quote: /q/<slug>.<token> (app/quotes).
		{"GET /q/{link}", public, "", h.Quotes.Public},
		{"GET /q/{link}/pdf", public, "", h.Quotes.PublicPDF},
		{"GET /q/{link}/logo", public, "", h.Quotes.PublicLogo}, // the business's logo on that page
		{"POST /q/{link}/accept", public, "", h.Quotes.Accept},
		{"POST /q/{link}/ask", public, "", h.Quotes.Ask},
		// The customer's page of a confirmed site visit: /v/<slug>.<token> (app/visits).
		{"GET /v/{link}", public, "", h.Book.Public},
		{"POST /v/{link}/accept", public, "", h.Book.Accept},
		{"POST /v/{link}/reschedule", public, "", h.Book.AskOther},
		{"GET /kvkk/{$}", public, "", h.Channels.Widget.Privacy},
		// A signed-in owner of the business reads on it what is still theirs to write (withPerson).
		{"GET /kvkk/{slug}/", public, "", s.withPerson(h.Channels.Widget.Privacy)},
		{"GET /app/settings/channels", panel, auth.ManageSettings, h.Channels.Settings.Show},
		{"POST /app/settings/channels", panel, auth.ManageSettings, h.Channels.Settings.Save},
		{"POST /{$}", public, "", h.Channels.Landing.Submit},
		{"GET /api/v1/openapi.json", public, "", h.Channels.API.OpenAPI}, // the API's own OpenAPI 3.1 document
		{"GET /api/v1/conversations", public, "", h.Channels.API.Conversations},
		{"GET /api/v1/conversations/{id}", public, "", h.Channels.API.Conversation},
		{"POST /api/v1/conversations/{id}/messages", public, "", h.Channels.API.AddMessage},
		{"GET /api/v1/leads", public, "", h.Channels.API.Leads},
		{"GET /api/v1/recommendations", public, "", h.Channels.API.Recommendations},
		{"GET /api/v1/action-logs", public, "", h.Channels.API.ActionLogs},
		{"POST /api/v1/leads", public, "", h.Channels.API.Import("leads")},
	}), inModule(platform.ModuleSales, []line{
		// The sales records' imports (module sales).
		{"POST /api/v1/customers", public, "", h.Channels.API.Import("customers")},
		{"POST /api/v1/products", public, "", h.Channels.API.Import("products")},
		{"POST /api/v1/orders", public, "", h.Channels.API.Import("orders")},
		{"POST /api/v1/invoices", public, "", h.Channels.API.Import("invoices")},
	}), inModule(platform.ModuleMSP, []line{
		{"POST /api/v1/devices", public, "", h.Channels.API.Import("devices")}, // the MSP module's devices (app/msp)
	}), always([]line{

		// Panel: dashboard and tenant switcher.
		{"GET /app/{$}", panel, auth.ReadPanel, h.Dashboard.Show},
		// The first steps' widget step marked not needed, or needed again (app/dashboard).
		{"POST /app/setup/widget", panel, auth.ManageSettings, h.Dashboard.SkipWidget},
		{"POST /app/switch/", panel, auth.ReadPanel, h.Account.Switch},
		// Panel: the signed-in user's own profile — password, two-step sign-in, sessions (app/account).
		{"GET /app/profile/", panel, auth.ReadPanel, h.Account.Profile},
		{"POST /app/profile/name", panel, auth.ReadPanel, h.Account.SaveName},
		{"POST /app/profile/password", panel, auth.ReadPanel, h.Account.ChangePassword},
		{"POST /app/profile/sessions/revoke", panel, auth.ReadPanel, h.Account.SignOutEverywhere},
		{"POST /app/profile/sessions/{id}/revoke", panel, auth.ReadPanel, h.Account.RevokeSession},
		{"POST /app/profile/2fa/start", panel, auth.ReadPanel, h.Account.StartTwoFactor},
		{"POST /app/profile/2fa/confirm", panel, auth.ReadPanel, h.Account.ConfirmTwoFactor},
		{"POST /app/profile/2fa/disable", panel, auth.ReadPanel, h.Account.DisableTwoFactor},

		// Panel: the signed-in person's notifications, phone push and preferences (app/notify); the
		// service worker is served from the root so its scope is the whole panel.
		{"GET /app/notifications/{$}", panel, auth.ReadPanel, h.Notify.List},
		{"GET /app/notifications/{id}", panel, auth.ReadPanel, h.Notify.Open},
		{"POST /app/notifications/{id}/read", panel, auth.ReadPanel, h.Notify.Read},
		{"POST /app/notifications/read-all", panel, auth.ReadPanel, h.Notify.ReadAll},
		{"GET /app/notifications/settings", panel, auth.ReadPanel, h.Notify.Prefs},
		{"POST /app/notifications/settings", panel, auth.ReadPanel, h.Notify.SavePrefs},
		{"POST /app/notifications/push/subscribe", panel, auth.ReadPanel, h.Notify.Subscribe},
		{"POST /app/notifications/push/unsubscribe", panel, auth.ReadPanel, h.Notify.Unsubscribe},
		{"GET /sw.js", public, "", h.Notify.ServiceWorker},

		// Panel: inbox (app/inbox).
		{"GET /app/inbox/{$}", panel, auth.ReadPanel, h.Inbox.List},
		{"GET /app/inbox/events", panel, auth.ReadPanel, h.Inbox.Events},
		{"GET /app/inbox/export", panel, auth.ExportData, h.Inbox.Export}, // the list as CSV/XLSX, with its filters (app/export)
		{"POST /app/inbox/new/{$}", panel, auth.WriteInbox, h.Inbox.New},
		{"GET /app/inbox/{id}/{$}", panel, auth.ReadPanel, h.Inbox.Detail},
		{"POST /app/inbox/{id}/{$}", panel, auth.WriteInbox, h.Inbox.Update},
		{"GET /app/inbox/{id}/timeline", panel, auth.ReadPanel, h.Inbox.Timeline},
		{"GET /app/inbox/{id}/earlier", panel, auth.ReadPanel, h.Inbox.Earlier},
		{"POST /app/inbox/{id}/unread", panel, auth.WriteInbox, h.Inbox.Unread},
		{"POST /app/inbox/{id}/suggest", panel, auth.WriteInbox, h.Inbox.Suggest},
		{"POST /app/inbox/{id}/attach", panel, auth.WriteInbox, h.Inbox.Attach},         // the composer sends a photo or PDF (multipart)
		{"POST /app/inbox/{id}/template", panel, auth.WriteInbox, h.Inbox.SendTemplate}, // outside WhatsApp's window: an approved template
		// Photos and files of the active tenant's messages (app/media): ?v=thumb, ?download=1.
		{"GET /app/media/{id}", panel, auth.ReadPanel, h.MediaFiles.Panel},
		// One person's photos and files, and erasing them for good (owner; a data subject's request).
		{"GET /app/media/lead/{id}/", panel, auth.ManageSettings, h.MediaFiles.LeadFiles},
		{"POST /app/media/lead/{id}/erase", panel, auth.ManageSettings, h.MediaFiles.EraseLeadFiles},
		// One person's data (KVKK, owner): everything about them as JSON or a readable summary, and
		// erasing them from every room (app/kvkk).
		{"GET /app/kvkk/leads/{id}/{$}", panel, auth.ExportData, h.KVKK.Page},
		{"GET /app/kvkk/leads/{id}/export.json", panel, auth.ExportData, h.KVKK.JSON},
		{"GET /app/kvkk/leads/{id}/summary", panel, auth.ExportData, h.KVKK.Summary},
		{"POST /app/kvkk/leads/{id}/erase", panel, auth.ExportData, h.KVKK.Erase},
		{"POST /app/inbox/{id}/messages/{mid}/retry", panel, auth.WriteInbox, h.Inbox.Retry},
		{"POST /app/inbox/{id}/scheduled/{mid}/cancel", panel, auth.WriteInbox, h.Inbox.CancelScheduled},
		{"GET /app/settings/templates", panel, auth.ManageSettings, h.Inbox.TemplatesPage},
		{"POST /app/settings/templates", panel, auth.ManageSettings, h.Inbox.SaveTemplate},
		{"POST /app/settings/templates/{id}", panel, auth.ManageSettings, h.Inbox.SaveTemplate},
		{"POST /app/settings/templates/{id}/delete", panel, auth.ManageSettings, h.Inbox.DeleteTemplate},
		// Panel: leads, a lead's page and the pipeline board (app/leads); every change goes
		// through the inbox, which owns leads (a merge is the owner's: it is not undone).
		{"GET /app/leads/{$}", panel, auth.ReadPanel, h.Leads.List},
		{"GET /app/leads/export", panel, auth.ExportData, h.Leads.Export}, // the list as CSV/XLSX, with its filters (app/export)
		{"GET /app/leads/{id}/{$}", panel, auth.ReadPanel, h.Leads.Show},
		{"POST /app/leads/{id}/stage", panel, auth.WriteInbox, h.Leads.Stage},
		{"POST /app/leads/{id}/value", panel, auth.WriteInbox, h.Leads.Value},
		{"POST /app/leads/{id}/email", panel, auth.WriteInbox, h.Leads.Email},
		{"POST /app/leads/{id}/phone", panel, auth.WriteInbox, h.Leads.Phone},
		{"POST /app/leads/{id}/merge", panel, auth.ManageSettings, h.Leads.Merge},
		{"GET /app/pipeline/{$}", panel, auth.ReadPanel, h.Leads.Pipeline},
		// Panel: approval queue (app/approvals) and the product catalog the assistant quotes from (app/crm).
		{"GET /app/approvals/", panel, auth.ReadPanel, h.Approvals.Index},
		{"POST /app/approvals/bulk", panel, auth.DecideRecommendations, h.Approvals.Bulk},
		{"POST /app/approvals/{id}/approve", panel, auth.DecideRecommendations, h.Approvals.Approve},
		{"POST /app/approvals/{id}/reject", panel, auth.DecideRecommendations, h.Approvals.Reject},
		{"POST /app/approvals/{id}/execute", panel, auth.DecideRecommendations, h.Approvals.Execute},
		{"POST /app/approvals/{id}/send", panel, auth.DecideRecommendations, h.Approvals.Send},
		// Panel: follow-ups (app/followups): the sequences running and the owner's rules.
		{"GET /app/followups/", panel, auth.ReadPanel, h.FollowUps.Index},
		{"POST /app/followups/settings", panel, auth.ManageSettings, h.FollowUps.Save},
		// Panel: written quotes (app/quotes): editor, approval, PDF, sending; the owner's snippets.
		{"GET /app/quotes/{$}", panel, auth.ReadPanel, h.Quotes.List},
		{"GET /app/quotes/new", panel, auth.WriteInbox, h.Quotes.NewForm}, // the new-quote editor: nothing stored until its first save
		{"POST /app/quotes/new", panel, auth.WriteInbox, h.Quotes.New},
		{"GET /app/quotes/settings", panel, auth.ManageSettings, h.Quotes.Settings},
		{"POST /app/quotes/settings/details", panel, auth.ManageSettings, h.Quotes.SaveDetails},
		{"GET /app/quotes/settings/logo", panel, auth.ManageSettings, h.Quotes.Logo},
		{"POST /app/quotes/settings/logo", panel, auth.ManageSettings, h.Quotes.SaveLogo}, // the quote PDF's logo (multipart)
		{"POST /app/quotes/settings/logo/delete", panel, auth.ManageSettings, h.Quotes.RemoveLogo},
		{"POST /app/quotes/settings/snippets", panel, auth.ManageSettings, h.Quotes.SaveSnippet},
		{"POST /app/quotes/settings/snippets/{id}", panel, auth.ManageSettings, h.Quotes.SaveSnippet},
		{"GET /app/quotes/{id}/{$}", panel, auth.ReadPanel, h.Quotes.Show},
		// Panel: booking a site visit from a conversation; cancelling it, a no-show (app/visits).
		{"GET /app/visits/book", panel, auth.WriteInbox, h.Book.Form},
		{"POST /app/visits/book", panel, auth.WriteInbox, h.Book.Book},
		{"POST /app/visits/{id}/cancel", panel, auth.WriteInbox, h.Book.Cancel},
		{"POST /app/visits/{id}/no-show", panel, auth.WriteInbox, h.Book.NoShow},
		{"POST /app/quotes/{id}/{$}", panel, auth.WriteInbox, h.Quotes.Save},
		{"POST /app/quotes/{id}/submit", panel, auth.WriteInbox, h.Quotes.Submit},
		{"POST /app/quotes/{id}/revise", panel, auth.WriteInbox, h.Quotes.Revise},
		{"POST /app/quotes/{id}/send", panel, auth.WriteInbox, h.Quotes.Send},
		{"GET /app/quotes/{id}/pdf", panel, auth.ReadPanel, h.Quotes.PDFFile},
		// Panel: site visits (app/visits): the team's calendar, a visit's page, moving it (a new
		// date goes back to the approval queue), its outcome, and each member's own calendar feed.
		{"GET /app/visits/{$}", panel, auth.ReadPanel, h.Visits.Calendar},
		{"GET /app/visits/{id}/{$}", panel, auth.ReadPanel, h.Visits.Visit},
		{"POST /app/visits/{id}/reschedule", panel, auth.WriteInbox, h.Visits.Move},
		{"GET /app/visits/{id}/outcome", panel, auth.WriteInbox, h.Visits.OutcomeForm},
		{"POST /app/visits/{id}/outcome", panel, auth.WriteInbox, h.Visits.SaveOutcome},
		{"GET /app/visits/feed", panel, auth.ReadPanel, h.Visits.FeedPage},
		{"POST /app/visits/feed", panel, auth.ReadPanel, h.Visits.MakeFeed},
		{"POST /app/visits/feed/revoke", panel, auth.ReadPanel, h.Visits.RevokeFeed},
		// A member's visits for the phone's own calendar (iCal): the secret token is the key.
		{"GET /ical/{slug}/{file}", public, "", h.Visits.ICal},
		// Panel: KPI & CRM (app/analytics, app/crm).
		{"GET /app/analytics/", panel, auth.ReadPanel, h.Analytics.Page},
		{"GET /app/analytics/chart_pack.json", panel, auth.ReadPanel, h.Analytics.ChartPack},
		{"POST /app/analytics/refresh", panel, auth.RefreshKPI, h.Analytics.Refresh},
		{"GET /app/logs/", panel, auth.ReadPanel, h.Logs.List},
	}), inModule(platform.ModuleSales, []line{
		// Module sales: the product catalog the assistant quotes from and the customers, orders
		// and invoices lists (app/crm); the menu's "Customers" group.
		{"GET /products/", panel, auth.ReadCRM, h.Products.List},
		{"POST /products/", panel, auth.WriteCRM, h.Products.Save},
		{"POST /products/{id}/", panel, auth.WriteCRM, h.Products.Save},
		{"POST /products/{id}/active", panel, auth.WriteCRM, h.Products.SetActive},
		{"GET /customers/{$}", panel, auth.ReadCRM, h.CRM.List(crm.EntityCustomers)},
		{"GET /customers/new", panel, auth.WriteCRM, h.CRM.New(crm.EntityCustomers)},
		{"GET /customers/export", panel, auth.ExportData, h.CRM.Export(crm.EntityCustomers)},
		{"POST /customers/new", panel, auth.WriteCRM, h.CRM.Save(crm.EntityCustomers)},
		{"GET /customers/{id}/", panel, auth.ReadCRM, h.CRM.Show(crm.EntityCustomers)},
		{"POST /customers/{id}/", panel, auth.WriteCRM, h.CRM.Save(crm.EntityCustomers)},
		{"GET /customers", public, "", slashRedirect("/customers/")},
		{"GET /orders/{$}", panel, auth.ReadCRM, h.CRM.List(crm.EntityOrders)},
		{"GET /orders/new", panel, auth.WriteCRM, h.CRM.New(crm.EntityOrders)},
		{"GET /orders/export", panel, auth.ExportData, h.CRM.Export(crm.EntityOrders)},
		{"POST /orders/new", panel, auth.WriteCRM, h.CRM.Save(crm.EntityOrders)},
		{"GET /orders/{id}/", panel, auth.ReadCRM, h.CRM.Show(crm.EntityOrders)},
		{"POST /orders/{id}/", panel, auth.WriteCRM, h.CRM.Save(crm.EntityOrders)},
		{"GET /orders", public, "", slashRedirect("/orders/")},
		{"GET /invoices/{$}", panel, auth.ReadCRM, h.CRM.List(crm.EntityInvoices)},
		{"GET /invoices/new", panel, auth.WriteCRM, h.CRM.New(crm.EntityInvoices)},
		{"GET /invoices/export", panel, auth.ExportData, h.CRM.Export(crm.EntityInvoices)},
		{"POST /invoices/new", panel, auth.WriteCRM, h.CRM.Save(crm.EntityInvoices)},
		{"GET /invoices/{id}/", panel, auth.ReadCRM, h.CRM.Show(crm.EntityInvoices)},
		{"POST /invoices/{id}/", panel, auth.WriteCRM, h.CRM.Save(crm.EntityInvoices)},
		{"GET /invoices", public, "", slashRedirect("/invoices/")},
		// A lead linked to a customer of the CRM, found or created here (app/leads).
		{"POST /app/leads/{id}/customer", panel, auth.WriteCRM, h.Leads.Customer},
	}), inModule(platform.ModuleInventory, []line{
		// Module inventory: a product's stock, its movements and the forms (app/inventory): the
		// team reads it, operators book goods in and count, the owner sets reorder levels.
		{"GET /products/{id}/stock", panel, auth.ReadCRM, h.Stock.Stock},
		{"POST /products/{id}/stock/receive", panel, auth.WriteCRM, h.Stock.Receive},
		{"POST /products/{id}/stock/adjust", panel, auth.WriteCRM, h.Stock.Adjust},
		{"POST /products/{id}/stock/settings", panel, auth.ManageSettings, h.Stock.Settings},
	}), inModule(platform.ModuleRepair, []line{
		// Module repair: repair requests (app/crm).
		{"GET /repair-requests/{$}", panel, auth.ReadCRM, h.CRM.List(crm.EntityRepairRequests)},
		{"GET /repair-requests/new", panel, auth.WriteCRM, h.CRM.New(crm.EntityRepairRequests)},
		{"GET /repair-requests/export", panel, auth.ExportData, h.CRM.Export(crm.EntityRepairRequests)},
		{"POST /repair-requests/new", panel, auth.WriteCRM, h.CRM.Save(crm.EntityRepairRequests)},
		{"GET /repair-requests/{id}/", panel, auth.ReadCRM, h.CRM.Show(crm.EntityRepairRequests)},
		{"POST /repair-requests/{id}/", panel, auth.WriteCRM, h.CRM.Save(crm.EntityRepairRequests)},
		{"GET /repair-requests", public, "", slashRedirect("/repair-requests/")},
	}), inModule(platform.ModuleMSP, []line{
		// Module msp: the SLA policies (app/msp): the team reads them, the owner edits.
		{"GET /app/msp/sla/{$}", panel, auth.ReadPanel, h.SLA.Policies},
		{"POST /app/msp/sla/{$}", panel, auth.ManageSettings, h.SLA.Save},
		{"POST /app/msp/sla/{id}", panel, auth.ManageSettings, h.SLA.Save},
		// Module msp: contracts and time (app/msp): contracts are the owner's to
		// manage, everyone reads them; operators log time (timer, entries); the timesheet is read by all.
		{"GET /app/msp/contracts/{$}", panel, auth.ReadPanel, h.MSPTime.Contracts},
		{"GET /app/msp/contracts/new", panel, auth.ManageSettings, h.MSPTime.NewContract},
		{"POST /app/msp/contracts/new", panel, auth.ManageSettings, h.MSPTime.SaveContract},
		{"GET /app/msp/contracts/{id}/{$}", panel, auth.ReadPanel, h.MSPTime.Contract},
		{"POST /app/msp/contracts/{id}/{$}", panel, auth.ManageSettings, h.MSPTime.SaveContract},
		{"GET /app/msp/contracts/{id}/edit", panel, auth.ManageSettings, h.MSPTime.EditContract},
		{"POST /app/msp/contracts/{id}/end", panel, auth.ManageSettings, h.MSPTime.EndContract},
		{"GET /app/msp/time", panel, auth.ReadPanel, h.MSPTime.Timesheet},
		{"GET /app/msp/time/export", panel, auth.ExportData, h.MSPTime.ExportTime},
		// A month's billing: the team reads it; a closed month is reopened (with a reason) and
		// closed again by an owner.
		{"GET /app/msp/time/months/{month}", panel, auth.ReadPanel, h.MSPTime.Month},
		{"POST /app/msp/time/months/{month}/reopen", panel, auth.ReopenBillingMonth, h.MSPTime.ReopenMonth},
		{"POST /app/msp/time/months/{month}/close", panel, auth.ReopenBillingMonth, h.MSPTime.CloseMonth},
		// The month's summary for billing: what each client is invoiced (the owner's, as the exports).
		{"GET /app/msp/time/summary", panel, auth.ExportData, h.MSPTime.MonthSummary},
		{"GET /app/msp/time/summary/export", panel, auth.ExportData, h.MSPTime.ExportSummary},
		{"POST /app/msp/time/entries", panel, auth.WriteInbox, h.MSPTime.AddTime},
		{"POST /app/msp/time/entries/{id}/delete", panel, auth.WriteInbox, h.MSPTime.DeleteTime},
		{"GET /app/msp/time/entries/{id}/edit", panel, auth.WriteInbox, h.MSPTime.EditTime},
		{"POST /app/msp/time/entries/{id}/edit", panel, auth.WriteInbox, h.MSPTime.ChangeTime},
		{"POST /app/msp/time/timer/start", panel, auth.WriteInbox, h.MSPTime.StartTimer},
		{"POST /app/msp/time/timer/stop", panel, auth.WriteInbox, h.MSPTime.StopTimer},
		{"POST /app/msp/time/timer/discard", panel, auth.WriteInbox, h.MSPTime.DiscardTimer},
		{"GET /app/msp/tickets/{id}/time", panel, auth.ReadPanel, h.MSPTime.TicketTime},
		// Module msp: tickets (list, board, a ticket's page; working them is an operator's), clients
		// (the owner's), their sites and devices (app/msp).
		{"GET /app/msp/tickets/{$}", panel, auth.ReadPanel, h.MSP.Tickets},
		{"GET /app/msp/board", panel, auth.ReadPanel, h.MSP.Board},
		{"GET /app/msp/tickets/export", panel, auth.ExportData, h.MSP.ExportTickets},
		{"GET /app/msp/tickets/new", panel, auth.WriteInbox, h.MSP.New},
		{"POST /app/msp/tickets/new", panel, auth.WriteInbox, h.MSP.Create},
		{"POST /app/msp/tickets/link", panel, auth.WriteInbox, h.MSP.Link},
		{"GET /app/msp/tickets/{id}/{$}", panel, auth.ReadPanel, h.MSP.Ticket},
		{"POST /app/msp/tickets/{id}/status", panel, auth.WriteInbox, h.MSP.Status},
		{"POST /app/msp/tickets/{id}/assign", panel, auth.WriteInbox, h.MSP.Assign},
		{"POST /app/msp/tickets/{id}/edit", panel, auth.WriteInbox, h.MSP.Edit},
		{"POST /app/msp/tickets/{id}/note", panel, auth.WriteInbox, h.MSP.Note},
		{"POST /app/msp/tickets/{id}/reply", panel, auth.WriteInbox, h.MSP.Reply},
		{"POST /app/msp/tickets/{id}/proposal/{pid}/apply", panel, auth.WriteInbox, h.MSP.ApplyProposal},
		{"POST /app/msp/tickets/{id}/proposal/{pid}/dismiss", panel, auth.WriteInbox, h.MSP.DismissProposal},
		{"GET /app/msp/clients/{$}", panel, auth.ReadCRM, h.MSP.ClientsList},
		{"GET /app/msp/clients/new", panel, auth.ManageSettings, h.MSP.NewClient},
		{"POST /app/msp/clients/new", panel, auth.ManageSettings, h.MSP.SaveClient},
		{"GET /app/msp/clients/{id}/{$}", panel, auth.ReadCRM, h.MSP.Client},
		{"POST /app/msp/clients/{id}/{$}", panel, auth.ManageSettings, h.MSP.SaveClient},
		{"GET /app/msp/sites/{$}", panel, auth.ReadCRM, h.MSP.SitesList},
		{"GET /app/msp/sites/new", panel, auth.WriteCRM, h.MSP.NewSite},
		{"POST /app/msp/sites/new", panel, auth.WriteCRM, h.MSP.SaveSite},
		{"GET /app/msp/sites/{id}/{$}", panel, auth.ReadCRM, h.MSP.Site},
		{"POST /app/msp/sites/{id}/{$}", panel, auth.WriteCRM, h.MSP.SaveSite},
		{"GET /app/msp/devices/{$}", panel, auth.ReadCRM, h.MSP.DevicesList},
		{"GET /app/msp/devices/new", panel, auth.WriteCRM, h.MSP.NewDevice},
		{"POST /app/msp/devices/new", panel, auth.WriteCRM, h.MSP.SaveDevice},
		{"GET /app/msp/devices/{id}/{$}", panel, auth.ReadCRM, h.MSP.Device},
		{"POST /app/msp/devices/{id}/{$}", panel, auth.WriteCRM, h.MSP.SaveDevice},
	}), inModule(platform.ModuleSeasonal, []line{
		// Module seasonal: the seasonal calendar (app/seasonal): the team reads it; the owner adds
		// presets and their own dates, edits and removes them.
		{"GET /app/seasonal/{$}", panel, auth.ReadPanel, h.Seasonal.Calendar},
		{"GET /app/seasonal/new", panel, auth.ManageSettings, h.Seasonal.New},
		{"POST /app/seasonal/new", panel, auth.ManageSettings, h.Seasonal.Save},
		{"POST /app/seasonal/presets", panel, auth.ManageSettings, h.Seasonal.AddPresetHandler},
		{"GET /app/seasonal/{id}/edit", panel, auth.ManageSettings, h.Seasonal.Edit},
		{"POST /app/seasonal/{id}/edit", panel, auth.ManageSettings, h.Seasonal.Save},
		{"POST /app/seasonal/{id}/delete", panel, auth.ManageSettings, h.Seasonal.Delete},
	}), inModule(platform.ModuleConversionTracking, []line{
		// Module conversion_tracking (app/conversions): the owner's rules, destinations, delivery
		// log and monthly ad spend; a lead's click ids and conversion events (everyone reads them,
		// the owner withdraws a person's marketing consent).
		{"GET /app/settings/conversions", panel, auth.ManageSettings, h.Conversions.Settings},
		{"POST /app/settings/conversions", panel, auth.ManageSettings, h.Conversions.Save},
		{"POST /app/settings/conversions/spend", panel, auth.ManageSettings, h.Conversions.SaveSpend},
		{"POST /app/settings/conversions/deliveries/{id}/retry", panel, auth.ManageSettings, h.Conversions.RetryDelivery},
		{"POST /app/settings/conversions/test/{dest}", panel, auth.ManageSettings, h.Conversions.TestEvent},
		{"GET /app/conversions/leads/{id}", panel, auth.ReadPanel, h.Conversions.Lead},
		{"POST /app/conversions/leads/{id}/withdraw", panel, auth.ManageSettings, h.Conversions.Withdraw},
	}), always([]line{
		// Panel: owner settings.
		{"GET /app/settings/", panel, auth.ManageSettings, h.Settings.Show},
		{"POST /app/settings/profile", panel, auth.ManageSettings, h.Settings.SaveProfile},
		{"POST /app/settings/modules", panel, auth.ManageSettings, h.Settings.SaveModules},
		{"GET /app/settings/hours", panel, auth.ManageSettings, h.Settings.Hours},
		{"POST /app/settings/hours", panel, auth.ManageSettings, h.Settings.SaveHours},
		// Whether this business's databases are copied off the server, where to and when last (app/settings).
		{"GET /app/settings/backups", panel, auth.ManageSettings, h.Settings.Backups},
		{"POST /app/settings/users", panel, auth.ManageUsers, h.Settings.CreateUser},
		{"POST /app/settings/users/{id}/role", panel, auth.ManageUsers, h.Settings.ChangeRole},
		{"POST /app/settings/users/{id}/name", panel, auth.ManageUsers, h.Settings.SetName},
		{"POST /app/settings/users/{id}/disable", panel, auth.ManageUsers, h.Settings.SetDisabled},
		{"POST /app/settings/sessions/{id}/revoke", panel, auth.ManageUsers, h.Settings.RevokeSession},
		{"POST /app/settings/apikeys", panel, auth.ManageAPIKeys, h.Settings.CreateKey},
		{"POST /app/settings/apikeys/{id}/revoke", panel, auth.ManageAPIKeys, h.Settings.RevokeKey},

		// Staff console: tenants, their members, keys, AI settings and jobs; users; the platform
		// trail (app/staff). Staff users only; every other role gets 403.
		{"GET /staff/{$}", staffs, auth.StaffOnly, h.Staff.Tenants},
		{"POST /staff/tenants", staffs, auth.StaffOnly, h.Staff.CreateTenant},
		{"GET /staff/tenants/{slug}/", staffs, auth.StaffOnly, h.Staff.Tenant},
		{"POST /staff/tenants/{slug}/status", staffs, auth.StaffOnly, h.Staff.SetStatus},
		{"POST /staff/tenants/{slug}/profile", staffs, auth.StaffOnly, h.Staff.SaveProfile},
		{"POST /staff/tenants/{slug}/modules", staffs, auth.StaffOnly, h.Staff.SaveModules},
		{"POST /staff/tenants/{slug}/ai", staffs, auth.StaffOnly, h.Staff.SaveAI},
		{"POST /staff/tenants/{slug}/members", staffs, auth.StaffOnly, h.Staff.AddMember},
		{"POST /staff/tenants/{slug}/members/{id}/remove", staffs, auth.StaffOnly, h.Staff.RemoveMember},
		{"POST /staff/tenants/{slug}/apikeys/{id}/revoke", staffs, auth.StaffOnly, h.Staff.RevokeKey},
		{"POST /staff/tenants/{slug}/jobs/{id}/retry", staffs, auth.StaffOnly, h.Staff.RetryJob},
		{"GET /staff/users/", staffs, auth.StaffOnly, h.Staff.Users},
		{"POST /staff/users/{id}/reset-2fa", staffs, auth.StaffOnly, h.Staff.ResetTwoFactor},
		{"POST /staff/users/{id}/name", staffs, auth.StaffOnly, h.Staff.SetUserName},
		{"GET /staff/trail/", staffs, auth.StaffOnly, h.Staff.Trail},
	}))
}

// bodyClass is how long a route waits for a request body and whether strangers queue for it.
type bodyClass int

const (
	bodyForm    bodyClass = iota // public forms and JSON from anyone (login, widget, landing): 15 s, gated
	bodyPanel                    // signed-in forms: 15 s (a multipart upload: more while it moves); the session is checked before the body is read
	bodyKeyed                    // the integration API: 15 s; the API key is checked before the body is read
	bodyWebhook                  // provider webhooks (big batches from far away): 30 s; keyed like the API
	// The event stream (GET /app/inbox/events) takes no body, and requests without one never get a
	// read deadline, so it stays open as long as the browser keeps it.
)

// classOf puts a route of the table in its body class.
func classOf(rt Route) bodyClass {
	path := rt.Pattern[strings.IndexByte(rt.Pattern, ' ')+1:]
	switch {
	case rt.Access == panel, rt.Access == staffs:
		return bodyPanel
	case strings.HasPrefix(path, "/api/webhooks/"):
		return bodyWebhook
	case strings.HasPrefix(path, "/api/"):
		return bodyKeyed
	}
	return bodyForm
}

// UploadMinRate and UploadMaxTime bound a signed-in person's multipart upload (the visit outcome's
// photos, the composer's file): each 16 KB that arrive (128 kbit/s, far below a weak mobile
// uplink) buy one more second past the form timeout, up to 10 minutes in all (90 MB of photos
// at a little over 1 Mbit/s).
const (
	UploadMinRate = 16 << 10
	UploadMaxTime = 10 * time.Minute
)

// bodyRule maps a request to its route's body rule; a request no route takes is a stranger's form.
func (s *Server) bodyRule(mux *http.ServeMux, classes map[string]bodyClass) func(*http.Request) web.BodyRule {
	return func(r *http.Request) web.BodyRule {
		_, pattern := mux.Handler(r)
		switch classes[pattern] {
		case bodyWebhook:
			return web.BodyRule{Timeout: s.WebhookReadTimeout}
		case bodyPanel:
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				// Photos and files from a phone on a slow uplink: time grows with the bytes that
				// arrive (web.BodyRule.Rate); a stalled or trickling body is cut off as any form.
				return web.BodyRule{Timeout: s.FormReadTimeout, Rate: UploadMinRate, Cap: UploadMaxTime}
			}
			return web.BodyRule{Timeout: s.FormReadTimeout}
		case bodyKeyed:
			return web.BodyRule{Timeout: s.FormReadTimeout}
		}
		return web.BodyRule{Timeout: s.FormReadTimeout, Gate: s.BodyGate}
	}
}

// formText refuses a public form carrying text no keyboard types (web.CheckFormText) before its
// handler reads it; panel and staff routes check it in Server.panel and Server.staffOnly, once the
// person's language is known.
func (s *Server) formText(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := web.CheckFormText(r); err != nil {
			s.Fail(w, r, err)
			return
		}
		h(w, r)
	}
}

// refuseBody answers a stranger's body the gate turned away, as JSON on the JSON APIs.
func (s *Server) refuseBody(w http.ResponseWriter, r *http.Request, status int) {
	c := web.From(r)
	msg := c.T(fmt.Sprintf("error.%d.body", status))
	if strings.HasPrefix(r.URL.Path, "/widget/api/") || strings.HasPrefix(r.URL.Path, "/api/") {
		web.JSONError(w, r, nil, status, "busy", msg)
		return
	}
	s.errorPage(w, r, status, "")
}

// Handler builds the complete HTTP handler: the route table behind the shared middleware.
func (s *Server) Handler(h *Handlers) http.Handler {
	mux := http.NewServeMux()
	classes := map[string]bodyClass{}
	for _, rt := range s.Routes(h) {
		hf := rt.Handler
		switch rt.Access {
		case panel:
			hf = s.panel(rt.Perm, hf, rt.Module)
		case staffs:
			hf = s.staffOnly(hf)
		case public:
			if rt.Module != "" {
				hf = s.apiModule(h, rt.Module, hf)
			}
			if classOf(rt) == bodyForm && !strings.Contains(rt.Pattern, " /widget/api/") {
				// Not the API, webhooks or widget: they read their own bodies (JSON, CSV) as sent,
				// whatever the content type says.
				hf = s.formText(hf)
			}
		}
		mux.HandleFunc(rt.Pattern, hf)
		classes[rt.Pattern] = classOf(rt)
	}
	mux.Handle("GET "+static.Prefix, s.Assets.Handler())
	// The other trailing-slash form redirects to the one written in the table.
	for _, p := range []string{"/login", "/logout", "/app", "/app/inbox", "/app/leads", "/app/pipeline", "/app/approvals", "/app/followups", "/app/analytics", "/app/logs", "/app/quotes", "/app/settings", "/app/profile", "/app/notifications", "/app/visits", "/app/msp/contracts", "/app/msp/tickets", "/app/msp/clients", "/app/msp/sites", "/app/msp/devices", "/app/msp/sla", "/app/seasonal", "/staff", "/staff/users", "/staff/trail", "/healthz", "/readyz"} {
		mux.HandleFunc("GET "+p, slashRedirect(p+"/"))
	}
	mux.HandleFunc("GET /guide/{$}", slashRedirect("/guide"))
	mux.HandleFunc("/", s.NotFound)

	cop := http.NewCrossOriginProtection()
	// Outside callers with their own credentials (API keys, widget tokens) are not browsers of the panel.
	cop.AddInsecureBypassPattern("/api/")
	cop.AddInsecureBypassPattern("/widget/api/")
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden, "cross-origin request refused")
	}))
	return web.Chain(cop.Handler(mux), s.base, web.GuardBodies(s.bodyRule(mux, classes), s.refuseBody))
}
