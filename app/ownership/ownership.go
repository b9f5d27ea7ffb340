// Package ownership writes down, as data, which room (package under app/) owns each table of the
// tenant and platform schemas, and which read models may read other rooms' tables.
//
// The rule it records: a room writes only its own tables; another room that needs a change calls
// the owner's exported function. Read models (the dashboard, analytics, the integration API's read
// side) may read the tables they declare here, never write. The tests of this package read every
// SQL string in the Go source under app/ and fail on a write to another room's table or a read of
// one outside a declared read model; they also check that every table in schema/ has exactly one
// entry here and that the README's architecture table matches this list.
package ownership

import (
	"fmt"
	"strings"
)

// Table is one table of a schema and the room that owns it.
type Table struct {
	Name string // as in the CREATE TABLE of schema/<DB>/
	DB   string // "tenant", "platform" or "media" (each tenant's tenants/<slug>.media.db)
	Room string // package path under app/, e.g. "inbox" or "channels/api"
}

// Tables lists every table of both schemas with its owner, grouped by room.
var Tables = []Table{
	// The conversation with a person: who they are as a lead, the thread, its words and its search.
	{"leads", "tenant", "inbox"},
	{"conversations", "tenant", "inbox"},
	{"messages", "tenant", "inbox"},
	{"tags", "tenant", "inbox"},
	{"conversation_tags", "tenant", "inbox"},
	{"templates", "tenant", "inbox"},
	{"conversation_search", "tenant", "inbox"},
	{"search_terms", "tenant", "inbox"},
	{"search_pending", "tenant", "inbox"},
	{"mentions", "tenant", "inbox"},

	// What the assistant proposes and a person decides.
	{"decision_recommendations", "tenant", "approvals"},

	// The business records behind the conversations.
	{"customers", "tenant", "crm"},
	{"products", "tenant", "crm"},
	{"orders", "tenant", "crm"},
	{"invoices", "tenant", "crm"},
	{"repair_requests", "tenant", "crm"},
	{"order_lines", "tenant", "crm"},
	// Stock: the counted products and every movement of their stock (module inventory).
	{"stock_items", "tenant", "inventory"},
	{"stock_movements", "tenant", "inventory"},

	// The business's opening hours and the after-hours acknowledgements already sent.
	{"business_hours", "tenant", "hours/hoursdb"},
	{"after_hours_acks", "tenant", "hours/hoursdb"},

	// Written quotes, their lines and the owner's approved payment and warranty texts.
	{"quotes", "tenant", "quotes"},
	{"quote_lines", "tenant", "quotes"},
	{"quote_snippets", "tenant", "quotes"},

	// Site visits (keşif): the visit, who goes, the photos taken on site and each member's
	// secret calendar feed.
	{"site_visits", "tenant", "visits"},
	{"site_visit_assignees", "tenant", "visits"},
	{"site_visit_photos", "tenant", "visits"},
	{"visit_feeds", "tenant", "visits"},

	// The MSP module: an IT provider's clients (CRM customers with MSP fields), their sites and
	// devices, and tickets with their numbers and timeline.
	{"msp_clients", "tenant", "msp"},
	{"msp_sites", "tenant", "msp"},
	{"msp_devices", "tenant", "msp"},
	{"msp_ticket_numbers", "tenant", "msp"},
	{"msp_tickets", "tenant", "msp"},
	{"msp_ticket_events", "tenant", "msp"},
	{"msp_ticket_search", "tenant", "msp"},
	{"msp_sla_policies", "tenant", "msp"},
	{"msp_ticket_sla", "tenant", "msp"},
	{"msp_ticket_sla_pauses", "tenant", "msp"},
	// Contracts (what they cover) and time worked, with each person's running timer.
	{"msp_contracts", "tenant", "msp"},
	{"msp_contract_sites", "tenant", "msp"},
	{"msp_contract_devices", "tenant", "msp"},
	// The hours a contract included from a month on, once they were changed (closed months keep theirs).
	{"msp_contract_allowances", "tenant", "msp"},
	// The price a contract had from a month on, once it was changed (closed months keep theirs).
	{"msp_contract_prices", "tenant", "msp"},
	{"msp_time_entries", "tenant", "msp"},
	{"msp_timers", "tenant", "msp"},
	// Months closed for billing that an owner reopened (with the reason), and the exports of each
	// month's time, whose documents must be issued again after a correction.
	{"msp_month_reopens", "tenant", "msp"},
	{"msp_month_exports", "tenant", "msp"},
	// The assistant's category and priority proposals on tickets (their drafts wait in the approval queue).
	{"msp_ticket_proposals", "tenant", "msp"},

	// Follow-ups: the owner's rules and each conversation's sequence of follow-up drafts.
	{"followup_settings", "tenant", "followups"},
	{"followups", "tenant", "followups"},
	// The seasonal calendar module: the campaign dates a business prepares for and the
	// recommendations its job raised for them (once per campaign and year).
	{"seasonal_campaigns", "tenant", "seasonal"},
	{"seasonal_raised", "tenant", "seasonal"},

	// Telling the team: each person's notifications in this tenant (their push subscriptions and
	// preferences belong to the person, in the control database below).
	{"notifications", "tenant", "notify"},

	// The e-mail channel: the mailbox's last read, good or failed (the channels settings page).
	{"email_reads", "tenant", "channels/email"},

	// Conversion tracking (module conversion_tracking): a lead's ad click ids and campaign kept
	// with marketing consent, the owner's rules and destinations, the conversion events and one
	// delivery per event per destination, and the monthly ad spend per campaign.
	{"lead_attribution", "tenant", "conversions"},
	{"conversion_settings", "tenant", "conversions"},
	{"conversion_events", "tenant", "conversions"},
	{"conversion_deliveries", "tenant", "conversions"},
	{"ad_spend", "tenant", "conversions"},

	{"analytics_snapshots", "tenant", "analytics"},
	{"ai_usage", "tenant", "ai"},
	{"action_logs", "tenant", "audit"},
	{"jobs", "tenant", "jobs"},
	// Kept as history of raw webhook bodies from before deliveries became jobs (schema 00019);
	// nothing writes it any more, so it belongs with the queue that replaced it.
	{"data_import_jobs", "tenant", "jobs"},

	// Photos and files: which message a file belongs to (tenant file) and the bytes themselves,
	// once per content, in the tenant's media database.
	{"attachments", "tenant", "media"},
	{"blobs", "media", "media"},
	{"media_keys", "media", "media"},
	{"pins", "media", "media"},

	// The panel's spent one-time form tokens: a create form posted twice creates once (schema 00048).
	{"form_submissions", "tenant", "web"},

	// A data subject's requests: holds a row only inside an erasure's transaction (schema 00046).
	{"kvkk_erasing", "tenant", "kvkk"},

	// The control database.
	{"tenants", "platform", "platform"},
	{"tenant_settings", "platform", "platform"},
	{"users", "platform", "platform"},
	{"memberships", "platform", "platform"},
	{"api_keys", "platform", "platform"},
	{"sessions", "platform", "platform"},
	{"recovery_codes", "platform", "platform"},
	// Each tenant's module choices and the niches staff define (guide: 41-modules.md).
	{"tenant_modules", "platform", "platform"},
	{"custom_niches", "platform", "platform"},
	// Each run of `highvibe backup check` and what it found per database (the backups page).
	{"backup_checks", "platform", "platform"},
	{"backup_check_databases", "platform", "platform"},
	// Each tenant's newest audit row, kept outside the tenant file so cutting the file back shows.
	{"audit_heads", "platform", "audit"},
	// The platform trail: every staff action (console or command line), across tenants.
	{"platform_audit", "platform", "audit"},
	{"push_subscriptions", "platform", "notify"},
	{"notify_prefs", "platform", "notify"},
}

// ReadModel is code that may read tables of other rooms to build a view, and never writes them.
type ReadModel struct {
	Path   string   // a package ("dashboard") or one file ("channels/api/read_store.go") under app/
	What   string   // what it shows, for the README
	Tables []string // the other rooms' tables it may read; "*": any, named at run time
}

// ReadModels are the declared readers across rooms.
var ReadModels = []ReadModel{
	{
		Path:   "dashboard",
		What:   "the /app/ overview: today's numbers across the rooms, and whether a new business has products yet (its first steps)",
		Tables: []string{"leads", "conversations", "messages", "products"},
	},
	{
		Path: "analytics",
		What: "KPI snapshots, charts and the recommendations generated from them",
		Tables: []string{"leads", "conversations", "messages", "customers", "orders", "invoices",
			"decision_recommendations", "quotes", "site_visits"},
	},
	{
		Path:   "apptest/jobs.go",
		What:   "test support only: which background jobs a test is still waiting for (apptest.Settle), so a test reads after the work it needs has run",
		Tables: []string{"jobs"},
	},
	{
		Path:   "channels/api/read_store.go",
		What:   "the integration API's read side (GET /api/v1/...)",
		Tables: []string{"leads", "conversations", "decision_recommendations"},
	},
	{
		Path: "leads",
		What: "the leads list, a lead's page (its conversations, quotes, visits, orders, invoices, tickets and action-log rows) and the pipeline board",
		Tables: []string{"leads", "conversations", "orders", "invoices", "quotes", "site_visits", "msp_tickets",
			"action_logs"},
	},
	{
		Path: "inbox/search.go",
		What: "the inbox search document of a conversation, which folds in the linked customer's name " +
			"(the CRM calls inbox.ReindexLead when it changes one)",
		Tables: []string{"customers"},
	},
	{
		Path:   "inbox/queue_context.go",
		What:   "who a recommendation in the approval queue is about: the customer's name, channel and message",
		Tables: []string{"customers"},
	},
	{
		Path:   "msp/names.go",
		What:   "an MSP client's name (its CRM customer's name) in the MSP lists, and the customers not yet clients",
		Tables: []string{"customers"},
	},
	{
		Path: "followups/scan.go",
		What: "who is due a follow-up: widget and landing visitors with no reply from a person, customers quiet after a quote " +
			"(consent, the conversation's state)",
		Tables: []string{"leads", "conversations", "messages", "quotes"},
	},
	{
		Path:   "seasonal/lastyear.go",
		What:   "how many orders last year's week of a seasonal campaign had, for the recommendation its job raises",
		Tables: []string{"orders"},
	},
	{
		Path:   "conversions/value.go",
		What:   "a Purchase event's value: the won order of the lead or of a lead merged into it, else the paid invoice of its customer, else the expected value the team put on the lead",
		Tables: []string{"orders", "invoices", "leads"},
	},
	{
		Path:   "conversions/testevent.go",
		What:   "the newest test event of each ad platform on the conversion settings page, from the action-log rows the test and the settings save wrote",
		Tables: []string{"action_logs"},
	},
	{
		Path:   "conversions/report.go",
		What:   "the attribution report on the KPI page: leads, qualified, won and revenue by source, campaign and click-id platform",
		Tables: []string{"leads", "orders"},
	},
	{
		Path: "kvkk/person.go",
		What: "everything kept about one person, for their data export (KVKK): lead, customer, conversations, messages, files, the records made for them and what was sent about them to ad platforms",
		Tables: []string{"leads", "customers", "conversations", "messages", "attachments", "orders", "invoices", "quotes", "site_visits",
			"repair_requests", "msp_tickets", "decision_recommendations", "action_logs", "lead_attribution", "conversion_events", "conversion_deliveries"},
	},
	{
		Path:   "tenantdb/replica/check.go",
		What:   "the backup check: counts the rows of every table in the live file and in a restored copy",
		Tables: []string{"*"},
	},
}

// Owner returns the room that owns table, or "" for a table no schema declares.
func Owner(table string) string {
	for _, t := range Tables {
		if t.Name == table {
			return t.Room
		}
	}
	return ""
}

// Markdown renders the ownership as the README's tables: each room with the tables it owns (in
// the order of Tables), then the read models. TestREADMEOwnership keeps the README equal to it.
func Markdown() string {
	var b strings.Builder
	b.WriteString("| room | owns (writes; others call its functions) |\n|---|---|\n")
	var rooms []string
	owned := map[string][]string{}
	for _, t := range Tables {
		key := t.Room
		switch t.DB {
		case "platform":
			key += " (platform.db)"
		case "media":
			key += " (<slug>.media.db)"
		}
		if owned[key] == nil {
			rooms = append(rooms, key)
		}
		owned[key] = append(owned[key], "`"+t.Name+"`")
	}
	for _, r := range rooms {
		room, db, _ := strings.Cut(r, " ")
		fmt.Fprintf(&b, "| `%s/`%s | %s |\n", room, strings.TrimSuffix(" "+db, " "), strings.Join(owned[r], ", "))
	}
	b.WriteString("\n| read model | may read | what it shows |\n|---|---|---|\n")
	for _, m := range ReadModels {
		tables := make([]string, len(m.Tables))
		for i, t := range m.Tables {
			tables[i] = "`" + t + "`"
			if t == "*" {
				tables[i] = "every table"
			}
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", m.Path, strings.Join(tables, ", "), m.What)
	}
	return b.String()
}
