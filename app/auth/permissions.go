// Package auth decides who someone is (passwords, sessions, login throttling) and what they may do
// (the one permission list, described in guide: 02-roles.md, checked at the route for every handler).
package auth

// Permission is one capability of the role matrix.
type Permission string

// The capabilities. Every panel route in app/routes.go names exactly one of these.
const (
	ReadPanel             Permission = "read_panel"             // dashboard, inbox, conversations, approvals, KPI, logs
	WriteInbox            Permission = "write_inbox"            // notes, replies, state, next action, handoff, assignment, tags
	DecideRecommendations Permission = "decide_recommendations" // approve / reject / executed
	RefreshKPI            Permission = "refresh_kpi"            // rebuild the analytics snapshot
	ReadCRM               Permission = "read_crm"               // CRM lists
	WriteCRM              Permission = "write_crm"              // CRM create / edit
	ManageSettings        Permission = "manage_settings"        // greeting, widget, niche, privacy notice, templates, channels
	ReadAISettings        Permission = "read_ai_settings"       // AI settings and budget (read-only for owners)
	ManageUsers           Permission = "manage_users"           // users of the tenant
	ManageAPIKeys         Permission = "manage_api_keys"        // API keys
	ChangeAISettings      Permission = "change_ai_settings"     // staff only: provider, model, budget
	ExportData            Permission = "export_data"            // list exports (CSV/XLSX), a person's data and erasing it (KVKK)
	ReopenBillingMonth    Permission = "reopen_billing_month"   // reopen an MSP month closed for billing, and close it again
	StaffOnly             Permission = "staff_only"             // platform-wide views (jobs, tenants)
)

// Permissions lists every permission in declaration order (for the route × role matrix test).
var Permissions = []Permission{ReadPanel, WriteInbox, DecideRecommendations, RefreshKPI, ReadCRM, WriteCRM,
	ManageSettings, ReadAISettings, ManageUsers, ManageAPIKeys, ChangeAISettings, ExportData, ReopenBillingMonth, StaffOnly}

// grants is THE role matrix (guide: 02-roles.md). Staff users hold every permission in every tenant.
var grants = map[string]map[Permission]bool{
	"owner": {ReadPanel: true, WriteInbox: true, DecideRecommendations: true, RefreshKPI: true, ReadCRM: true,
		WriteCRM: true, ManageSettings: true, ReadAISettings: true, ManageUsers: true, ManageAPIKeys: true, ExportData: true,
		ReopenBillingMonth: true},
	"operator": {ReadPanel: true, WriteInbox: true, DecideRecommendations: true, RefreshKPI: true, ReadCRM: true, WriteCRM: true},
	"viewer":   {ReadPanel: true, ReadCRM: true},
}

// Roles are the tenant roles in the order the UI lists them.
var Roles = []string{"owner", "operator", "viewer"}

// Can reports whether a member with role (or a staff user) holds permission p.
func Can(role string, staff bool, p Permission) bool {
	if staff {
		return true
	}
	return grants[role][p]
}
