package platform

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The modules a tenant can have (guide: 41-modules.md). A route of app/routes.go names the module
// it belongs to, and the router answers 404 for it while the tenant has the module off; the data
// stays and comes back when the module is turned on again.
const (
	ModuleCore               = "core"          // dashboard, approvals, quotes, visits, KPI, logs, settings: always on
	ModuleConversations      = "conversations" // inbox and channels: always on
	ModuleSales              = "sales"         // products, customers, orders, invoices
	ModuleConstruction       = "construction"  // m² estimates from the catalog
	ModuleInventory          = "inventory"     // stock levels, movements, low-stock recommendations (app/inventory)
	ModuleSeasonal           = "seasonal"      // seasonal calendar (switch only, nothing yet)
	ModuleRepair             = "repair"        // repair requests
	ModuleMSP                = "msp"           // clients, sites, devices, tickets, SLAs (app/msp)
	ModuleConversionTracking = "conversion_tracking"
)

// Modules are every module, in the order the settings page lists them.
var Modules = []string{ModuleCore, ModuleConversations, ModuleSales, ModuleConstruction, ModuleInventory,
	ModuleSeasonal, ModuleRepair, ModuleMSP, ModuleConversionTracking}

// alwaysOn are the modules no one can turn off.
var alwaysOn = []string{ModuleCore, ModuleConversations}

// AlwaysOn reports whether module m can never be turned off.
func AlwaysOn(m string) bool { return slices.Contains(alwaysOn, m) }

// KnownModule reports whether m is a module name.
func KnownModule(m string) bool { return slices.Contains(Modules, m) }

// nicheModules are the optional modules each built-in niche starts with (guide:
// 20-niches.md); a custom niche names its own.
var nicheModules = map[string][]string{
	"parke_tas":      {ModuleSales, ModuleConstruction, ModuleRepair},
	"muteahhit":      {ModuleSales, ModuleConstruction, ModuleRepair},
	"emlakci":        {ModuleSales},
	"cicekci":        {ModuleSales, ModuleInventory, ModuleSeasonal},
	"kadin_koc":      {ModuleSales},
	"balci_aricilik": {ModuleSales, ModuleInventory},
	"default":        {ModuleSales, ModuleRepair},
}

// NicheModules returns the optional modules a built-in niche starts with (nil for an unknown one).
func NicheModules(niche string) []string { return slices.Clone(nicheModules[niche]) }

// HasModule reports whether the tenant has module m on: core and conversations always; another
// module when the owner turned it on, or, without a choice, when the tenant's niche starts with it.
func (t *Tenant) HasModule(m string) bool {
	if t == nil {
		return false
	}
	if AlwaysOn(m) {
		return true
	}
	if on, ok := t.moduleChoice[m]; ok {
		return on
	}
	return slices.Contains(t.nicheDefaults(), m)
}

// ModuleChosen reports whether the owner chose module m explicitly (else it follows the niche).
func (t *Tenant) ModuleChosen(m string) bool {
	_, ok := t.moduleChoice[m]
	return ok
}

// EnabledModules lists the tenant's modules that are on, in Modules order.
func (t *Tenant) EnabledModules() []string {
	var out []string
	for _, m := range Modules {
		if t.HasModule(m) {
			out = append(out, m)
		}
	}
	return out
}

func (t *Tenant) nicheDefaults() []string {
	if t.Niche != nil {
		return t.Niche.Modules
	}
	return nicheModules[t.NicheID]
}

// ParseModules reads a module list such as "sales,repair,msp": the optional modules to have on
// (core and conversations are always on and may be named too). "default" means no choice: every
// module follows the niche again. An unknown name is an error naming the known ones.
func ParseModules(v string) (list []string, useDefault bool, err error) {
	v = strings.TrimSpace(v)
	if v == "default" {
		return nil, true, nil
	}
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
		m := strings.ToLower(strings.TrimSpace(f))
		if !KnownModule(m) {
			return nil, false, &ValidationError{"modules", fmt.Sprintf("unknown module %q (known: %s; or default)", f, strings.Join(Modules, ", "))}
		}
		if !slices.Contains(list, m) && !AlwaysOn(m) {
			list = append(list, m)
		}
	}
	return list, false, nil
}

func checkModules(v string) string {
	if _, _, err := ParseModules(v); err != nil {
		return err.(*ValidationError).Msg
	}
	return ""
}

// loadModules reads the owner's module choices into t.
func (s *Service) loadModules(ctx context.Context, t *Tenant) error {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT module, enabled FROM tenant_modules WHERE tenant_id = ?`, t.ID)
	if err != nil {
		return fmt.Errorf("platform: modules: %w", err)
	}
	defer rows.Close()
	t.moduleChoice = map[string]bool{}
	for rows.Next() {
		var m string
		var on bool
		if err := rows.Scan(&m, &on); err != nil {
			return fmt.Errorf("platform: modules: %w", err)
		}
		t.moduleChoice[m] = on
	}
	return rows.Err()
}

// loadAllModules reads every tenant's module choices and custom niche into byID (ListTenants).
func (s *Service) loadAllModules(ctx context.Context, byID map[int64]*Tenant) error {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT tenant_id, module, enabled FROM tenant_modules`)
	if err != nil {
		return fmt.Errorf("platform: modules: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m string
		var on bool
		if err := rows.Scan(&id, &m, &on); err != nil {
			return fmt.Errorf("platform: modules: %w", err)
		}
		if t := byID[id]; t != nil {
			t.moduleChoice[m] = on
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("platform: modules: %w", err)
	}
	custom, err := s.CustomNiches(ctx)
	if err != nil {
		return err
	}
	for _, t := range byID {
		for _, n := range custom {
			if n.ID == t.NicheID {
				t.Niche = n
			}
		}
	}
	return nil
}

// storeModules writes an explicit module set inside tx: every optional module becomes on or off
// as list says (useDefault: every choice is forgotten and the niche decides again).
func storeModules(ctx context.Context, tx *sql.Tx, tenantID int64, list []string, useDefault bool, now string) error {
	if useDefault {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tenant_modules WHERE tenant_id = ?`, tenantID); err != nil {
			return fmt.Errorf("platform: modules: %w", err)
		}
		return nil
	}
	for _, m := range Modules {
		if AlwaysOn(m) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO tenant_modules(tenant_id, module, enabled, updated_at) VALUES(?,?,?,?)
			ON CONFLICT(tenant_id, module) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at`,
			tenantID, m, slices.Contains(list, m), now); err != nil {
			return fmt.Errorf("platform: modules: %w", err)
		}
	}
	return nil
}

// HasModule reports whether the tenant with slug has module m on, for work outside a request (jobs,
// the assistant); inside a request use the request's tenant (web.Ctx.HasModule).
func (s *Service) HasModule(ctx context.Context, slug, m string) (bool, error) {
	t, err := s.TenantBySlug(ctx, slug)
	if err != nil {
		return false, err
	}
	return t.HasModule(m), nil
}

func nowStamp() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
